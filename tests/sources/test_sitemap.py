"""Sitemaps and sitemap indexes, with lastmod deciding what is fetched again."""

import gzip

import pytest

from policypulse.catalogue.models import Publication
from policypulse.errors import SourceError
from policypulse.harvest.services import harvest
from policypulse.sources.adapters.sitemap import newest_first, parse_sitemap
from policypulse.workspace import SourceConfig

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(base: str, urls: dict[str, str]) -> bytes:
    body = "".join(
        f"<url><loc>{base}{path}</loc><lastmod>{lastmod}</lastmod></url>"
        for path, lastmod in urls.items()
    )
    return f'<?xml version="1.0"?><urlset {NS}>{body}</urlset>'.encode()


PAGE = """<html><head><title>{title}</title></head><body><main><h1>{title}</h1>
<p>{title}: this report covers 31 prisons and finds that {n}% of prisoners had purposeful activity.</p>
<p>The inspectorate recommends more time out of cell and better education provision.</p></main></body></html>"""


def test_parse_urlset_and_index():
    entries, children = parse_sitemap(
        urlset("https://x.example", {"/a": "2026-11-02", "/b": "2026-11-09T10:00:00Z"}),
        "https://x.example/sitemap.xml",
    )
    assert [e.url for e in newest_first(entries)] == ["https://x.example/b", "https://x.example/a"]
    assert children == []
    index = (
        f"<sitemapindex {NS}><sitemap><loc>https://x.example/s1.xml</loc></sitemap></sitemapindex>"
    )
    assert parse_sitemap(index.encode(), "https://x.example/i.xml") == (
        [],
        ["https://x.example/s1.xml"],
    )


def test_entities_are_not_expanded():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url></urlset>'
    )
    entries, _ = parse_sitemap(evil, "https://x.example/s.xml")
    assert all("root:" not in e.url for e in entries)


def test_not_a_sitemap():
    with pytest.raises(SourceError, match="not a sitemap"):
        parse_sitemap(b"<html><body/></html>", "https://x.example/s.xml")


@pytest.mark.django_db
def test_sitemap_index_then_lastmod_changes(http_server, config, make_fetcher):
    routes = http_server.routes
    routes["/sitemap.xml"] = (
        200,
        {"Content-Type": "application/xml"},
        f"<sitemapindex {NS}><sitemap><loc>{http_server.base}/s1.xml</loc></sitemap>"
        f"<sitemap><loc>{http_server.base}/s2.xml.gz</loc></sitemap></sitemapindex>".encode(),
    )
    routes["/s1.xml"] = (200, {}, urlset(http_server.base, {"/r/one": "2026-11-01"}))
    routes["/s2.xml.gz"] = (
        200,
        {},
        gzip.compress(urlset(http_server.base, {"/r/two": "2026-11-02"})),
    )
    routes["/r/one"] = (200, {"Content-Type": "text/html"}, PAGE.format(title="One", n=40).encode())
    routes["/r/two"] = (200, {"Content-Type": "text/html"}, PAGE.format(title="Two", n=50).encode())
    config.sources = [SourceConfig(name="sm", url=http_server.url("/sitemap.xml"), kind="sitemap")]
    (first,) = harvest(config, fetcher=make_fetcher())
    assert (first.new, first.errors) == (2, [])

    routes["/r/one"] = (200, {"Content-Type": "text/html"}, PAGE.format(title="One", n=45).encode())
    hits = len(http_server.hits)
    (second,) = harvest(config, fetcher=make_fetcher())
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    assert "/r/one" not in http_server.hits[hits:]  # same lastmod: not fetched

    routes["/s1.xml"] = (200, {}, urlset(http_server.base, {"/r/one": "2026-11-20"}))
    (third,) = harvest(config, fetcher=make_fetcher())
    assert (third.new, third.updated, third.unchanged) == (0, 1, 1)
    assert "45% of prisoners" in Publication.objects.get(title="One").text
