"""HTML listing pages: default and CSS-selected links, dates beside links, pagination."""

import datetime

import pytest

from policypulse.catalogue.models import Publication
from policypulse.errors import SourceError
from policypulse.harvest.services import harvest
from policypulse.sources.adapters.page import listing_links
from policypulse.workspace import SourceConfig

LISTING = """<!DOCTYPE html><html><body>
<header><a href="/">Home</a> <a href="/publications">Publications and research papers</a></header>
<nav><a href="/about/our-board-and-governance">About our board and governance</a></nav>
<main><h1>Publications</h1><ul class="results">
<li><a href="/pub/one">Waiting times for adult social care assessments</a>
    <time datetime="2026-11-03">3 November 2026</time></li>
<li><a href="/pub/two?utm_source=list">Youth justice: a thematic inspection</a>
    <span>Published 10 November 2026</span></li>
<li><a href="/files/annex.pdf">Annex</a></li>
<li><a href="#top">Back to the top of this page</a></li>
<li><a href="https://elsewhere.example/x">A report on another website entirely</a></li>
</ul>{pagination}</main>
<footer><a href="/privacy">Our privacy notice and cookies policy</a></footer></body></html>"""

ITEM = """<!DOCTYPE html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>
<p>{title} looks at 24 areas and finds that 3 in 10 people waited more than six months.</p>
<p>It sets out five recommendations for councils and for the department.</p></main></body></html>"""


def test_default_selection_keeps_publication_links_only():
    entries, next_url = listing_links(
        LISTING.format(pagination=""), "https://site.example/publications"
    )
    assert [e.url for e in entries] == [
        "https://site.example/pub/one",
        "https://site.example/pub/two?utm_source=list",
        "https://site.example/files/annex.pdf",
    ]
    assert entries[0].published == datetime.date(2026, 11, 3)
    assert entries[1].published == datetime.date(2026, 11, 10)
    assert next_url is None


def test_a_css_selector_chooses_the_links():
    entries, _ = listing_links(
        LISTING.format(pagination=""), "https://site.example/p", "ul.results li:first-child a"
    )
    assert [e.title for e in entries] == ["Waiting times for adult social care assessments"]
    with pytest.raises(SourceError, match="invalid CSS selector"):
        listing_links(LISTING, "https://site.example/p", "ul[[")


@pytest.mark.django_db
def test_page_source_with_pagination(http_server, config, make_fetcher):
    routes = http_server.routes
    routes["/publications"] = (
        200,
        {"Content-Type": "text/html"},
        LISTING.format(pagination='<a rel="next" href="/publications?page=2">Next</a>').encode(),
    )
    routes["/publications?page=2"] = (
        200,
        {"Content-Type": "text/html"},
        b'<html><body><main><ul><li><a href="/pub/three">Carers and respite: a survey of councils'
        b'</a></li></ul><a href="/publications">Previous page</a></main></body></html>',
    )
    for slug, title in (("one", "Waiting times"), ("two", "Youth justice"), ("three", "Carers")):
        routes[f"/pub/{slug}"] = (200, {"Content-Type": "text/html"},
                                  ITEM.format(title=title).encode())  # fmt: skip
    routes["/files/annex.pdf"] = (404, {}, b"")
    config.sources = [
        SourceConfig(name="listing", url=http_server.url("/publications"), kind="page")
    ]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert report.new == 3
    assert len(report.errors) == 1 and "HTTP 404" in report.errors[0]
    titles = set(Publication.objects.values_list("title", flat=True))
    # The listing's link text is the title; the date comes from beside the link.
    assert "Carers and respite: a survey of councils" in titles
    one = Publication.objects.get(title__startswith="Waiting times")
    assert one.published == datetime.date(2026, 11, 3)
    assert "3 in 10 people" in one.text
