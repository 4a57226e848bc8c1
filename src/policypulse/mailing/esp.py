"""Email service providers' delivery events, through django-anymail's `tracking` signal.

Anymail turns each provider's webhook (Postmark, Mailgun, SES, ...) into one normalised event;
`handle_tracking` bounces and suppresses on hard `bounced` / `rejected`, counts soft bounces
(Postmark's SoftBounce, SES's Transient, SendGrid's blocked: `is_soft_bounce`) until `[mail]
soft_bounce_limit` of them in 30 days bounce the address, and unsubscribes on `complained` /
`unsubscribed`. The webhooks are served under /anymail/ (mailing/urls.py) only while
PULSE_ANYMAIL_WEBHOOK_SECRET is set. Sending through a provider's API: mailing/providers.py.
"""

from __future__ import annotations

import logging

from policypulse.errors import MailError

log = logging.getLogger(__name__)

BOUNCE_EVENTS = {"bounced", "rejected"}
UNSUBSCRIBE_EVENTS = {"complained", "unsubscribed"}
POSTMARK_SOFT = {"SoftBounce", "Transient", "DnsError", "VirusNotification"}
SES_SOFT = ("Transient", "Undetermined")


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


class HandlerFailed(MailError):
    """Our side of a webhook failed (a bug or the database): the provider should get a 500 and
    retry, unlike a malformed POST, which gets a 400 (mailing/views.py tells them apart)."""


def handle_tracking(sender=None, event=None, esp_name="", **kwargs) -> None:
    try:
        _handle(event, esp_name)
    except Exception as exc:
        raise HandlerFailed(f"handling a {esp_name} {getattr(event, 'event_type', '')} event "
                            f"failed: {exc}") from exc  # fmt: skip


def _handle(event, esp_name: str) -> None:
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
