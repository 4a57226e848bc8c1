"""Header values from untrusted or editor-controlled text, and the policy that serialises them.

Names, titles and subjects may come from a CSV, a web form or harvested text: `header_text`
reduces them to one line of printable characters, so nothing can add a header. The policy keeps
the standard library's behaviour (78-column folding, RFC 2047 for non-ASCII) for ordinary
headers but writes `List-Unsubscribe` and the other URL headers on one line, unencoded: when the
default policy folds or encodes a long URL, Gmail and others ignore it and show no unsubscribe
button.
"""

from __future__ import annotations

import email.policy
import re
import unicodedata

UNFOLDED = frozenset({"list-unsubscribe", "list-unsubscribe-post", "list-archive", "archived-at"})
MAX_UNFOLDED = 990  # RFC 5322's 998-octet line limit, with the name and CRLF


def header_text(value: str, max_length: int = 200) -> str:
    """One printable line: control characters (CR, LF, NUL, tabs...) become spaces."""
    cleaned = "".join(
        " " if unicodedata.category(char)[0] in "CZ" and char != " " else char
        for char in str(value)
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if len(cleaned) > max_length:
        cleaned = cleaned[: max_length - 1].rstrip() + "…"
    return cleaned


def url_header_value(urls: list[str]) -> str:
    """`<url>, <url>`: refuses anything that could break out of the angle brackets."""
    for url in urls:
        if not url.isascii() or any(char in url for char in "<>\r\n \t,"):
            raise ValueError(f"not usable in a header: {url!r}")
    value = ", ".join(f"<{url}>" for url in urls)
    if len(value) > MAX_UNFOLDED:
        raise ValueError("header value too long to keep on one line")
    return value


class DigestPolicy(email.policy.EmailPolicy):
    """email.policy.SMTP, except that the URL headers are never folded or encoded."""

    def _unfolded(self, name: str, value) -> str | None:
        if name.lower() not in UNFOLDED:
            return None
        text = str(value)
        if not text.isascii() or "\r" in text or "\n" in text:
            return None
        return f"{name}: {text}{self.linesep}"

    def fold(self, name, value):
        return self._unfolded(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        line = self._unfolded(name, value)
        return line.encode("ascii") if line else super().fold_binary(name, value)


POLICY = DigestPolicy(linesep="\r\n", cte_type="7bit")
