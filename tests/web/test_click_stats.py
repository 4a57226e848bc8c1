"""The editor's click page: most-clicked publications and sources' click-through."""

from __future__ import annotations

import pytest
from django.urls import reverse

from policypulse.editions.models import EditionItem
from policypulse.mailing import clicks
from policypulse.mailing.models import Delivery
from tests.mailing.helpers import make_edition, make_subscribers


@pytest.mark.django_db
def test_the_page_shows_the_most_clicked_first_and_escapes_titles(editor_client, settings,
                                                                  config):  # fmt: skip
    settings.PULSE = config
    edition = make_edition(config)
    for subscriber in make_subscribers(4):
        Delivery.objects.create(edition=edition, subscriber=subscriber, status="sent")
    first, second = EditionItem.objects.filter(edition=edition).order_by("pk")[:2]
    EditionItem.objects.filter(pk=second.pk).update(title="<script>x</script> Most read")
    for item, n in ((first, 1), (second, 2)):
        for _ in range(n):
            clicks.record_click(clicks.click_token(edition.pk, item.publication_id), None, config)
    page = editor_client.get(reverse("editor:edition-stats", args=[edition.month_key]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "4 messages sent, 3 clicks" in text
    assert "<script>x</script>" not in text and "&lt;script&gt;x&lt;/script&gt; Most read" in text
    assert text.index("Most read") < text.index(first.title.replace("&", "&amp;")[:20])
    assert "Example Institute" in text and "75%" in text  # 3 clicks / 4 messages


def test_the_page_needs_a_log_in(client, db):
    response = client.get(reverse("editor:edition-stats", args=["2026-10"]))
    assert response.status_code in (302, 403)
