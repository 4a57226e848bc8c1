"""Politeness and the send rate across workers: pacers that share one schedule through a real
Redis (PULSE_TEST_REDIS_URL). Nothing sleeps: the clocks record the waits they are asked for."""

from __future__ import annotations

import threading

import pytest
import redis

from policypulse.pacing import Clock, Pacer
from policypulse.service.pacers import RedisPacer, pacer

pytestmark = pytest.mark.redis


class RecordingClock(Clock):
    def __init__(self):
        self.waits: list[float] = []
        self.lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.waits.append(seconds)


def gaps(waits: list[float]) -> list[float]:
    ordered = sorted(waits)
    return [b - a for a, b in zip(ordered, ordered[1:], strict=False)]


def worker_pacers(url, prefix, rate, n=2):
    """`n` pacers as `n` workers would hold them: each with its own connection and clock."""
    return [(RedisPacer(rate, redis.Redis.from_url(url), clock, prefix), clock)
            for clock in (RecordingClock() for _ in range(n))]  # fmt: skip


def test_two_in_memory_pacers_each_let_a_host_see_the_full_rate():
    """Why Redis: two workers with their own Pacer both start at once (twice the limit)."""
    clocks = [RecordingClock(), RecordingClock()]
    pacers = [Pacer(10, clock) for clock in clocks]
    for _ in range(5):
        for one in pacers:
            one.wait("host-a")
    waits = clocks[0].waits + clocks[1].waits
    assert min(gaps(waits)) < 0.01  # two requests in the same slot


def test_workers_on_redis_share_one_schedule_per_host(redis_url, redis_prefix):
    (a, clock_a), (b, _) = worker_pacers(redis_url, redis_prefix, rate=10)
    slots = []
    for _ in range(10):
        slots += [a.take("host-a")[1], b.take("host-a")[1]]
    # Every request has its own slot 100 ms after the one before (on Redis's clock), whichever
    # worker asked.
    assert gaps(slots) == [pytest.approx(0.1, abs=1e-6)] * 19
    # Another host has its own schedule: no wait.
    a.wait("host-b")
    assert clock_a.waits == [0]


def test_a_crawl_delay_set_by_one_worker_slows_every_worker(redis_url, redis_prefix):
    (a, _), (b, clock_b) = worker_pacers(redis_url, redis_prefix, rate=10)
    a.slow_down("slow.example", 2.0)
    slots = [b.take("slow.example")[1] for _ in range(3)]
    assert gaps(slots) == [pytest.approx(2.0, abs=1e-6)] * 2
    b.wait("slow.example")
    assert clock_b.waits[0] == pytest.approx(6.0, abs=0.1)


def test_threads_racing_for_slots_never_share_one(redis_url, redis_prefix):
    pacers = worker_pacers(redis_url, redis_prefix, rate=100, n=4)
    slots: list[float] = []
    lock = threading.Lock()

    def run(one):
        for _ in range(25):
            slot = one.take("send")[1]
            with lock:
                slots.append(slot)

    threads = [threading.Thread(target=run, args=(one,)) for one, _ in pacers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(slots) == 100
    assert gaps(slots) == [pytest.approx(0.01, abs=1e-6)] * 99


def test_the_send_rate_is_shared_by_the_workers(redis_url, redis_prefix):
    (a, clock), (b, _) = worker_pacers(redis_url, redis_prefix, rate=5)
    b.wait("send")
    a.wait("send")
    assert clock.waits[0] == pytest.approx(0.2, abs=0.02)


def test_the_pacer_is_chosen_by_configuration(settings, redis_url):
    settings.REDIS_URL = ""
    assert type(pacer(1.0)) is Pacer
    settings.REDIS_URL = redis_url
    assert isinstance(pacer(1.0), RedisPacer)
