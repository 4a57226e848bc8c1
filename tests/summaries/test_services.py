"""summarize() on the database with the extractive backend: saved, checked, editors kept."""

from __future__ import annotations

import pytest

from policypulse.catalogue.models import Attachment, Publication
from policypulse.summaries.models import Summary
from policypulse.summaries.services import source_text, summarize
from policypulse.triage.models import TriageLabel

TEXT = (
    "Key findings\n\n"
    "• The survey of 1,250 carers found that 38 per cent had cut their working hours.\n"
    "• Two thirds of carers said they had not had a break in the past year.\n"
    "• Spending on carers' services rose to £4.2 million in 2019, up from £3.9 million.\n"
    "The report recommends that councils assess every carer within 28 days of a request and "
    "that the government publishes a national carers' strategy with clear targets.\n"
    "Carers in rural areas reported the greatest difficulty in finding replacement care, and "
    "young carers were the least likely to have had an assessment of their own needs.\n"
)


def _publication(slug: str, text: str = TEXT, relevant: bool = True) -> Publication:
    publication = Publication.objects.create(
        url=f"https://example.org/{slug}", canonical_url=f"https://example.org/{slug}",
        title="State of caring 2019", publisher="Carers Trust", text=text,
    )  # fmt: skip
    TriageLabel.objects.create(publication=publication, relevant=relevant, type="briefing")
    return publication


@pytest.mark.django_db
def test_summaries_are_written_checked_and_editors_text_is_never_replaced(config):
    kept = _publication("a")
    fresh = _publication("b")
    _publication("c", relevant=False)
    Summary.objects.create(publication=kept, text="The editor's own.", backend="extractive",
                           edited_by_editor=True)  # fmt: skip

    assert summarize(config) == 1
    summary = Summary.objects.get(publication=fresh)
    assert summary.backend == "extractive" and summary.passed and summary.checks == []
    assert "38 per cent" in summary.text and summary.text.startswith("This report by")

    assert summarize(config, force=True) == 1
    assert Summary.objects.get(publication=kept).text == "The editor's own."


@pytest.mark.django_db
def test_a_short_source_is_stored_with_its_failures_and_spans(config):
    short = _publication("s", text="Carers provide most care unpaid across England.")
    summarize(config)
    summary = Summary.objects.get(publication=short)
    assert not summary.passed
    rules = {check["rule"]: check for check in summary.checks}
    assert rules["length"]["span"].isdigit() and "source" in rules


@pytest.mark.django_db
def test_source_text_takes_the_metadata_and_readable_attachments():
    publication = _publication("p")
    Attachment.objects.create(publication=publication, url="https://example.org/p.pdf",
                              text="Annex with 17 tables.", status="ok")  # fmt: skip
    Attachment.objects.create(publication=publication, url="https://example.org/q.pdf",
                              text="Unreadable 99.", status="corrupt")  # fmt: skip
    text = source_text(publication)
    assert text.startswith("Carers Trust\n\nState of caring 2019")
    assert "17 tables" in text and "99" not in text


@pytest.mark.django_db
def test_source_text_brings_the_reports_key_findings_early():
    from policypulse.catalogue.models import Attachment, Publication
    from policypulse.summaries.services import source_text

    publication = Publication.objects.create(
        url="https://x.example/p",
        canonical_url="https://x.example/p",
        title="A review",
        text="The landing page.",
        key_text="Key findings: 41% of councils met the target.",
    )
    Attachment.objects.create(
        publication=publication, url="https://x.example/p.pdf", status="ok", text="Full report."
    )
    text = source_text(publication)
    assert (
        text.index("The landing page.") < text.index("41% of councils") < text.index("Full report.")
    )
