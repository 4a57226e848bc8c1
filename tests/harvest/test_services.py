"""Harvest end to end against a real HTTP server on 127.0.0.1."""

import pytest

from policypulse.catalogue.models import Publication
from policypulse.harvest.services import harvest
from policypulse.sources.models import Source
from policypulse.workspace import SourceConfig

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Centre for Justice Evidence"></head>
<body><nav>Home | Publications</nav><main><h1>{title}</h1>
<p>This study of 12 probation regions found that 41% of people on licence met their worker weekly.</p>
<p>It recommends that regions share caseload data every month with the courts.</p></main></body></html>"""


def feed(base: str, slugs: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Study {slug}</title><link>{base}/p/{slug}?utm_source=rss</link>"
        f"<pubDate>Wed, 04 Nov 2026 09:00:00 GMT</pubDate></item>"
        for slug in slugs
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()


@pytest.fixture
def site(http_server):
    for slug in ("a", "b"):
        http_server.routes[f"/p/{slug}"] = (
            200,
            {"Content-Type": "text/html"},
            PAGE.format(title=f"Study {slug}").encode(),
        )
    http_server.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        feed(http_server.base, ["a", "b"]),
    )
    http_server.routes["/broken.xml"] = (500, {}, b"oops")
    return http_server


@pytest.mark.django_db
def test_harvest_stores_publications_and_survives_a_broken_source(site, config):
    config.sources = [
        SourceConfig(name="broken", url=site.url("/broken.xml"), publisher="Broken"),
        SourceConfig(
            name="good", url=site.url("/feed.xml"), publisher="Centre for Justice Evidence"
        ),
    ]
    reports = {r.source: r for r in harvest(config)}
    assert reports["good"].new == 2 and not reports["good"].errors
    assert reports["broken"].errors and "HTTP 500" in reports["broken"].errors[0]
    stored = Publication.objects.get(title="Study a")
    assert stored.canonical_url == site.url("/p/a").replace("http://", "https://")
    assert "41% of people on licence" in stored.text
    assert stored.publisher == "Centre for Justice Evidence"
    assert Source.objects.get(name="broken").consecutive_failures == 1
    assert Source.objects.get(name="good").health == "ok"

    again = {r.source: r for r in harvest(config)}
    assert again["good"].new == 0 and again["good"].unchanged == 2
    assert Publication.objects.count() == 2
    assert Source.objects.get(name="broken").consecutive_failures == 2


@pytest.mark.django_db
def test_private_addresses_are_refused_by_default(site, config):
    config.harvest.allow_private_networks = False
    config.sources = [SourceConfig(name="local", url=site.url("/feed.xml"))]
    (report,) = harvest(config)
    assert "private address" in report.errors[0]
    assert site.hits == []
    assert Publication.objects.count() == 0
