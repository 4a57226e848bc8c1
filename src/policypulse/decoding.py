"""Reading fetched web pages as text and as a tree: charset decoding that survives what real
servers declare, and a forgiving lxml parse. Shared by extraction (`harvest/extract.py`) and the
listing-page source adapter, which is why it sits below both."""

from __future__ import annotations

import re
import threading

import lxml.etree
import lxml.html
from charset_normalizer import from_bytes

from policypulse.errors import ExtractError


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode HTML whatever its declared charset says.

    A byte-order mark wins; then valid UTF-8 (a strong signal: legacy text is almost never
    valid UTF-8 by accident, and pages that declare latin-1 but send UTF-8 are common); then
    the declared or <meta> charset when it decodes cleanly; then charset detection."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in filter(None, [declared, _meta_charset(body)]):
        if encoding.lower().replace("-", "").replace("_", "") in (
            "utf8",
            "utf16",
            "ascii",
            "usascii",
        ):
            continue  # already shown wrong by the UTF-8 attempt
        try:
            return body.decode(_legacy(encoding))
        except (LookupError, UnicodeDecodeError):
            continue
    return _detected(body)


def _detected(body: bytes) -> str:
    """charset_normalizer's guess, preferring windows-1252 among equally clean candidates:
    on short pages the detector cannot tell Western encodings apart, and 1252 is the one the
    Western web actually uses."""
    matches = from_bytes(body)
    best = matches.best()
    if best is None:
        return body.decode("cp1252", errors="replace")
    for match in matches:
        if match.chaos <= best.chaos + 0.01 and "cp1252" in match.could_be_from_charset:
            try:
                return body.decode("cp1252")
            except UnicodeDecodeError:
                break
    return str(best)


def _legacy(encoding: str) -> str:
    """Browsers read latin-1 and ascii labels as windows-1252; so do we."""
    if encoding.lower().replace("_", "-") in ("iso-8859-1", "latin-1", "latin1", "l1"):
        return "cp1252"
    return encoding


def _meta_charset(body: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", body[:4096], re.I)
    return match.group(1).decode("ascii") if match else None


XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# lxml.html's own parser picks each element's Python class (FormElement, InputElement, ...) by
# calling back into Python every time an element is touched: a tenth of extracting a page.
# Nothing here or in trafilatura uses those form classes, so every element is an HtmlElement,
# chosen in C. One parser per thread: an lxml parser is not to be shared between threads.
_HTML_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)
_parsers = threading.local()


def html_parser() -> lxml.html.HTMLParser:
    """This thread's HTML parser (lxml.html's defaults, element classes chosen in C)."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(_HTML_CLASSES)
    return parser


def parse_html(html: str, url: str):
    """An lxml tree of decoded HTML (XHTML's `<?xml encoding=...?>` is dropped: lxml refuses
    it on text that is already decoded)."""
    try:
        return lxml.html.fromstring(
            XML_DECLARATION.sub("", html, count=1) or "<html></html>", parser=html_parser()
        )
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"{url}: unreadable HTML ({exc})") from None
