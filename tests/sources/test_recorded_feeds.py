"""Recorded real RSS feeds (tests/data/feeds/NOTICE.md) served from 127.0.0.1 and read by the
`feed` adapter's `discover` through the real Fetcher: the publications real markup yields.

The expected values below were read off the recordings by hand, not computed by the adapter."""

import datetime
from pathlib import Path

import pytest

from policypulse.errors import SourceError
from policypulse.sources.adapters import feed
from policypulse.sources.models import Source

RECORDED = Path(__file__).parents[1] / "data" / "feeds" / "recorded"

# file -> [(title, link, date, summary)] in feed order.
EXPECTED = {
    "leeds-city-council-news.xml": [
        (
            "Volunteers can go the extra mile with roles at 2027 Grand Départ in Leeds",
            "https://news.leeds.gov.uk/news/volunteers-can-go-the-extra-mile-with-roles-at-2027"
            "-grand-depart-in-leeds",
            datetime.date(2026, 5, 27),  # "Wed, 27 May 2026 08:42:00 Z"
            "People in Leeds have got the chance to play a supporting role during one of 2027\u2019s"
            " highest-profile sporting occasions \u2013 the Grand Départ of the Tour de France"
            " Femmes avec Zwift.",
        ),
        (
            "Thousands of sports kits donated at Leeds kit swap event",
            "https://news.leeds.gov.uk/news/thousands-of-sports-kits-donated-at-leeds-kit-swap-event",
            datetime.date(2026, 5, 21),
            "Over 3,000 pieces of sports kit have been donated to community groups and schools to"
            " tackle inequality and improve access to sport.",
        ),
    ],
    "londons-poverty-profile-income-poverty.xml": [
        (
            "Children lacking everyday items",
            "http://www.londonspovertyprofile.org.uk/indicators/topics/income-poverty/"
            "children-lacking-everyday-items/",
            datetime.date(2011, 10, 7),
            # A CDATA <ul> of three <li>: the text of each item, joined by single spaces.
            "Children in low-income families in London are more likely to lack everyday items"
            " than poor children in the rest of England. In London, six out of nine everyday items"
            " are unaffordable to at least 20% of children, compared to three items in the rest"
            " of England. Irrespective of income, it is more difficult in London to find"
            " accommodation that is big enough to match a family's needs.",
        )
    ],
    "spotlight-on-poverty.xml": [
        (
            "Fighting Poverty in Congress and How We Can Achieve More, By Speaker Nancy Pelosi",
            # <feedburner:origLink>, with its &amp; decoded: the publisher's own address, not
            # the FeedBurner redirect in <link>.
            "http://www.spotlightonpoverty.org/news.aspx?id=c1c066de-7d9e-4e9a-93c0-8f237d2a70b4"
            "&refer=rss",
            datetime.date(2008, 6, 24),
            # Escaped markup (&lt;img .../&gt;, a tracking pixel) decoded and dropped.
            "Commentary: Legislative successes in fighting poverty.",
        )
    ],
    "parliament-lords-business.xml": [],  # a real, valid channel with no items
}


def serve(http_server, name: str) -> Source:
    path = f"/recorded/{name}"
    http_server.routes[path] = (
        200,
        {"Content-Type": "application/rss+xml; charset=utf-8"},
        (RECORDED / name).read_bytes(),
    )
    return Source(name=name.removesuffix(".xml"), url=http_server.url(path), kind="feed")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recorded_feed_through_discover(name, http_server, make_fetcher):
    source = serve(http_server, name)

    entries = feed.discover(source, make_fetcher())

    assert http_server.hits.count(f"/recorded/{name}") == 1
    assert [(e.title, e.url, e.published, e.summary) for e in entries] == EXPECTED[name]


def test_every_recording_has_expectations_and_a_notice_row():
    notice = (RECORDED.parent / "NOTICE.md").read_text("utf-8")
    names = sorted(p.name for p in RECORDED.glob("*.xml"))
    assert names == sorted(EXPECTED)
    for name in names:
        assert f"`recorded/{name}`" in notice


def test_feed_ttl_in_minutes_becomes_the_server_hint(http_server, make_fetcher):
    """The Parliament feed says <ttl>15</ttl>; Spotlight on Poverty (FeedBurner) says 60."""
    parliament = serve(http_server, "parliament-lords-business.xml")
    spotlight = serve(http_server, "spotlight-on-poverty.xml")
    fetcher = make_fetcher()

    assert feed.discover(parliament, fetcher) == []
    feed.discover(spotlight, fetcher)

    assert parliament.server_hint == datetime.timedelta(minutes=15)
    assert spotlight.server_hint == datetime.timedelta(minutes=60)


def test_feedburner_items_point_at_the_publishers_own_address():
    """Regression: the FeedBurner <link> (a tracking redirect on the proxy's host) was stored
    as the publication's address, so the same report listed in the publisher's own feed was
    not recognised as the same publication."""
    (entry,) = feed.parse_feed(
        (RECORDED / "spotlight-on-poverty.xml").read_bytes(),
        "http://feeds.spotlightonpoverty.org/SpotlightOnPoverty",
    )
    assert entry.url.startswith("http://www.spotlightonpoverty.org/news.aspx?id=")
    assert "feeds.spotlightonpoverty.org" not in entry.url


def test_a_valid_feed_with_no_items_is_empty_not_unreadable():
    """Regression: feedparser flags every body it is handed without a Content-Type
    ("no Content-type specified"), and the adapter took that flag plus zero entries for an
    unreadable feed, so a real feed with nothing in it (Parliament's, recorded) counted as a
    failure towards pausing the source."""
    body = (RECORDED / "parliament-lords-business.xml").read_bytes()
    assert feed.parse_feed(body, "http://www.parliament.uk/g/rss/news-feed/") == []


def test_a_feed_cut_short_before_any_item_is_still_an_error():
    body = (RECORDED / "parliament-lords-business.xml").read_bytes()
    cut = body[: body.index(b"<ttl>")]  # no closing tags: not well-formed
    with pytest.raises(SourceError, match="not a readable feed"):
        feed.parse_feed(cut, "http://www.parliament.uk/g/rss/news-feed/")
