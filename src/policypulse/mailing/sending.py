"""Sending an approved edition: one Delivery row per (edition, subscriber), so a send resumes.

Each delivery moves through these states (docs/sending.md tells the story for editors):

    pending ──claim──> sending ──250──────────────────────> sent
       ^                  ├──4xx / no connection─┐  (retried after a back-off, never failed)
       ├──────────────────┼──────────────────────┘
       │                  ├──421 / dropped before DATA────> the same message on a new
       │                  │                                 connection (3 tries), then as a 4xx
       │                  ├──5xx──────────────────────────> failed (+ subscriber bounced)
       │                  └──connection lost after DATA───> pending once more this run, then unknown
       │  sending, found when a run starts (the last run was killed mid-message)
       └─ and unknown ── resent by default; with resend=False: ──> unknown (left, reported)
    pending ──not active / suppressed / nothing in their sectors──> skipped

The in-flight rule: a message between "claimed" and "the server's reply recorded" may or may
not have reached the server. SMTP prefers a duplicate to a loss (RFC 5321, section 6.1), and so
do we: by default such rows are resent, so a crash costs at most one duplicate per connection
and never a missed reader. `pulse send --no-resend-unknown` keeps them `unknown` for an operator
who prefers a possible miss. The claim is a conditional UPDATE (pending -> sending), so two
senders can never both send one row, and it reads the subscriber's status and the suppression
list again, so an unsubscribe that arrives mid-batch is honoured.

The steps (`recover_in_flight`, `prepare_deliveries`, then per batch `_Sender.screen` and the
claims and results of `_Sender.apply`) take the time from the injected clock and change rows
only by conditional updates, so a send can be split into batches and over workers.
`recover_in_flight` assumes no other sender is live (the send lock): a row `sending` then can
only be a dead run's.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import connections, transaction
from django.db.models import Count, Exists, Q
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
from policypulse.mailing.dkimsign import SigningProcess
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
    """A pending row for every active subscriber without one; returns how many were added.
    Written a batch at a time, so memory stays flat however many subscribers there are."""
    now = now or timezone.now()
    missing = (
        Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
        .exclude(deliveries__edition=edition)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    added, after = 0, 0
    while chunk := list(missing.filter(pk__gt=after)[:BATCH]):
        Delivery.objects.bulk_create(
            [
                Delivery(
                    edition=edition,
                    subscriber_id=pk,
                    message_id=make_message_id(domain),
                    updated_at=now,
                )
                for pk in chunk
            ],  # fmt: skip
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        added, after = added + len(chunk), chunk[-1]
    return added


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


@dataclass(slots=True)
class _Item:
    """What sending one delivery needs, read with its batch (no model instances)."""

    pk: int
    subscriber_id: int | None
    email: str
    name: str
    key: str
    sectors: list
    status: str
    message_id: str
    attempts: int
    hash: str = ""  # email_hash(email), filled by the batch's check


_ITEM_FIELDS = (
    "pk", "subscriber_id", "subscriber__email", "subscriber__name", "subscriber__key",
    "subscriber__sectors", "subscriber__status", "message_id", "attempts",
)  # fmt: skip


def delivery_items(rows) -> list[_Item]:
    """A queryset of deliveries as the light items the sender works on."""
    return [
        _Item(
            pk,
            sid,
            email or "",
            name or "",
            key or "",
            list(sectors or []),
            status or "",
            message_id,
            attempts,
        )  # fmt: skip
        for pk, sid, email, name, key, sectors, status, message_id, attempts in rows.values_list(
            *_ITEM_FIELDS
        )
    ]


SIGN_APART_FROM = 200  # messages in a batch from which DKIM signing moves to a child process
EMPTY, DROP = object(), "drop"  # nothing queued; an item taken while stopping (left pending)
RECONNECTS = 3  # a 421 or a dropped connection: reopen at once, then after 1 s, 2 s


class _Sender:
    """Sends batches of deliveries over one or more SMTP connections at once.

    Threads: one per connection (building a message: personalising, MIME, DKIM; then its SMTP
    exchange; no database), and the calling thread, which alone touches the database. A
    connection builds its next message while the server digests the last one (between the
    end of DATA and the server's reply), so building costs no wall time when the server is
    the slower side, and no builder thread takes the GIL from a connection just as its
    server answers. The calling thread gathers what the connections ask for (start this row, record
    that reply) and writes everything waiting in one transaction: a group commit, so N
    connections cost one commit per round, not 2N. A connection starts its next message only
    after the start (pending -> sending) has been committed, and the queue is first in, first
    out, so its previous message's result is committed by then too: at any moment each
    connection has at most one message handed over and not recorded. A kill therefore costs at
    most one duplicate per connection (the in-flight rule), never a missed reader.

    Suppressions, statuses and sectors are checked per batch (one query); the start is still a
    conditional UPDATE that reads the subscriber and the suppression list again, so an
    unsubscribe that lands mid-batch is honoured and two senders never both send one row.
    """

    def __init__(self, edition, config, mailer, clock, rate, report, resend=True, *,
                 mailers=None, pacer: Pacer | None = None):  # fmt: skip
        self.edition = edition
        self.info = ListInfo.from_config(config)
        self.prepared = compose.prepare(edition, config)
        self.mailers = list(mailers) if mailers else [mailer]
        self.mailer = self.mailers[0]
        self.clock = clock
        self.pacer = pacer or Pacer(rate, clock)
        self.report = report
        self.resend = resend
        self.uncertain: set[int] = set()  # rows already resent once this run after a lost reply
        # Our SMTP backend takes prebuilt bytes; other backends (anymail) get the object.
        self.prebuild = hasattr(self.mailer, "signer")
        self.todo: queue.SimpleQueue = queue.SimpleQueue()  # items; None: a connection stops
        self.ops: queue.SimpleQueue = queue.SimpleQueue()  # lists of requests, in order
        # Unpaced, a connection posts a message's result with its next start: one commit each.
        self.hold_results = isinstance(self.pacer, Pacer) and self.pacer.interval <= 0
        self.threads: list[threading.Thread] = []
        self.stopping = False
        self.local = threading.local()  # a connection thread's DKIM signing process
        self.sign_apart = False

    # -- threads -------------------------------------------------------------------------

    def _start_threads(self, expected: int) -> None:
        if self.threads:
            return
        # A signing process costs a third of a second to start: worth it for a big send.
        self.sign_apart = (
            self.prebuild
            and getattr(self.mailer, "signer", None) is not None
            and expected >= SIGN_APART_FROM
        )
        for n, mailer in enumerate(self.mailers):
            self.threads.append(threading.Thread(target=self._connection, args=(mailer,),
                                                 name=f"pulse-smtp-{n}", daemon=True))  # fmt: skip
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        """Stop the threads. After an error in this thread (or Ctrl-C) connections may still
        wait for an answer: what they asked is answered (results written if the database
        lets us; starts refused), so they finish their message and leave."""
        if not self.threads:
            return
        for _ in self.threads:
            self.todo.put(None)
        while any(thread.is_alive() for thread in self.threads):
            ops = []
            with contextlib.suppress(queue.Empty):
                while True:
                    ops += self.ops.get_nowait()
            done = [op for op in ops if op[0] in ("done", "skip")]
            for kind, _, extra in ops:
                if kind == "start":
                    extra.set_result(False)
            if done:
                with contextlib.suppress(Exception):  # the in-flight rule covers a lost result
                    self.apply(done)
            self.stopping = True
            for thread in self.threads:
                thread.join(0.05)
        self.stopping = False
        self.threads = []

    def _take(self, block: bool):
        """The next item built: (item, message, why skipped), ("error", item, exc) if building
        failed, None when told to stop, or EMPTY when not blocking and nothing is queued."""
        try:
            item = self.todo.get(block)
        except queue.Empty:
            return EMPTY
        if item is None:
            return None
        if self.stopping:
            return (item, None, DROP)
        try:
            return (item, *self.build(item))
        except Exception as exc:  # never leave the batch waiting for this item
            return ("error", item, exc)

    def _connection(self, mailer) -> None:
        signing = None
        if self.sign_apart:
            try:
                signing = SigningProcess(mailer.signer)
            except OSError as exc:  # signed in this thread instead: slower, still signed
                log.warning("cannot start the DKIM signing process", extra={"error": str(exc)})
        self.local.signing = signing
        try:
            self._converse(mailer)
        except Exception as exc:  # a bug or a broken part: stop the run, never hang it
            log.exception("a sending connection failed")
            # Like a kill for this connection: a row it had claimed stays `sending`, and the
            # next run applies the in-flight rule to it.
            self.ops.put([("fatal", None, exc)])
        finally:
            if signing is not None:
                signing.close()

    def _converse(self, mailer) -> None:
        held: list = []  # the last message's result, posted with the next start
        ahead = EMPTY  # the next message, built while the server digested the last one
        while True:
            work, ahead = (ahead, EMPTY) if ahead is not EMPTY else (self._take(not held), EMPTY)
            if work is EMPTY:  # nothing queued at once: the result must not wait for it
                self.ops.put(held)
                held = []
                continue
            if work is None:
                break
            if work[0] == "error":
                self.ops.put([*held, ("done", work[1], ("error", work[2], False,
                                                        self.clock.now()))])  # fmt: skip
                held = []
                continue
            item, message, reason = work
            if self.stopping or reason is DROP:
                self.ops.put([*held, ("drop", item, None)])
                held = []
            elif reason is not None:
                self.ops.put([*held, ("skip", item, reason)])
                held = []
            else:
                if held and not self.hold_results:
                    self.ops.put(held)
                    held = []
                self.pacer.wait("send")
                started = Future()
                # The previous result goes first in the same round: it is committed with (or
                # before) this start, so a connection never has two messages unrecorded.
                self.ops.put([*held, ("start", item, started)])
                held = []
                if self.prebuild:
                    # Our backend waits for the claim only before DATA, so its commit (and
                    # with it the previous message's result: first in, first out) overlaps
                    # MAIL FROM and RCPT TO. Not granted: the backend resets; nothing sent.
                    message.before_data = started.result

                    def build_ahead():
                        nonlocal ahead
                        if ahead is EMPTY:
                            ahead = self._take(False)

                    message.while_waiting = build_ahead
                    outcome = self.exchange(mailer, message)
                    if not started.result():
                        continue
                elif started.result():
                    outcome = self.exchange(mailer, message)
                else:
                    continue
                held = [("done", item, (*outcome, self.clock.now()))]
        if held:
            self.ops.put(held)

    def exchange(self, mailer, message) -> tuple:
        """One message over this connection: reopened after a 421 or a drop (nothing was
        handed over, so trying again on a new connection cannot duplicate it)."""
        for attempt in range(RECONNECTS + 1):
            try:
                if getattr(mailer, "connection", True) is None:
                    mailer.open()
                mailer.send_messages([message])
            except TemporaryFailure as exc:
                if not exc.reconnect or attempt == RECONNECTS:
                    return ("retry", exc.reply, False)
                log.info("reconnecting", extra={"reply": exc.reply})
                self.clock.sleep(backoff(attempt - 1, base=1.0, cap=30.0) if attempt else 0)
            except PermanentFailure as exc:
                return ("failed", exc.reply, exc.recipient_refused)
            except UncertainDelivery as exc:
                return ("uncertain", exc.reply, False)
            except Exception as exc:  # e.g. an ESP's API: nothing known to be accepted
                return ("error", exc, False)
            else:
                reply = getattr(message, "smtp_reply", "") or _anymail_reply(message)
                return ("sent", reply, False)
        raise AssertionError("unreachable")  # pragma: no cover

    def build(self, item: _Item):
        """(message, None) or (None, why it is skipped). Runs in a connection's thread."""
        if item.subscriber_id is None:
            return None, "subscriber erased"
        unsubscribe = tokens.make_token(item.key, tokens.UNSUBSCRIBE)
        parts = self.prepared.personalise(
            item.sectors,
            self.info.unsubscribe_url(unsubscribe),
            self.info.preferences_url(tokens.make_token(item.key, tokens.PREFERENCES)),
        )
        if parts is None:
            return None, "nothing in their sectors this month"
        subject, html, text = parts
        message = build_message(
            self.info, subject=subject, html=html, text=text, to_name=item.name,
            to_address=item.email, message_id=item.message_id,
            unsubscribe_token=unsubscribe, month_key=self.edition.month_key,
        )  # fmt: skip
        message.envelope = (self.info.from_address, [item.email])
        if self.prebuild:
            signing = getattr(self.local, "signing", None)
            if signing is not None:  # signed in the child while this thread talks SMTP
                message.prebuilt = signing.submit(message_bytes(message))
            else:
                message.prebuilt = message_bytes(message, self.mailer.signer)
        return message, None

    # -- the calling thread: batches and the database ------------------------------------

    def screen(self, items: list[_Item]) -> list[_Item]:
        """The batch's check: skip (in one transaction) rows whose subscriber is gone, not
        active, suppressed or has nothing this month; return the rest."""
        hashes = {item.pk: email_hash(item.email) for item in items if item.email}
        for item in items:
            item.hash = hashes.get(item.pk, "")
        suppressed = set(
            Suppression.objects.filter(email_hash__in=set(hashes.values())).values_list(
                "email_hash", flat=True
            )
        )
        skipped: dict[str, list[int]] = {}
        keep = []
        for item in items:
            if item.subscriber_id is None:
                reason = "subscriber erased"
            elif item.status != Subscriber.Status.ACTIVE:
                reason = f"subscriber is {item.status}"
            elif hashes[item.pk] in suppressed:
                reason = "address suppressed"
            elif not self.prepared.sector_keys(item.sectors):
                reason = "nothing in their sectors this month"
            else:
                keep.append(item)
                continue
            skipped.setdefault(reason, []).append(item.pk)
        if skipped:
            with transaction.atomic():
                for reason, pks in skipped.items():
                    self.report.skipped += Delivery.objects.filter(
                        pk__in=pks, status=Delivery.Status.PENDING
                    ).update(status=Delivery.Status.SKIPPED, reply=reason,
                             updated_at=self.clock.now())  # fmt: skip
        return keep

    def send_batch(self, items: list) -> None:
        if items and isinstance(items[0], Delivery):
            items = delivery_items(Delivery.objects.filter(pk__in=[d.pk for d in items]))
        items = self.screen(items)
        if not items:
            return
        self._start_threads(len(items))
        for item in items:
            self.todo.put(item)
        outstanding, error = len(items), None
        while outstanding:
            ops = self.ops.get()
            while True:
                try:
                    ops += self.ops.get_nowait()
                except queue.Empty:
                    break
            finished, failure = self.apply(ops)
            outstanding -= finished
            if failure is not None and error is None:
                error = failure
                self.stopping = True  # what is queued is dropped (left pending), not sent
            if any(op[0] == "fatal" for op in ops):
                break  # a connection is gone: its items will never finish; close() drains
        if error is not None:
            self.stopping = False
            raise error

    def apply(self, ops: list) -> tuple[int, Exception | None]:
        """Write a round of the connections' requests in one transaction; then tell the
        waiting connections which starts were granted. Returns (items finished, an error)."""
        now = self.clock.now()
        finished, error, refused, granted, lost = 0, None, [], [], []
        connection = connections[Delivery.objects.db]
        stamp = connection.ops.adapt_datetimefield_value(now)
        start_sql, finish_sql, skip_sql = _statements(connection)
        with transaction.atomic(), connection.cursor() as cursor:
            for kind, item, extra in ops:
                if kind == "fatal":
                    error = error or extra
                    continue
                if kind == "start":
                    cursor.execute(start_sql, [
                        Delivery.Status.SENDING, stamp, item.pk, Delivery.Status.PENDING,
                        Subscriber.Status.ACTIVE, item.hash or email_hash(item.email),
                    ])  # fmt: skip
                    if cursor.rowcount == 1:
                        granted.append(extra)
                    else:
                        lost.append((item, extra))
                    continue
                finished += 1
                if kind == "drop":
                    continue
                if kind == "skip":
                    cursor.execute(skip_sql, [
                        Delivery.Status.SKIPPED, extra, stamp, item.pk, Delivery.Status.PENDING
                    ])  # fmt: skip
                    self.report.skipped += cursor.rowcount
                    continue
                status, reply, sent_at, retry_at = self._outcome(item, extra)
                if extra[0] == "failed" and extra[2]:
                    refused.append((item, extra[1]))
                if extra[0] == "error":
                    error = extra[1]
                cursor.execute(finish_sql, [
                    status, reply[:2000], stamp,
                    connection.ops.adapt_datetimefield_value(sent_at),
                    connection.ops.adapt_datetimefield_value(retry_at), item.pk,
                ])  # fmt: skip
        for future in granted:
            future.set_result(True)
        for item, future in lost:  # changed since the batch was read, or another run has it
            reason = self.current_obstacle(item)
            if reason is not None:
                self.report.skipped += Delivery.objects.filter(
                    pk=item.pk, status=Delivery.Status.PENDING
                ).update(status=Delivery.Status.SKIPPED, reply=reason, updated_at=now)
            future.set_result(False)
            finished += 1
        for item, reply in refused:
            subscriber = Subscriber.objects.filter(pk=item.subscriber_id).first()
            if subscriber is not None and mark_bounced(subscriber, reply, now):
                self.report.bounced += 1
        return finished, error

    def _outcome(self, item: _Item, outcome: tuple) -> tuple:
        """(status, reply, sent_at, next_attempt_at) for a finished exchange; counts it.
        `outcome` is (kind, reply, recipient refused, when the exchange ended)."""
        kind, reply, now = outcome[0], outcome[1], outcome[3]
        if kind == "sent":
            self.report.sent += 1
            return Delivery.Status.SENT, reply, now, None
        if kind == "retry":
            self.report.retries += 1
            log.info("temporary refusal, will retry", extra={"delivery": item.pk, "reply": reply})
            return Delivery.Status.PENDING, reply, None, now + retry_delay(item.attempts + 1)
        if kind == "failed":
            self.report.failed += 1
            return Delivery.Status.FAILED, reply, None, None
        if kind == "uncertain":
            if self.resend and item.pk not in self.uncertain:
                # In flight when the connection died: resend once this run, after a pause.
                self.uncertain.add(item.pk)
                self.report.resent_in_flight += 1
                return Delivery.Status.PENDING, f"{reply}; resending", None, now + retry_delay(1)
            return Delivery.Status.UNKNOWN, reply, None, None
        # Another backend (e.g. an ESP's API) failed: put the row back and stop the run.
        return Delivery.Status.PENDING, f"error: {reply}", None, None

    def current_obstacle(self, item: _Item) -> str | None:
        """Read the subscriber now, at the moment of sending, not when the batch was read."""
        if item.subscriber_id is None:
            return "subscriber erased"
        suppressed = Suppression.objects.filter(email_hash=email_hash(item.email))
        row = (
            Subscriber.objects.filter(pk=item.subscriber_id)
            .annotate(suppressed=Exists(suppressed))
            .values_list("status", "suppressed")
            .first()
        )
        if row is None:
            return "subscriber erased"
        if row[0] != Subscriber.Status.ACTIVE:
            return f"subscriber is {row[0]}"
        return "address suppressed" if row[1] else None

    def close_connections(self) -> None:
        """Between batches only (no exchange in progress): servers drop idle connections."""
        for mailer in self.mailers:
            mailer.close()


_STATEMENTS: dict[str, tuple[str, str, str]] = {}


def _statements(connection) -> tuple[str, str, str]:
    """(start, finish, skip) for this database, built once per vendor, not per message."""
    found = _STATEMENTS.get(connection.vendor)
    if found is None:
        found = _STATEMENTS[connection.vendor] = (
            _start_sql(connection), _finish_sql(connection), _skip_sql(connection)
        )  # fmt: skip
    return found


def _tables(connection) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    return (quote(Delivery._meta.db_table), quote(Subscriber._meta.db_table),
            quote(Suppression._meta.db_table))  # fmt: skip


def _start_sql(connection) -> str:
    """pending -> sending, only if the subscriber is active and not suppressed right now."""
    delivery, subscriber, suppression = _tables(connection)
    return (
        f"UPDATE {delivery} SET status = %s, attempts = attempts + 1, updated_at = %s "
        f"WHERE id = %s AND status = %s AND EXISTS (SELECT 1 FROM {subscriber} s "
        f"WHERE s.id = {delivery}.subscriber_id AND s.status = %s) AND NOT EXISTS "
        f"(SELECT 1 FROM {suppression} x WHERE x.email_hash = %s)"
    )


def _finish_sql(connection) -> str:
    delivery = _tables(connection)[0]
    return (
        f"UPDATE {delivery} SET status = %s, reply = %s, updated_at = %s, "
        f"sent_at = COALESCE(%s, sent_at), next_attempt_at = %s WHERE id = %s"
    )


def _skip_sql(connection) -> str:
    delivery = _tables(connection)[0]
    return (
        f"UPDATE {delivery} SET status = %s, reply = %s, updated_at = %s "
        f"WHERE id = %s AND status = %s"
    )


def _anymail_reply(message) -> str:
    status = getattr(message, "anymail_status", None)
    return f"accepted: {status.message_id} {status.status}" if status else "accepted"


def send_edition(
    edition: Edition,
    config,
    *,
    rate: float | None = None,
    connections: int | None = None,
    dry_run: bool = False,
    resend_unknown: bool = True,
    mailer=None,
    clock: Clock | None = None,
    progress: Callable[[SendReport], None] | None = None,
) -> SendReport:
    """Send (or finish sending) an approved edition; safe to run again after any failure.

    resend_unknown (the default) resends messages a killed run left in flight, and those an
    earlier run left `unknown`: at most one duplicate per interruption and connection, never a
    miss. connections (default `[mail] connections`) SMTP sessions work at once under the one
    rate; an injected `mailer` means that one connection.
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
    mailers = [mailer] if mailer is not None else open_mailers(config, connections)
    try:  # a wrong address or password fails here, before any row is touched
        mailers[0].open()
    except TemporaryFailure as exc:
        raise MailError(f"cannot start sending: {exc.reply}") from None
    report.recovered_in_flight, report.resent_in_flight = recover_in_flight(
        edition, resend=resend_unknown, now=clock.now()
    )
    if edition.status == Edition.Status.APPROVED:
        prepare_deliveries(edition, info.domain, clock.now())
    sender = _Sender(edition, config, None, clock, rate, report, resend=resend_unknown,
                     mailers=mailers)  # fmt: skip
    pending = Delivery.objects.filter(edition=edition, status=Delivery.Status.PENDING)
    try:
        while True:
            now = clock.now()
            due = delivery_items(
                pending.filter(
                    Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
                ).order_by("pk")[:BATCH]
            )
            if not due:
                waiting = (
                    pending.order_by("next_attempt_at")
                    .values_list("next_attempt_at", flat=True)
                    .first()
                )
                if waiting is None or waiting > deadline:
                    break
                sender.close_connections()  # reopened for the next message
                clock.sleep(max(0.0, (waiting - now).total_seconds()))
                continue
            sender.send_batch(due)
            if progress:
                progress(report)
    finally:
        sender.close()
        sender.close_connections()
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


def open_mailers(config, connections: int | None = None) -> list:
    """One backend per connection (each keeps its own SMTP session); not yet connected."""
    count = config.mail.connections if connections is None else connections
    return [open_mailer(config) for _ in range(max(1, count))]


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
    connections: int | None = None,
    mailers: list | None = None,
) -> SendReport:
    """Send the given deliveries of an edition that are still pending: one batch of a send
    split across workers (policypulse.service.batches). The same claim and record path as
    `send_edition`, with `[mail] connections` SMTP sessions; `pacer` spaces the messages
    (one shared by all workers and their connections: service/pacers)."""
    clock = clock or Clock()
    report = SendReport(edition=edition.month_key)
    items = delivery_items(
        Delivery.objects.filter(
            edition=edition, pk__in=pks, status=Delivery.Status.PENDING
        ).order_by("pk")
    )
    if not items:
        return report
    own = mailer is None and not mailers  # kept open between batches when the caller owns them
    if not mailers:
        mailers = [mailer] if mailer is not None else open_mailers(config, connections)
    try:
        if getattr(mailers[0], "connection", None) is None:
            mailers[0].open()
    except TemporaryFailure as exc:
        raise MailError(f"cannot start sending: {exc.reply}") from None
    sender = _Sender(edition, config, None, clock, 0, report, mailers=mailers, pacer=pacer)
    try:
        sender.send_batch(items)
    finally:
        sender.close()
        if own or mailer is not None:
            sender.close_connections()
    return report
