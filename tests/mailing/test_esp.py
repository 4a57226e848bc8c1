"""Provider webhooks through django-anymail: a real Postmark-format POST to /anymail/."""

from __future__ import annotations

import base64
import json

import pytest

from policypulse.mailing.models import Subscriber, Suppression, email_hash
from tests.mailing.helpers import make_subscribers

pytestmark = pytest.mark.urls("tests.mailing.urls")


AUTH = "HTTP_AUTHORIZATION"


def postmark(record_type: str, kind: str, address: str) -> str:
    return json.dumps({
        "RecordType": record_type, "Type": kind, "TypeCode": 1, "Email": address,
        "Recipient": address, "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Description": "The server was unable to deliver your message", "Details": "550 5.1.1",
        "BouncedAt": "2026-11-01T09:00:00Z", "ServerID": 1, "Tag": "", "Metadata": {},
    })  # fmt: skip


@pytest.fixture
def webhook(settings, client):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "pulse:secret"}
    credentials = base64.b64encode(b"pulse:secret").decode()

    def post(body: str, auth: bool = True):
        extra = {AUTH: f"Basic {credentials}"} if auth else {}
        return client.post("/anymail/postmark/tracking/", body, content_type="application/json",
                           **extra)  # fmt: skip

    return post


@pytest.mark.django_db
def test_hard_bounce_webhook_bounces_and_suppresses(webhook):
    subscribers = make_subscribers(2)
    assert (
        webhook(postmark("Bounce", "HardBounce", subscribers[0].email.upper())).status_code == 200
    )
    assert Subscriber.objects.get(pk=subscribers[0].pk).status == "bounced"
    assert Suppression.objects.filter(email_hash=email_hash(subscribers[0].email)).exists()
    assert Subscriber.objects.get(pk=subscribers[1].pk).status == "active"


@pytest.mark.django_db
def test_spam_complaint_unsubscribes(webhook):
    (subscriber,) = make_subscribers(1)
    webhook(postmark("SpamComplaint", "SpamComplaint", subscriber.email))
    assert Subscriber.objects.get(pk=subscriber.pk).status == "unsubscribed"


@pytest.mark.django_db
def test_webhook_without_the_secret_changes_nothing(webhook):
    (subscriber,) = make_subscribers(1)
    response = webhook(postmark("Bounce", "HardBounce", subscriber.email), auth=False)
    assert response.status_code in (400, 401, 403)
    assert Subscriber.objects.get(pk=subscriber.pk).status == "active"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", json.dumps({"RecordType": "Bounce"}), json.dumps({"Type": 7}), "{}"],
)
def test_a_malformed_webhook_is_a_bad_request_not_a_crash(webhook, body):
    (subscriber,) = make_subscribers(1)
    response = webhook(body)
    assert response.status_code in (200, 400), response.status_code
    assert Subscriber.objects.get(pk=subscriber.pk).status == "active"


@pytest.mark.django_db
def test_a_failure_on_our_side_is_a_server_error_so_the_provider_retries(webhook, monkeypatch):
    from policypulse.mailing import esp

    (subscriber,) = make_subscribers(1)

    def broken(*args, **kwargs):
        raise KeyError("a bug of ours")

    monkeypatch.setattr("policypulse.mailing.bounces.mark_bounced", broken)
    with pytest.raises(esp.HandlerFailed):
        webhook(postmark("Bounce", "HardBounce", subscriber.email))
