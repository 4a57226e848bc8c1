"""Email service providers' delivery events, through django-anymail's `tracking` signal.

Anymail turns each provider's webhook (Postmark, Mailgun, SES, ...) into one normalised event;
this receiver bounces and suppresses on `bounced` / `rejected`, and unsubscribes on
`complained` / `unsubscribed`. The webhooks are served under /anymail/ (mailing/urls.py) when
django-anymail is installed; protect them with ANYMAIL = {"WEBHOOK_SECRET": "user:password"}.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

BOUNCE_EVENTS = {"bounced", "rejected"}
UNSUBSCRIBE_EVENTS = {"complained", "unsubscribed"}


def handle_tracking(sender=None, event=None, esp_name="", **kwargs) -> None:
    from policypulse.mailing.bounces import mark_bounced
    from policypulse.mailing.consent import unsubscribe
    from policypulse.mailing.models import Subscriber

    if event is None or not event.recipient:
        return
    subscriber = Subscriber.objects.filter(email=event.recipient.strip().lower()).first()
    if subscriber is None:
        return
    if event.event_type in BOUNCE_EVENTS:
        reason = f"{esp_name} {event.event_type}: {event.mta_response or event.description or ''}"
        mark_bounced(subscriber, reason.strip())
    elif event.event_type in UNSUBSCRIBE_EVENTS:
        unsubscribe(subscriber, f"{esp_name} {event.event_type}")


def connect_anymail() -> bool:
    try:
        from anymail.signals import tracking
    except ImportError:
        return False
    tracking.connect(handle_tracking, dispatch_uid="policypulse.mailing.esp")
    return True
