"""Scheduled and fanned-out background tasks (django.tasks: the database backend on one
server, RQ on Redis across machines). Every task is safe to run twice: scheduled runs are
claimed once per minute they fired for, processing runs under a lease, and sending goes
through the mailing module's per-delivery claims."""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.tasks import task
from django.utils import timezone

log = logging.getLogger(__name__)

PROCESS_LEASE = "process-new-items"
RETRY_LEASE = "process-new-items-retry"
RETRY_SECONDS = 30


@task()
def run_scheduled_task(job: str, due: str) -> str:
    """Run scheduled `job` for the minute `due` (ISO) unless another worker already did."""
    from policypulse.service import runs

    run = runs.claim_run(job, datetime.datetime.fromisoformat(due))
    if run is None:
        return f"{job} {due}: already run by another worker"
    try:
        detail = JOBS[job]()
    except Exception as exc:
        runs.finish_run(run, ok=False, detail=f"{type(exc).__name__}: {exc}")
        raise
    runs.finish_run(run, ok=True, detail=detail)
    return detail


def _harvest() -> str:
    """Fan out: one task per enabled source, so N workers share the harvest."""
    from policypulse.harvest.services import sync_sources
    from policypulse.sources.models import Source

    sync_sources(settings.PULSE)
    now = timezone.now()
    names = [
        source.name
        for source in Source.objects.filter(enabled=True, paused_at__isnull=True).exclude(
            kind=Source.Kind.MANUAL
        )
        if source.is_due(now)
    ]
    for name in names:
        harvest_source_task.enqueue(name)
    if not names:
        process_new_task.enqueue()
    return f"{len(names)} source(s) queued"


@task()
def harvest_source_task(name: str) -> dict:
    """Harvest one source, then triage and summarise what is new."""
    from policypulse.harvest.fetch import Fetcher
    from policypulse.harvest.services import harvest
    from policypulse.service.pacers import pacer

    options = settings.PULSE.harvest
    # Per-host politeness across all workers: the pacer is shared through Redis when there is one.
    from policypulse.harvest.pool import close_all

    try:
        with Fetcher(options, pacer=pacer(options.requests_per_second_per_host)) as fetcher:
            (report,) = harvest(settings.PULSE, only=name, fetcher=fetcher)
    finally:
        close_all()  # an RQ work-horse leaves by os._exit: its extraction pool must not outlive it
    process_new_task.enqueue()
    return {"new": report.new, "updated": report.updated, "errors": len(report.errors)}


@task()
def process_new_task() -> str:
    """Triage and summarise under a lease: one worker at a time does it; one that finds the
    lease taken tries again a little later, so nothing harvested meanwhile is left behind."""
    from policypulse.service import runs
    from policypulse.summaries.services import summarize
    from policypulse.triage.services import triage

    with runs.lease(PROCESS_LEASE, seconds=3600) as held:
        if not held:
            # One retry is enough for everything harvested meanwhile: the first busy task
            # leaves it (holding a short lease that ends before the retry runs), the rest go.
            if not runs.acquire_lease(RETRY_LEASE, RETRY_SECONDS - 5, owner=uuid.uuid4().hex):
                return "busy: a retry is already queued"
            later = timezone.now() + datetime.timedelta(seconds=RETRY_SECONDS)
            process_new_task.using(run_after=later).enqueue()
            return "busy: queued again"
        counts = triage(settings.PULSE)
        written = summarize(settings.PULSE)
    return f"triaged {sum(counts.values())}, summarised {written}"


def start_send(edition, config, **overrides):
    """Make the deliveries and queue the sweep that runs the send's lanes (service/batches)."""
    from policypulse.service import batches

    plan = batches.begin(edition, config, **overrides)
    send_sweep_task.enqueue(*plan.as_args())
    return plan


@task()
def send_sweep_task(edition: int, started: str, batch: int, lanes: int, lease: float) -> str:
    """Start the lanes that should run, finish the send when nothing is left, and look again
    in a few seconds otherwise (each sweep is safe to run twice)."""
    from policypulse.service import batches

    plan = batches.Plan(edition, started, batch, lanes, lease)
    result = batches.sweep(plan, settings.PULSE.mail.retry_window_minutes)
    for lane in result.start_lanes:
        send_lane_task.enqueue(*plan.as_args(), lane)
    if result.finished:
        return "sent"
    if result.gave_up:
        return f"gave up with {result.pending} pending after the retry window"
    later = timezone.now() + datetime.timedelta(seconds=batches.SWEEP_SECONDS)
    send_sweep_task.using(run_after=later).enqueue(*plan.as_args())
    return f"{result.pending} pending, {len(result.start_lanes)} lane(s) started"


@task()
def send_lane_task(
    edition: int, started: str, batch: int, lanes: int, lease: float, lane: int
) -> dict:
    """Send batches of one edition until none is due, at the rate all workers share."""
    from policypulse.service import batches
    from policypulse.service.pacers import pacer

    plan = batches.Plan(edition, started, batch, lanes, lease)
    shared = pacer(settings.PULSE.mail.rate_per_second)
    return batches.run_lane(plan, lane, settings.PULSE, pacer=shared)


def _reminder() -> str:
    from policypulse.service.jobs import send_reminder

    return send_reminder(settings.PULSE)


def _send() -> str:
    """Start sending the approved edition, split into batches for every worker (safe to
    repeat: deliveries are claimed one by one)."""
    from policypulse.service.jobs import edition_to_send

    edition = edition_to_send()
    if edition is None:
        return "no approved edition to send"
    plan = start_send(edition, settings.PULSE)
    return f"{edition.month_key}: sending in batches of {plan.batch} on up to {plan.lanes} lanes"


def _backup() -> str:
    from policypulse.service.jobs import backup_now

    return backup_now(settings.WORKSPACE, settings.PULSE)


JOBS = {"harvest": _harvest, "reminder": _reminder, "send": _send, "backup": _backup}
