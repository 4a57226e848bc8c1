"""What each scheduled job does: services over the database, called by the tasks in
`service/tasks.py` (and by `pulse schedules run JOB`)."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.utils import timezone

from policypulse.months import month_label, next_month

log = logging.getLogger(__name__)

# Who is reminded: the role groups web's migration 0002 creates (web.accounts.ROLES; a test
# keeps the two equal). Named here because the service layer sits below the web app.
REVIEWER_ROLES = ("editor", "admin")


def awaiting_review(month: datetime.date) -> dict:
    """What the editors still have to do for `month`'s edition."""
    from policypulse.editions.models import Edition
    from policypulse.editions.services import candidates
    from policypulse.triage.models import TriageLabel

    items = candidates(month)
    undecided = items.filter(label__decision=TriageLabel.Decision.PENDING)
    edition = Edition.objects.filter(month=month.replace(day=1)).first()
    return {
        "month": month.strftime("%Y-%m"),
        "candidates": items.count(),
        "undecided": undecided.count(),
        "edition": edition.status if edition else "not built",
    }


def reminder_text(state: dict, send_date: datetime.date, base_url: str) -> tuple[str, str]:
    """Subject and body of the reminder (pure)."""
    label = month_label(datetime.date.fromisoformat(state["month"] + "-01"))
    subject = f"Digest reminder: the {label} edition goes out on {send_date:%A %-d %B}"
    body = (
        f"The {label} edition is due to be sent on {send_date:%A %-d %B %Y}.\n\n"
        f"Candidates this month: {state['candidates']}\n"
        f"Still to review: {state['undecided']}\n"
        f"Edition: {state['edition']}\n\n"
        f"Review them at {base_url}/editor/\n"
    )
    return subject, body


def send_reminder(config, now: datetime.datetime | None = None) -> str:
    """Email every active editor what awaits review for the edition that goes out next."""
    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMessage

    from policypulse.mailing.mailers import open_mailer

    now = timezone.localtime(now or timezone.now())
    send_date = now.date().replace(day=config.schedule.send_day)
    if send_date < now.date():
        send_date = next_month(send_date).replace(day=config.schedule.send_day)
    # An edition sent at the start of a month covers the month before.
    month = (send_date.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    state = awaiting_review(month)
    subject, body = reminder_text(state, send_date, config.site.base_url)
    users = (
        get_user_model().objects.filter(is_active=True, groups__name__in=REVIEWER_ROLES).distinct()
    )
    to = sorted({u.email or u.username for u in users if "@" in (u.email or u.username)})
    if not to:
        return "no editors to remind"
    message = EmailMessage(
        subject=subject, body=body, from_email=config.mail.from_address, to=to,
        headers={"Auto-Submitted": "auto-generated"},
    )  # fmt: skip
    open_mailer(config).send_messages([message])
    return f"reminded {len(to)} editor(s): {state['undecided']} to review"


def edition_to_send():
    """The latest approved edition that has not gone out yet, or None."""
    from policypulse.editions.models import Edition

    return Edition.objects.filter(status=Edition.Status.APPROVED).order_by("-month").first()


def backup_now(workspace, config, now: datetime.datetime | None = None) -> str:
    from policypulse.service.backup import backup, prune

    now = timezone.localtime(now or timezone.now())
    folder = Path(config.schedule.backup_dir)
    folder = folder if folder.is_absolute() else workspace.root / folder
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"pulse-{now:%Y%m%d-%H%M}.tar.gz"
    backup(workspace, target)
    prune(folder, config.schedule.backup_keep)
    return str(target)
