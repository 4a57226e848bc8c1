"""sitemap.xml, gzipped sitemaps and sitemap indexes, newest first by lastmod.

Parsed with entity resolution and network access off (no XXE). A first run of a large sitemap
takes at most `MAX_ENTRIES` URLs, newest first; later runs see what is new or has a newer
lastmod, since the service compares lastmod with what it stored.
"""

from __future__ import annotations

import gzip
import io

from lxml import etree

from policypulse.errors import SourceError
from policypulse.sources.adapters import DiscoveredEntry
from policypulse.sources.adapters.feed import remember_validators

MAX_CHILD_SITEMAPS = 50
MAX_ENTRIES = 1000
MAX_XML_BYTES = 50 * 1024 * 1024


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[DiscoveredEntry], list[str]]:
    """(page entries, child sitemap URLs) of a urlset or a sitemapindex."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_XML_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise SourceError(f"{base_url} is not a readable gzipped sitemap: {exc}") from None
        if len(body) > MAX_XML_BYTES:
            raise SourceError(f"{base_url}: the sitemap is larger than {MAX_XML_BYTES} bytes")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{base_url} is not a readable sitemap: {exc}") from None
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        return [], [loc for loc, _ in _locations(root, "sitemap")]
    if tag != "urlset":
        raise SourceError(f"{base_url} is not a sitemap (its root is <{tag}>)")
    entries = [
        DiscoveredEntry(url=loc, stamp=lastmod)  # lastmod says changed, not published
        for loc, lastmod in _locations(root, "url")
    ]
    return entries, []


def _locations(root, element: str) -> list[tuple[str, str]]:
    found = []
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != element:
            continue
        values = {etree.QName(child).localname: (child.text or "").strip()
                  for child in node if isinstance(child.tag, str)}  # fmt: skip
        if values.get("loc"):
            found.append((values["loc"], values.get("lastmod", "")[:100]))
    return found


def newest_first(entries: list[DiscoveredEntry], limit: int = MAX_ENTRIES) -> list[DiscoveredEntry]:
    """Entries sorted by lastmod, newest first (undated last), at most `limit`."""
    ordered = sorted(entries, key=lambda e: e.stamp or "", reverse=True)
    return ordered[:limit]


def discover(source, fetcher) -> list[DiscoveredEntry] | None:
    response = fetcher.get(source.url, etag=source.etag, last_modified=source.last_modified)
    if response.not_modified:
        return None
    entries, children = parse_sitemap(response.body, response.url)
    for child in children[:MAX_CHILD_SITEMAPS]:
        child_entries, _ = parse_sitemap(fetcher.get(child).body, child)  # no nested indexes
        entries.extend(child_entries)
    remember_validators(source, response)
    seen, unique = set(), []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            unique.append(entry)
    return newest_first(unique)
