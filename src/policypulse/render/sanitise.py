"""Text from the web made safe once, for every format.

Everything harvested is untrusted: `clean_text` drops control and bidirectional-override
characters, so no format can be spoofed by them; each format then escapes for itself (Jinja
autoescape, XML in DOCX, the feed generator). The editor's Markdown becomes HTML here, with
only a few harmless tags left."""

from __future__ import annotations

import re

import markdown
import nh3

# C0/C1 controls (but tab and newline), bidi embeddings/overrides/isolates, the BOM, and
# U+E000, the private-use character render/email.py's placeholders are made of.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ue000]")
_SAFE_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "br"}


def clean_text(value: object) -> str:
    """Untrusted text without the characters that reorder or hide what a reader sees."""
    return _UNSAFE.sub("", str(value or ""))


def one_line(value: object) -> str:
    """For headers and titles: clean, and all whitespace (newlines too) folded to spaces."""
    return " ".join(clean_text(value).split())


def safe_url(value: object) -> str:
    """An http(s) link or nothing: no javascript:, data: or relative links from the web."""
    url = one_line(value)
    return url if url.lower().startswith(("http://", "https://")) else ""


def slug(value: str, length: int = 60) -> str:
    """An ASCII slug for permalinks: lower-case letters, digits and single hyphens only, the
    characters the archive's item URL accepts (slugify alone keeps `_`, which it did not). The
    id before it keeps the link stable if it changes."""
    from django.utils.text import slugify

    return re.sub(r"[^a-z0-9]+", "-", slugify(value))[:length].strip("-") or "item"


def markdown_to_safe_html(text: str) -> str:
    """Editor's Markdown to HTML, sanitised: the foreword may quote the web."""
    return nh3.clean(markdown.markdown(clean_text(text)), tags=_SAFE_TAGS)
