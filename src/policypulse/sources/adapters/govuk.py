"""GOV.UK search and finder Atom feeds, with the Content API for each page.

The feeds (e.g. https://www.gov.uk/search/research-and-statistics.atom?organisations[]=ofsted)
carry only title, summary, link and date, and an entry's id changes whenever the document is
updated, so entries are keyed on their link. Before a page is fetched, `enrich` reads
`/api/content/<path>` for the document type, organisations, dates and attachments.
"""

from __future__ import annotations

import datetime
import json
import logging
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml.etree import ParserError

from policypulse.errors import FetchError
from policypulse.sources.adapters import DiscoveredEntry
from policypulse.sources.adapters.feed import discover as discover_feed

log = logging.getLogger(__name__)


def discover(source, fetcher) -> list[DiscoveredEntry] | None:
    """The feed's entries, one per link (the feed parser already drops repeated links)."""
    return discover_feed(source, fetcher)


def content_api_url(page_url: str) -> str:
    """https://www.gov.uk/government/x -> https://www.gov.uk/api/content/government/x"""
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, "/api/content" + (parts.path or "/"), "", ""))


def apply_content_item(entry: DiscoveredEntry, item: dict) -> DiscoveredEntry:
    """Copy what the Content API knows onto the entry; pure, for tests."""
    entry.title = " ".join(str(item.get("title") or entry.title).split())
    entry.summary = " ".join(str(item.get("description") or entry.summary).split())
    entry.document_type = str(item.get("document_type") or "")[:100]
    links = item.get("links") or {}
    organisations = links.get("primary_publishing_organisation") or links.get("organisations") or []
    names = [str(o.get("title")) for o in organisations if isinstance(o, dict) and o.get("title")]
    if names:
        entry.publisher = ", ".join(dict.fromkeys(names))[:300]
    published = _date(item.get("first_published_at"))
    entry.published = published or entry.published
    details = item.get("details") or {}
    attachments = []
    for attachment in details.get("attachments") or []:
        if not isinstance(attachment, dict):
            continue
        url = str(attachment.get("url") or "")
        media = str(attachment.get("content_type") or "")
        if url and (media == "application/pdf" or _is_pdf(url)):
            attachments.append((url, " ".join(str(attachment.get("title") or "").split())))
    if not attachments:
        attachments = _embedded_pdfs(details.get("documents"), entry.url)
    entry.attachments = attachments or entry.attachments
    return entry


def _embedded_pdfs(documents, page_url: str) -> list[tuple[str, str]]:
    """PDFs of an item that lists its attachments only as rendered HTML in `details.documents`
    (Whitehall publications stored before `details.attachments` existed): the title link of
    each attachment, resolved against the page's address."""
    found = []
    for snippet in documents if isinstance(documents, list) else []:
        if not isinstance(snippet, str) or not snippet.strip():
            continue
        try:
            fragment = lxml.html.fragment_fromstring(snippet, create_parent="div")
        except (ParserError, ValueError):
            continue
        for link in fragment.cssselect(".attachment-details .title a[href]"):
            url = urljoin(page_url, link.get("href").strip())
            if _is_pdf(url) and url not in (u for u, _ in found):
                found.append((url, " ".join(link.text_content().split())))
    return found


def _is_pdf(url: str) -> bool:
    return url.lower().split("?")[0].endswith(".pdf")


def enrich(entry: DiscoveredEntry, fetcher) -> DiscoveredEntry:
    """The Content API's metadata; a page without one (404, not JSON) keeps the feed's."""
    try:
        response = fetcher.get(content_api_url(entry.url))
        item = json.loads(response.body)
    except (FetchError, ValueError) as exc:
        log.info("no GOV.UK content item", extra={"url": entry.url, "error": str(exc)})
        return entry
    return apply_content_item(entry, item) if isinstance(item, dict) else entry


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
