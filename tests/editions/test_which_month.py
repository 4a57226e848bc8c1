"""One rule for "which month": the CLI's `editions build` and the editor app agree (issue 12)."""

import datetime

import pytest

from policypulse.catalogue.models import Publication
from policypulse.editions.services import latest_month
from policypulse.errors import EditionError
from policypulse.triage.models import TriageLabel
from policypulse.web.review import current_month

TODAY = datetime.date(2027, 3, 15)


def publication(slug: str, published: datetime.date | None, relevant: bool | None):
    item = Publication.objects.create(
        url=f"https://example.org/{slug}", canonical_url=f"https://example.org/{slug}",
        title=slug, published=published,
    )  # fmt: skip
    if relevant is not None:
        TriageLabel.objects.create(publication=item, relevant=relevant, sector="justice")
    return item


@pytest.mark.django_db
def test_the_cli_and_the_editor_app_work_on_the_same_month():
    publication("november-report", datetime.date(2026, 11, 20), relevant=True)
    publication("december-out-of-scope", datetime.date(2026, 12, 2), relevant=False)
    publication("undated", None, relevant=True)
    assert latest_month() == datetime.date(2026, 11, 1)
    assert current_month(TODAY) == latest_month()
    publication("january-not-triaged-yet", datetime.date(2027, 1, 9), relevant=None)
    assert latest_month() == datetime.date(2027, 1, 1)
    assert current_month(TODAY) == latest_month()


@pytest.mark.django_db
def test_with_nothing_dated_the_editor_sees_today_and_the_cli_says_why():
    publication("out-of-scope", datetime.date(2026, 12, 2), relevant=False)
    assert current_month(TODAY) == datetime.date(2027, 3, 1)
    with pytest.raises(EditionError, match="no relevant publications"):
        latest_month()
