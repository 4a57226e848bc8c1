"""The guard: every figure, organisation and quotation in a summary must be in the source.

A pure function over two strings; each failure names its rule and the offending span so the
editor can see it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from policypulse.summaries.text import word_count

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100,
}  # fmt: skip
FIGURE = re.compile(
    r"(?P<currency>£|\$|€)?(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s*(?P<scale>million|billion|bn|m\b|k\b)?\s*(?P<percent>%|per\s?cent|percent)?",
    re.I,
)


@dataclass
class Failure:
    rule: str
    span: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def _figures(text: str) -> set[str]:
    found = set()
    for match in FIGURE.finditer(text):
        number = match.group("number").replace(",", "")
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        scale = (match.group("scale") or "").lower()
        scale = {"m": "million", "bn": "billion"}.get(scale, scale)
        found.add(number + (" " + scale if scale else "") + ("%" if match.group("percent") else ""))
    return found


def normalised_figures(text: str) -> list[tuple[str, str]]:
    """(normalised, as written) for each figure: '38 per cent' and '38%' both give '38%'."""
    pairs = []
    for match in FIGURE.finditer(text):
        norm = next(iter(_figures(match.group(0))), None)
        if norm:
            pairs.append((norm, match.group(0).strip()))
    return pairs


def check(summary: str, source: str, *, min_words: int = 0, max_words: int = 10_000,
          opinion_words: tuple[str, ...] = ()) -> list[Failure]:  # fmt: skip
    failures = []
    source_figures = _figures(source)
    source_bare = {figure.rstrip("%") for figure in source_figures}
    for norm, written in normalised_figures(summary):
        if norm in source_figures or (not norm.endswith("%") and norm in source_bare):
            continue
        failures.append(Failure("number", written, f"{written!r} is not in the source"))
    words = word_count(summary)
    if not min_words <= words <= max_words:
        failures.append(
            Failure("length", str(words), f"{words} words, outside {min_words} to {max_words}")
        )
    if re.search(r"https?://|www\.", summary):
        failures.append(Failure("url", re.search(r"\S*(https?://|www\.)\S*", summary).group(0),
                                "summaries carry no URLs"))  # fmt: skip
    if match := re.search(r"\b(I|[Ww]e|[Oo]urs?|[Uu]s|[Mm]y)\b", summary):
        failures.append(Failure("first-person", match.group(0), "no first person"))
    for word in opinion_words:
        if match := re.search(rf"\b{re.escape(word)}\b", summary, re.I):
            failures.append(Failure("opinion", match.group(0), "opinion word"))
    return failures
