"""One-click unsubscribe through real HTTP requests to a running server (LiveServer)."""

from __future__ import annotations

import email
import email.policy
import re
import urllib.error
import urllib.request

import pytest

from policypulse.mailing import tokens
from policypulse.mailing.models import Subscriber, Suppression, email_hash
from policypulse.mailing.sending import send_edition
from tests.mailing.helpers import make_edition, make_subscribers

pytestmark = pytest.mark.urls("tests.mailing.urls")


def http(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.django_db(transaction=True)
def test_one_click_post_from_the_message_header(live_server, mail_config, sink, clock):
    mail_config.site.base_url = live_server.url
    mail_config.mail.smtp_url = sink.url
    edition = make_edition(mail_config)
    (subscriber,) = make_subscribers(1)
    send_edition(edition, mail_config, clock=clock)
    message = email.message_from_bytes(sink.messages()[0][2], policy=email.policy.default)
    https_link = re.match(r"<([^>]+)>", message["List-Unsubscribe"]).group(1)
    assert https_link.startswith(live_server.url + "/unsubscribe/")

    status, page = http(https_link)  # what a mail scanner does: it must change nothing
    assert status == 200 and '<form method="post"' in page and "Unsubscribe</button>" in page
    assert Subscriber.objects.get(pk=subscriber.pk).status == "active"

    status, page = http(https_link, b"List-Unsubscribe=One-Click")  # RFC 8058, no cookie, no CSRF
    assert status == 200 and "You are unsubscribed" in page
    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"
    assert Suppression.objects.filter(email_hash=email_hash(subscriber.email)).exists()
    assert subscriber.events.get(kind="unsubscribed").detail == {"how": "one-click"}


@pytest.mark.django_db(transaction=True)
def test_forged_and_altered_tokens_are_refused(live_server):
    (subscriber,) = make_subscribers(1)
    good = tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)
    key, signature = good.split(":")
    (other,) = [s for s in make_subscribers_more() if s.pk != subscriber.pk]
    forged = [
        f"{key}:{signature[:-2]}xx",  # altered signature
        f"{other.key}:{signature}",  # someone else's key under this signature
        tokens.make_token(subscriber.key, tokens.PREFERENCES),  # a token for another purpose
        key,  # no signature at all
    ]
    for token in forged:
        for data in (None, b"List-Unsubscribe=One-Click"):
            status, page = http(f"{live_server.url}/unsubscribe/{token}/", data)
            assert status == 400 and "This link is not valid" in page
            assert "nothing has been changed" in page
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"active"}
    assert not Suppression.objects.exists()


def make_subscribers_more():
    Subscriber.objects.create(email="other@example.net", status="active")
    return list(Subscriber.objects.all())
