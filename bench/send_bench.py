"""Sending throughput: `pulse send`'s engine against a raw smtplib loop, same sink, same run.

    .venv/bin/python bench/send_bench.py [--subscribers 10000] [--no-dkim-run]

Starts the tests' aiosmtpd sink (its own process, recording every message in SQLite) on
127.0.0.1, makes a throwaway workspace with an approved edition and N subscribers, then times:
  1. raw: one prebuilt message sent N times over one smtplib connection (the floor here);
  2. send_edition without DKIM: personalised messages, one Delivery row each, exactly-once;
  3. send_edition with DKIM (a fresh 2048-bit RSA key).
and prints messages per second and the ratio to the raw loop, plus the CPU time per message
of this process (all threads) and of the sink process: on a busy machine the wall-clock rates
swing with other work, the CPU figures much less.
"""

from __future__ import annotations

import argparse
import datetime
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--skip-dkim", action="store_true")
    args = parser.parse_args()
    count = args.subscribers
    directory = Path(tempfile.mkdtemp(prefix="pulse-send-bench-"))
    os.environ.pop("DATABASE_URL", None)

    from policypulse import runtime
    from policypulse.workspace import create_workspace

    create_workspace(directory / "ws")
    workspace = runtime.start((directory / "ws").resolve())
    config = workspace.config

    from tests.mailing.conftest import Sink
    from tests.mailing.helpers import make_edition, make_subscribers

    sink_dir = directory / "sink"
    sink_dir.mkdir()
    sink = Sink(sink_dir, keep_bodies=False)
    try:
        config.mail.smtp_url = sink.url
        config.site.base_url = "https://digest.example.org"
        print(f"{count:,} subscribers; SMTP sink (aiosmtpd, own process) on port {sink.port}")
        started = time.perf_counter()
        make_subscribers(count, sectors_cycle=((), ("justice",), ("children", "adult-care")))
        print(f"made subscribers in {time.perf_counter() - started:.1f}s")
        results = {}
        results["raw smtplib loop"] = measured(sink, count, lambda: raw_loop(config, count, sink))
        editions = [make_edition(config, month=datetime.date(2026, m, 1)) for m in (9, 10)]
        results["pulse send, no DKIM"] = measured(
            sink, count, lambda: timed_send(editions[0], config, count)
        )
        if not args.skip_dkim:
            key = directory / "dkim.pem"
            subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(key), "2048"],
                           check=True, capture_output=True)  # fmt: skip
            config.mail.dkim_domain, config.mail.dkim_selector = "example.org", "bench"
            config.mail.dkim_key_file = str(key)
            results["pulse send, DKIM rsa-sha256 2048"] = measured(
                sink, count, lambda: timed_send(editions[1], config, count)
            )
        raw = results["raw smtplib loop"][0]
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{'':36s} {'msgs/s':>8s} {'x raw':>6s} {'CPU ms/msg: sender':>19s} {'sink':>6s}")
        for name, (rate, ours, theirs) in results.items():
            print(f"{name:36s} {rate:8.0f} {rate / raw:6.2f} {ours:19.2f} {theirs:6.2f}")
        print(f"sink recorded {len(sink.recipients()):,} messages in all")
    finally:
        sink.stop()


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(sink, count: int, run) -> tuple[float, float, float]:
    """(messages/s, this process's CPU ms a message, the sink's CPU ms a message)."""
    ours, theirs = time.process_time(), process_cpu_seconds(sink.process.pid)
    rate = run()
    ours = (time.process_time() - ours) * 1000 / count
    theirs = (process_cpu_seconds(sink.process.pid) - theirs) * 1000 / count
    return rate, ours, theirs


def raw_loop(config, count: int, sink) -> float:
    from tests.mailing.helpers import make_edition

    from policypulse.editions.models import Edition
    from policypulse.mailing import compose
    from policypulse.mailing.backends import message_bytes
    from policypulse.mailing.message import ListInfo, build_message, make_message_id

    edition = make_edition(config, month=datetime.date(2026, 8, 1))
    info = ListInfo.from_config(config)
    subject, html, text = compose.prepare(edition, config).personalise(
        [], "https://u/", "https://p/"
    )
    raw = message_bytes(build_message(
        info, subject=subject, html=html, text=text, to_name="Reader", to_address="r@example.net",
        message_id=make_message_id(info.domain), unsubscribe_token="t:s", month_key="2026-08",
    ))  # fmt: skip
    Edition.objects.filter(pk=edition.pk).delete()
    connection = smtplib.SMTP("127.0.0.1", sink.port)
    started = time.perf_counter()
    for _ in range(count):
        connection.sendmail("digest@example.org", ["r@example.net"], raw)
    elapsed = time.perf_counter() - started
    connection.quit()
    print(f"raw: {count:,} x {len(raw):,}-byte message in {elapsed:.1f}s")
    return count / elapsed


def timed_send(edition, config, count: int) -> float:
    from policypulse.mailing.sending import send_edition

    started = time.perf_counter()
    report = send_edition(edition, config, rate=0)
    elapsed = time.perf_counter() - started
    assert report.complete and report.sent == count, report
    print(f"send_edition {edition.month_key}: {report.sent:,} sent in {elapsed:.1f}s")
    return count / elapsed


if __name__ == "__main__":
    main()
