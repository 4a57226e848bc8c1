"""SIGKILL a real `pulse send` at random moments, rerun it, and check from the SMTP server's own
record that everyone got the edition at least once, and that the duplicates (messages the
server took just before a kill, resent by the in-flight rule) are at most one per kill and
connection: with 4 connections, 4 messages can be in flight when the kill lands."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter

import pytest

from tests.clitools import pulse, run_python, start_pulse

SUBSCRIBERS = 1000
KILLS = 10


@pytest.mark.parametrize(("connections", "delay_ms"), [(1, 0), (4, 5)])
def test_killed_and_resumed_send_reaches_everyone_with_at_most_one_duplicate_per_kill(
    tmp_path, make_sink, connections, delay_ms
):
    # With 4 connections the server answers after 5 ms, so all four have a message in flight.
    sink = make_sink({"delay_ms": delay_ms}, keep_bodies=False)
    workspace = tmp_path / "workspace"
    env = {"PULSE_SMTP_URL": sink.url, "PULSE_LOG_LEVEL": "ERROR"}
    pulse("init", workspace, check=True)  # the workspace's own SQLite file, not DATABASE_URL
    run_python(["-m", "tests.mailing.helpers", str(workspace), str(SUBSCRIBERS)])
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    kills = 0
    for _ in range(KILLS * 3):
        if kills == KILLS:
            break
        before = len(sink.recipients())
        process = start_pulse(
            "send", "--rate", "250", "--connections", str(connections), workspace=workspace,
            env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len(sink.recipients()) == before and process.poll() is None:
            assert time.monotonic() < deadline, "pulse send sent nothing"
            time.sleep(0.005)
        time.sleep(chance.uniform(0, 0.25))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills == KILLS, f"seed {seed}: only {kills} kills landed mid-send"
    final = pulse("send", "--connections", str(connections), workspace=workspace, env=env)
    assert final.returncode == 0, final.stderr

    received = Counter(sink.recipients())
    with sqlite3.connect(workspace / "pulse.sqlite3") as db:
        rows = db.execute(
            "SELECT s.email, d.status, d.message_id FROM mailing_delivery d "
            "JOIN mailing_subscriber s ON s.id = d.subscriber_id"
        ).fetchall()
        edition_status = db.execute("SELECT status FROM editions_edition").fetchone()[0]
    ids = dict(  # the last Message-ID the server took for each address
        sqlite3.connect(sink.db).execute("SELECT recipient, message_id FROM messages").fetchall()
    )
    statuses = Counter(status for _, status, _ in rows)
    assert len(rows) == SUBSCRIBERS, f"seed {seed}"
    assert statuses == {"sent": SUBSCRIBERS}, f"seed {seed}: {statuses}"
    missed = [address for address, _, _ in rows if received[address] == 0]
    assert missed == [], f"seed {seed}: nothing reached {missed}"  # never a loss
    duplicates = sum(received.values()) - SUBSCRIBERS
    assert duplicates <= kills * connections, f"seed {seed}: {duplicates} for {kills} kills"
    for address, _, message_id in rows:
        assert ids[address] == message_id  # the database agrees with the server
    assert set(received) == {address for address, _, _ in rows}
    assert edition_status == "sent"
    print(f"seed {seed}: {kills} kills, {duplicates} duplicate(s), "
          f"{sum(received.values())} messages for {SUBSCRIBERS} subscribers")  # fmt: skip
