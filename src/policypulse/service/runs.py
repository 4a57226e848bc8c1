"""Claims, leases and heartbeats in the database: the pieces that make a scheduled or retried
task run once across any number of workers (SQLite or PostgreSQL, with or without Redis)."""

from __future__ import annotations

import datetime
import os
import socket
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from policypulse.service.models import Heartbeat, Lease, ScheduledRun
from policypulse.service.schedules import run_key


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_run(job: str, due: datetime.datetime, now=None) -> ScheduledRun | None:
    """The run of `job` for the minute of `due`, or None when another worker claimed it."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job, due=run_key(due), started_at=now)
    except IntegrityError:
        return None


def finish_run(run: ScheduledRun, *, ok: bool, detail: str = "", now=None) -> None:
    run.finished_at = now or timezone.now()
    run.status = ScheduledRun.Status.DONE if ok else ScheduledRun.Status.FAILED
    run.detail = detail[:4000]
    run.save(update_fields=["finished_at", "status", "detail"])


def last_runs() -> dict[str, ScheduledRun]:
    latest: dict[str, ScheduledRun] = {}
    for run in ScheduledRun.objects.order_by("job", "-due"):
        latest.setdefault(run.job, run)
    return latest


def acquire_lease(name: str, seconds: float, owner: str | None = None, now=None) -> bool:
    """Take the lease `name` if it is free or expired (or already ours); True when held."""
    owner = owner or owner_id()
    now = now or timezone.now()
    expires = now + datetime.timedelta(seconds=seconds)
    with transaction.atomic():
        Lease.objects.get_or_create(name=name, defaults={"owner": "", "expires_at": now})
        taken = (
            Lease.objects.filter(name=name)
            .filter(_free(owner, now))
            .update(owner=owner, expires_at=expires)
        )
    return bool(taken)


def _free(owner: str, now):
    from django.db.models import Q

    return Q(expires_at__lte=now) | Q(owner=owner) | Q(owner="")


def renew_lease(name: str, seconds: float, owner: str, now=None) -> None:
    """Hold `name` for `seconds` more, whoever held it (the holder proving it is alive)."""
    now = now or timezone.now()
    Lease.objects.update_or_create(
        name=name,
        defaults={"owner": owner, "expires_at": now + datetime.timedelta(seconds=seconds)},
    )


def release_lease(name: str, owner: str | None = None) -> None:
    Lease.objects.filter(name=name, owner=owner or owner_id()).update(owner="")


@contextmanager
def lease(name: str, seconds: float = 3600):
    """Run the block only if the lease is free; yields whether it was taken."""
    held = acquire_lease(name, seconds)
    try:
        yield held
    finally:
        if held:
            release_lease(name)


def beat(name: str, detail: str = "", now=None) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": now or timezone.now(), "detail": detail[:200]}
    )


def last_beat(name: str) -> datetime.datetime | None:
    found = Heartbeat.objects.filter(name=name).first()
    return found.seen_at if found else None
