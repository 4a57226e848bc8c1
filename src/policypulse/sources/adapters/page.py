"""An HTML listing page: links to publications chosen by a CSS selector, with pagination.

Without a selector, the default takes links inside the page's main content (main, article,
[role=main], GOV.UK document lists) and drops navigation, header, footer, aside and links
that leave the site, go nowhere, or are too short to be a publication title. Pagination
follows rel="next" (or a link labelled "Next") up to `MAX_PAGES` pages on the same host.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urljoin, urlsplit

from lxml.cssselect import CSSSelector, SelectorError

from policypulse.decoding import decode_html, parse_html
from policypulse.errors import SourceError
from policypulse.sources.adapters import DiscoveredEntry
from policypulse.sources.adapters.feed import remember_freshness, remember_validators

MAX_PAGES = 5
DEFAULT_SCOPES = (
    "main a[href], article a[href], [role=main] a[href], #content a[href], .content a[href], "
    ".gem-c-document-list a[href], .publication a[href]"
)
SKIP_ANCESTORS = {"nav", "header", "footer", "aside", "form"}
NEXT_LABEL = re.compile(r"^\s*(next( page)?|older|more)\b|[›»→]\s*$", re.I)
DATE_IN_TEXT = re.compile(
    r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|"
    r"November|December) (\d{4})\b"
)


def listing_links(
    html: str, base_url: str, selector: str = ""
) -> tuple[list[DiscoveredEntry], str | None]:
    """(publication entries, next page URL) of one listing page; pure."""
    tree = parse_html(html, base_url)
    try:
        match = CSSSelector(selector or DEFAULT_SCOPES)
    except SelectorError as exc:
        raise SourceError(f"invalid CSS selector {selector!r}: {exc}") from None
    anchors = match(tree)
    if not selector and not anchors:
        anchors = tree.xpath("//body//a[@href]")  # no main region: take the body
    site = urlsplit(base_url).hostname
    entries, seen = [], {base_url.split("#")[0]}
    for anchor in anchors:
        if anchor.tag != "a":
            anchor = next(iter(anchor.iter("a")), None)
            if anchor is None:
                continue
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(base_url, href).split("#")[0]
        title = " ".join(anchor.text_content().split())
        if url in seen or urlsplit(url).scheme not in ("http", "https"):
            continue
        if not selector and (
            urlsplit(url).hostname != site
            or len(title.split()) < 3
            and not url.lower().endswith(".pdf")
            or any(a.tag in SKIP_ANCESTORS for a in anchor.iterancestors())
            or anchor.get("rel") in ("next", "prev")
        ):
            continue
        seen.add(url)
        entries.append(DiscoveredEntry(url=url, title=title[:1000], published=_nearby_date(anchor)))
    return entries, _next_page(tree, base_url)


def _nearby_date(anchor) -> datetime.date | None:
    """A <time datetime> or a "4 November 2026" in the link's list item or card."""
    for parent in [anchor, *list(anchor.iterancestors())[:3]]:
        for time_element in parent.iter("time"):
            value = time_element.get("datetime") or time_element.text_content()
            try:
                return datetime.date.fromisoformat(value.strip()[:10])
            except ValueError:
                pass
        found = DATE_IN_TEXT.search(parent.text_content())
        if found:
            return datetime.datetime.strptime(" ".join(found.groups()), "%d %B %Y").date()
        if parent.tag in ("li", "article", "tr"):
            break
    return None


def _next_page(tree, base_url: str) -> str | None:
    candidates = tree.xpath('//a[@rel="next"]/@href | //link[@rel="next"]/@href')
    if not candidates:
        candidates = [
            a.get("href")
            for a in tree.xpath("//a[@href]")
            if NEXT_LABEL.search(" ".join(a.text_content().split()))
        ]
    for href in candidates:
        url = urljoin(base_url, href)
        if urlsplit(url).hostname == urlsplit(base_url).hostname and url != base_url:
            return url
    return None


def discover(source, fetcher) -> list[DiscoveredEntry] | None:
    response = fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    remember_freshness(source, response)
    if response.not_modified:
        return None
    entries, next_url = listing_links(
        decode_html(response.body, response.charset), response.url, source.selector
    )
    visited = {response.url}
    while next_url and next_url not in visited and len(visited) < MAX_PAGES:
        visited.add(next_url)
        page = fetcher.get(next_url)
        more, next_url = listing_links(
            decode_html(page.body, page.charset), page.url, source.selector
        )
        known = {e.url for e in entries}
        entries.extend(e for e in more if e.url not in known)
    remember_validators(source, response)
    return entries
