"""A hostile web server on 127.0.0.1: every misbehaviour is survived, stored as what it is,
and reported. The clock and sleep are fake, so nothing here waits for real."""

import pytest
from weasyprint import HTML

from policypulse.catalogue.models import Attachment, Publication
from policypulse.harvest.services import harvest
from policypulse.sources.models import Source
from policypulse.workspace import SourceConfig

from .conftest import endless, failing_then, gzip_bomb, redirect, rss, slow_drip
from .pdfs import encrypted_pdf, truncated_pdf

BODY = (
    "<p>This inspection of 14 youth offending services found that 58% of children had a "
    "plan that met their needs, and that waiting times for assessment fell by 9 days.</p>"
    "<p>Inspectors recommend that services agree shared data standards with courts and "
    "publish quarterly figures on the time children wait for an assessment.</p>"
)


def page(title: str, extra: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><nav>Home | News</nav><main><h1>{title}</h1>{BODY}{extra}</main></body></html>"
    )


def html_route(text: str, content_type: str = "text/html; charset=utf-8", encoding="utf-8"):
    return (200, {"Content-Type": content_type}, text.encode(encoding))


def report_pdf() -> bytes:
    findings = " ".join(["Waiting times fell in most areas while demand rose."] * 12)
    return HTML(
        string=(
            "<h1>Youth justice review</h1><p>Contents</p><p>Executive summary ........ 2</p>"
            f"<h2 style='break-before: page'>Executive summary</h2><p>{findings}</p>"
            "<h2 style='break-before: page'>1. Introduction</h2><p>Background text.</p>"
        )
    ).write_pdf()


@pytest.fixture
def hostile(http_server):
    routes = http_server.routes
    routes["/robots.txt"] = (200, {}, b"User-agent: *\nDisallow: /private/\n")
    routes["/ok"] = html_route(page("A well behaved page"))
    routes["/slow"] = slow_drip
    routes["/flaky"] = failing_then(500, 2, page("Flaky but fine").encode())
    routes["/busy"] = failing_then(429, 1, page("Busy then fine").encode(), {"Retry-After": "3"})
    routes["/loop-a"] = redirect("/loop-b")
    routes["/loop-b"] = redirect("/loop-a")
    routes["/private/secret"] = html_route(page("Never fetched"))
    # Declares latin-1 but sends UTF-8, and the reverse.
    routes["/latin-declared"] = html_route(
        page("Children\u2019s services \u2013 caf\u00e9 review", charset="iso-8859-1"),
        "text/html; charset=iso-8859-1",
    )
    routes["/utf8-declared"] = html_route(
        page("Caf\u00e9 culture \u2013 a review"), "text/html; charset=utf-8", "cp1252"
    )
    routes["/locked.pdf"] = (200, {"Content-Type": "application/pdf"}, encrypted_pdf())
    routes["/landing"] = html_route(
        page(
            "Youth justice review",
            '<p><a href="/files/report.pdf">Download the full report</a></p>'
            '<p><a href="/files/endless.pdf">Annex A (PDF)</a></p>'
            '<p><a href="/files/bomb.pdf">Annex B (PDF)</a></p>'
            '<p><a href="/files/encrypted.pdf">Annex C (PDF)</a></p>'
            '<p><a href="/files/truncated.pdf">Annex D (PDF)</a></p>',
        )
    )
    routes["/files/report.pdf"] = (200, {"Content-Type": "application/pdf"}, report_pdf())
    routes["/files/endless.pdf"] = endless
    routes["/files/bomb.pdf"] = gzip_bomb(16)
    routes["/files/encrypted.pdf"] = (200, {"Content-Type": "application/pdf"}, encrypted_pdf())
    routes["/files/truncated.pdf"] = (200, {}, truncated_pdf(report_pdf()))
    paths = ["/ok", "/slow", "/flaky", "/busy", "/loop-a", "/private/secret",
             "/latin-declared", "/utf8-declared", "/locked.pdf", "/landing"]  # fmt: skip
    routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss(http_server.base, [{"title": "", "path": path} for path in paths]),
    )
    routes["/invalid.xml"] = (200, {"Content-Type": "application/xml"}, b"<urlset><url><loc>x</lo")
    routes["/garbage-feed.xml"] = (200, {}, b"\x00\x01\x02 not a feed <html")
    return http_server


@pytest.fixture
def outcome(hostile, config, make_fetcher, fake_time):
    config.harvest.max_body_megabytes = 0.25
    fake_time.step = 5.0  # each reading of the clock is five seconds later
    config.sources = [
        SourceConfig(name="hostile", url=hostile.url("/feed.xml")),
        SourceConfig(name="bad-sitemap", url=hostile.url("/invalid.xml"), kind="sitemap"),
        SourceConfig(name="bad-feed", url=hostile.url("/garbage-feed.xml")),
    ]
    reports = {r.source: r for r in harvest(config, fetcher=make_fetcher(total_seconds=60))}
    return reports, hostile, fake_time


def stored(server, path):
    return Publication.objects.filter(canonical_url=server.url(path).replace("http:", "https:"))


def error_for(report, path):
    return " ".join(e for e in report.errors if e.split(": ", 1)[0].endswith(path))


@pytest.mark.django_db
def test_a_good_page_among_bad_ones_is_stored(outcome):
    reports, server, _ = outcome
    assert stored(server, "/ok").get().title == "A well behaved page"
    assert reports["hostile"].new == 7  # ok, flaky, busy, two charsets, locked PDF, landing


@pytest.mark.django_db
def test_slow_response_past_the_deadline(outcome):
    reports, server, _ = outcome
    assert "timed out" in error_for(reports["hostile"], "/slow")
    assert not stored(server, "/slow").exists()


@pytest.mark.django_db
def test_500s_then_success_and_429_with_retry_after(outcome):
    reports, server, clock = outcome
    assert stored(server, "/flaky").get().title == "Flaky but fine"
    assert stored(server, "/busy").get().title == "Busy then fine"
    assert server.hits.count("/flaky") == 3 and server.hits.count("/busy") == 2
    assert sorted(clock.sleeps) == [1.0, 2.0, 3.0]  # backoff 1 s, 2 s; Retry-After 3 s
    assert not error_for(reports["hostile"], "/flaky")


@pytest.mark.django_db
def test_redirect_loop(outcome):
    reports, server, _ = outcome
    assert "redirect loop" in error_for(reports["hostile"], "/loop-a")
    assert not stored(server, "/loop-a").exists()


@pytest.mark.django_db
def test_robots_disallow(outcome):
    reports, server, _ = outcome
    assert "robots.txt" in error_for(reports["hostile"], "/private/secret")
    assert "/private/secret" not in server.hits
    assert not stored(server, "/private/secret").exists()


@pytest.mark.django_db
def test_wrong_declared_charsets(outcome):
    _, server, _ = outcome
    assert stored(server, "/latin-declared").get().title == (
        "Children\u2019s services \u2013 caf\u00e9 review"
    )
    assert stored(server, "/utf8-declared").get().title == "Caf\u00e9 culture \u2013 a review"


@pytest.mark.django_db
def test_an_encrypted_pdf_publication_is_stored_as_such(outcome):
    reports, server, _ = outcome
    locked = stored(server, "/locked.pdf").get()
    assert locked.kind == "pdf"
    assert locked.extraction_status == "encrypted"
    assert locked.text == ""
    assert "encrypted" in error_for(reports["hostile"], "/locked.pdf")


@pytest.mark.django_db
def test_attachments_record_what_went_wrong(outcome):
    _, server, _ = outcome
    landing = stored(server, "/landing").get()
    status = {a.url.rsplit("/", 1)[1]: a for a in landing.attachments.all()}
    assert status["report.pdf"].status == Attachment.Status.OK
    assert status["report.pdf"].pages == 3
    assert status["endless.pdf"].status == Attachment.Status.TOO_LARGE
    assert status["bomb.pdf"].status == Attachment.Status.TOO_LARGE
    assert status["encrypted.pdf"].status == Attachment.Status.ENCRYPTED
    assert status["truncated.pdf"].status == Attachment.Status.CORRUPT
    # The executive summary, not the contents page, is the publication's key text.
    assert landing.key_text.startswith("Waiting times fell in most areas")
    assert "Background text" not in landing.key_text


@pytest.mark.django_db
def test_invalid_xml_and_garbage_fail_their_source_only(outcome):
    reports, _, _ = outcome
    assert "not a readable sitemap" in reports["bad-sitemap"].errors[0]
    assert "not a readable feed" in reports["bad-feed"].errors[0]
    bad = Source.objects.get(name="bad-sitemap")
    assert bad.health == "failing" and bad.consecutive_failures == 1
    assert "not a readable sitemap" in bad.last_error
    assert Source.objects.get(name="hostile").health == "ok"
