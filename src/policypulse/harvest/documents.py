"""One publication fetched and read: its page (or PDF), its report PDFs, its fingerprints.

`fetch_document` touches the network but never the database, so the harvest runs it in a
thread pool; the services store what it returns.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass, field

import zstandard

from policypulse.errors import ExtractError, FetchError
from policypulse.harvest.extract import (
    DOCX_MAGIC,
    PDF_MAGIC,
    extract_docx,
    fingerprint,
    looks_like_html,
)
from policypulse.harvest.pool import LOCAL
from policypulse.sources.adapters import DiscoveredEntry

MAX_ATTACHMENTS = 5
RAW_COMPRESSION = 1  # zstd level: 0.3 ms a page (level 3: 0.45 ms for 6% smaller bodies)
_compressors = threading.local()


def compress(body: bytes) -> bytes:
    """zstd at RAW_COMPRESSION with this thread's compressor: the same bytes as
    `zstandard.compress`, without setting up a compression context per body (a compressor
    is not to be shared between threads)."""
    compressor = getattr(_compressors, "compressor", None)
    if compressor is None:
        compressor = _compressors.compressor = zstandard.ZstdCompressor(level=RAW_COMPRESSION)
    return compressor.compress(body)


@dataclass
class RawBody:
    """A fetched body as kept for re-extraction (compressed in the fetching thread)."""

    role: str  # page, attachment, upload
    url: str
    content_type: str
    charset: str
    size: int
    body: bytes  # zstd-compressed
    filename: str = ""

    @classmethod
    def of(cls, role: str, url: str, body: bytes, content_type: str = "", charset: str = "",
           filename: str = "") -> RawBody:  # fmt: skip
        return cls(role, url, content_type, charset or "", len(body),
                   compress(body), filename)  # fmt: skip


@dataclass
class FetchedDocument:
    entry: DiscoveredEntry
    url: str  # after redirects
    not_modified: bool = False
    kind: str = "html"
    title: str = ""
    text: str = ""
    key_text: str = ""
    publisher: str = ""
    published: datetime.date | None = None
    document_type: str = ""
    authors: list[str] = field(default_factory=list)
    description: str = ""
    attachments: list[dict] = field(default_factory=list)
    status: str = "ok"  # of the document itself: ok, encrypted, corrupt, image-only
    problem: str = ""  # said in the harvest report, though the document is stored
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    signature: bytes | None = None
    raw: list[RawBody] = field(default_factory=list)  # empty unless asked to keep them
    fingerprint: tuple[str, bytes | None] | None = None  # made with the text, if it was


def fetch_document(
    entry: DiscoveredEntry,
    fetcher,
    *,
    follow_pdfs: bool = True,
    etag: str = "",
    last_modified: str = "",
    main_selector: str = "",
    extractor=None,
    keep_raw: bool = False,
) -> FetchedDocument:
    """Fetch and extract one entry; a 304 comes back as `not_modified`. `extractor` is where
    extraction runs (`pool.LOCAL` by default); `keep_raw` keeps the bodies for re-extraction."""
    extractor = extractor or LOCAL
    response = fetcher.get(entry.url, etag=etag, last_modified=last_modified)
    document = FetchedDocument(entry=entry, url=response.url, etag=response.etag,
                        last_modified=response.last_modified)  # fmt: skip
    if response.not_modified:
        document.not_modified = True
        return document
    if keep_raw:
        document.raw.append(RawBody.of("page", response.url, response.body,
                                       response.content_type, response.charset or ""))  # fmt: skip
    if response.body.startswith(PDF_MAGIC) or response.content_type == "application/pdf":
        _take_pdf(document, extractor.pdf(response.body, fingerprinted=True), response.url)
    else:
        page = extractor.html(response.body, response.url, response.content_type, response.charset,
                              main_selector=main_selector or None)  # fmt: skip
        _take_page(document, page)
        if follow_pdfs:
            seen, chosen = set(), []
            for url, label in [*entry.attachments, *page.pdf_links]:
                if url not in seen:
                    seen.add(url)
                    chosen.append((url, label))
            for url, label in chosen[:MAX_ATTACHMENTS]:
                attachment, key_text, body = fetch_attachment(fetcher, url, label, extractor)
                attachment["pages"] = attachment["pages"] or page.pdf_pages.get(url, 0)
                document.attachments.append(attachment)
                if keep_raw and body is not None:
                    document.raw.append(RawBody.of("attachment", url, body, "application/pdf"))
                document.key_text = document.key_text or key_text
    return _fingerprinted(document)


def _take_pdf(document: FetchedDocument, pdf, address: str) -> None:
    document.kind = "pdf"
    document.title = pdf.title or _title_from_url(address)
    document.text = pdf.text
    document.fingerprint = pdf.fingerprint
    document.key_text = pdf.key_section
    document.status = pdf.status
    if pdf.status != "ok":
        document.problem = f"the PDF is {pdf.status}: {pdf.error}"


def _take_page(document: FetchedDocument, page) -> None:
    document.title = page.title
    document.text = page.text
    document.fingerprint = page.fingerprint
    document.publisher = page.publisher
    document.published = page.published
    document.authors = page.authors
    document.description = page.description
    document.document_type = page.document_type


def _fingerprinted(document: FetchedDocument) -> FetchedDocument:
    document.content_hash, document.signature = document.fingerprint or fingerprint(document.text)
    return document


FILE_TYPES = {"pdf": "application/pdf", "html": "text/html",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}  # fmt: skip


def file_type(data: bytes, filename: str) -> str:
    """pdf, docx or html, from the bytes first and the file name second."""
    name = filename.lower()
    if data.startswith(PDF_MAGIC):
        return "pdf"
    if data.startswith(DOCX_MAGIC) and name.endswith(".docx"):
        return "docx"
    if name.endswith((".html", ".htm", ".xhtml")) or looks_like_html(data):
        return "html"
    raise ExtractError(f"{filename!r} is not a PDF, a Word document (.docx) or an HTML page")


def read_file(data: bytes, filename: str, url: str, *, extractor=None) -> FetchedDocument:
    """A file added by hand, read as if it had been fetched from `url` (its public address,
    or the catalogue's key for a file that has none). Links in it are not followed."""
    extractor = extractor or LOCAL
    kind = file_type(data, filename)
    document = FetchedDocument(entry=DiscoveredEntry(url=url), url=url)
    document.raw.append(RawBody.of("upload", url, data, FILE_TYPES[kind], filename=filename))
    if kind == "pdf":
        _take_pdf(document, extractor.pdf(data), filename)
    elif kind == "docx":
        _take_page(document, extract_docx(data))
        document.kind = "docx"
        document.title = document.title or _title_from_url(filename)
    else:
        _take_page(document, extractor.html(data, url, "text/html"))
        if document.title == url:
            document.title = _title_from_url(filename)
    return _fingerprinted(document)


def fetch_attachment(
    fetcher, url: str, label: str, extractor=None
) -> tuple[dict, str, bytes | None]:
    """A report PDF as (Attachment fields, its key section, its bytes); failures are recorded
    in `status`, not raised."""
    values = {"url": url, "title": label[:1000], "media_type": "application/pdf"}
    try:
        response = fetcher.get(url)
    except FetchError as exc:
        status = "too-large" if getattr(exc, "reason", "") == "too-large" else "error"
        return {**values, "status": status, "error": str(exc), "text": "", "pages": 0}, "", None
    pdf = (extractor or LOCAL).pdf(response.body)
    fields = {
        **values,
        "status": pdf.status,
        "error": pdf.error,
        "text": pdf.text,
        "pages": len(pdf.pages),
        "title": (label or pdf.title)[:1000],
    }
    return fields, (pdf.key_section if pdf.status == "ok" else ""), response.body


def _title_from_url(url: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    return name.rsplit(".", 1)[0].replace("-", " ").replace("_", " ").strip() or url
