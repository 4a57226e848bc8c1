"""Test data built with the ORM: a month of candidates, labels, summaries, sources, users.

Used by tests/web and by bench/web_bench.py; bulk inserts so thousands of rows stay quick."""

from __future__ import annotations

import datetime

from django.utils import timezone

from policypulse.catalogue.models import Publication
from policypulse.sources.models import Source
from policypulse.summaries.models import Summary
from policypulse.triage.models import TriageLabel

MONTH = datetime.date(2026, 11, 1)
SECTORS = ("adult-care", "children", "justice")
TYPES = ("report", "briefing")
PASSWORD = "correct horse battery staple"

SOURCE_TEXT = (
    "The inspectorate visited {n} services between April and September. "
    "It found that 38% of care homes required improvement, up from 31% last year, and that "
    "staff vacancies stood at 152,000. Spending rose to £2.4 billion. "
    "<script>alert('source')</script> Local authorities reported 1,200 complaints."
)
SUMMARY_TEXT = (
    "The inspectorate reviewed services and found that 38% of care homes required "
    "improvement, up from 31% the year before. Staff vacancies stood at 152,000 and spending "
    "rose to £2.4 billion."
)


def make_candidates(count: int, month: datetime.date = MONTH, *, prefix: str = "Item",
                    failing_every: int = 5) -> list[Publication]:  # fmt: skip
    """`count` relevant, summarised, pending publications spread over sectors and types;
    every `failing_every`-th summary has a figure the source lacks."""
    start = Publication.objects.count()
    now = timezone.now()
    publications = Publication.objects.bulk_create(
        Publication(
            url=f"https://example.org/{prefix.lower()}/{start + i}",
            canonical_url=f"https://example.org/{prefix.lower()}/{start + i}",
            title=f"{prefix} {i}: report on services <b>{i}</b>",
            publisher=("Care Quality Commission", "Ofsted", "HM Inspectorate of Prisons")[i % 3],
            published=month + datetime.timedelta(days=i % 28),
            text=SOURCE_TEXT.format(n=40 + i),
            first_seen=now,
            updated_at=now,
        )
        for i in range(count)
    )
    TriageLabel.objects.bulk_create(
        TriageLabel(
            publication=p,
            relevant=True,
            relevance=round(0.5 + (i * 7919 % 500) / 1000, 3),
            sector=SECTORS[i % 3],
            type=TYPES[i % 2],
        )
        for i, p in enumerate(publications)
    )
    Summary.objects.bulk_create(
        Summary(
            publication=p,
            text=SUMMARY_TEXT + (" Waiting times rose 77%." if i % failing_every == 0 else ""),
            backend="extractive",
            checks=[{"rule": "number", "span": "77%", "message": "'77%' is not in the source"}]
            if i % failing_every == 0
            else [],
            passed=i % failing_every != 0,
        )
        for i, p in enumerate(publications)
    )
    return publications


def make_sources() -> list[Source]:
    return [
        Source.objects.create(
            name="healthy-feed", url="https://example.org/ok.rss", last_success_at=timezone.now()
        ),  # fmt: skip
        Source.objects.create(
            name="broken-feed",
            url="https://example.org/broken.rss",
            consecutive_failures=3,
            last_error="HTTP 503 <b>oops</b>",
        ),  # fmt: skip
    ]


def make_user(email: str, role: str):
    from policypulse.web.accounts import create_user

    return create_user(email, role, PASSWORD, actor="cli:tests")
