"""Extraction: bytes in, plain values out. No database, no network."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
import trafilatura
from charset_normalizer import from_bytes

from policypulse.errors import ExtractError

PDF_MAGIC = b"%PDF-"


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


@dataclass
class PdfText:
    status: str  # ok, encrypted, corrupt, image-only
    pages: list[str] = field(default_factory=list)
    title: str = ""
    error: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(page for page in self.pages if page.strip())


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode HTML honouring a declared charset only when it decodes cleanly."""
    for encoding in filter(None, [declared, _meta_charset(body)]):
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body).best()
        return str(best) if best else body.decode("utf-8", errors="replace")


def _meta_charset(body: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", body[:4096], re.I)
    return match.group(1).decode("ascii") if match else None


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    if content_type and ("html" in content_type or "xml" in content_type):
        return True
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<p>" in head


def extract_html(body: bytes, url: str, content_type: str = "") -> Extracted:
    """Main text and metadata of a landing page or HTML publication."""
    if body.startswith(PDF_MAGIC):
        raise ExtractError(f"{url} is a PDF, not an HTML page")
    if not looks_like_html(body, content_type):
        raise ExtractError(f"{url} is not an HTML page ({content_type or 'unknown type'})")
    html = decode_html(body)
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError(f"{url}: unreadable HTML ({exc})") from None
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=False
    )
    text = (document.text if document else "") or ""
    meta = _page_metadata(tree)
    title = meta.get("title") or (document.title if document else "") or url
    published = _parse_date(meta.get("date") or (document.date if document else None))
    authors = meta.get("authors") or _split_authors(document.author if document else "")
    return Extracted(
        url=url,
        title=_clean(title),
        text=text.strip(),
        publisher=_clean(meta.get("publisher") or (document.sitename if document else "") or ""),
        published=published,
        authors=authors,
        description=_clean(meta.get("description") or ""),
        pdf_links=pdf_links(tree, url),
    )


def _page_metadata(tree) -> dict:
    """citation_*, Dublin Core, Open Graph and JSON-LD, most specific first."""

    def meta(*names: str) -> str:
        for name in names:
            for attr in ("name", "property"):
                values = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
                if values and values[0].strip():
                    return values[0].strip()
        return ""

    found = {
        "title": meta("citation_title", "DC.title", "dc.title", "og:title"),
        "publisher": meta(
            "citation_publisher", "DC.publisher", "dc.publisher", "og:site_name", "govuk:organisations"
        ),
        "date": meta(
            "citation_publication_date", "citation_date", "DC.date", "dc.date",
            "article:published_time", "govuk:first-published-at",
        ),
        "description": meta("description", "og:description", "DC.description"),
        "authors": [
            value.strip()
            for value in tree.xpath('//meta[@name="citation_author"]/@content')
            if value.strip()
        ],
    }  # fmt: skip
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for node in data if isinstance(data, list) else data.get("@graph", [data]):
            if not isinstance(node, dict):
                continue
            found["title"] = found["title"] or str(node.get("headline") or node.get("name") or "")
            found["date"] = found["date"] or str(node.get("datePublished") or "")
            publisher = node.get("publisher")
            if isinstance(publisher, dict) and not found["publisher"]:
                found["publisher"] = str(publisher.get("name") or "")
    if not found["title"]:
        h1 = tree.xpath("//h1")
        found["title"] = h1[0].text_content() if h1 else ""
    if not found["title"]:
        titles = tree.xpath("//title/text()")
        found["title"] = titles[0] if titles else ""
    return found


def pdf_links(tree, base_url: str) -> list[tuple[str, str]]:
    """Links to the report PDF: .pdf hrefs, GOV.UK attachments, "download" links."""
    links, seen = [], set()
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href", "").strip()
        label = " ".join(anchor.text_content().split())
        lowered = href.lower().split("?")[0]
        if not (
            lowered.endswith(".pdf")
            or "/assets.publishing.service.gov.uk/media/" in lowered
            and lowered.endswith(".pdf")
            or (anchor.get("type") or "").lower() == "application/pdf"
        ):
            continue
        absolute = urljoin(base_url, href)
        if absolute not in seen:
            seen.add(absolute)
            links.append((absolute, label))
    return links


def extract_pdf(body: bytes, max_pages: int = 400) -> PdfText:
    """Text page by page; encrypted, corrupt and image-only PDFs are reported, not raised."""
    import pypdfium2 as pdfium

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


def content_hash(text: str) -> str:
    normalised = " ".join(text.lower().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


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
