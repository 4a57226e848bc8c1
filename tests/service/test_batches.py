"""A send split across workers (service/batches.py): lanes take disjoint batches, a dead lane is
started again and its in-flight row sent again, the sweep finishes the send. Real SMTP sink;
these run on PostgreSQL too (postgres_ok)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from policypulse.service import batches
from tests.mailing.helpers import make_edition, make_subscribers

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_ok]


def test_lease_and_lane_counts():
    assert batches.lease_for(100, 0) == batches.MIN_LEASE_SECONDS
    assert batches.lease_for(100, 1) == 300
    assert batches.lane_count(0, 100, 4) == 0
    assert batches.lane_count(150, 100, 4) == 2
    assert batches.lane_count(10_000, 100, 4) == 4


def _plan(config, subscribers=95, **overrides):
    edition = make_edition(config)
    make_subscribers(subscribers)
    return edition, batches.begin(edition, config, **overrides)


def test_lanes_take_disjoint_batches_and_a_sweep_starts_each_lane_once(mail_config):
    edition, plan = _plan(mail_config, batch=20, lanes=3)
    first = batches.sweep(plan, 60)
    assert first.start_lanes == [0, 1, 2] and first.pending == 95
    assert batches.sweep(plan, 60).start_lanes == []  # queued lanes are not started twice
    taken = [batches.take_batch(plan) for _ in range(6)]
    assert [len(t) for t in taken] == [20, 20, 20, 20, 15, 0]
    flat = [pk for t in taken for pk in t]
    assert len(flat) == len(set(flat)) == 95


def test_a_send_on_lanes_reaches_everyone_once_and_finishes(mail_config, sink, settings):
    mail_config.mail.smtp_url = sink.url
    edition, plan = _plan(mail_config, batch=30, lanes=2)
    started = batches.sweep(plan, 60).start_lanes
    totals = [batches.run_lane(plan, lane, mail_config) for lane in started]
    assert sum(t["sent"] for t in totals) == 95
    assert totals[0]["batches"] == 4  # the first lane took all; the second found none due
    result = batches.sweep(plan, 60)
    assert result.finished
    edition.refresh_from_db()
    assert edition.status == "sent"
    received = Counter(sink.recipients())
    assert len(received) == 95 and set(received.values()) == {1}


def test_a_dead_lane_is_started_again_and_its_in_flight_row_sent_again(mail_config, sink):
    from policypulse.mailing.models import Delivery

    mail_config.mail.smtp_url = sink.url
    edition, plan = _plan(mail_config, subscribers=40, batch=10, lanes=1, lease_seconds=30)
    past = timezone.now() - datetime.timedelta(seconds=90)
    assert batches.sweep(plan, 60, now=past).start_lanes == [0]
    # The lane took a batch and was SIGKILLed while sending its first row.
    leased = batches.take_batch(plan, now=past)
    Delivery.objects.filter(pk=leased[0]).update(status="sending", updated_at=past)
    result = batches.sweep(plan, 60)
    assert result.recovered == 1 and result.start_lanes == [0]
    batches.run_lane(plan, 0, mail_config)
    assert batches.sweep(plan, 60).finished
    received = Counter(sink.recipients())
    assert len(received) == 40 and set(received.values()) == {1}
    row = Delivery.objects.get(pk=leased[0])
    assert row.status == "sent" and row.attempts == 1


def test_the_sweep_gives_up_after_the_retry_window(mail_config):
    edition, plan = _plan(mail_config, subscribers=3)
    later = datetime.datetime.fromisoformat(plan.started) + datetime.timedelta(minutes=61)
    assert batches.sweep(plan, 60, now=later).gave_up
