"""Fixed-window limits (the public forms per client, notices per address), in the database.

A limit kept in a process's memory resets whenever the server restarts, and is not shared
between two server processes; a row per (scope, key, window) is. The count is one conditional
UPDATE (count + 1) inside a transaction, so two requests at once cannot both take the last use:
the row lock (PostgreSQL) or the database write lock (SQLite) orders them, and a unique
constraint decides which of two first requests creates the row.
"""

from __future__ import annotations

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from policypulse.mailing.models import RateCounter

HOUR = 3600
DAY = 24 * HOUR


def client_key(request) -> str:
    """REMOTE_ADDR; behind a proxy, set it from X-Forwarded-For in the proxy, not here."""
    return hashlib.sha256(request.META.get("REMOTE_ADDR", "").encode()).hexdigest()[:32]


def window_start(now: datetime.datetime, window_seconds: int) -> datetime.datetime:
    """The start of the fixed window holding `now`, aligned to the Unix epoch (UTC days)."""
    seconds = int(now.timestamp())
    return datetime.datetime.fromtimestamp(seconds - seconds % window_seconds, datetime.UTC)


def allow(scope: str, key: str, limit: int, window_seconds: int = HOUR, now=None) -> bool:
    """Count one use of `scope` by `key`; True while the window's count is within `limit`."""
    start = window_start(now or timezone.now(), window_seconds)
    counter = RateCounter.objects.filter(scope=scope, key=key, window_start=start)
    with transaction.atomic():
        if not counter.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(scope=scope, key=key, window_start=start, count=1)
            except IntegrityError:  # another request created it first
                counter.update(count=F("count") + 1)
        count = counter.values_list("count", flat=True).get()
    RateCounter.objects.filter(scope=scope, window_start__lt=start).delete()
    return count <= limit
