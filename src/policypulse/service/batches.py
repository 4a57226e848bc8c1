"""A send split across workers: lanes that take batches of deliveries, and a sweep that keeps
them going and finishes the send. Database work only; the tasks in `service/tasks.py` call it.

Exactly-once rests on the mailing module's claim (pending -> sending, a conditional UPDATE): two
lanes can never both send one delivery. On top of that:
- a lane takes a batch by leasing its rows (their `next_attempt_at` moves past the lease), in
  one transaction (SKIP LOCKED on PostgreSQL; SQLite's write lock serialises it), so lanes
  share the work without overlap;
- each lane holds a lease (`send-lane:<edition>:<n>`) that it renews with every batch; a lane
  whose worker was killed stops renewing, and the sweep starts it again on another worker;
- rows a killed worker left leased come due again when their lease ends; the rows it was
  sending (`sending`, not touched for a lease: one per SMTP connection) are sent again: at most
  one duplicate per kill and connection, the in-flight rule for a send on many workers.

Each lane keeps `[mail] connections` SMTP connections busy, open from batch to batch; every
connection of every lane waits on the one pacer (`service.pacers.pacer`: Redis when there is
one), so `[mail] rate_per_second` holds for the whole send, however many workers share it.
"""

from __future__ import annotations

import datetime
import math
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from policypulse.editions.models import Edition
from policypulse.mailing.models import Delivery
from policypulse.service import runs

BATCH = 100
LANES = 4
MIN_LEASE_SECONDS = 30.0
SWEEP_SECONDS = 5.0
LANE_OWNER = "pulse-send"


@dataclass(frozen=True)
class Plan:
    """How one send is split: fixed for the whole send (the sweep passes it on)."""

    edition: int
    started: str
    batch: int = BATCH
    lanes: int = LANES
    lease_seconds: float = MIN_LEASE_SECONDS

    def as_args(self) -> list:
        return [self.edition, self.started, self.batch, self.lanes, self.lease_seconds]


def lease_for(batch: int, rate: float) -> float:
    """Seconds a lane may take over one batch before it counts as dead (pure)."""
    return max(MIN_LEASE_SECONDS, 3 * batch / rate) if rate > 0 else MIN_LEASE_SECONDS


def lane_count(due: int, batch: int, lanes: int) -> int:
    """Lanes worth starting for `due` rows (pure): no more than there are batches."""
    return min(lanes, math.ceil(due / batch)) if due > 0 else 0


def lane_lease(plan: Plan, lane: int) -> str:
    return f"send-lane:{plan.edition}:{lane}"


def _due(edition_id: int, now):
    return Delivery.objects.filter(edition_id=edition_id, status=Delivery.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def take_batch(plan: Plan, now=None) -> list[int]:
    """Lease the next batch of due rows to the caller; [] when none are due."""
    now = now or timezone.now()
    until = now + datetime.timedelta(seconds=plan.lease_seconds)
    with transaction.atomic():
        pks = list(
            _due(plan.edition, now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: plan.batch]
        )
        if pks:
            Delivery.objects.filter(pk__in=pks).update(next_attempt_at=until)
    return pks


def recover_stale(plan: Plan, now=None) -> int:
    """`sending` rows no lane has touched for a lease: their worker died mid-message. They go
    back to pending and are sent again (it may be a duplicate; a miss would be worse here)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=plan.lease_seconds)
    return Delivery.objects.filter(
        edition_id=plan.edition, status=Delivery.Status.SENDING, updated_at__lt=stale
    ).update(
        status=Delivery.Status.PENDING,
        next_attempt_at=None,
        reply="interrupted while sending (worker lost): sent again",
        updated_at=now,
    )


def claim_lane(plan: Plan, lane: int, now=None) -> bool:
    """Take a lane's lease to start it: only if it is free or expired (a unique owner, so a
    live lane's lease is never taken over)."""
    owner = f"start:{uuid.uuid4().hex}"
    return runs.acquire_lease(lane_lease(plan, lane), plan.lease_seconds, owner, now)


def renew_lane(plan: Plan, lane: int, now=None) -> None:
    runs.renew_lease(lane_lease(plan, lane), plan.lease_seconds, LANE_OWNER, now)


def free_lane(plan: Plan, lane: int) -> None:
    runs.release_lease(lane_lease(plan, lane), LANE_OWNER)


def run_lane(plan: Plan, lane: int, config, pacer=None, mailer=None) -> dict:
    """Send batch after batch until none is due; renew the lane's lease with each."""
    from policypulse.mailing.sending import open_mailers, send_deliveries

    edition = Edition.objects.get(pk=plan.edition)
    totals = {"batches": 0, "sent": 0, "skipped": 0, "failed": 0, "unknown": 0, "retries": 0}
    mailers = [mailer] if mailer is not None else open_mailers(config)
    try:
        while True:
            renew_lane(plan, lane)
            pks = take_batch(plan)
            if not pks:
                break
            report = send_deliveries(edition, config, pks, pacer=pacer, mailers=mailers)
            totals["batches"] += 1
            for key in ("sent", "skipped", "failed", "unknown", "retries"):
                totals[key] += getattr(report, key)
    finally:
        for each in mailers:
            each.close()
        free_lane(plan, lane)
    return totals


@dataclass
class SweepResult:
    start_lanes: list[int]
    pending: int
    in_flight: int
    recovered: int
    finished: bool
    gave_up: bool


def sweep(plan: Plan, retry_window_minutes: float, now=None) -> SweepResult:
    """Recover rows of dead lanes, say which lanes to (re)start, and finish the send when no
    row is left. A lane is started only if its lease is free (never started, finished, or its
    worker stopped renewing it); starting takes the lease, so a second sweep does not start
    it again while it waits in the queue."""
    now = now or timezone.now()
    recovered = recover_stale(plan, now)
    rows = Delivery.objects.filter(edition_id=plan.edition)
    pending = rows.filter(status=Delivery.Status.PENDING).count()
    in_flight = rows.filter(status=Delivery.Status.SENDING).count()
    if pending == 0 and in_flight == 0:
        Edition.objects.filter(pk=plan.edition, status=Edition.Status.APPROVED).update(
            status=Edition.Status.SENT, sent_at=now
        )
        return SweepResult([], 0, 0, recovered, finished=True, gave_up=False)
    deadline = datetime.datetime.fromisoformat(plan.started) + datetime.timedelta(
        minutes=retry_window_minutes
    )
    if in_flight == 0 and now > deadline:
        return SweepResult([], pending, 0, recovered, finished=False, gave_up=True)
    due = _due(plan.edition, now).count()
    start = [
        lane
        for lane in range(lane_count(due, plan.batch, plan.lanes))
        if claim_lane(plan, lane, now)
    ]
    return SweepResult(start, pending, in_flight, recovered, finished=False, gave_up=False)


def begin(edition: Edition, config, now=None, **overrides) -> Plan:
    """Make the delivery rows of an approved edition and the plan its sweep follows."""
    from policypulse.errors import EditionError
    from policypulse.mailing.message import ListInfo
    from policypulse.mailing.sending import prepare_deliveries

    now = now or timezone.now()
    edition.refresh_from_db()
    if edition.status == Edition.Status.DRAFT:
        raise EditionError(f"the {edition.month_label} edition is a draft: approve it first")
    if edition.status == Edition.Status.APPROVED:
        prepare_deliveries(edition, ListInfo.from_config(config).domain, now)
    batch = overrides.get("batch", BATCH)
    return Plan(
        edition=edition.pk,
        started=now.isoformat(),
        batch=batch,
        lanes=overrides.get("lanes", LANES),
        lease_seconds=overrides.get("lease_seconds", lease_for(batch, config.mail.rate_per_second)),
    )
