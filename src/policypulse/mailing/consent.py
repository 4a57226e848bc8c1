"""The public side: subscribe with double opt-in, confirm, unsubscribe, preferences.

No page tells a visitor whether an address is subscribed: a subscribe request always gets the
same answer, and what happens next arrives only in that address's inbox (a confirmation link
for a new or lapsed address, a preferences link for a subscribed one). Confirming, unsubscribing
and changing preferences need a signed token from such an email.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from email_validator import EmailNotValidError

from policypulse.errors import MailError
from policypulse.mailing import ratelimit, tokens
from policypulse.mailing.headers import header_text
from policypulse.mailing.mailers import open_mailer
from policypulse.mailing.message import ListInfo, mailbox, make_message_id
from policypulse.mailing.models import Subscriber, Suppression, email_hash, new_key
from policypulse.mailing.subscribers import normalise_email, record, suppress

log = logging.getLogger(__name__)

NOTICES_PER_ADDRESS_PER_DAY = 3
RECEIVING = (Subscriber.Status.ACTIVE, Subscriber.Status.PAUSED)


class InvalidAddress(MailError, ValueError):
    """Not an address we can send to; a ValueError too, as email validation errors are."""


def request_subscription(config, *, address: str, name: str = "", organisation: str = "",
                         sectors: list[str] | None = None, now=None) -> None:  # fmt: skip
    """Record a pending subscriber (new addresses only) and email the right link."""
    now = now or timezone.now()
    try:
        address = normalise_email(address)
    except EmailNotValidError as exc:
        raise InvalidAddress(str(exc)) from None
    sectors = [key for key in (sectors or []) if key in config.sector_keys()]
    info = ListInfo.from_config(config)
    with transaction.atomic():
        subscriber = Subscriber.objects.filter(email=address).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(
                email=address, name=header_text(name, 200), sectors=sectors,
                organisation=header_text(organisation, 200), status=Subscriber.Status.PENDING,
                consent_source="form", consent_text=config.site.consent_wording,
                created_at=now, updated_at=now,
            )  # fmt: skip
            record(subscriber, "subscribe-requested", now, sectors=sectors)
        if subscriber.status not in RECEIVING and not subscriber.confirm_nonce:
            # A confirmation is now outstanding; repeated requests reuse it, so every link
            # sent for this request works until one of them is used.
            Subscriber.objects.filter(pk=subscriber.pk, confirm_nonce="").update(
                confirm_nonce=new_key()
            )
            subscriber.refresh_from_db()
    if not _may_notify(address, now):
        log.warning("subscribe notice limit reached", extra={"stage": "mailing"})
        return
    if subscriber.status in RECEIVING:
        link = info.preferences_url(tokens.make_token(subscriber.key, tokens.PREFERENCES))
        body = (
            f"Someone (probably you) asked to subscribe this address to {info.list_name}.\n\n"
            f"It is already subscribed. To choose sectors, pause or unsubscribe:\n{link}\n\n"
            "If this was not you, ignore this email; nothing has changed.\n"
        )
        _notify(config, info, subscriber, f"You already receive {info.list_name}", body)
        return
    token = tokens.make_confirm_token(subscriber.key, sectors, subscriber.confirm_nonce)
    link = f"{info.base_url}/subscribe/confirm/{token}/"
    body = (
        f"Please confirm that you want to receive {info.list_name}:\n{link}\n\n"
        f'You agreed to: "{config.site.consent_wording}"\n\n'
        "The link works for 7 days. If this was not you, ignore this email and you will "
        "receive nothing more.\n"
    )
    _notify(config, info, subscriber, f"Confirm your subscription to {info.list_name}", body)


def _may_notify(address: str, now=None) -> bool:
    """At most a few notices a day (a UTC day) to one address, so the form cannot be used to
    mail-bomb; counted in the database, so a restart does not reset it."""
    return ratelimit.allow("notice", email_hash(address), NOTICES_PER_ADDRESS_PER_DAY,
                           ratelimit.DAY, now)  # fmt: skip


def _notify(config, info: ListInfo, subscriber: Subscriber, subject: str, body: str) -> bool:
    message = EmailMessage(
        subject=header_text(subject),
        body=body,
        from_email=mailbox(info.from_name, info.from_address),
        to=[mailbox(subscriber.name, subscriber.email)],
        headers={"Message-ID": make_message_id(info.domain), "Auto-Submitted": "auto-replied"},
    )
    try:
        open_mailer(config).send_messages([message])
    except Exception:  # the visitor sees the same page either way; the log has the cause
        log.exception("could not send a subscription notice", extra={"stage": "mailing"})
        return False
    return True


def _awaiting(data: dict):
    """The subscribers a confirmation token may still activate: its key, its nonce still
    outstanding, not receiving already."""
    return Subscriber.objects.filter(key=data["k"], confirm_nonce=data["n"]).exclude(
        status__in=RECEIVING
    )


def pending_confirmation(token: str) -> Subscriber | None:
    """The subscriber a confirmation link would activate now, or None (forged, expired, used)."""
    data = tokens.read_confirm_token(token)
    return _awaiting(data).first() if data else None


def confirm_subscription(token: str, now=None) -> Subscriber | None:
    """Activate the subscriber a valid, unexpired, unused confirmation token names.

    Using the token clears the nonce in the same conditional UPDATE, so a link confirms once:
    replayed after an unsubscribe, it cannot make the address active or lift its suppression.
    """
    data = tokens.read_confirm_token(token)
    if data is None:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        if not _awaiting(data).update(
            confirm_nonce="", status=Subscriber.Status.ACTIVE, sectors=list(data["s"]),
            consent_source="form", consent_at=now, confirmed_at=now, updated_at=now,
        ):  # fmt: skip
            return None
        subscriber = Subscriber.objects.get(key=data["k"])
        Suppression.objects.filter(email_hash=email_hash(subscriber.email)).delete()
        record(subscriber, "confirmed", now, sectors=subscriber.sectors,
               wording=subscriber.consent_text)  # fmt: skip
    return subscriber


def subscriber_for(token: str, purpose: str) -> Subscriber | None:
    key = tokens.read_token(token, purpose)
    return Subscriber.objects.filter(key=key).first() if key else None


def unsubscribe(subscriber: Subscriber, how: str, now=None) -> None:
    """Stop all mail to this address at once (a send in progress checks before each message)."""
    now = now or timezone.now()
    with transaction.atomic():
        if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
            Subscriber.objects.filter(pk=subscriber.pk).update(
                status=Subscriber.Status.UNSUBSCRIBED, confirm_nonce="", updated_at=now
            )
            record(subscriber, "unsubscribed", now, how=how)
        else:  # an outstanding confirmation link dies with the unsubscribe
            Subscriber.objects.filter(pk=subscriber.pk).update(confirm_nonce="")
        suppress(subscriber.email, "unsubscribed")
        subscriber.refresh_from_db()


def update_preferences(subscriber: Subscriber, sectors: list[str], paused: bool, config,
                       now=None) -> None:  # fmt: skip
    now = now or timezone.now()
    sectors = [key for key in sectors if key in config.sector_keys()]
    if subscriber.status not in RECEIVING:  # preferences never bring back a lapsed address
        return
    subscriber.sectors = sectors
    subscriber.status = Subscriber.Status.PAUSED if paused else Subscriber.Status.ACTIVE
    subscriber.updated_at = now
    subscriber.save()
    record(subscriber, "preferences", now, sectors=sectors, paused=paused)


WELCOME_TEMPLATE = "welcome.txt"  # in the workspace's templates/ folder, when it exists


def welcome_text(config, subscriber: Subscriber, root=None) -> tuple[str, str]:
    """(subject, body) of the welcome email: the workspace's templates/welcome.txt if there is
    one, else the packaged one. The first line is `Subject: ...`; plain text, so nothing is
    HTML-escaped (the values are one-line texts: names, labels, URLs)."""
    from pathlib import Path

    from django.template import Context, Engine

    from policypulse.render.archive import public_editions

    info = ListInfo.from_config(config)
    custom = Path(root) / "templates" / WELCOME_TEMPLATE if root else None
    if custom is not None and custom.is_file():
        source = custom.read_text("utf-8")
    else:
        source = (Path(__file__).parent / "templates" / "mailing" / WELCOME_TEMPLATE).read_text(
            "utf-8"
        )
    chosen = [s.label for s in config.sectors if s.key in (subscriber.sectors or [])]
    latest = public_editions().first()
    context = {
        "name": header_text(subscriber.name, 120),
        "list_name": info.list_name,
        "organisation": config.organisation.name,
        "sectors": ", ".join(chosen) if chosen else "every sector",
        "sector_list": chosen,
        "latest_url": info.archive_url(latest.month_key) if latest else "",
        "latest_label": latest.month_label if latest else "",
        "preferences_url": info.preferences_url(
            tokens.make_token(subscriber.key, tokens.PREFERENCES)
        ),
    }
    text = Engine(autoescape=False).from_string(source).render(Context(context, autoescape=False))
    first, _, body = text.lstrip("\n").partition("\n")
    if first.lower().startswith("subject:"):
        return header_text(first.partition(":")[2], 200), body.lstrip("\n")
    return f"Welcome to {info.list_name}", text


def send_welcome(config, subscriber: Subscriber, root=None, now=None) -> bool:
    """The welcome email, once per confirmation: called only by whoever `confirm_subscription`
    answered with the subscriber (its conditional UPDATE lets one caller per link through).
    Off with `[mail] welcome = false`. A failure is logged, never shown to the visitor."""
    if not config.mail.welcome:
        return False
    if root is None:
        from django.conf import settings

        workspace = getattr(settings, "WORKSPACE", None)
        root = workspace.root if workspace is not None else None
    subject, body = welcome_text(config, subscriber, root)
    sent = _notify(config, ListInfo.from_config(config), subscriber, subject, body)
    record(subscriber, "welcomed" if sent else "welcome-failed", now or timezone.now())
    return sent
