"""Email service providers through django-anymail: sending by their HTTP APIs, and their
delivery events by webhook.

Sending: `ProviderMailer` wraps an anymail backend (Postmark, Mailgun, Amazon SES, SendGrid,
...) so the sender sees the same three outcomes as with SMTP (backends.DeliveryError): the
provider's status for the recipient, or its HTTP answer, becomes sent / PermanentFailure /
TemporaryFailure / UncertainDelivery (`classify_status`, `classify_api_error`).

Events: anymail turns each provider's webhook into one normalised event; `handle_tracking`
bounces and suppresses on hard `bounced` / `rejected`, counts soft bounces (Postmark's
SoftBounce, SES's Transient, SendGrid's blocked: `is_soft_bounce`) until `[mail]
soft_bounce_limit` of them in 30 days bounce the address, and unsubscribes on `complained` /
`unsubscribed`. The webhooks are served under /anymail/ (mailing/urls.py) only while
PULSE_ANYMAIL_WEBHOOK_SECRET is set.
"""

from __future__ import annotations

import logging
import os

from policypulse.errors import MailError
from policypulse.mailing.backends import (
    DeliveryError,
    PermanentFailure,
    TemporaryFailure,
    UncertainDelivery,
)

log = logging.getLogger(__name__)

BOUNCE_EVENTS = {"bounced", "rejected"}
UNSUBSCRIBE_EVENTS = {"complained", "unsubscribed"}
ACCEPTED = {"sent", "queued", "scheduled", "unknown"}  # unknown: the API said 2xx
REFUSED = {"rejected", "invalid"}
POSTMARK_SOFT = {"SoftBounce", "Transient", "DnsError", "VirusNotification"}
SES_SOFT = ("Transient", "Undetermined")
ENV_PREFIX = "PULSE_ANYMAIL_"
NOT_BACKEND_OPTIONS = {"WEBHOOK_SECRET"}


def provider_options(environ=None) -> dict:
    """The provider backend's options from PULSE_ANYMAIL_* (secrets stay out of pulse.toml):
    PULSE_ANYMAIL_SERVER_TOKEN -> server_token, PULSE_ANYMAIL_API_URL -> api_url, ..."""
    environ = os.environ if environ is None else environ
    return {
        name[len(ENV_PREFIX) :].lower(): value
        for name, value in sorted(environ.items())
        if name.startswith(ENV_PREFIX) and name[len(ENV_PREFIX) :] not in NOT_BACKEND_OPTIONS
    }


def classify_status(esp: str, status: str, message_id: str | None) -> DeliveryError | None:
    """None if the provider took the message for this recipient, else the failure to raise."""
    reply = f"{esp} {status}" + (f" {message_id}" if message_id else "")
    if status in ACCEPTED:
        return None
    if status in REFUSED:  # the provider's own suppression, or an address it cannot use
        return PermanentFailure(reply, recipient_refused=True)
    return PermanentFailure(reply)  # failed: the provider could not build or send it


def classify_api_error(esp: str, exc: Exception) -> Exception:
    """An API call that failed: what is known about the message.

    429 and 5xx: nothing sent, retry later. A connection that never opened: the same. A
    connection lost or timed out after the request went out: it may have been accepted.
    401/403 and other 4xx: our request or credentials are wrong, and every message would fail
    alike, so the run stops (MailError) and the row is put back."""
    import requests
    import urllib3.exceptions

    code = getattr(exc, "status_code", None)
    text = " ".join(str(exc).split())[:300]
    if code is None and isinstance(exc, requests.RequestException):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(exc, requests.ConnectTimeout) or isinstance(
            reason, urllib3.exceptions.NewConnectionError
        ):
            return TemporaryFailure(f"{esp}: cannot connect: {text}")
        return UncertainDelivery(f"{esp}: connection lost during the request: {text}")
    if code is not None and (code == 429 or code >= 500):
        return TemporaryFailure(f"{esp} API {code}: {text}")
    return MailError(f"{esp} refused the request ({code}): {text}")


class ProviderMailer:
    """An anymail backend with the SMTP backend's failure classes (see the module docstring)."""

    def __init__(self, backend):
        self.backend = backend
        self.esp = getattr(backend, "esp_name", type(backend).__module__)

    def open(self):
        return self.backend.open()

    def close(self):
        self.backend.close()

    def send_messages(self, messages) -> int:
        for message in messages:
            self._send(message)
        return len(messages)

    def _send(self, message) -> None:
        from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

        try:
            self.backend.send_messages([message])
        except AnymailRecipientsRefused:
            pass  # the per-recipient status below says which and why
        except AnymailAPIError as exc:
            raise classify_api_error(self.esp, exc) from exc
        status = getattr(message, "anymail_status", None)
        recipients = getattr(status, "recipients", None) or {}
        if not recipients:
            raise UncertainDelivery(f"{self.esp}: no status for the recipient")
        replies = []
        for one in recipients.values():
            failure = classify_status(self.esp, one.status, one.message_id)
            if failure is not None:
                raise failure
            replies.append(f"{self.esp} {one.status} {one.message_id or ''}".strip())
        message.smtp_reply = "; ".join(replies)


def is_soft_bounce(event) -> bool:
    """A `bounced` event the provider marks as temporary (its retries gave up, the address
    may still work): Postmark's SoftBounce, SES's Transient, SendGrid's blocked."""
    if event.event_type != "bounced":
        return False
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if raw.get("Type") in POSTMARK_SOFT or raw.get("type") == "blocked":
        return True
    bounce = raw.get("bounce")
    if isinstance(bounce, dict) and bounce.get("bounceType") in SES_SOFT:
        return True
    return (event.description or "").startswith(SES_SOFT)


def handle_tracking(sender=None, event=None, esp_name="", **kwargs) -> None:
    from django.conf import settings

    from policypulse.mailing.bounces import mark_bounced, record_soft_bounce
    from policypulse.mailing.consent import unsubscribe
    from policypulse.mailing.models import Subscriber

    if event is None or not event.recipient:
        return
    subscriber = Subscriber.objects.filter(email=event.recipient.strip().lower()).first()
    if subscriber is None:
        return
    detail = f"{esp_name} {event.event_type}: {event.mta_response or event.description or ''}"
    if is_soft_bounce(event):
        limit = settings.PULSE.mail.soft_bounce_limit
        record_soft_bounce(subscriber, esp_name.lower() or "provider", detail.strip(), limit,
                           event.timestamp)  # fmt: skip
    elif event.event_type in BOUNCE_EVENTS:
        mark_bounced(subscriber, detail.strip())
    elif event.event_type in UNSUBSCRIBE_EVENTS:
        unsubscribe(subscriber, f"{esp_name} {event.event_type}")


def connect_anymail() -> bool:
    try:
        from anymail.signals import tracking
    except ImportError:
        return False
    tracking.connect(handle_tracking, dispatch_uid="policypulse.mailing.esp")
    return True
