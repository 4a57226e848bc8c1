"""Sending an approved edition: one Delivery row per (edition, subscriber), so a send resumes.

Each delivery moves through these states (docs/sending.md tells the story for editors):

    pending ──claim──> sending ──250──────────────────────> sent
       ^                  ├──4xx / no connection─┐  (retried after a back-off, never failed)
       ├──────────────────┼──────────────────────┘
       │                  ├──5xx──────────────────────────> failed (+ subscriber bounced)
       │                  └──connection lost after DATA───> pending once more this run, then unknown
       │  sending, found when a run starts (the last run was killed mid-message)
       └─ and unknown ── resent by default; with resend=False: ──> unknown (left, reported)
    pending ──not active / suppressed / nothing in their sectors──> skipped

The in-flight rule: a message between "claimed" and "the server's reply recorded" may or may
not have reached the server. SMTP prefers a duplicate to a loss (RFC 5321, section 6.1), and so
do we: by default such rows are resent, so a crash costs at most one duplicate and never a
missed reader. `pulse send --no-resend-unknown` keeps them `unknown` for an operator who prefers
a possible miss. The claim is a conditional UPDATE (pending -> sending), so two senders can
never both send one row, and the subscriber's status and the suppression list are read again
just before each message, so an unsubscribe that arrives mid-send is honoured.

The steps (`recover_in_flight`, `prepare_deliveries`, then claim / send / record per row in
`_Sender.deliver`) take the time from the injected clock and change rows only by conditional
updates, so a send can be split into batches. `recover_in_flight` assumes no other sender is
live (the send lock): a row `sending` then can only be a dead run's.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db.models import Count, Exists, F, Q
from django.utils import timezone

from policypulse.editions.models import Edition
from policypulse.errors import EditionError, MailError
from policypulse.mailing import compose, tokens
from policypulse.mailing.backends import (
    PermanentFailure,
    TemporaryFailure,
    UncertainDelivery,
    message_bytes,
)
from policypulse.mailing.bounces import mark_bounced
from policypulse.mailing.mailers import open_mailer
from policypulse.mailing.message import ListInfo, build_message, make_message_id
from policypulse.mailing.models import Delivery, Subscriber, Suppression, email_hash
from policypulse.pacing import Clock, Pacer, backoff

log = logging.getLogger(__name__)

BATCH = 500
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 900


def retry_delay(attempts: int) -> datetime.timedelta:
    """After a temporary refusal: 30 s, 1, 2, 4, 8 min, then every 15 min (`attempts` >= 1)."""
    return datetime.timedelta(
        seconds=backoff(attempts - 1, base=RETRY_BASE_SECONDS, cap=RETRY_CAP_SECONDS)
    )


@dataclass
class SendReport:
    edition: str
    dry_run: bool = False
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    unknown: int = 0
    pending: int = 0
    retries: int = 0
    bounced: int = 0
    recovered_in_flight: int = 0
    resent_in_flight: int = 0
    would_send: int = 0
    complete: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def send_lock(path: Path) -> Iterator[None]:
    """One `pulse send` per workspace at a time; the kernel drops the lock if we are killed."""
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise MailError("another `pulse send` is running in this workspace") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_deliveries(edition: Edition, domain: str, now=None) -> int:
    """A pending row for every active subscriber without one; returns how many were added."""
    now = now or timezone.now()
    missing = list(
        Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
        .exclude(deliveries__edition=edition)
        .values_list("pk", flat=True)
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                edition=edition,
                subscriber_id=pk,
                message_id=make_message_id(domain),
                updated_at=now,
            )
            for pk in missing
        ],  # fmt: skip
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return len(missing)


IN_FLIGHT_RESENT = "interrupted in flight: may or may not have been delivered; resent"
IN_FLIGHT_KEPT = "interrupted in flight: may or may not have been delivered; not resent"


def recover_in_flight(edition: Edition, *, resend: bool = True, now=None) -> tuple[int, int]:
    """Apply the in-flight rule when a run starts; returns (found `sending`, put back to send).

    Rows left `sending` by a killed run, and rows left `unknown` by an earlier run, go back
    to `pending` (resend: at most one duplicate per interruption, never a loss), or, with
    resend=False, the `sending` ones become `unknown` and every `unknown` row stays as it is.
    """
    now = now or timezone.now()
    rows = Delivery.objects.filter(edition=edition)
    found = rows.filter(status=Delivery.Status.SENDING).count()
    if not resend:
        rows.filter(status=Delivery.Status.SENDING).update(
            status=Delivery.Status.UNKNOWN, reply=IN_FLIGHT_KEPT, updated_at=now
        )
        return found, 0
    resent = rows.filter(status__in=[Delivery.Status.SENDING, Delivery.Status.UNKNOWN]).update(
        status=Delivery.Status.PENDING, next_attempt_at=None, reply=IN_FLIGHT_RESENT,
        updated_at=now,
    )  # fmt: skip
    return found, resent


def delivery_counts(edition: Edition) -> dict[str, int]:
    rows = Delivery.objects.filter(edition=edition).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def delivery_rows(edition: Edition, status: str) -> list[dict]:
    """The deliveries of one status, for the editor (e.g. `unknown` after an interruption)."""
    rows = Delivery.objects.filter(edition=edition, status=status).select_related("subscriber")
    return [
        {
            "email": row.subscriber.email if row.subscriber else "(erased)",
            "status": row.status,
            "attempts": row.attempts,
            "message_id": row.message_id,
            "reply": row.reply,
        }
        for row in rows.order_by("pk")
    ]


class _Sender:
    """Builds messages one step ahead in a worker thread (pure CPU: personalising, MIME,
    DKIM; no database), while this thread does everything with state: the fresh subscriber
    check, the claim, the SMTP exchange and the result. So the build of the next message
    overlaps the server's handling of this one, and the exactly-once logic stays serial."""

    def __init__(self, edition, config, mailer, clock, rate, report, resend=True):
        self.edition = edition
        self.info = ListInfo.from_config(config)
        self.prepared = compose.prepare(edition, config)
        self.mailer = mailer
        self.clock = clock
        self.pacer = Pacer(rate, clock)
        self.report = report
        self.resend = resend
        self.uncertain: set[int] = set()  # rows already resent once this run after a lost reply
        # Our SMTP backend takes prebuilt bytes; other backends (anymail) get the object.
        self.prebuild = hasattr(mailer, "signer")
        self.builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulse-build")

    def close(self) -> None:
        self.builder.shutdown(wait=True, cancel_futures=True)

    def _finish(self, pk: int, status: str, reply: str, **fields) -> None:
        Delivery.objects.filter(pk=pk).update(
            status=status, reply=reply[:2000], updated_at=self.clock.now(), **fields
        )

    def _ensure_open(self) -> None:
        """Keep one connection for the whole run (Django's backends otherwise open and close
        one per call), and reopen it after a failure dropped it."""
        if getattr(self.mailer, "connection", True) is None:
            self.mailer.open()

    def build(self, delivery: Delivery):
        """(message, None) or (None, why it is skipped). Runs in the worker thread."""
        subscriber = delivery.subscriber
        if subscriber is None:
            return None, "subscriber erased"
        unsubscribe = tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)
        parts = self.prepared.personalise(
            list(subscriber.sectors or []),
            self.info.unsubscribe_url(unsubscribe),
            self.info.preferences_url(tokens.make_token(subscriber.key, tokens.PREFERENCES)),
        )
        if parts is None:
            return None, "nothing in their sectors this month"
        subject, html, text = parts
        message = build_message(
            self.info, subject=subject, html=html, text=text, to_name=subscriber.name,
            to_address=subscriber.email, message_id=delivery.message_id,
            unsubscribe_token=unsubscribe, month_key=self.edition.month_key,
        )  # fmt: skip
        if self.prebuild:
            message.prebuilt = message_bytes(message, self.mailer.signer)
        return message, None

    def send_batch(self, deliveries: list[Delivery]) -> None:
        futures = [self.builder.submit(self.build, delivery) for delivery in deliveries]
        for delivery, future in zip(deliveries, futures, strict=True):
            message, reason = future.result()
            self.deliver(delivery, message, reason)

    def current_obstacle(self, delivery: Delivery) -> str | None:
        """Read the subscriber now, at the moment of sending, not when the run started."""
        if delivery.subscriber is None:
            return "subscriber erased"
        suppressed = Suppression.objects.filter(email_hash=email_hash(delivery.subscriber.email))
        row = (
            Subscriber.objects.filter(pk=delivery.subscriber_id)
            .annotate(suppressed=Exists(suppressed))
            .values_list("status", "suppressed")
            .first()
        )
        if row is None:
            return "subscriber erased"
        if row[0] != Subscriber.Status.ACTIVE:
            return f"subscriber is {row[0]}"
        return "address suppressed" if row[1] else None

    def claim(self, delivery: Delivery) -> bool:
        """pending -> sending, only if the subscriber is still active and not suppressed at
        this moment: the check and the claim are one conditional UPDATE."""
        suppressed = Suppression.objects.filter(email_hash=email_hash(delivery.subscriber.email))
        return bool(
            Delivery.objects.filter(
                pk=delivery.pk,
                status=Delivery.Status.PENDING,
                subscriber__status=Subscriber.Status.ACTIVE,
            )
            .filter(~Exists(suppressed))
            .update(
                status=Delivery.Status.SENDING,
                attempts=F("attempts") + 1,
                updated_at=self.clock.now(),
            )
        )

    def deliver(self, delivery: Delivery, message, reason: str | None) -> None:
        pk = delivery.pk
        self.pacer.wait("send")
        if reason is None and not self.claim(delivery):
            reason = self.current_obstacle(delivery)
            if reason is None:  # no longer pending: another run has it
                return
        if reason is not None:
            self.report.skipped += Delivery.objects.filter(
                pk=pk, status=Delivery.Status.PENDING
            ).update(status=Delivery.Status.SKIPPED, reply=reason, updated_at=self.clock.now())
            return
        try:
            self._ensure_open()
            self.mailer.send_messages([message])
        except TemporaryFailure as exc:
            attempts = delivery.attempts + 1
            self._finish(pk, Delivery.Status.PENDING, exc.reply,
                         next_attempt_at=self.clock.now() + retry_delay(attempts))  # fmt: skip
            self.report.retries += 1
            log.info("temporary refusal, will retry", extra={"delivery": pk, "reply": exc.reply})
        except PermanentFailure as exc:
            self._finish(pk, Delivery.Status.FAILED, exc.reply)
            self.report.failed += 1
            subscriber = delivery.subscriber
            if exc.recipient_refused and mark_bounced(subscriber, exc.reply, self.clock.now()):
                self.report.bounced += 1
        except UncertainDelivery as exc:
            if self.resend and pk not in self.uncertain:
                # In flight when the connection died: resend once this run, after a pause.
                self.uncertain.add(pk)
                self._finish(pk, Delivery.Status.PENDING, f"{exc.reply}; resending",
                             next_attempt_at=self.clock.now() + retry_delay(1))  # fmt: skip
                self.report.resent_in_flight += 1
            else:
                self._finish(pk, Delivery.Status.UNKNOWN, exc.reply)
        except Exception as exc:
            # Another backend (e.g. an ESP's API) failed: nothing known to be accepted. Put the
            # row back and stop: the error is shown and a rerun carries on.
            self._finish(pk, Delivery.Status.PENDING, f"error: {exc}")
            raise
        else:
            reply = getattr(message, "smtp_reply", "") or _anymail_reply(message)
            self._finish(pk, Delivery.Status.SENT, reply, sent_at=self.clock.now())
            self.report.sent += 1


def _anymail_reply(message) -> str:
    status = getattr(message, "anymail_status", None)
    return f"accepted: {status.message_id} {status.status}" if status else "accepted"


def send_edition(
    edition: Edition,
    config,
    *,
    rate: float | None = None,
    dry_run: bool = False,
    resend_unknown: bool = True,
    mailer=None,
    clock: Clock | None = None,
    progress: Callable[[SendReport], None] | None = None,
) -> SendReport:
    """Send (or finish sending) an approved edition; safe to run again after any failure.

    resend_unknown (the default) resends messages a killed run left in flight, and those an
    earlier run left `unknown`: at most one duplicate per interruption, never a miss.
    """
    edition.refresh_from_db()
    if edition.status == Edition.Status.DRAFT:
        raise EditionError(
            f"the {edition.month_label} edition is a draft: approve it first "
            f"(`pulse editions approve --month {edition.month_key}`)"
        )
    report = SendReport(edition=edition.month_key, dry_run=dry_run)
    if dry_run:
        return _dry_run(edition, config, report)
    clock = clock or Clock()
    rate = config.mail.rate_per_second if rate is None else rate
    deadline = clock.now() + datetime.timedelta(minutes=config.mail.retry_window_minutes)
    info = ListInfo.from_config(config)
    mailer = mailer or open_mailer(config)
    try:  # a wrong address or password fails here, before any row is touched
        mailer.open()
    except TemporaryFailure as exc:
        raise MailError(f"cannot start sending: {exc.reply}") from None
    report.recovered_in_flight, report.resent_in_flight = recover_in_flight(
        edition, resend=resend_unknown, now=clock.now()
    )
    if edition.status == Edition.Status.APPROVED:
        prepare_deliveries(edition, info.domain, clock.now())
    sender = _Sender(edition, config, mailer, clock, rate, report, resend=resend_unknown)
    pending = Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING)
    try:
        while True:
            now = clock.now()
            due = list(
                pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .select_related("subscriber")
                .order_by("pk")[:BATCH]
            )
            if not due:
                waiting = (
                    pending.order_by("next_attempt_at")
                    .values_list("next_attempt_at", flat=True)
                    .first()
                )
                if waiting is None or waiting > deadline:
                    break
                mailer.close()  # servers drop idle connections; reopened for the next message
                clock.sleep(max(0.0, (waiting - now).total_seconds()))
                continue
            sender.send_batch(due)
            if progress:
                progress(report)
    finally:
        sender.close()
        mailer.close()
    report.pending = pending.count()
    report.unknown = Delivery.objects.filter(
        edition=edition, status=Delivery.Status.UNKNOWN
    ).count()
    report.complete = report.pending == 0
    if report.complete and edition.status == Edition.Status.APPROVED:
        Edition.objects.filter(pk=edition.pk).update(
            status=Edition.Status.SENT, sent_at=clock.now()
        )
    return report


def _dry_run(edition: Edition, config, report: SendReport) -> SendReport:
    """What a send would do now, without writing anything or connecting to the server."""
    prepared = compose.prepare(edition, config)
    done = set(
        Delivery.objects.filter(edition=edition)
        .exclude(status=Delivery.Status.PENDING)
        .values_list("subscriber_id", flat=True)
    )
    suppressed = set(Suppression.objects.values_list("email_hash", flat=True))
    for subscriber in Subscriber.objects.filter(status=Subscriber.Status.ACTIVE):
        if subscriber.pk in done:
            continue
        if email_hash(subscriber.email) in suppressed or (
            prepared.personalise(list(subscriber.sectors or []), "", "") is None
        ):
            report.skipped += 1
        else:
            report.would_send += 1
    report.pending = report.would_send
    return report


def send_deliveries(
    edition: Edition,
    config,
    pks: list[int],
    *,
    pacer: Pacer | None = None,
    mailer=None,
    clock: Clock | None = None,
) -> SendReport:
    """Send the given deliveries of an edition that are still pending: one batch of a send
    split across workers (policypulse.service.batches). The same claim and record path as
    `send_edition`; `pacer` spaces the messages (one shared by all workers: service/pacers)."""
    clock = clock or Clock()
    report = SendReport(edition=edition.month_key)
    rows = list(
        Delivery.objects.filter(edition=edition, pk__in=pks, status=Delivery.Status.PENDING)
        .select_related("subscriber")
        .order_by("pk")
    )
    if not rows:
        return report
    mailer = mailer or open_mailer(config)
    try:
        mailer.open()
    except TemporaryFailure as exc:
        raise MailError(f"cannot start sending: {exc.reply}") from None
    sender = _Sender(edition, config, mailer, clock, 0, report)
    if pacer is not None:
        sender.pacer = pacer
    try:
        sender.send_batch(rows)
    finally:
        sender.close()
        mailer.close()
    return report
