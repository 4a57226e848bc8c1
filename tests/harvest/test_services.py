"""Harvest end to end against a real HTTP server on 127.0.0.1."""

import re

import pytest

from policypulse.catalogue.models import Publication
from policypulse.harvest import services
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
def test_harvest_stores_publications_and_survives_a_broken_source(site, config, make_fetcher):
    config.sources = [
        SourceConfig(name="broken", url=site.url("/broken.xml"), publisher="Broken"),
        SourceConfig(
            name="good", url=site.url("/feed.xml"), publisher="Centre for Justice Evidence"
        ),
    ]
    reports = {r.source: r for r in harvest(config, fetcher=make_fetcher())}
    assert reports["good"].new == 2 and not reports["good"].errors
    assert reports["broken"].errors and "HTTP 500" in reports["broken"].errors[0]
    stored = Publication.objects.get(title="Study a")
    assert stored.canonical_url == site.url("/p/a").replace("http://", "https://")
    assert "41% of people on licence" in stored.text
    assert stored.publisher == "Centre for Justice Evidence"
    assert Source.objects.get(name="broken").consecutive_failures == 1
    assert Source.objects.get(name="good").health == "ok"

    again = {r.source: r for r in harvest(config, fetcher=make_fetcher())}
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


@pytest.mark.django_db
def test_the_recorded_corpus_over_http(corpus_site, corpus, config, make_fetcher):
    """Every corpus page served as HTML from 127.0.0.1: titles, dates and text come back."""
    config.sources = [SourceConfig(name="corpus", url=corpus_site.url("/feed.xml"))]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert report.errors == []
    assert report.new + report.duplicates == len(corpus)
    assert report.duplicates <= 1  # at most the one gov.uk page copied onto another host
    dated, recalls = 0, []
    for record in corpus:
        key = corpus_site.url(f"/pub/{record['id']}").replace("http://", "https://")
        stored = Publication.objects.filter(canonical_url=key).first()
        if stored is None:
            continue
        assert stored.title == " ".join(record["title"].split())
        assert stored.publisher == record["publisher"]
        if record["date"] and len(record["date"]) == 10:
            assert stored.published.isoformat() == record["date"], record["id"]
            dated += 1
        # The main text is there; the site's own chrome is not.
        recalls.append(word_recall(record["text"], stored.text))
        assert "Cookies | Privacy" not in stored.text
        assert "About us" not in stored.text
    assert dated >= 20
    assert min(recalls) >= 0.95
    assert sum(recalls) / len(recalls) >= 0.95


def word_recall(expected: str, got: str) -> float:
    """Share of the cleaned text's words found in the extracted text."""
    words = re.findall(r"\w+", expected.lower())
    found = set(re.findall(r"\w+", got.lower()))
    return sum(word in found for word in words) / max(1, len(words))


@pytest.mark.django_db
def test_a_second_run_fetches_nothing_that_did_not_change(
    corpus_site, corpus, config, make_fetcher
):
    config.sources = [SourceConfig(name="corpus", url=corpus_site.url("/feed.xml"))]
    harvest(config, fetcher=make_fetcher())
    pages_before = sum(hit.startswith("/pub/") for hit in corpus_site.hits)
    (report,) = harvest(config, fetcher=make_fetcher())
    assert report.new == 0 and report.errors == []
    assert report.unchanged == len(corpus)
    assert sum(hit.startswith("/pub/") for hit in corpus_site.hits) == pages_before


class Interrupted(Exception):
    pass


@pytest.mark.django_db
def test_an_interrupted_run_can_be_rerun_safely(
    corpus_site, corpus, config, make_fetcher, monkeypatch
):
    """Stopped after five publications (Ctrl-C, a crash): the next run finishes the job,
    stores nothing twice, and the feed's ETag is only kept once every entry is stored.
    (Batches of four, so that the stop falls between batches of the 30 publications.)"""
    monkeypatch.setattr(services, "BATCH_DOCUMENTS", 4)
    feed = corpus_site.routes["/feed.xml"]

    def feed_with_etag(handler):
        if handler.headers.get("If-None-Match") == '"feed-v1"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", '"feed-v1"')
        handler.send_header("Content-Length", str(len(feed[2])))
        handler.end_headers()
        handler.wfile.write(feed[2])

    corpus_site.routes["/feed.xml"] = feed_with_etag
    config.sources = [SourceConfig(name="corpus", url=corpus_site.url("/feed.xml"))]
    done = []

    def stop_after_five(source, entry):
        done.append(entry.url)
        if len(done) == 5:
            raise Interrupted

    with pytest.raises(Interrupted):
        harvest(config, fetcher=make_fetcher(), on_entry=stop_after_five)
    stored_first = Publication.objects.count()
    assert 5 <= stored_first < len(corpus)
    assert Source.objects.get(name="corpus").etag == ""  # not kept: the run did not finish

    (report,) = harvest(config, fetcher=make_fetcher())
    assert report.errors == []
    assert report.unchanged == stored_first
    assert report.new + report.duplicates == len(corpus) - stored_first
    assert Publication.objects.count() + report.duplicates == len(corpus)
    assert Source.objects.get(name="corpus").etag == '"feed-v1"'

    (third,) = harvest(config, fetcher=make_fetcher())  # the feed says 304: nothing to do
    assert (third.new, third.unchanged, third.errors) == (0, 0, [])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_harvests_of_one_source_at_the_same_time(corpus_site, corpus, config, make_fetcher):
    """The scheduler's harvest and an editor's `pulse harvest` overlap on PostgreSQL (each in
    its own connection, committing as it goes): every publication is stored once, and what
    the other run stored first is recognised (known, or the same text), never an error. (The
    rarer race, both inserting one address at once, is test_batch_store's 'stored meanwhile'.)"""
    import threading

    from django.db import connection

    from policypulse.harvest.services import sync_sources

    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL: scripts/test runs it with DATABASE_URL")
    config.sources = [SourceConfig(name="corpus", url=corpus_site.url("/feed.xml"))]
    sync_sources(config)
    barrier, reports, crashes = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            reports.extend(harvest(config, fetcher=make_fetcher()))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            crashes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    from policypulse.catalogue.dedup import find_known
    from policypulse.catalogue.urls import canonical_url

    assert crashes == [] and len(reports) == 2
    assert [r.errors for r in reports] == [[], []]
    assert sum(r.new for r in reports) == Publication.objects.count()  # each stored once
    for report in reports:
        assert report.new + report.unchanged + report.duplicates == len(corpus)
    for record in corpus:  # every page is in the catalogue, as itself or as a twin's alias
        assert find_known([canonical_url(corpus_site.url(f"/pub/{record['id']}"))]), record["id"]
