"""Per-source cadence, health and rules, through the real harvest against 127.0.0.1."""

import datetime

import pytest

from policypulse.catalogue.models import Publication
from policypulse.errors import PulseError
from policypulse.harvest.check import check_sources
from policypulse.harvest.services import harvest
from policypulse.sources.models import Source
from policypulse.sources.packs import load_pack
from policypulse.sources.services import add_pack, resume
from policypulse.workspace import SourceConfig

T0 = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>Home | Publications | Jobs</nav><main><h1>{title}</h1>
<div class="share">Share this page on social media and sign up to our newsletter today.</div>
<div class="summary"><p>Forty-one per cent of people on licence met their worker weekly.</p>
<p>Regions should share caseload data with the courts every month.</p></div>
<p>Related reading: our annual report, our strategy and our accounts for the year.</p>
</main></body></html>"""


def rss(base: str, items: list[tuple[str, str]], ttl: str = "") -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link>"
        "<pubDate>Wed, 04 Nov 2026 09:00:00 GMT</pubDate></item>"
        for title, path in items
    )
    ttl = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{ttl}{body}'
            "</channel></rss>").encode()  # fmt: skip


@pytest.fixture
def site(http_server):
    for slug, title in (("a", "Licence supervision study"), ("b", "Job vacancy: analyst")):
        http_server.routes[f"/p/{slug}"] = (
            200, {"Content-Type": "text/html"}, PAGE.format(title=title).encode(),
        )  # fmt: skip
    items = [("Licence supervision study", "/p/a"), ("Job vacancy: analyst", "/p/b")]
    http_server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                       rss(http_server.base, items))  # fmt: skip
    http_server.routes["/slow.xml"] = (
        200, {"Content-Type": "application/rss+xml", "Cache-Control": "max-age=259200"},
        rss(http_server.base, items[:1]),
    )  # fmt: skip
    http_server.routes["/broken.xml"] = (500, {}, b"oops")
    return http_server


def fetched(server, path: str) -> int:
    return sum(1 for hit in server.hits if hit.split("?")[0] == path)


@pytest.mark.django_db
def test_a_source_failing_n_times_in_a_row_is_paused_then_resumes(site, config, make_fetcher):
    config.harvest.pause_after_failures = 3
    config.sources = [SourceConfig(name="flaky", url=site.url("/broken.xml"))]
    for day in range(3):
        (report,) = harvest(config, fetcher=make_fetcher(), now=T0 + day * 24 * HOUR)
        assert report.errors and report.paused == (day == 2)
    source = Source.objects.get(name="flaky")
    assert source.health == "paused" and source.consecutive_failures == 3
    assert "HTTP 500" in source.last_error and source.paused_at == T0 + 48 * HOUR

    hits = fetched(site, "/broken.xml")
    assert harvest(config, fetcher=make_fetcher(), now=T0 + 96 * HOUR) == []
    assert fetched(site, "/broken.xml") == hits  # paused: not asked, even with everything due
    with pytest.raises(PulseError, match="paused after 3 failures.*sources resume flaky"):
        harvest(config, only="flaky", fetcher=make_fetcher())

    site.routes["/broken.xml"] = site.routes["/feed.xml"]  # the publisher fixed it
    resumed = resume("flaky")
    assert resumed.health == "failing" or resumed.paused_at is None
    assert Source.objects.get(name="flaky").paused_at is None
    (report,) = harvest(config, fetcher=make_fetcher(), now=T0 + 97 * HOUR)
    assert report.new == 2 and Source.objects.get(name="flaky").health == "ok"


@pytest.mark.django_db
def test_cadence_skips_a_source_not_yet_due_and_honours_a_longer_max_age(
    site, config, make_fetcher
):
    config.sources = [
        SourceConfig(name="daily", url=site.url("/feed.xml")),
        SourceConfig(name="cached", url=site.url("/slow.xml")),  # max-age: 3 days
    ]

    def run(at, **kwargs):
        skipped = []
        reports = harvest(config, fetcher=make_fetcher(), now=at, due_only=True,
                          on_skipped=skipped.append, **kwargs)  # fmt: skip
        return {r.source for r in reports}, {s.name for s in skipped}

    assert run(T0) == ({"daily", "cached"}, set())
    assert Source.objects.get(name="daily").next_due_at == T0 + 24 * HOUR
    assert Source.objects.get(name="cached").next_due_at == T0 + 72 * HOUR
    hits = len(site.hits)
    assert run(T0 + HOUR) == (set(), {"daily", "cached"})
    assert len(site.hits) == hits  # nothing was asked
    assert run(T0 + 25 * HOUR) == ({"daily"}, {"cached"})
    assert run(T0 + 73 * HOUR) == ({"daily", "cached"}, set())
    # Without due_only (pulse harvest --all) everything that is not paused runs.
    assert {r.source for r in harvest(config, fetcher=make_fetcher(), now=T0 + 74 * HOUR)} == {
        "daily", "cached"}  # fmt: skip


@pytest.mark.django_db
def test_block_rules_drop_entries_before_they_are_fetched(site, config, make_fetcher):
    config.sources = [SourceConfig(name="f", url=site.url("/feed.xml"), block=["job vacanc"])]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert report.new == 1 and report.dropped == 1
    assert list(Publication.objects.values_list("title", flat=True)) == [
        "Licence supervision study"]  # fmt: skip
    assert fetched(site, "/p/b") == 0


@pytest.mark.django_db
def test_keep_rules_on_the_url_keep_only_matches(site, config, make_fetcher):
    config.sources = [SourceConfig(name="f", url=site.url("/feed.xml"), keep=[r"/p/b$"])]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert report.new == 1 and report.dropped == 1 and fetched(site, "/p/a") == 0


@pytest.mark.django_db
def test_main_selector_chooses_the_main_text(site, config, make_fetcher):
    config.sources = [SourceConfig(name="f", url=site.url("/feed.xml"), main_selector=".summary",
                                   keep=["supervision"])]  # fmt: skip
    harvest(config, fetcher=make_fetcher())
    stored = Publication.objects.get()
    assert stored.text == (
        "Forty-one per cent of people on licence met their worker weekly.\n"
        "Regions should share caseload data with the courts every month."
    )


@pytest.mark.django_db
def test_adding_a_pack_twice_adds_nothing_new():
    pack = load_pack("uk-social-policy")
    first = add_pack("uk-social-policy")
    assert len(first.added) == len(pack.entries) and not first.already
    again = add_pack("uk-social-policy")
    assert again.added == [] and len(again.already) == len(pack.entries)
    assert Source.objects.count() == len(pack.entries)
    ofsted = Source.objects.get(name="ofsted-research")
    assert ofsted.kind == "govuk" and ofsted.sectors == ["children"] and ofsted.pack == pack.name
    assert ofsted.last_seen == datetime.date(2024, 12, 3) and ofsted.block


@pytest.mark.django_db
def test_check_reports_what_answers_moved_and_is_gone_without_harvesting(
    site, config, make_fetcher
):
    site.routes["/old.xml"] = (301, {"Location": "/feed.xml"}, b"")
    site.routes["/gone.xml"] = (410, {}, b"gone")
    config.sources = [
        SourceConfig(name="fine", url=site.url("/feed.xml")),
        SourceConfig(name="moved", url=site.url("/old.xml")),
        SourceConfig(name="gone", url=site.url("/gone.xml")),
        SourceConfig(name="missing", url=site.url("/nothing-here.xml")),
    ]
    results = {r.source: r for r in check_sources(config, fetcher=make_fetcher())}
    assert {k: r.status for k, r in results.items()} == {
        "fine": "ok", "moved": "moved", "gone": "gone", "missing": "gone"}  # fmt: skip
    assert results["moved"].detail == site.url("/feed.xml")
    assert "HTTP 410" in results["gone"].detail
    assert not Publication.objects.exists() and fetched(site, "/p/a") == 0
    assert all(s.last_fetched_at is None and not s.consecutive_failures
               for s in Source.objects.all())  # fmt: skip
