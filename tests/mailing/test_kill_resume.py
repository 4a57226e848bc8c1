"""SIGKILL a real `pulse send` at random moments, rerun it, and check from the SMTP server's own
record that everyone got exactly one message, except those the in-flight rule marks unknown."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter

from tests.clitools import pulse, run_python, start_pulse

SUBSCRIBERS = 1000
KILLS = 10


def test_killed_and_resumed_send_reaches_everyone_exactly_once(tmp_path, make_sink):
    sink = make_sink(keep_bodies=False)
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
            "send", "--rate", "250", workspace=workspace, env=env,
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
    final = pulse("send", workspace=workspace, env=env)
    assert final.returncode == 0, final.stderr

    received = Counter(sink.recipients())
    with sqlite3.connect(workspace / "pulse.sqlite3") as db:
        rows = db.execute(
            "SELECT s.email, d.status, d.message_id FROM mailing_delivery d "
            "JOIN mailing_subscriber s ON s.id = d.subscriber_id"
        ).fetchall()
        edition_status = db.execute("SELECT status FROM editions_edition").fetchone()[0]
    ids = dict(
        sqlite3.connect(sink.db).execute("SELECT recipient, message_id FROM messages").fetchall()
    )
    statuses = Counter(status for _, status, _ in rows)
    assert len(rows) == SUBSCRIBERS, f"seed {seed}"
    assert set(statuses) <= {"sent", "unknown"}, f"seed {seed}: {statuses}"
    assert statuses["unknown"] <= kills, f"seed {seed}: more in flight than kills"
    for address, status, message_id in rows:
        if status == "sent":
            assert received[address] == 1, f"seed {seed}: {address} got {received[address]}"
            assert ids[address] == message_id  # the database agrees with the server
        else:  # the in-flight rule: at most one, and never resent
            assert received[address] <= 1, f"seed {seed}: {address} got {received[address]}"
    assert max(received.values()) == 1
    assert sum(received.values()) >= SUBSCRIBERS - kills
    assert edition_status == "sent"
    print(f"seed {seed}: {kills} kills, {statuses['unknown']} in flight marked unknown, "
          f"{sum(received.values())} delivered")  # fmt: skip
