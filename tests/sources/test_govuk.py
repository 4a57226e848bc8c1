"""GOV.UK search feeds and the Content API, served from 127.0.0.1."""

import datetime
import json

import pytest
from weasyprint import HTML

from policypulse.catalogue.models import Publication
from policypulse.harvest.services import harvest
from policypulse.sources.adapters import DiscoveredEntry
from policypulse.sources.adapters.govuk import apply_content_item, content_api_url
from policypulse.workspace import SourceConfig

PATH = "/government/statistics/children-looked-after-2026"


def atom(base: str, updated: str) -> bytes:
    """A search feed where the same document appears twice under different ids."""
    entry = (
        "<entry><id>{base}{path}#{updated}</id><updated>{updated}</updated>"
        '<link rel="alternate" type="text/html" href="{base}{path}"/>'
        "<title>Children looked after in England</title><summary>Statistics.</summary></entry>"
    )
    entries = entry.format(base=base, path=PATH, updated=updated) + entry.format(
        base=base, path=PATH, updated="2026-11-01T09:30:00+00:00"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Research and statistics</title><id>{base}/search</id>{entries}</feed>"
    ).encode()


def content_item(base: str) -> dict:
    return {
        "title": "Children looked after in England, year ending March 2026",
        "description": "Annual statistics on children looked after by local authorities.",
        "document_type": "official_statistics",
        "first_published_at": "2026-11-05T09:30:00.000+00:00",
        "public_updated_at": "2026-11-06T10:00:00.000+00:00",
        "links": {
            "organisations": [{"title": "Department for Education"}, {"title": "Ofsted"}],
            "primary_publishing_organisation": [{"title": "Department for Education"}],
        },
        "details": {
            "attachments": [
                {"url": f"{base}/media/cla-2026.pdf", "title": "Main text",
                 "content_type": "application/pdf"},
                {"url": f"{base}/media/tables.ods", "title": "Tables",
                 "content_type": "application/vnd.oasis.opendocument.spreadsheet"},
            ]
        },
    }  # fmt: skip


PAGE = """<!DOCTYPE html><html><head><title>Children looked after - GOV.UK</title></head><body>
<header>GOV.UK</header><main><h1>Children looked after in England</h1>
<p>There were 83,630 children looked after on 31 March 2026, up 1% on the previous year.</p>
<p>The number of children who started to be looked after fell by 3% to 32,170.</p></main></body></html>"""


@pytest.fixture
def govuk(http_server):
    pdf = HTML(
        string="<h2>Key findings</h2><p>" + "Fewer children entered care this year. " * 12 + "</p>"
        "<h2 style='break-before: page'>Introduction</h2><p>Detail.</p>"
    ).write_pdf()
    http_server.routes["/search/research-and-statistics.atom"] = (
        200,
        {"Content-Type": "application/atom+xml"},
        atom(http_server.base, "2026-11-06T10:00:00+00:00"),
    )
    http_server.routes[PATH] = (200, {"Content-Type": "text/html"}, PAGE.encode())
    http_server.routes["/api/content" + PATH] = (
        200,
        {"Content-Type": "application/json"},
        json.dumps(content_item(http_server.base)).encode(),
    )
    http_server.routes["/media/cla-2026.pdf"] = (200, {"Content-Type": "application/pdf"}, pdf)
    return http_server


def test_content_api_url():
    assert content_api_url("https://www.gov.uk/government/publications/x?y=1") == (
        "https://www.gov.uk/api/content/government/publications/x"
    )


def test_content_item_fills_the_entry():
    entry = apply_content_item(
        DiscoveredEntry(url="https://www.gov.uk/x"), content_item("https://a")
    )
    assert entry.document_type == "official_statistics"
    assert entry.publisher == "Department for Education"
    assert entry.published == datetime.date(2026, 11, 5)
    assert entry.attachments == [("https://a/media/cla-2026.pdf", "Main text")]


@pytest.mark.django_db
def test_govuk_source_end_to_end(govuk, config, make_fetcher):
    config.sources = [
        SourceConfig(
            name="dfe-stats",
            url=govuk.url("/search/research-and-statistics.atom?organisations[]=dfe"),
            kind="govuk",
        )
    ]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert (report.new, report.errors) == (1, [])  # one document, though listed twice
    stored = Publication.objects.get()
    assert stored.title == "Children looked after in England, year ending March 2026"
    assert stored.document_type == "official_statistics"
    assert stored.publisher == "Department for Education"
    assert stored.published == datetime.date(2026, 11, 5)
    assert "83,630 children" in stored.text
    (attachment,) = stored.attachments.all()
    assert attachment.status == "ok" and attachment.pages == 2
    assert stored.key_text.startswith("Fewer children entered care")

    # The same feed again: nothing fetched but the feed (and robots.txt once per run).
    hits = len(govuk.hits)
    (again,) = harvest(config, fetcher=make_fetcher())
    assert again.unchanged == 1 and again.new == 0
    assert [h for h in govuk.hits[hits:] if not h.startswith(("/search", "/robots.txt"))] == []

    # Updated upstream: a new entry id and updated date, the same link: an update, not new.
    govuk.routes["/search/research-and-statistics.atom"] = (
        200,
        {},
        atom(govuk.base, "2026-11-20T10:00:00+00:00"),
    )
    govuk.routes[PATH] = (200, {}, PAGE.replace("83,630", "83,640").encode())
    (updated,) = harvest(config, fetcher=make_fetcher())
    assert (updated.new, updated.updated) == (0, 1)
    assert Publication.objects.count() == 1
    assert "83,640 children" in Publication.objects.get().text
