"""One publication fetched and read: its page (or PDF), its report PDFs, its fingerprints.

`fetch_document` touches the network but never the database, so the harvest runs it in a
thread pool; the services store what it returns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from policypulse.catalogue.dedup import signature
from policypulse.errors import FetchError
from policypulse.harvest.extract import PDF_MAGIC, content_hash, extract_html, extract_pdf
from policypulse.sources.adapters import DiscoveredEntry

MAX_ATTACHMENTS = 5


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


def fetch_document(
    entry: DiscoveredEntry,
    fetcher,
    *,
    follow_pdfs: bool = True,
    etag: str = "",
    last_modified: str = "",
    main_selector: str = "",
) -> FetchedDocument:
    """Fetch and extract one entry; a 304 comes back as `not_modified`."""
    response = fetcher.get(entry.url, etag=etag, last_modified=last_modified)
    document = FetchedDocument(entry=entry, url=response.url, etag=response.etag,
                        last_modified=response.last_modified)  # fmt: skip
    if response.not_modified:
        document.not_modified = True
        return document
    if response.body.startswith(PDF_MAGIC) or response.content_type == "application/pdf":
        pdf = extract_pdf(response.body)
        document.kind = "pdf"
        document.title = pdf.title or _title_from_url(response.url)
        document.text = pdf.text
        document.key_text = pdf.key_section
        document.status = pdf.status
        if pdf.status != "ok":
            document.problem = f"the PDF is {pdf.status}: {pdf.error}"
    else:
        page = extract_html(response.body, response.url, response.content_type, response.charset,
                            main_selector=main_selector or None)  # fmt: skip
        document.title = page.title
        document.text = page.text
        document.publisher = page.publisher
        document.published = page.published
        document.authors = page.authors
        document.description = page.description
        if follow_pdfs:
            seen, chosen = set(), []
            for url, label in [*entry.attachments, *page.pdf_links]:
                if url not in seen:
                    seen.add(url)
                    chosen.append((url, label))
            for url, label in chosen[:MAX_ATTACHMENTS]:
                attachment, key_text = fetch_attachment(fetcher, url, label)
                document.attachments.append(attachment)
                document.key_text = document.key_text or key_text
    document.content_hash = content_hash(document.text) if document.text else ""
    document.signature = signature(document.text)
    return document


def fetch_attachment(fetcher, url: str, label: str) -> tuple[dict, str]:
    """A report PDF as (Attachment fields, its key section); failures are recorded in
    `status`, not raised."""
    values = {"url": url, "title": label[:1000], "media_type": "application/pdf"}
    try:
        response = fetcher.get(url)
    except FetchError as exc:
        status = "too-large" if getattr(exc, "reason", "") == "too-large" else "error"
        return {**values, "status": status, "error": str(exc), "text": "", "pages": 0}, ""
    pdf = extract_pdf(response.body)
    fields = {
        **values,
        "status": pdf.status,
        "error": pdf.error,
        "text": pdf.text,
        "pages": len(pdf.pages),
        "title": (label or pdf.title)[:1000],
    }
    return fields, (pdf.key_section if pdf.status == "ok" else "")


def _title_from_url(url: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    return name.rsplit(".", 1)[0].replace("-", " ").replace("_", " ").strip() or url
