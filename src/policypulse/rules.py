"""Per-source keep/block rules: regular expressions over an entry's title and URL.

Checked when a source is declared (`compile_rules` raises a SourceError naming the bad
pattern), applied when its entries are discovered, before anything is fetched. Matching is
case-insensitive and a pattern may match anywhere in the title or the URL. An entry is dropped
when any block pattern matches; when keep patterns exist, only entries matching one are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policypulse.errors import SourceError

MAX_PATTERN = 300


@dataclass(frozen=True)
class Rules:
    keep: tuple[re.Pattern, ...] = ()
    block: tuple[re.Pattern, ...] = ()

    def allows(self, title: str, url: str) -> bool:
        texts = (title or "", url or "")
        if any(p.search(t) for p in self.block for t in texts):
            return False
        return not self.keep or any(p.search(t) for p in self.keep for t in texts)


def compile_rules(keep: list[str] | tuple = (), block: list[str] | tuple = ()) -> Rules:
    return Rules(
        tuple(_compile(p, "keep") for p in keep or ()),
        tuple(_compile(p, "block") for p in block or ()),
    )


def _compile(pattern: str, which: str) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern.strip():
        raise SourceError(f"empty {which} pattern")
    if len(pattern) > MAX_PATTERN:
        raise SourceError(f"{which} pattern longer than {MAX_PATTERN} characters")
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise SourceError(f"invalid {which} pattern {pattern!r}: {exc}") from None


def filter_entries(entries: list, rules: Rules) -> tuple[list, int]:
    """(the entries the rules allow, how many were dropped)."""
    kept = [e for e in entries if rules.allows(e.title, e.url)]
    return kept, len(entries) - len(kept)
