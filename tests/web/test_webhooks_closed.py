"""Found by the fuzz layer: with no webhook secret set (the default), the providers' webhooks
must not be open, or anyone could bounce and suppress any subscriber with one POST."""

import json

import pytest
from django.test import Client

from policypulse.mailing.models import Subscriber
from tests.mailing.helpers import make_subscribers


@pytest.mark.django_db
def test_without_a_webhook_secret_a_forged_bounce_changes_nothing(settings):
    assert not settings.ANYMAIL.get("WEBHOOK_SECRET")
    (subscriber,) = make_subscribers(1)
    forged = json.dumps({"RecordType": "Bounce", "Type": "HardBounce", "TypeCode": 1,
                         "Email": subscriber.email, "Recipient": subscriber.email,
                         "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
                         "BouncedAt": "2026-11-01T09:00:00Z", "Description": "forged"})  # fmt: skip
    response = Client().post("/anymail/postmark/tracking/", forged,
                             content_type="application/json")  # fmt: skip
    assert response.status_code in (400, 401, 403, 404)
    assert Subscriber.objects.get(pk=subscriber.pk).status == "active"
