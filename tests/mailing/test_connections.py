"""Several SMTP connections at once, and a server that closes connections mid-batch (421),
against the real aiosmtpd sink process."""

from __future__ import annotations

from collections import Counter

import pytest

from policypulse.mailing.models import Delivery
from policypulse.mailing.sending import send_edition
from tests.mailing.helpers import make_subscribers


def use(config, sink):
    config.mail.smtp_url = sink.url
    return config


@pytest.mark.django_db
def test_four_connections_share_the_send_and_each_reader_gets_one_message(
    mail_config, edition, make_sink, clock
):
    sink = make_sink({"delay_ms": 30}, keep_bodies=False)  # slow answers: all four get work
    subscribers = make_subscribers(40)
    report = send_edition(edition, use(mail_config, sink), clock=clock, connections=4)
    assert (report.sent, report.complete) == (40, True)
    assert Counter(sink.recipients()) == {s.email: 1 for s in subscribers}
    assert len(set(sink.peers())) == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_connections_default_to_the_config_and_keep_the_one_rate(mail_config, edition, sink, clock):
    make_subscribers(9)
    mail_config.mail.connections = 3
    started = clock.now()
    send_edition(edition, use(mail_config, sink), clock=clock, rate=2)
    assert len(sink.recipients()) == 9
    assert len(set(sink.peers())) > 1
    # One schedule for all three connections: 2 a second overall (nine messages take four
    # seconds), not 2 a second each (which would take one).
    assert (clock.now() - started).total_seconds() == pytest.approx(4.0, abs=1e-3)


@pytest.mark.django_db
def test_421_mid_batch_reconnects_and_nobody_is_lost_or_doubled(
    mail_config, edition, make_sink, clock
):
    sink = make_sink({"close_every": 5}, keep_bodies=False)  # each connection's 5th message
    subscribers = make_subscribers(50)
    report = send_edition(edition, use(mail_config, sink), clock=clock, connections=4)
    refused = [recipient for recipient, code in sink.refusals() if code == 421]
    assert len(refused) >= 7  # the server really did close connections mid-batch
    assert Counter(sink.recipients()) == {s.email: 1 for s in subscribers}
    assert (report.sent, report.retries, report.complete) == (50, 0, True)
    # A new connection took each refused message at once (its first message is never refused
    # here): no wait, and never the 30 s back-off of a refused row.
    assert clock.slept == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    # Each refused message went again over a new connection.
    assert len(set(sink.peers())) > 4


@pytest.mark.django_db
def test_a_server_that_keeps_answering_421_backs_off_then_retries_the_row(
    mail_config, edition, make_sink, clock
):
    sink = make_sink({"close_every": 1}, keep_bodies=False)  # every message: 421 and close
    mail_config.mail.retry_window_minutes = 0  # one pass: what a single refusal round does
    (subscriber,) = make_subscribers(1)
    report = send_edition(edition, use(mail_config, sink), clock=clock)
    assert sink.recipients() == []
    assert len(sink.refusals()) == 4  # the first try and three reconnections
    assert clock.slept == [1.0, 2.0]  # reconnected at once, after 1 s, after 2 s
    row = Delivery.objects.get(subscriber=subscriber)
    assert row.status == "pending" and row.reply.startswith("421")
    assert (report.retries, report.pending, report.complete) == (1, 1, False)


@pytest.mark.django_db
def test_a_send_split_on_lanes_uses_the_connections_under_the_one_shared_pacer(
    mail_config, make_sink, clock
):
    from policypulse.pacing import Pacer
    from policypulse.service import batches
    from tests.mailing.helpers import make_edition

    sink = make_sink({"delay_ms": 10}, keep_bodies=False)
    mail_config.mail.smtp_url = sink.url
    mail_config.mail.connections = 3
    edition = make_edition(mail_config)
    subscribers = make_subscribers(21)
    plan = batches.begin(edition, mail_config, batch=10, lanes=2)
    shared = Pacer(10, clock)  # what service.pacers gives every worker: one schedule
    started = clock.now()
    lanes = batches.sweep(plan, 60).start_lanes
    totals = [batches.run_lane(plan, lane, mail_config, pacer=shared) for lane in lanes]
    assert sum(t["sent"] for t in totals) == 21 and batches.sweep(plan, 60).finished
    assert Counter(sink.recipients()) == {s.email: 1 for s in subscribers}
    assert len(set(sink.peers())) == 3  # the lane's connections stay open from batch to batch
    assert (clock.now() - started).total_seconds() == pytest.approx(2.0, abs=1e-3)  # 10 a second
