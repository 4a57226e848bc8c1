"""The public pages through Django's test client: double opt-in, preferences, no enumeration,
rate limits. Confirmation emails go through a real SMTP sink."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from django.core.cache import cache

from policypulse.mailing import tokens
from policypulse.mailing.models import Subscriber, Suppression, email_hash
from tests.mailing.helpers import make_subscribers

pytestmark = pytest.mark.urls("tests.mailing.urls")


@pytest.fixture
def site(settings, mail_config, sink):
    mail_config.mail.smtp_url = sink.url
    settings.PULSE = mail_config
    cache.clear()
    yield sink
    cache.clear()


def form(address, **extra):
    return {"email": address, "consent": "on", **extra}


def bodies(sink):
    return [
        email.message_from_bytes(raw, policy=email.policy.default).get_content()
        for _, _, raw in sink.messages()
    ]


@pytest.mark.django_db
def test_double_opt_in_records_consent(client, site, mail_config):
    page = client.get("/subscribe/")
    assert page.status_code == 200 and mail_config.site.consent_wording in page.text
    response = client.post("/subscribe/", form("New.Reader@Example.NET", name="New",
                                                sectors=["justice"]))  # fmt: skip
    assert response.status_code == 200 and "Check your inbox" in response.text
    subscriber = Subscriber.objects.get(email="new.reader@example.net")
    assert subscriber.status == "pending" and subscriber.consent_at is None
    (body,) = bodies(site)
    link = re.search(r"https://digest\.example\.org(/subscribe/confirm/\S+/)", body).group(1)
    assert client.get(link).status_code == 200  # a GET only shows the button
    assert Subscriber.objects.get(pk=subscriber.pk).status == "pending"
    assert client.post(link).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.sectors == ["justice"]
    assert subscriber.consent_source == "form" and subscriber.consent_at is not None
    assert subscriber.consent_text == mail_config.site.consent_wording
    assert subscriber.events.filter(kind="confirmed").exists()


@pytest.mark.django_db
def test_the_page_does_not_reveal_who_is_subscribed(client, site):
    make_subscribers(1)
    Suppression.objects.create(email_hash=email_hash("gone@example.net"), reason="unsubscribed")
    pages = [
        client.post("/subscribe/", form(address)).content
        for address in ("reader00000@example.net", "fresh@example.net", "gone@example.net")
    ]
    assert pages[0] == pages[1] == pages[2]
    assert Subscriber.objects.get(email="reader00000@example.net").status == "active"
    texts = bodies(site)
    assert any("already subscribed" in text for text in texts)  # told only in their inbox


@pytest.mark.django_db
def test_expired_or_altered_confirmation_does_nothing(client, site):
    client.post("/subscribe/", form("late@example.net"))
    subscriber = Subscriber.objects.get(email="late@example.net")
    token = tokens.make_confirm_token(subscriber.key, [])
    assert tokens.read_confirm_token(token, max_age=-1) is None  # expired
    response = client.post(f"/subscribe/confirm/{token[:-3]}abc/")
    assert response.status_code == 400
    assert Subscriber.objects.get(pk=subscriber.pk).status == "pending"


@pytest.mark.django_db
def test_preferences_change_sectors_and_pause(client, site):
    (subscriber,) = make_subscribers(1)
    token = tokens.make_token(subscriber.key, tokens.PREFERENCES)
    page = client.get(f"/preferences/{token}/")
    assert page.status_code == 200 and "Pause the digest" in page.text
    response = client.post(f"/preferences/{token}/", {"sectors": ["children"], "paused": "on"})
    assert response.status_code == 200 and "Saved." in response.text
    subscriber.refresh_from_db()
    assert subscriber.status == "paused" and subscriber.sectors == ["children"]
    client.post(f"/preferences/{token}/", {"sectors": ["children", "justice"]})
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.sectors == ["children", "justice"]
    response = client.post(f"/preferences/{token}/", {"sectors": ["bogus"]})
    assert "Saved." not in response.text
    subscriber.refresh_from_db()
    assert subscriber.sectors == ["children", "justice"]
    unsubscribe_token = tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)
    assert client.get(f"/preferences/{unsubscribe_token}/").status_code == 400


@pytest.mark.django_db
def test_subscribe_form_is_rate_limited(client, site, mail_config):
    mail_config.site.form_requests_per_hour = 3
    codes = [client.post("/subscribe/", form(f"r{n}@example.net")).status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert Subscriber.objects.count() == 3


@pytest.mark.django_db
def test_confirmation_notices_per_address_are_capped(client, site, mail_config):
    for _ in range(5):
        client.post("/subscribe/", form("target@example.net"))
    assert len(site.messages()) == 3  # the form cannot be used to flood someone's inbox


@pytest.mark.django_db
def test_invalid_address_is_a_form_error(client, site):
    response = client.post("/subscribe/", form("not-an-address"))
    assert response.status_code == 200 and "valid email address" in response.text
    assert not Subscriber.objects.exists()
