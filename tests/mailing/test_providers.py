"""Sending through a provider's HTTP API (django-anymail's Postmark backend) against a loopback
fake of Postmark's /email endpoint, and soft bounces from Postmark's webhook."""

from __future__ import annotations

import base64
import datetime
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from policypulse.errors import MailError
from policypulse.mailing import providers as esp
from policypulse.mailing.backends import PermanentFailure, TemporaryFailure, UncertainDelivery
from policypulse.mailing.models import Delivery, SoftBounce, Subscriber, Suppression, email_hash
from policypulse.mailing.sending import send_edition
from tests.mailing.helpers import make_subscribers

TOKEN = "server-token-for-tests"
INACTIVE = (
    "You tried to send to a recipient that has been marked as inactive.\n"
    "Found inactive addresses: {}.\n"
    "Inactive recipients are ones that have generated a hard bounce or a spam complaint. "
)


class FakePostmark:
    """Postmark's POST /email as documented: the token header, a JSON message in, a JSON
    answer out. `inactive` addresses get ErrorCode 406 (422), `busy` ones a 503 the first
    time; every request is kept."""

    def __init__(self, inactive=(), busy=()):
        self.requests: list[dict] = []
        self.inactive, self.busy, self.refused_once = set(inactive), set(busy), set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, answer = fake.answer(self.path, self.headers, json.loads(body))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, path, headers, message):
        if path != "/email":
            return 404, {"ErrorCode": 404, "Message": "not found"}
        if headers.get("X-Postmark-Server-Token") != TOKEN:
            return 401, {"ErrorCode": 10, "Message": "Bad or missing Server API token."}
        self.requests.append(message)
        to = message["To"].rpartition("<")[2].rstrip(">")
        if to in self.inactive:
            return 422, {"ErrorCode": 406, "Message": INACTIVE.format(to)}
        if to in self.busy and to not in self.refused_once:
            self.refused_once.add(to)
            return 503, {"ErrorCode": 0, "Message": "Service unavailable"}
        return 200, {"To": message["To"], "SubmittedAt": "2026-11-01T09:00:00Z",
                     "MessageID": str(uuid.uuid4()), "ErrorCode": 0, "Message": "OK"}  # fmt: skip

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def postmark_api():
    servers = []

    def start(**kwargs):
        servers.append(FakePostmark(**kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def postmark_config(mail_config, monkeypatch):
    mail_config.mail.backend = "anymail.backends.postmark.EmailBackend"
    monkeypatch.setenv("PULSE_ANYMAIL_SERVER_TOKEN", TOKEN)
    return mail_config


@pytest.mark.django_db
def test_a_real_edition_through_the_postmark_api(postmark_api, postmark_config, edition, clock,
                                                 monkeypatch):  # fmt: skip
    subscribers = make_subscribers(5)
    inactive, busy = subscribers[1].email, subscribers[3].email
    api = postmark_api(inactive={inactive}, busy={busy})
    monkeypatch.setenv("PULSE_ANYMAIL_API_URL", api.url)
    report = send_edition(edition, postmark_config, clock=clock)
    assert (report.sent, report.failed, report.bounced, report.retries) == (4, 1, 1, 1)
    assert report.complete
    sent = [m["To"].rpartition("<")[2].rstrip(">") for m in api.requests]
    assert sorted(set(sent)) == sorted(s.email for s in subscribers)
    assert sent.count(busy) == 2  # the 503 was retried after a back-off, not failed
    assert clock.slept and clock.slept[0] >= 30
    message = api.requests[0]
    headers = {h["Name"]: h["Value"] for h in message["Headers"]}
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in headers["List-Unsubscribe"]
    assert "Evidence on" in message["HtmlBody"] and "Evidence on" in message["TextBody"]
    rows = {d.subscriber.email: d for d in Delivery.objects.select_related("subscriber")}
    assert rows[inactive].status == "failed" and "rejected" in rows[inactive].reply
    assert Subscriber.objects.get(email=inactive).status == "bounced"
    assert Suppression.objects.filter(email_hash=email_hash(inactive)).exists()
    assert rows[busy].status == "sent" and rows[busy].attempts == 2
    assert rows[subscribers[0].email].reply.startswith("Postmark sent ")


@pytest.mark.django_db
def test_a_wrong_token_stops_the_send_and_loses_nothing(postmark_api, postmark_config, edition,
                                                        clock, monkeypatch):  # fmt: skip
    make_subscribers(3)
    api = postmark_api()
    monkeypatch.setenv("PULSE_ANYMAIL_API_URL", api.url)
    monkeypatch.setenv("PULSE_ANYMAIL_SERVER_TOKEN", "wrong")
    with pytest.raises(MailError, match="refused the request \\(401\\)"):
        send_edition(edition, postmark_config, clock=clock)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def test_api_errors_are_classified():
    import requests

    class Answer(Exception):
        def __init__(self, code):
            super().__init__(f"answer {code}")
            self.status_code = code

    assert isinstance(esp.classify_api_error("Postmark", Answer(503)), TemporaryFailure)
    assert isinstance(esp.classify_api_error("Postmark", Answer(429)), TemporaryFailure)
    assert type(esp.classify_api_error("Postmark", Answer(422))) is MailError
    assert isinstance(esp.classify_api_error("X", requests.ReadTimeout("read")), UncertainDelivery)
    assert isinstance(esp.classify_api_error("X", requests.ConnectTimeout("c")), TemporaryFailure)
    assert esp.classify_status("Postmark", "queued", "id") is None
    refused = esp.classify_status("Postmark", "invalid", None)
    assert isinstance(refused, PermanentFailure) and refused.recipient_refused
    assert not esp.classify_status("Postmark", "failed", None).recipient_refused


def test_provider_options_come_from_the_environment_without_the_webhook_secret():
    environ = {"PULSE_ANYMAIL_SERVER_TOKEN": "t", "PULSE_ANYMAIL_WEBHOOK_SECRET": "w:s",
               "PULSE_SMTP_URL": "smtp://x", "PULSE_ANYMAIL_API_URL": "http://127.0.0.1:1/"}  # fmt: skip
    assert esp.provider_options(environ) == {"api_url": "http://127.0.0.1:1/", "server_token": "t"}


# -- Soft bounces from Postmark's webhook --------------------------------------------------


def bounce(kind: str, address: str, at: datetime.datetime) -> str:
    return json.dumps({
        "RecordType": "Bounce", "Type": kind, "TypeCode": 4096, "Email": address,
        "Recipient": address, "MessageID": str(uuid.uuid4()), "Description": "Mailbox full",
        "Details": "452 4.2.2 mailbox full", "BouncedAt": at.isoformat().replace("+00:00", "Z"),
        "ServerID": 1, "Tag": "", "Metadata": {},
    })  # fmt: skip


@pytest.fixture
def webhook(settings, client, mail_config):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "pulse:secret"}
    settings.PULSE = mail_config
    credentials = base64.b64encode(b"pulse:secret").decode()

    def post(body: str):
        response = client.post("/anymail/postmark/tracking/", body,
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Basic {credentials}")  # fmt: skip
        assert response.status_code == 200
        return response

    return post


@pytest.mark.urls("tests.mailing.urls")
@pytest.mark.django_db
def test_a_postmark_soft_bounce_is_counted_not_bounced(webhook, mail_config):
    (subscriber,) = make_subscribers(1)
    webhook(bounce("SoftBounce", subscriber.email, datetime.datetime.now(datetime.UTC)))
    assert Subscriber.objects.get(pk=subscriber.pk).status == "active"
    assert not Suppression.objects.exists()
    (row,) = SoftBounce.objects.all()
    assert row.subscriber_id == subscriber.pk and row.source == "postmark"
    assert "mailbox full" in row.detail


@pytest.mark.urls("tests.mailing.urls")
@pytest.mark.django_db
def test_the_soft_bounce_limit_in_30_days_marks_bounced(webhook, mail_config):
    mail_config.mail.soft_bounce_limit = 3
    subscriber, other = make_subscribers(2)
    start = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC)
    # Two long ago, outside the 30 days, then two in a week: not yet the limit.
    for days in (0, 1, 60, 65):
        webhook(bounce("SoftBounce", subscriber.email, start + datetime.timedelta(days=days)))
    webhook(bounce("SoftBounce", other.email, start + datetime.timedelta(days=66)))
    assert Subscriber.objects.get(pk=subscriber.pk).status == "active"
    webhook(bounce("SoftBounce", subscriber.email, start + datetime.timedelta(days=70)))
    bounced = Subscriber.objects.get(pk=subscriber.pk)
    assert bounced.status == "bounced"
    assert Suppression.objects.filter(email_hash=email_hash(subscriber.email)).exists()
    assert "3 soft bounces in 30 days" in bounced.events.get(kind="bounced").detail["reason"]
    assert Subscriber.objects.get(pk=other.pk).status == "active"
    assert SoftBounce.objects.filter(subscriber=subscriber).count() == 5


@pytest.mark.urls("tests.mailing.urls")
@pytest.mark.django_db
def test_a_postmark_hard_bounce_still_bounces_at_once(webhook, mail_config):
    (subscriber,) = make_subscribers(1)
    webhook(bounce("HardBounce", subscriber.email, datetime.datetime.now(datetime.UTC)))
    assert Subscriber.objects.get(pk=subscriber.pk).status == "bounced"
    assert not SoftBounce.objects.exists()
