"""Archive permalinks round-trip: the slug made from any title is one the URL accepts, on the
edition page, in the sitemap and in the static site (finding 8 of the hardening issue)."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import resolve
from hypothesis import given
from hypothesis import strategies as st

from policypulse.render.archive import publish_static
from policypulse.render.sanitise import slug
from policypulse.render.view import edition_view
from tests.render.conftest import make_edition
from tests.web.strategies import hostile_text

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
UNDERSCORED = "Prisons_report: snake_case and __dunder__ titles"


@given(title=hostile_text)
def test_every_slug_made_is_one_the_item_url_accepts(title):
    made = slug(title)
    match = resolve(f"/editions/2026-10/items/42-{made}/")
    assert match.url_name == "item" and match.namespace == "archive"
    assert match.kwargs == {"month": "2026-10", "item_id": "42", "slug_text": made}
    assert made == slug(made)  # a slug is its own slug: no redirect loop


@given(title=st.text(alphabet="_-abc ", min_size=1, max_size=20))
def test_slugs_are_lower_case_ascii_words_and_hyphens(title):
    made = slug(title)
    assert made and all(c in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in made)
    assert not made.startswith("-") and not made.endswith("-")


@pytest.mark.django_db
def test_an_underscored_title_links_to_a_page_that_exists(settings, tmp_path):
    edition = make_edition(n_items=3, month="2026-10", status="approved")
    item = edition.items.first()
    item.title = UNDERSCORED
    item.save()
    view = edition_view(edition, settings.PULSE)
    entry = next(e for e in view.entries if e.key == item.pk)
    path = view.item_path(entry)
    client = Client()
    assert f'href="{path}"' in client.get("/editions/2026-10/").content.decode()
    assert client.get(path).status_code == 200
    locations = [
        loc.text for loc in ET.fromstring(client.get("/sitemap.xml").content).iter(f"{SITEMAP}loc")
    ]
    base = settings.PULSE.site.base_url
    item_locations = [loc for loc in locations if f"/items/{item.pk}-" in loc]
    assert item_locations == [base + path]
    assert client.get(item_locations[0].removeprefix(base)).status_code == 200
    written = publish_static(settings.PULSE, tmp_path, downloads=False)
    assert tmp_path / path.strip("/") / "index.html" in written
    # A link made before the fix (underscores kept) still reaches the page, by a redirect.
    old = f"/editions/2026-10/items/{item.pk}-prisons_report-snake_case/"
    moved = client.get(old)
    assert moved.status_code == 301 and moved["Location"] == path


@pytest.mark.django_db
def test_hostile_titles_round_trip_through_the_server(settings):
    edition = make_edition(n_items=1, month="2026-10", status="approved")
    item = edition.items.get()
    client = Client()

    @given(title=hostile_text.filter(lambda t: t.strip()))
    def check(title):
        item.title = title
        item.save()
        view = edition_view(edition, settings.PULSE)
        path = view.item_path(next(iter(view.entries)))
        response = client.get(path)
        assert response.status_code == 200, (title, path)

    check()
