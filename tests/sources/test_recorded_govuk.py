"""Recorded GOV.UK Content API items (tests/data/feeds/NOTICE.md) through the `govuk` adapter's
`enrich`, served from 127.0.0.1: the metadata and report PDFs a real item yields."""

import datetime
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from policypulse.rules import compile_rules
from policypulse.sources.adapters import DiscoveredEntry
from policypulse.sources.adapters.govuk import apply_content_item, enrich
from policypulse.sources.packs import load_pack

RECORDED = Path(__file__).parents[1] / "data" / "feeds" / "govuk-content"
UPLOADS = "/government/uploads/system/uploads/attachment_data/file/"

# file -> what the adapter must take from it; relative attachment paths are resolved against
# the page's own address (the loopback server here, www.gov.uk in real use).
EXPECTED = {
    "ofsted-fostering-in-england-2013-14.json": {
        "title": "Fostering in England 1 April 2013 to 31 March 2014",
        "summary": "Numbers and profile of foster carers and children in both local authority "
        "and independent services.",
        "document_type": "official_statistics",
        "publisher": "Ofsted",
        "published": datetime.date(2015, 1, 14),
        # The .xls dataset and the .doc copy are not report PDFs.
        "attachments": [
            (
                UPLOADS + "395004/Fostering_2013-14_key_findings.pdf",
                "Fostering in England 1 April 2013 to 31 March 2014",
            )
        ],
    },
    "dfe-adoption-and-fostering-research.json": {
        "title": "Adoption and fostering: understanding motivations and barriers",
        "summary": "Research into the attitudes of potential adopters and foster carers.",
        "document_type": "research",
        "publisher": "Department for Education",
        "published": datetime.date(2013, 3, 1),
        "attachments": [
            (
                UPLOADS + "265798/dfe_adoption_and_fostering_marketing_proposal.pdf",
                "Understanding attitudes, motivations and barriers to adoption and fostering",
            ),
            (
                UPLOADS + "322051/Department_for_Education_adoption_research_report_FINAL.PDF",
                "Identifying effective marketing methods to engage potential adopters",
            ),
            (
                UPLOADS + "265802/adoption_and_fostering_-_appendix_one.pdf",
                "Appendix 1: details of priority audience groups",
            ),
            (
                UPLOADS + "265805/adoption_and_fostering_-_methodological_appendix.pdf",
                "Appendix 2: additional methodological background",
            ),
            (
                UPLOADS
                + "265806/understanding_attitudes_to_adoption_and_fostering_qualitative_findings.pdf",
                "Appendix 3: qualitative findings",
            ),
            (
                UPLOADS + "265807/dfe_research_quantitative_debrief_presentation.pdf",
                "Appendix 4: quantitative survey",
            ),
        ],
    },
    "mod-foi-ex-regular-personnel-fr20.json": {
        "title": "Number of ex-regular service personnel in FR20",
        "summary": "MOD response to an FOI request for number of ex-regular service personnel "
        "part of Future Reserves 2020 (FR20).",
        "document_type": "foi_release",
        "publisher": "Ministry of Defence",
        "published": datetime.date(2014, 5, 29),
        "attachments": [
            (
                "https://assets.publishing.service.gov.uk"
                + UPLOADS
                + "315163/PUBLIC_1392629965.pdf",
                "Number of ex-regular service personnel now part of FR20",
            )
        ],
    },
}


def recorded(name: str) -> tuple[bytes, dict]:
    body = (RECORDED / name).read_bytes()
    return body, json.loads(body)


def absolute(base: str, url: str) -> str:
    return url if url.startswith("https://") else base + url


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recorded_content_item_through_enrich(name, http_server, make_fetcher):
    body, item = recorded(name)
    path = item["base_path"]
    http_server.routes["/api/content" + path] = (200, {"Content-Type": "application/json"}, body)
    entry = DiscoveredEntry(
        url=http_server.url(path),
        title="Title as the feed gave it",
        published=datetime.date(2000, 1, 1),
    )

    enriched = enrich(entry, make_fetcher())

    expected = EXPECTED[name]
    assert "/api/content" + path in http_server.hits
    assert enriched.title == expected["title"]
    assert enriched.summary == expected["summary"]
    assert enriched.document_type == expected["document_type"]
    assert enriched.publisher == expected["publisher"]
    assert enriched.published == expected["published"]
    assert enriched.attachments == [
        (absolute(http_server.base, url), title) for url, title in expected["attachments"]
    ]


def test_a_legacy_item_without_pdfs_keeps_the_feeds_attachments():
    """An item whose embedded documents are spreadsheets only adds no attachments."""
    _, item = recorded("ofsted-fostering-in-england-2013-14.json")
    item["details"]["documents"] = item["details"]["documents"][:2]  # the .xls and the .doc
    entry = DiscoveredEntry(url="https://www.gov.uk" + item["base_path"])
    assert apply_content_item(entry, item).attachments == []


@pytest.mark.parametrize(
    ("name", "pack_entry"),
    [
        ("ofsted-fostering-in-england-2013-14.json", "ofsted-research"),
        ("dfe-adoption-and-fostering-research.json", "dfe-research"),
    ],
)
def test_the_pack_entry_for_the_publisher_finds_and_keeps_its_recorded_item(name, pack_entry):
    """The pack's GOV.UK entry filters by the organisation slug the real item is published
    under, names the publisher as GOV.UK does, and its rules keep the real title and URL."""
    _, item = recorded(name)
    (entry,) = [e for e in load_pack("uk-social-policy").entries if e.name == pack_entry]
    (organisation,) = item["links"]["primary_publishing_organisation"]
    slug = organisation["base_path"].removeprefix("/government/organisations/")
    query = parse_qs(urlsplit(entry.url).query)
    assert query["organisations[]"] == [slug]
    assert entry.publisher == organisation["title"]
    rules = compile_rules(entry.keep, entry.block)
    assert rules.allows(item["title"], "https://www.gov.uk" + item["base_path"])
