"""The public pages through Django's test client: double opt-in, preferences, no enumeration,
rate limits. Confirmation emails go through a real SMTP sink."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from django.core.cache import cache

from policypulse.mailing import consent, ratelimit, tokens
from policypulse.mailing.models import RateCounter, Subscriber, Suppression, email_hash
from tests.mailing.helpers import make_subscribers

pytestmark = pytest.mark.urls("tests.mailing.urls")


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
    token = tokens.make_confirm_token(subscriber.key, [], subscriber.confirm_nonce)
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


def confirm_link(sink, n=-1) -> str:
    body = bodies(sink)[n]
    return re.search(r"https://digest\.example\.org(/subscribe/confirm/\S+/)", body).group(1)


@pytest.mark.django_db
def test_confirmation_link_cannot_be_replayed_after_unsubscribing(client, site):
    """Finding 7: confirm, unsubscribe, then POST the same link: the address must stay
    unsubscribed and suppressed (consent is not given back without the person)."""
    client.post("/subscribe/", form("replay@example.net"))
    link = confirm_link(site)
    assert client.post(link).status_code == 200
    subscriber = Subscriber.objects.get(email="replay@example.net")
    assert subscriber.status == "active"
    unsubscribe = f"/unsubscribe/{tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)}/"
    assert client.post(unsubscribe).status_code == 200
    assert client.post(link).status_code == 400
    assert client.get(link).status_code == 400  # the page says the link is used up
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert Suppression.objects.filter(email_hash=email_hash(subscriber.email)).exists()
    assert subscriber.events.filter(kind="confirmed").count() == 1


@pytest.mark.django_db
def test_a_new_request_after_unsubscribing_gets_a_new_link_that_works_once(client, site):
    client.post("/subscribe/", form("back@example.net"))
    first = confirm_link(site)
    client.post(first)
    subscriber = Subscriber.objects.get(email="back@example.net")
    consent.unsubscribe(subscriber, "web page")
    client.post("/subscribe/", form("back@example.net", sectors=["children"]))
    second = confirm_link(site)
    assert second != first
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and subscriber.sectors == ["children"]
    assert not Suppression.objects.filter(email_hash=email_hash(subscriber.email)).exists()
    assert client.post(second).status_code == 400  # used


@pytest.mark.django_db
def test_every_link_of_one_pending_request_works_until_one_is_used(client, site):
    client.post("/subscribe/", form("twice@example.net"))
    client.post("/subscribe/", form("twice@example.net"))
    first, second = confirm_link(site, 0), confirm_link(site, 1)
    assert client.get(first).status_code == 200 and client.get(second).status_code == 200
    assert client.post(second).status_code == 200
    assert client.post(first).status_code == 400


@pytest.mark.django_db
def test_an_outstanding_link_dies_with_an_unsubscribe_or_a_bounce(client, site):
    from policypulse.mailing.bounces import mark_bounced

    for address in ("quits@example.net", "bounces@example.net"):
        Subscriber.objects.create(email=address, status="unsubscribed")
        client.post("/subscribe/", form(address))
    quits_link, bounce_link = confirm_link(site, 0), confirm_link(site, 1)
    consent.unsubscribe(Subscriber.objects.get(email="quits@example.net"), "mailto")
    mark_bounced(Subscriber.objects.get(email="bounces@example.net"), "550 no such user")
    assert client.post(quits_link).status_code == 400
    assert client.post(bounce_link).status_code == 400
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"unsubscribed", "bounced"}


@pytest.mark.django_db
def test_preferences_and_unsubscribe_links_cannot_bring_back_a_lapsed_address(client, site):
    (subscriber,) = make_subscribers(1)
    preferences = f"/preferences/{tokens.make_token(subscriber.key, tokens.PREFERENCES)}/"
    unsubscribe = f"/unsubscribe/{tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)}/"
    client.post(unsubscribe)
    response = client.post(preferences, {"sectors": ["justice"]})  # paused left off: "resume"
    assert "Saved." not in response.text
    client.post(unsubscribe)  # a replayed unsubscribe only withdraws again
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed" and subscriber.sectors == []
    assert Suppression.objects.filter(email_hash=email_hash(subscriber.email)).exists()


@pytest.mark.django_db
def test_notice_limit_survives_restarts(client, site, mail_config):
    """Finding 6: the per-address limit lived in process memory; a restart (here: the cache
    emptied, as a new process starts with) reset it and one address got 6 emails a day."""
    mail_config.site.form_requests_per_hour = 100
    for n in range(6):
        cache.clear()  # the server restarted
        client.post("/subscribe/", form("target@example.net"), REMOTE_ADDR=f"10.0.0.{n}")
    assert len(site.messages()) == 3


@pytest.mark.django_db
def test_form_limit_per_client_survives_restarts(client, site, mail_config):
    mail_config.site.form_requests_per_hour = 3
    codes = []
    for n in range(5):
        cache.clear()
        codes.append(client.post("/subscribe/", form(f"r{n}@example.net")).status_code)
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.django_db
def test_rate_counts_are_per_fixed_window_and_old_windows_are_pruned():
    import datetime

    day = datetime.datetime(2026, 11, 3, 23, 59, tzinfo=datetime.UTC)
    uses = [ratelimit.allow("notice", "h", 3, ratelimit.DAY, day) for _ in range(4)]
    assert uses == [True, True, True, False]
    assert ratelimit.allow("notice", "other", 3, ratelimit.DAY, day)  # per key
    assert ratelimit.allow("form", "h", 3, ratelimit.DAY, day)  # per scope
    next_day = day + datetime.timedelta(minutes=2)
    assert ratelimit.allow("notice", "h", 3, ratelimit.DAY, next_day)
    windows = set(RateCounter.objects.filter(scope="notice").values_list("window_start", flat=True))
    assert windows == {datetime.datetime(2026, 11, 4, tzinfo=datetime.UTC)}
    assert ratelimit.window_start(next_day, ratelimit.HOUR).minute == 0
