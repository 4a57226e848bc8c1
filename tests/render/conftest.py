"""An edition built with the ORM: three sectors, reports and briefings, house-style summaries,
a foreword and news; `hostile=True` adds a title from the web with markup, an ampersand and a
right-to-left override."""

from __future__ import annotations

import datetime
import itertools

import pytest

from policypulse.months import month_label, parse_month

HOSTILE_TITLE = "Care & <script>alert(1)</script> costs \u202egnp.exe"
HOSTILE_SHOWN = "Care & <script>alert(1)</script> costs gnp.exe"

SUMMARY = (
    "This report looks at how councils commission support for {topic} and what changed after "
    "the new guidance. It found that 38% of areas had redesigned services, that waiting times "
    "fell in most of them, and that staff turnover remained the main risk. The report highlights "
    "three case studies where joint working between health and social care improved outcomes "
    "for families. It recommends that the Department publishes clearer data on spending and "
    "that inspectors look at how councils use the evidence when they plan services."
)
TOPICS = ["home care", "care leavers", "probation", "dementia", "fostering", "youth justice",
          "carers", "adoption", "prisons", "hospital discharge", "early years", "policing"]  # fmt: skip
_counter = itertools.count(1)


def make_edition(
    n_items: int = 12,
    month: str = "2026-10",
    status: str = "approved",
    hostile: bool = False,
    url_base: str = "https://example.org",
    news: list | None = None,
):
    from policypulse.catalogue.models import Publication
    from policypulse.editions.models import Edition, EditionItem

    edition = Edition.objects.create(
        month=parse_month(month),
        title=f"Research and Policy Digest: {month_label(parse_month(month))}",
        status=status,
        foreword=(
            "This month's themes are **workforce** and *evidence*. Read our "
            f"[conference notes]({url_base}/notes?a=1&b=2) and tell us what you think.\n\n"
            "- more on care leavers\n- more on prisons\n\nHead of Research"
        ),
        news=news
        if news is not None
        else [
            {"title": "We are at the NCAS conference", "body": "Come and see us on **stand 4**."},
        ],
        approved_at=datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC),
    )
    sectors = ["adult-care", "children", "justice"]
    for index in range(n_items):
        number = next(_counter)
        title = f"Evaluation of {TOPICS[index % len(TOPICS)]} support, study {number}"
        if hostile and index == 0:
            title = HOSTILE_TITLE
        publication = Publication.objects.create(
            url=f"{url_base}/publications/{number}",
            canonical_url=f"{url_base}/publications/{number}",
            title=title,
            publisher=f"Institute {index % 4 + 1}",
            published=edition.month,
        )
        EditionItem.objects.create(
            edition=edition,
            publication=publication,
            sector=sectors[index % 3],
            type="briefing" if index % 4 == 3 else "report",
            order=index,
            title=title,
            publisher=publication.publisher,
            url=publication.url,
            summary=SUMMARY.format(topic=TOPICS[index % len(TOPICS)])
            + (f" {HOSTILE_TITLE}" if hostile and index == 0 else ""),
        )
    return edition


@pytest.fixture
def edition_factory(db):
    return make_edition


@pytest.fixture
def edition(db):
    return make_edition()


@pytest.fixture
def hostile_edition(db):
    return make_edition(hostile=True, month="2026-09")
