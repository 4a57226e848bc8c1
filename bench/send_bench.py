"""Sending throughput and memory: `pulse send`'s engine against a raw smtplib loop, same sink.

    .venv/bin/python bench/send_bench.py [--subscribers 10000] [--delayed-subscribers 2000]
        [--memory 10000,50000] [--skip-dkim] [--skip-delay] [--profile]

Starts the tests' aiosmtpd sink (its own process, recording every message in SQLite) on
127.0.0.1, makes a throwaway workspace with approved editions and N subscribers, then times:
  1. raw: one prebuilt message sent N times over one smtplib connection (the floor here);
  2. send_edition, 1 connection, without DKIM: personalised messages, a Delivery row each;
  3. the same with DKIM (a fresh 2048-bit RSA key);
     1-3 run --rounds times in turn (raw, plain, DKIM, raw, ...); each ratio is to its own
     round's raw loop, and the median of each ratio is printed at the end;
  4. a sink that waits 20 ms before answering each message (a remote server): send_edition
     with 1, 4 and 8 connections, to --delayed-subscribers of them;
  5. peak memory (ru_maxrss) of a fresh process sending to 10,000 and to 50,000 subscribers
     (each seeded by another process first, so only the send is measured).
It prints messages per second, the ratio to the raw loop (or to one connection), and the CPU
time per message of this process (all threads), of its DKIM signing children and of the sink:
on a busy machine the wall-clock rates swing with other work, the CPU figures much less. --profile prints where a
send without DKIM spends this thread's time (cProfile; the worker threads are not in it).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import smtplib
import statistics
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
    parser.add_argument("--rounds", type=int, default=3, help="raw / plain / DKIM, alternated")
    parser.add_argument("--delayed-subscribers", type=int, default=2_000)
    parser.add_argument("--memory", default="10000,50000", help="subscriber counts; '' to skip")
    parser.add_argument("--skip-dkim", action="store_true")
    parser.add_argument("--skip-delay", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child-seed", nargs=2, metavar=("WORKSPACE", "N"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--child-send", nargs=2, metavar=("WORKSPACE", "URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child_seed:
        return child_seed(Path(args.child_seed[0]), int(args.child_seed[1]))
    if args.child_send:
        return child_send(Path(args.child_send[0]), args.child_send[1])
    count = args.subscribers
    directory = Path(tempfile.mkdtemp(prefix="pulse-send-bench-"))
    os.environ.pop("DATABASE_URL", None)
    workspace = start_workspace(directory / "ws")
    config = workspace.config

    from tests.mailing.helpers import make_edition

    sink = start_sink(directory / "sink")
    sinks = [sink]
    try:
        config.mail.smtp_url = sink.url
        print(f"{count:,} subscribers; SMTP sink (aiosmtpd, own process) on port {sink.port}")
        started = time.perf_counter()
        seed_subscribers(count)
        print(f"made subscribers in {time.perf_counter() - started:.1f}s")
        months = iter(datetime.date(2020 + m // 12, m % 12 + 1, 1) for m in range(120))
        key = directory / "dkim.pem"
        subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(key), "2048"],
                       check=True, capture_output=True)  # fmt: skip
        rounds, raw = [], raw_message(config)
        for number in range(1, args.rounds + 1):
            # Raw, plain and DKIM one after the other, then again: a burst of other work on
            # the machine then hits one round's three runs, not one kind of run.
            print(f"\nround {number} of {args.rounds}")
            results = {"raw smtplib loop": measured(
                sink, count, lambda: raw_loop(raw, count, sink))}  # fmt: skip
            edition = make_edition(config, month=next(months))
            send = lambda e=edition: timed_send(e, config, count, connections=1)  # noqa: E731
            results["pulse send, 1 connection, no DKIM"] = measured(
                sink, count, (lambda s=send: profiled(s)) if args.profile and number == 1 else send
            )
            if not args.skip_dkim:
                config.mail.dkim_domain, config.mail.dkim_selector = "example.org", "bench"
                config.mail.dkim_key_file = str(key)
                edition = make_edition(config, month=next(months))
                results["pulse send, 1 connection, DKIM"] = measured(
                    sink, count, lambda e=edition: timed_send(e, config, count, connections=1)
                )
                config.mail.dkim_domain = config.mail.dkim_selector = ""
                config.mail.dkim_key_file = ""
            report(results, "raw smtplib loop")
            rounds.append(results)
        if len(rounds) > 1:
            print(f"\nmedian over {len(rounds)} rounds of each round's ratio to its raw loop:")
            for name in rounds[0]:
                ratios = sorted(r[name][0] / r["raw smtplib loop"][0] for r in rounds)
                cpu = statistics.median(r[name][1] + r[name][2] for r in rounds)
                print(f"  {name:36s} {statistics.median(ratios):5.2f}x "
                      f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)}); "
                      f"sender CPU with its signer {cpu:.2f} ms/msg")  # fmt: skip
        if not args.skip_delay:
            slow = start_sink(directory / "slow", {"delay_ms": 20})
            sinks.append(slow)
            config.mail.smtp_url = slow.url
            delayed = min(args.delayed_subscribers, count)
            keep_active(delayed)
            print(f"\nsink answering after 20 ms; {delayed:,} subscribers")
            slow_results = {}
            for connections in (1, 4, 8):
                edition = make_edition(config, month=next(months))
                slow_results[f"pulse send, {connections} connection(s)"] = measured(
                    slow, delayed,
                    lambda e=edition, c=connections: timed_send(e, config, delayed, c),
                )  # fmt: skip
            report(slow_results, "pulse send, 1 connection(s)")
        for n in [int(x) for x in args.memory.split(",") if x.strip()]:
            memory(directory / f"mem{n}", n)
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        for each in sinks:
            each.stop()
        shutil.rmtree(directory, ignore_errors=True)  # 64 MB of workspaces and mail per run


def report(results: dict, baseline: str) -> None:
    base = results[baseline][0]
    print(f"{'':36s} {'msgs/s':>8s} {'ratio':>6s} {'CPU ms/msg: sender':>19s} "
          f"{'signer':>7s} {'sink':>6s}")  # fmt: skip
    for name, (rate, ours, children, theirs) in results.items():
        print(f"{name:36s} {rate:8.0f} {rate / base:6.2f} {ours:19.2f} {children:7.2f} "
              f"{theirs:6.2f}")  # fmt: skip


def start_workspace(root: Path):
    from policypulse import runtime
    from policypulse.workspace import create_workspace

    if not (root / "pulse.toml").exists():
        create_workspace(root)
    workspace = runtime.start(root.resolve())
    workspace.config.site.base_url = "https://digest.example.org"
    return workspace


def start_sink(directory: Path, rules: dict | None = None):
    from tests.mailing.conftest import Sink

    directory.mkdir()
    return Sink(directory, rules, keep_bodies=False)


def seed_subscribers(count: int, chunk: int = 2000) -> None:
    """Active subscribers in three sector mixes, written a chunk at a time (flat memory)."""
    from django.utils import timezone

    from policypulse.mailing.models import Subscriber

    mixes = ((), ("justice",), ("children", "adult-care"))
    now = timezone.now()
    for start in range(0, count, chunk):
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    email=f"reader{n:06d}@example.net",
                    name=f"Reader {n}",
                    sectors=list(mixes[n % 3]),
                    status="active",
                    consent_source="import",
                    consent_at=now,
                )  # fmt: skip
                for n in range(start, min(count, start + chunk))
            ]
        )


def keep_active(count: int) -> None:
    from policypulse.mailing.models import Subscriber

    first = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True)[:count])
    Subscriber.objects.exclude(pk__in=first).update(status="paused")


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(sink, count: int, run) -> tuple[float, float, float, float]:
    """(messages/s, this process's CPU ms a message, its finished children's (the DKIM
    signing processes, reaped when a send ends), the sink's)."""
    ours, theirs = time.process_time(), process_cpu_seconds(sink.process.pid)
    children = children_cpu_seconds()
    rate = run()
    ours = (time.process_time() - ours) * 1000 / count
    children = (children_cpu_seconds() - children) * 1000 / count
    theirs = (process_cpu_seconds(sink.process.pid) - theirs) * 1000 / count
    return rate, ours, children, theirs


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def profiled(run):
    import cProfile
    import pstats

    profile = cProfile.Profile()
    result = profile.runcall(run)
    pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return result


def raw_message(config) -> bytes:
    """The message the raw loop sends: one subscriber's, built the way `pulse send` builds it."""
    from tests.mailing.helpers import make_edition

    from policypulse.editions.models import Edition
    from policypulse.mailing import compose
    from policypulse.mailing.backends import message_bytes
    from policypulse.mailing.message import ListInfo, build_message, make_message_id

    edition = make_edition(config, month=datetime.date(2024, 8, 1))
    info = ListInfo.from_config(config)
    subject, html, text = compose.prepare(edition, config).personalise(
        [], "https://u/", "https://p/"
    )
    raw = message_bytes(build_message(
        info, subject=subject, html=html, text=text, to_name="Reader", to_address="r@example.net",
        message_id=make_message_id(info.domain), unsubscribe_token="t:s", month_key="2024-08",
    ))  # fmt: skip
    Edition.objects.filter(pk=edition.pk).delete()
    return raw


def raw_loop(raw: bytes, count: int, sink) -> float:
    connection = smtplib.SMTP("127.0.0.1", sink.port)
    started = time.perf_counter()
    for _ in range(count):
        connection.sendmail("digest@example.org", ["r@example.net"], raw)
    elapsed = time.perf_counter() - started
    connection.quit()
    print(f"raw: {count:,} x {len(raw):,}-byte message in {elapsed:.1f}s")
    return count / elapsed


def timed_send(edition, config, count: int, connections: int) -> float:
    from policypulse.mailing.sending import send_edition

    started = time.perf_counter()
    report = send_edition(edition, config, rate=0, connections=connections)
    elapsed = time.perf_counter() - started
    assert report.complete and report.sent == count, report
    print(f"send_edition {edition.month_key}, {connections} connection(s): "
          f"{report.sent:,} sent in {elapsed:.1f}s")  # fmt: skip
    return count / elapsed


def memory(directory: Path, count: int) -> None:
    """Seed a workspace in one process, then send from a fresh one and read its peak RSS."""
    directory.mkdir()
    sink = start_sink(directory / "sink")
    try:
        here = [sys.executable, str(Path(__file__).resolve())]
        subprocess.run([*here, "--child-seed", str(directory / "ws"), str(count)], check=True)
        out = subprocess.run([*here, "--child-send", str(directory / "ws"), sink.url],
                             check=True, capture_output=True, text=True).stdout  # fmt: skip
        result = json.loads(out.strip().splitlines()[-1])
        print(f"peak memory of a fresh process sending to {count:,}: "
              f"{result['maxrss_kb'] / 1024:.0f} MiB ({result['sent']:,} sent in "
              f"{result['seconds']:.0f}s)")  # fmt: skip
    finally:
        sink.stop()


def child_seed(root: Path, count: int) -> None:
    from tests.mailing.helpers import make_edition

    workspace = start_workspace(root)
    make_edition(workspace.config)
    seed_subscribers(count)


def child_send(root: Path, url: str) -> None:
    config = start_workspace(root).config

    from policypulse.editions.models import Edition
    from policypulse.mailing.sending import send_edition

    config.mail.smtp_url = url
    started = time.perf_counter()
    report = send_edition(Edition.objects.get(), config, rate=0)
    seconds = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"maxrss_kb": maxrss, "sent": report.sent, "seconds": seconds}))


if __name__ == "__main__":
    main()
