"""RSS 0.9x/1.0/2.0 and Atom feeds, through feedparser."""

from __future__ import annotations

import datetime
import time
from urllib.parse import urljoin

import feedparser
import lxml.html

from policypulse.cadence import server_freshness
from policypulse.catalogue.urls import canonical_url
from policypulse.errors import SourceError
from policypulse.sources.adapters import DiscoveredEntry

# Flags feedparser raises on well-formed feeds: a body handed over without a Content-Type (as
# here, always) or served as text/html, or a declared encoding that was overridden.
_HARMLESS = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


def parse_feed(body: bytes, base_url: str) -> list[DiscoveredEntry]:
    """Entries of a feed; a feed too broken to yield any entry is an error."""
    return read_feed(body, base_url)[0]


def read_feed(body: bytes, base_url: str) -> tuple[list[DiscoveredEntry], str]:
    """(entries, the feed's <ttl> in minutes or "")."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    if not parsed.entries and _unreadable(parsed):
        raise SourceError(f"{base_url} is not a readable feed: {parsed.get('bozo_exception')}")
    entries, seen = [], set()
    for item in parsed.entries:
        # FeedBurner's <link> is a redirect through its own host; the publisher's address is
        # in <feedburner:origLink>.
        link = item.get("feedburner_origlink") or item.get("link") or _first_alternate(item)
        if not link:
            continue
        url = urljoin(base_url, link)
        if canonical_url(url) in seen:
            continue  # GOV.UK and others list an updated item again under a new id
        seen.add(canonical_url(url))
        entries.append(
            DiscoveredEntry(
                url=url,
                title=" ".join((item.get("title") or "").split()),
                summary=_plain(item.get("summary") or ""),
                published=_date(item),
                guid=item.get("id") or "",
                stamp=_stamp(item),
            )
        )
    return entries, str(parsed.feed.get("ttl") or "")


def _unreadable(parsed) -> bool:
    """Not a feed at all, or a broken one: a well-formed feed with no items is just empty."""
    if not parsed.version:
        return True
    return bool(parsed.bozo) and not isinstance(parsed.get("bozo_exception"), _HARMLESS)


def _stamp(item) -> str:
    """The entry's change marker: its updated date, else its published date."""
    keys = dict.keys(item)  # plain keys: feedparser maps missing "updated" with a warning
    for key in ("updated", "published"):
        if key in keys and item[key]:
            return str(item[key])[:100]
    return ""


def _first_alternate(item) -> str:
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return ""


def _date(item) -> datetime.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = item.get(key)
        if value:
            try:
                return datetime.date(value.tm_year, value.tm_mon, value.tm_mday)
            except ValueError:
                continue
    return None


def _plain(summary: str) -> str:
    if "<" not in summary:
        return " ".join(summary.split())
    try:
        return " ".join(lxml.html.fromstring(summary).text_content().split())
    except Exception:  # noqa: BLE001 - an unparsable summary is dropped, not fatal
        return ""


def discover(source, fetcher) -> list[DiscoveredEntry] | None:
    """Entries of the source's feed, or None when the server says nothing changed."""
    response = fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    remember_freshness(source, response)
    if response.not_modified:
        return None
    entries, ttl = read_feed(response.body, response.url)
    remember_freshness(source, response, ttl)
    remember_validators(source, response)
    return entries


def remember_freshness(source, response, ttl: str = "") -> None:
    """How long the server says the answer stays fresh (Cache-Control, Expires, <ttl>): the
    service stretches the source's next due time to it. Kept on the instance, not saved."""
    source.server_hint = server_freshness(response.headers, ttl, now=time.time())


def remember_validators(source, response) -> None:
    """Keep the source's ETag/Last-Modified; the service saves them only once every entry
    has been stored, so an interrupted run fetches the feed again next time."""
    source.etag = response.etag[:500]
    source.last_modified = response.last_modified[:100]
