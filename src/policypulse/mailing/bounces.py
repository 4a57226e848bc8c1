"""Bounces: a refused address stops receiving mail.

Three ways in: a 5xx reply during a send (`sending`), RFC 3464 delivery status notifications
in a maildir (`scan_maildir`, parsed with flufl.bounce, which also knows many non-standard
formats), and an ESP's webhook through django-anymail's tracking signal when anymail is
installed (`views.anymail_tracking`).
"""

from __future__ import annotations

import datetime
import email
import email.policy
import mailbox
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from flufl.bounce import all_failures

from policypulse.errors import MailError
from policypulse.mailing import consent, tokens
from policypulse.mailing.models import SoftBounce, Subscriber
from policypulse.mailing.subscribers import record, suppress


def mark_bounced(subscriber: Subscriber, reason: str, now=None) -> bool:
    """Bounce and suppress the address; True if it changed anything."""
    now = now or timezone.now()
    suppress(subscriber.email, "bounced")
    if subscriber.status == Subscriber.Status.BOUNCED:
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(
        status=Subscriber.Status.BOUNCED, confirm_nonce="", updated_at=now
    )
    record(subscriber, "bounced", now, reason=reason[:500])
    return True


SOFT_BOUNCE_WINDOW = datetime.timedelta(days=30)


def record_soft_bounce(subscriber: Subscriber, source: str, detail: str, limit: int,
                       now=None) -> bool:  # fmt: skip
    """Count a soft bounce; True if it was the `limit`-th in 30 days and bounced the address.

    One soft bounce is a full mailbox or a server down for a day; several in a month are an
    address that no longer works. `limit` 0 only counts."""
    now = now or timezone.now()
    SoftBounce.objects.create(subscriber=subscriber, at=now, source=source[:50],
                              detail=detail[:500])  # fmt: skip
    if not limit:
        return False
    recent = SoftBounce.objects.filter(subscriber=subscriber, at__gt=now - SOFT_BOUNCE_WINDOW,
                                       at__lte=now).count()  # fmt: skip
    if recent < limit:
        return False
    return mark_bounced(subscriber, f"{recent} soft bounces in 30 days; last: {detail}", now)


def permanent_failures(raw: bytes) -> set[str]:
    """The addresses a bounce message reports as permanently failed (lower-cased)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    _temporary, permanent = all_failures(message)
    return {
        (address.decode("utf-8", "replace") if isinstance(address, bytes) else address).lower()
        for address in permanent
    }


@dataclass
class BounceReport:
    messages: int = 0
    bounced: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unsubscribed: int = 0


UNSUBSCRIBE_SUBJECT = re.compile(r"^\s*unsubscribe\s+(\S+)\s*$", re.IGNORECASE)


def mailto_unsubscribe_token(message) -> str | None:
    """The token of a List-Unsubscribe mailto request ("Subject: unsubscribe TOKEN")."""
    subject = str(message.get("Subject", ""))
    found = UNSUBSCRIBE_SUBJECT.match(" ".join(subject.split()))
    return found.group(1) if found else None


def scan_maildir(path: Path, now=None) -> BounceReport:
    """Read new messages in a maildir, flag them seen: bounces mark their addresses bounced,
    and List-Unsubscribe mailto requests with a valid token unsubscribe."""
    if not (Path(path) / "cur").is_dir():
        raise MailError(f"{path} is not a maildir (no cur/ folder)")
    box = mailbox.Maildir(path, factory=None, create=False)
    report = BounceReport()
    for key in list(box.keys()):
        message = box[key]
        if "S" in message.get_flags():
            continue
        report.messages += 1
        token = mailto_unsubscribe_token(message)
        subscriber = consent.subscriber_for(token, tokens.UNSUBSCRIBE) if token else None
        if subscriber is not None:  # the signed token, not the From address, is the authority
            consent.unsubscribe(subscriber, "mailto")
            report.unsubscribed += 1
        for address in sorted(permanent_failures(message.as_bytes())):
            subscriber = Subscriber.objects.filter(email=address).first()
            if subscriber is None:
                report.unknown.append(address)
            elif mark_bounced(subscriber, "delivery status notification", now):
                report.bounced.append(address)
        message.set_subdir("cur")
        message.add_flag("S")
        box[key] = message
    return report
