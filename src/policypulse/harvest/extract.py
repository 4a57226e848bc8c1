"""Extraction: bytes in, plain values out. No database, no network."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urljoin

import htmldate
import pypdfium2 as pdfium
import trafilatura
from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError

from policypulse.catalogue.fingerprints import signature
from policypulse.decoding import decode_html, parse_html
from policypulse.errors import ExtractError

PDF_MAGIC = b"%PDF-"
# The harvest fetches in threads, but parsing is serialised: PDFium is not thread-safe, and
# trafilatura shares one lxml parser between calls. The GIL would serialise most of it anyway;
# the network waits still overlap.
EXTRACTION_LOCK = threading.RLock()


@dataclass
class Extracted:
    url: str
    title: str
    text: str
    publisher: str = ""
    published: datetime.date | None = None
    authors: list[str] = field(default_factory=list)
    description: str = ""
    pdf_links: list[tuple[str, str]] = field(default_factory=list)  # (url, link text)
    document_type: str = ""  # the publisher's own: govuk:format, GOV.UK's label, JSON-LD @type
    pdf_pages: dict[str, int] = field(default_factory=dict)  # stated "84 pages", by PDF URL
    fingerprint: tuple[str, bytes | None] | None = None  # of `text`, if the extractor made it


@dataclass
class PdfText:
    status: str  # ok, encrypted, corrupt, image-only
    pages: list[str] = field(default_factory=list)
    title: str = ""
    error: str = ""
    fingerprint: tuple[str, bytes | None] | None = None  # of `text`, if the extractor made it

    @property
    def text(self) -> str:
        return "\n\n".join(page for page in self.pages if page.strip())

    @property
    def key_section(self) -> str:
        return key_section(self.pages)


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    if content_type and ("html" in content_type or "xml" in content_type):
        return True
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<p>" in head


def extract_html(
    body: bytes,
    url: str,
    content_type: str = "",
    charset: str | None = None,
    main_selector: str | None = None,
) -> Extracted:
    """Main text and metadata of a landing page or HTML publication (thread-safe).
    `main_selector` (a source's CSS selector for the main text) overrides the main-text
    detection on sites where it fails; when it matches nothing, detection runs as usual."""
    with EXTRACTION_LOCK:
        return _extract_html(body, url, content_type, charset, main_selector)


def selected_text(tree, selector: str) -> str:
    """The text of the elements `selector` matches, a block per line; "" when none match."""
    try:
        nodes = CSSSelector(selector)(tree)
    except SelectorError as exc:
        raise ExtractError(f"invalid main-text selector {selector!r}: {exc}") from None
    blocks = []
    for node in nodes:
        parts = [" ".join(el.text_content().split()) for el in node.iter(*_BLOCKS)]
        parts = [p for p in parts if p] or [" ".join(node.text_content().split())]
        blocks.extend(p for p in parts if p)
    return "\n".join(blocks)


_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "pre")


def _extract_html(
    body: bytes, url: str, content_type: str, charset: str | None, main_selector: str | None = None
) -> Extracted:
    if body.startswith(PDF_MAGIC):
        raise ExtractError(f"{url} is a PDF, not an HTML page")
    if not looks_like_html(body, content_type):
        raise ExtractError(f"{url} is not an HTML page ({content_type or 'unknown type'})")
    html = decode_html(body, charset)
    tree = parse_html(html, url)
    # Each whole-tree search costs about as much as a tenth of trafilatura's work on a page:
    # the JSON-LD and GOV.UK label searches run only on pages that have them, and the links
    # are read in one pass for both the report PDFs and their stated page counts.
    json_ld = _json_ld(tree) if "application/ld+json" in html else []
    meta = _page_metadata(tree, json_ld)
    anchors = _anchors(tree)
    links = pdf_links(url, anchors)
    published = _parse_date(meta.get("date")) or _htmldate(tree, url)
    text = selected_text(tree, main_selector) if main_selector else ""
    if not text:
        text = main_text(tree, url)
    title = meta.get("title") or url
    authors = meta.get("authors") or []
    document_type, pdf_pages = publication_metadata(
        tree, url, json_ld, meta["format"], anchors, govuk_label=_GOVUK_LABEL_CLASS in html
    )
    return Extracted(
        url=url,
        title=_clean(title),
        text=text.strip(),
        publisher=_clean(meta.get("publisher") or ""),
        published=published,
        authors=authors,
        description=_clean(meta.get("description") or ""),
        pdf_links=links,
        document_type=_clean(document_type)[:100],
        pdf_pages=pdf_pages,
    )


# trafilatura's quick pass (its own extractor, without the comparison with readability and
# justext) costs about two thirds of its full run and gives the same text on most pages. Where
# it finds little (a thin landing page, or a layout it misreads), the full run decides. On
# the extraction benchmark's 179 real pages: F1 0.929 either way, at 0.84x the CPU of the
# full run on every page (19 pages run both). Quick pass alone: 7 pages lose half their text.
QUICK_PASS_ENOUGH = 1000  # characters


def main_text(tree, url: str) -> str:
    """The main text of a parsed page: trafilatura's quick pass, or its full run when the
    quick pass finds under QUICK_PASS_ENOUGH characters. trafilatura reads a copy of the
    tree (one parse for both passes and the metadata)."""
    for quick in (True, False):
        document = trafilatura.bare_extraction(
            tree, url=url, fast=quick, with_metadata=False, include_comments=False,
            favor_precision=False,
        )  # fmt: skip
        text = (document.text if document else "") or ""
        if len(text) >= QUICK_PASS_ENOUGH:
            break
    return text


MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]  # fmt: skip
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # fmt: skip
TEXT_DATES = [
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b", re.I), (2, 1, 0)),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), (2, 0, 1)),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), (0, 1, 2)),
]
DATE_CUE = re.compile(r"(published|released|publication date|first published|date)\W{0,3}$", re.I)


def _htmldate(tree, url: str) -> datetime.date | None:
    """htmldate's quick reading of the page (URL, <time>, date elements), then a
    "Published 4 November 2026" line near the top of the text. htmldate's extensive search is
    not used: its dateparser fallback costs seconds a page."""
    try:
        found = htmldate.find_date(
            tree, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
        )
    except Exception:  # noqa: BLE001 - hostile markup trips its asserts (`<IFRAME>` alone)
        found = None  # the date is optional: no date rather than no page
    return _parse_date(found) or date_in_text(" ".join(_FIRST_TEXTS(tree)))


# Compiled once; plain strings, not lxml's "smart" ones that each keep a link to their element.
_FIRST_TEXTS = etree.XPath("(//body//text())[position() <= 400]", smart_strings=False)
_JSON_LD = etree.XPath('//script[@type="application/ld+json"]/text()', smart_strings=False)
# The cheap `contains(@class, ...)` first: it holds wherever the exact class test does.
_GOVUK_LABEL_CLASS = "gem-c-title__context"
_GOVUK_LABEL = etree.XPath(
    f'//*[contains(@class, "{_GOVUK_LABEL_CLASS}")]'
    f'[contains(concat(" ", @class, " "), " {_GOVUK_LABEL_CLASS} ")]'
)


def _anchors(tree) -> list[tuple[object, str]]:
    """Every link of the page as (element, href stripped), in page order."""
    found = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href:
            found.append((anchor, href))
    return found


def date_in_text(text: str) -> datetime.date | None:
    """The first date in the text, preferring one just after "Published", "Released" ..."""
    text = " ".join(text.split())[:20000]
    found = []
    for pattern, order in TEXT_DATES:
        for match in pattern.finditer(text):
            parts = match.groups()
            year, month, day = (parts[i] for i in order)
            month_number = (
                int(month)
                if month.isdigit()
                else MONTHS.index(
                    next(m for m in MONTHS if m.startswith(month.lower().rstrip(".")[:3]))
                )
                + 1
            )
            try:
                value = datetime.date(int(year), month_number, int(day))
            except ValueError:
                continue
            cue = bool(DATE_CUE.search(text[max(0, match.start() - 25) : match.start()]))
            found.append((not cue, match.start(), value))
    return min(found)[2] if found else None


def _json_ld(tree) -> list:
    """The page's JSON-LD blocks, parsed (once: the metadata and the type both read them)."""
    found = []
    for script in _JSON_LD(tree):
        try:
            found.append(json.loads(script))
        except ValueError:
            continue
    return found


def _page_metadata(tree, json_ld: list) -> dict:
    """citation_*, Dublin Core, Open Graph and JSON-LD, most specific first."""

    tags: dict[str, str] = {}
    cited: list[str] = []  # citation_author, in page order: one tag per author
    for element in tree.iter("meta"):
        content = (element.get("content") or "").strip()
        name = element.get("name")
        key = name or element.get("property")
        if content and key and key not in tags:
            tags[key] = content
        if content and name == "citation_author":
            cited.append(content)

    def meta(*names: str) -> str:
        return next((tags[name] for name in names if name in tags), "")

    found = {
        "title": meta("citation_title", "DC.title", "dc.title", "og:title"),
        "publisher": meta(
            "citation_publisher", "DC.publisher", "dc.publisher", "og:site_name",
            "govuk:organisations", "application-name",
        ),
        "date": meta(
            "citation_publication_date", "citation_date", "DC.date", "dc.date",
            "article:published_time", "govuk:first-published-at",
        ),
        "description": meta("description", "og:description", "DC.description"),
        "authors": cited,
        "format": meta("govuk:format"),
    }  # fmt: skip
    for data in json_ld:
        for node in data if isinstance(data, list) else data.get("@graph", [data]):
            if not isinstance(node, dict):
                continue
            found["title"] = found["title"] or str(node.get("headline") or node.get("name") or "")
            found["date"] = found["date"] or str(node.get("datePublished") or "")
            publisher = node.get("publisher")
            if isinstance(publisher, dict) and not found["publisher"]:
                found["publisher"] = str(publisher.get("name") or "")
            if not found["authors"]:
                found["authors"] = _json_ld_people(node.get("author"))
    if not found["authors"]:
        found["authors"] = _split_authors(meta("author", "DC.creator", "dc.creator"))
    if not found["title"]:
        h1 = tree.xpath("//h1")
        found["title"] = h1[0].text_content() if h1 else ""
    if not found["title"]:
        titles = tree.xpath("//title/text()")
        found["title"] = titles[0] if titles else ""
    return found


GENERIC_JSON_LD_TYPES = {
    "webpage", "website", "webpageelement", "organization", "governmentorganization",
    "breadcrumblist", "listitem", "person", "imageobject", "searchaction", "wpheader",
    "wpfooter", "sitenavigationelement", "collectionpage", "itemlist", "place",
}  # fmt: skip
STATED_PAGES = re.compile(r"\b(\d{1,4}) pages?\b", re.I)


def publication_metadata(
    tree, base_url: str, json_ld: list, govuk_format: str, anchors: list, *, govuk_label: bool
) -> tuple[str, dict[str, int]]:
    """What the publisher says the page is, for the report-or-briefing type: GOV.UK's
    document type (`govuk:format`, else the label it shows above the title), else the
    JSON-LD @type of the page's main thing; and each PDF's length where the page states it
    (GOV.UK attachments say "PDF, 1.2 MB, 84 pages"), by the PDF's URL. What the caller has
    read already is passed in: the JSON-LD, the `govuk:format` meta tag's content, the links
    (`_anchors`), and `govuk_label=False` when the page has no GOV.UK title label."""
    document_type = govuk_format.strip()
    if not document_type and govuk_label:
        labels = _GOVUK_LABEL(tree)
        document_type = " ".join(labels[0].text_content().split()) if labels else ""
    if not document_type:
        document_type = _json_ld_type(json_ld)
    pages: dict[str, int] = {}
    for anchor, href in anchors:
        if not href.lower().split("?")[0].endswith(".pdf"):
            continue
        block = anchor
        for _ in range(4):  # the attachment block around the link: title, then its metadata
            block = block.getparent()
            if block is None:
                break
            if match := STATED_PAGES.search(" ".join(block.text_content().split())):
                pages.setdefault(urljoin(base_url, href), int(match.group(1)))
                break
    return document_type, pages


def _json_ld_type(json_ld: list) -> str:
    for data in json_ld:
        nodes = (
            data
            if isinstance(data, list)
            else data.get("@graph", [data])
            if isinstance(data, dict)
            else []
        )
        for node in nodes:
            kinds = node.get("@type") if isinstance(node, dict) else None
            for kind in kinds if isinstance(kinds, list) else [kinds]:
                if isinstance(kind, str) and kind.strip().lower() not in GENERIC_JSON_LD_TYPES:
                    return kind.strip()
    return ""


def _json_ld_people(value) -> list[str]:
    people = value if isinstance(value, list) else [value]
    names = []
    for person in people:
        name = person.get("name") if isinstance(person, dict) else person
        if isinstance(name, str) and name.strip():
            names.append(" ".join(name.split()))
    return names


PDF_DOWNLOAD = re.compile(r"\bdownload\b.*\bpdf\b|\bpdf\b.*\bdownload\b", re.I)


def pdf_links(base_url: str, anchors: list) -> list[tuple[str, str]]:
    """Links to the report PDF among the page's `_anchors`: .pdf hrefs, GOV.UK attachments,
    "download" links."""
    links, seen = [], set()
    for anchor, href in anchors:
        lowered = href.lower().split("?")[0].split("#")[0]
        is_pdf = lowered.endswith(".pdf") or (anchor.get("type") or "").lower() == "application/pdf"
        quick = href + (anchor.text or "") + "".join(child.text or "" for child in anchor)
        if not is_pdf and "download" not in quick.lower():
            continue
        label = " ".join(anchor.text_content().split())
        if not is_pdf and not PDF_DOWNLOAD.search(label):
            continue  # a "download" link that does not say it is a PDF
        absolute = urljoin(base_url, href)
        if absolute not in seen:
            seen.add(absolute)
            links.append((absolute, label))
    return links


def extract_pdf(body: bytes, max_pages: int = 400) -> PdfText:
    """Text page by page; encrypted, corrupt and image-only PDFs are reported, not raised."""
    with EXTRACTION_LOCK:
        return _extract_pdf(body, max_pages)


def _extract_pdf(body: bytes, max_pages: int) -> PdfText:
    if not body.startswith(PDF_MAGIC):
        return PdfText(status="corrupt", error="not a PDF (no %PDF- header)")
    try:
        document = pdfium.PdfDocument(body)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        status = "encrypted" if "password" in message.lower() else "corrupt"
        return PdfText(status=status, error=message)
    try:
        pages = []
        for index in range(min(len(document), max_pages)):
            page = document[index]
            text_page = page.get_textpage()
            pages.append(text_page.get_text_bounded().replace("\r\n", "\n").replace("\r", "\n"))
            text_page.close()
            page.close()
        title = (document.get_metadata_dict().get("Title") or "").strip()
    except pdfium.PdfiumError as exc:
        return PdfText(status="corrupt", error=str(exc))
    finally:
        document.close()
    if pages and not any(page.strip() for page in pages):
        return PdfText(status="image-only", pages=pages, title=title, error="no text layer")
    return PdfText(status="ok", pages=pages, title=title)


DOCX_MAGIC = b"PK\x03\x04"


def extract_docx(body: bytes, max_paragraphs: int = 20000) -> Extracted:
    """Text (paragraphs, then tables) and core properties of a Word document."""
    import io
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not body.startswith(DOCX_MAGIC):
        raise ExtractError("not a Word document (.docx is a zip file)")
    try:
        document = docx.Document(io.BytesIO(body))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractError(f"not a readable Word document: {exc}") from None
    blocks = [p.text.strip() for p in document.paragraphs[:max_paragraphs] if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [" ".join(cell.text.split()) for cell in row.cells]
            line = " | ".join(dict.fromkeys(cell for cell in cells if cell))
            if line:
                blocks.append(line)
    properties = document.core_properties
    created = properties.created
    return Extracted(
        url="",
        title=_clean(properties.title or ""),
        text="\n\n".join(blocks),
        published=created.date() if created else None,
        authors=_split_authors(properties.author),
        description=_clean(properties.subject or ""),
    )


KEY_HEADINGS = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(executive summary|summary of (?:key )?findings|key findings|"
    r"main findings|key points|main points|summary)\s*:?\s*$",
    re.I | re.M,
)
NEXT_HEADING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(introduction|background|contents|methodology|methods|"
    r"recommendations|chapter \d+|section \d+|\d+\.?\s+[A-Z][^\n]{2,60})\s*$",
    re.M,
)
TOC_LINE = re.compile(r"(\.{3,}|\s)\d{1,3}\s*$")


def key_section(pages: list[str], max_chars: int = 6000) -> str:
    """The executive summary or key findings of a report, when a heading marks one.

    The first matching heading that is not a table-of-contents line ("Summary ...... 3") starts
    the section; the next chapter-like heading, or `max_chars`, ends it. Preferred over the
    whole text by triage and summaries: it is what the authors chose to say first."""
    ranked = {"executive summary": 0, "key findings": 1, "summary of findings": 1,
              "summary of key findings": 1, "main findings": 1, "key points": 2,
              "main points": 2, "summary": 3}  # fmt: skip
    best: tuple[int, int, int] | None = None
    text = "\n".join(pages[:60])
    for match in KEY_HEADINGS.finditer(text):
        line_end = text.find("\n", match.start())
        line = text[match.start() : line_end if line_end != -1 else len(text)]
        if TOC_LINE.search(line.strip()) and not line.strip().lower().endswith("summary"):
            continue
        rank = ranked.get(" ".join(match.group(1).lower().split()), 3)
        if best is None or rank < best[0]:
            best = (rank, match.start(), match.end())
    if best is None:
        return ""
    body = text[best[2] :]
    ending = NEXT_HEADING.search(body, 200)
    section = body[: ending.start()] if ending else body
    section = section[:max_chars].strip()
    return section if len(section.split()) >= 30 else ""


def content_hash(text: str) -> str:
    normalised = " ".join(text.lower().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def fingerprint(text: str) -> tuple[str, bytes | None]:
    """(content hash, MinHash signature) of an extracted text: what de-duplication compares."""
    return (content_hash(text) if text else "", signature(text))


def _parse_date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    if match:
        try:
            return datetime.date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


def _split_authors(value: str | None) -> list[str]:
    return [part.strip() for part in re.split(r";|\band\b", value or "") if part.strip()]


def _clean(value: str) -> str:
    return " ".join(str(value).split())
