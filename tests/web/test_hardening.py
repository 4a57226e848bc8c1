"""Finding 8 of the hardening issue, web parts: months out of range, missing objects, HEAD."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from policypulse.editions.services import build_edition
from policypulse.mailing.models import Subscriber
from tests.render.conftest import make_edition
from tests.web import factories


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1000-06", "2026-13", "2026-1x"])
def test_a_month_out_of_range_falls_back_with_a_message(editor_client, month_items, month):
    for name in ("editor:dashboard", "editor:queue"):
        response = editor_client.get(reverse(name), {"month": month})
        assert response.status_code == 200
        assert response.context["month"] == factories.MONTH  # the current month instead
        assert "Not a month PolicyPulse knows" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1000-06", "2026-13"])
def test_edition_urls_with_a_month_out_of_range_are_not_found(editor_client, month):
    assert editor_client.get(f"/editor/editions/{month}/").status_code == 404
    assert editor_client.post(f"/editor/editions/{month}/build/").status_code == 404
    assert Client().get(f"/editions/{month}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("item", ["999999", "9" * 30, "٣", "²"])
def test_moving_a_missing_item_is_not_found_or_refused(editor_client, month_items, item):
    build_edition(settings.PULSE, factories.MONTH, actor="task:test")
    response = editor_client.post("/editor/editions/2026-11/move/", {"item": item, "step": "1"})
    assert response.status_code in (302, 404)
    if item == "999999":
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["9" * 18, "9" * 19, "9" * 40])
def test_huge_ids_are_not_found(editor_client, pk):
    assert editor_client.get(f"/editor/items/{pk}/").status_code == 404
    assert editor_client.get("/editor/queue/", {"item": pk}).status_code in (200, 404)
    assert Client().get(f"/editions/2026-10/items/{pk}-x/").status_code == 404


@pytest.mark.django_db
def test_head_is_answered_wherever_get_is(editor_client, month_items):
    build_edition(settings.PULSE, factories.MONTH, actor="task:test")
    published = make_edition(n_items=2, month="2026-10", status="approved")
    item = published.items.first()
    public = ["/", "/feed.atom", "/sitemap.xml", "/editions/2026-10/", "/subscribe/",
              f"/editions/2026-10/items/{item.pk}/", "/editions/2026-10/edition.txt"]  # fmt: skip
    editor = ["/editor/", "/editor/queue/", "/editor/search/", "/editor/audit/",
              "/editor/editions/", "/editor/editions/2026-11/", "/editor/login/",
              f"/editor/items/{month_items[0].pk}/",
              "/editor/editions/2026-11/preview.html"]  # fmt: skip
    for client, paths in ((Client(), public), (editor_client, editor)):
        for path in paths:
            got, head = client.get(path), client.head(path)
            assert head.status_code == got.status_code != 405, path
            assert head.content == b"", path


@pytest.mark.django_db
def test_head_on_a_confirmation_or_unsubscribe_link_changes_nothing(client):
    from policypulse.mailing import tokens
    from tests.mailing.helpers import make_subscribers

    (subscriber,) = make_subscribers(1)
    link = tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)
    assert client.head(f"/unsubscribe/{link}/").status_code == 200
    assert Subscriber.objects.get(pk=subscriber.pk).status == "active"


@pytest.mark.django_db
def test_a_next_that_looks_like_a_view_name_is_a_plain_redirect(client, editor_client, month_items):
    """Found by the long fuzz run: Django's `redirect` reverses a bare word as a view name."""
    item = month_items[0]
    moved = editor_client.post(reverse("editor:item-decision", args=[item.pk]),
                               {"decision": "accepted", "next": "2026-11"})  # fmt: skip
    assert moved.status_code == 302
    login = client.post(reverse("editor:login"),
                        {"username": "editor@example.org", "password": factories.PASSWORD,
                         "next": "dashboard"})  # fmt: skip
    assert login.status_code == 302
