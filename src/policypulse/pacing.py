"""Time, pacing and back-off: one clock, one pacer and one back-off rule for every stage.

The harvester spaces requests per host and the sender spaces messages; both wait through a
`Clock` so tests inject a fake one and never sleep for real. `Pacer` keeps the next free slot
per key (a host, or "send"); `backoff` is the one exponential back-off with a cap.
"""

from __future__ import annotations

import datetime
import threading
import time

from django.utils import timezone


class Clock:
    """Wall time, monotonic time and sleeping; replace it in tests."""

    def now(self) -> datetime.datetime:
        return timezone.now()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class Pacer:
    """At most `rate` events a second per key (0: no limit), spaced evenly; a key may be
    slowed further (robots.txt Crawl-delay). Thread-safe: threads share one schedule."""

    def __init__(self, rate: float, clock: Clock | None = None):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock or Clock()
        self._next: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._lock = threading.Lock()

    def slow_down(self, key: str, interval: float) -> None:
        with self._lock:
            self._intervals[key] = max(self.interval, interval)

    def wait(self, key: str = "") -> None:
        interval = self._intervals.get(key, self.interval)
        if interval <= 0:
            return
        with self._lock:
            now = self.clock.monotonic()
            start = max(now, self._next.get(key, now))
            self._next[key] = start + interval
        self.clock.sleep(start - now)


def backoff(attempt: int, base: float = 1.0, cap: float = 60.0) -> float:
    """Seconds to wait before retry number `attempt` (0-based): base, 2x, 4x ... capped."""
    return min(cap, base * (2 ** max(0, attempt)))
