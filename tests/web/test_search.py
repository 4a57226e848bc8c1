"""Search over every publication: full text (FTS5 on SQLite, PostgreSQL's own on PostgreSQL)
with filters; the same tests run on both databases."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from policypulse.catalogue.models import Publication
from policypulse.triage.models import TriageLabel
from policypulse.web import search


def test_fts5_query_quotes_every_word():
    assert search.fts5_query('Care homes" OR NEAR(x') == '"care"* "homes"* "or"* "near"* "x"*'
    assert search.fts5_query("  ...  ") == ""


def publication(title, *, text="", publisher="Ofsted", published=None, sector="children",
                type="report"):  # fmt: skip
    item = Publication.objects.create(
        url=f"https://example.org/{title.replace(' ', '-').lower()}",
        canonical_url=f"https://example.org/{title.replace(' ', '-').lower()}",
        title=title, text=text, publisher=publisher,
        published=published or datetime.date(2026, 11, 3),
    )  # fmt: skip
    TriageLabel.objects.create(publication=item, relevant=True, sector=sector, type=type)
    return item


@pytest.fixture
def library(db):
    return {
        "homeless": publication("Homelessness among care leavers", text="Young people leaving care."),
        "prisons": publication("Prison education review", text="Education in prisons and homelessness after release.",
                               publisher="HM Inspectorate of Prisons", sector="justice",
                               published=datetime.date(2025, 6, 1)),
        "adult": publication("Adult social care workforce", text="Vacancies in care homes.",
                             publisher="Care Quality Commission", sector="adult-care",
                             type="briefing"),
    }  # fmt: skip


def titles(results):
    return [p.title for p in results]


@pytest.mark.django_db
def test_words_find_publications_best_first(library):
    found = titles(search.search("homelessness"))
    assert found == ["Homelessness among care leavers", "Prison education review"]
    assert titles(search.search("workforce vacancies")) == ["Adult social care workforce"]
    assert search.search("nothing-like-this-anywhere") == []


@pytest.mark.django_db
def test_filters_by_sector_type_publisher_and_date(library):
    assert titles(search.search("homelessness", search.Filters(sector="justice"))) == [
        "Prison education review"
    ]
    assert titles(search.search("", search.Filters(type="briefing"))) == [
        "Adult social care workforce"
    ]
    assert titles(search.search("", search.Filters(publisher="inspectorate"))) == [
        "Prison education review"
    ]
    recent = search.search("", search.Filters(date_from=datetime.date(2026, 1, 1)))
    assert "Prison education review" not in titles(recent) and len(recent) == 2
    old = search.search("education", search.Filters(date_to=datetime.date(2025, 12, 31)))
    assert titles(old) == ["Prison education review"]


@pytest.mark.django_db
def test_updated_publications_are_found_by_their_new_words(library):
    assert search.search("safeguarding") == []
    item = library["adult"]
    item.text = "A new chapter on safeguarding."
    item.updated_at = timezone.now()
    item.save()
    assert titles(search.search("safeguarding")) == ["Adult social care workforce"]
    item.delete()
    assert search.search("safeguarding") == []


@pytest.mark.django_db
def test_operators_and_quotes_typed_by_the_user_are_plain_words(library):
    assert search.search('"unbalanced AND (') == []


@pytest.mark.django_db
def test_search_page(editor_client, library):
    page = editor_client.get(reverse("editor:search"), {"q": "care", "sector": "adult-care"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Adult social care workforce" in html and "Homelessness" not in html
    assert 'value="care"' in html
