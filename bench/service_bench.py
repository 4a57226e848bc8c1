"""Scaling out: 1, 2 and 4 `pulse worker` processes on PostgreSQL + Redis, harvesting and sending.

    .venv/bin/python bench/service_bench.py --database-url postgres://pulse@127.0.0.1:PORT/pulse \
        --redis-url redis://127.0.0.1:PORT/7 [--publications 2000] [--hosts 20] [--delay 0.2] \
        [--subscribers 10000] [--workers 1,2,4] [--per-host-rate 20]

The publishers: HOSTS virtual hosts (pub01.bench.invalid ...) that answer every request after
DELAY seconds, each with a feed of PUBLICATIONS/HOSTS pages. One HTTP server on 127.0.0.1 plays
them all (by the Host header); the workers resolve the names to it (bench/resolver/
sitecustomize.py on their PYTHONPATH), so each is a host of its own to the harvester's per-host
politeness without starting servers on other addresses. The
server logs every request's host and time: the highest rate any host saw, over any one-second
window, is checked against the politeness limit. Sending: the tests' aiosmtpd sink, an approved
edition and SUBSCRIBERS readers, sent unthrottled by the batch lanes.

For each worker count, on a fresh database and an empty Redis database: a scheduled harvest
(fanned out one task per source) until every publication is stored, then, once the queue is idle
(triage runs meanwhile), a scheduled send until the sink holds every message. Prints
publications/s and messages/s with their ratios to one worker, the busiest host's rate, and each
worker's peak memory (its RSS plus that of the RQ work-horse it forks, sampled every 0.2 s).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sentences(count: int = 400) -> list[str]:
    """Varied sentences on transport and energy: out of every default sector's scope, so triage
    is quick and nothing is summarised. This bench measures harvesting and sending;
    bench/triage_bench.py and bench/summaries_bench.py measure the stages between."""
    chance = random.Random(11)
    subjects = ["The rail operator", "The bus network", "The regional airport", "The port authority",
                "The cycling scheme", "The road maintenance programme", "The grid upgrade",
                "The offshore wind farm", "The freight corridor", "The tram extension"]  # fmt: skip
    verbs = ["reported", "estimated", "recorded", "forecast", "measured", "published"]
    objects = ["passenger journeys", "kilometres of track", "tonnes of freight", "megawatt hours",
               "road closures", "ticket sales", "delayed departures", "charging points"]  # fmt: skip
    return [
        f"{chance.choice(subjects)} {chance.choice(verbs)} {chance.randint(2, 9999)} "
        f"{chance.choice(objects)} in {chance.choice(['spring', 'summer', 'autumn', 'winter'])} "
        f"{chance.randint(2019, 2026)}, against {chance.randint(2, 9999)} the year before."
        for _ in range(count)
    ]


class Publishers:
    """Virtual hosts played by one HTTP server on 127.0.0.1 (told apart by the Host header)."""

    def __init__(self, hosts: int, per_host: int, delay: float):
        self.names = [f"pub{n:02d}.bench.invalid" for n in range(1, hosts + 1)]
        self.per_host = per_host
        self.delay = delay
        self.log: dict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()
        pool = sentences()
        chance = random.Random(7)
        self.pages = {
            (host, n): " ".join(chance.sample(pool, 12)) + f" Reference {host} {n}."
            for host in self.names
            for n in range(per_host)
        }
        bench = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                host = self.headers.get("Host", "").split(":")[0]
                with bench.lock:
                    bench.log[host].append(time.monotonic())
                time.sleep(bench.delay)
                kind, body = bench.answer(host, parts.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, host: str, path: str) -> tuple[str, bytes]:
        if path == "/robots.txt":
            return "text/plain", b"User-agent: *\nAllow: /\n"
        if path == "/feed.xml":
            items = "".join(
                f"<item><title>Report {n} of {host}</title><link>http://{host}:{self.port}/p/{n}</link>"
                f"<guid>{host}-{n}</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate></item>"
                for n in range(self.per_host)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{host}</title>{items}</channel></rss>'
            return "application/rss+xml", body.encode()
        found = re.fullmatch(r"/p/(\d+)", path)
        if found and (host, int(found.group(1))) in self.pages:
            n = int(found.group(1))
            text = self.pages[(host, n)]
            body = (
                f"<!DOCTYPE html><html><head><title>Report {n} of {host}</title>"
                f'<meta name="citation_publication_date" content="2026-11-02"></head><body>'
                f"<article><h1>Report {n} of {host}</h1><p>{text}</p><p>{text[::-1]}</p>"
                "</article></body></html>"
            )
            return "text/html; charset=utf-8", body.encode()
        return "text/plain", b""

    def busiest(self) -> tuple[str, int, float]:
        """(host, most requests in any one-second window, smallest gap between two requests)."""
        best = ("", 0, float("inf"))
        with self.lock:
            logs = {host: sorted(times) for host, times in self.log.items()}
        for host, times in logs.items():
            start, peak = 0, 0
            for end, moment in enumerate(times):
                while moment - times[start] >= 1.0:
                    start += 1
                peak = max(peak, end - start + 1)
            gap = min((b - a for a, b in zip(times, times[1:], strict=False)), default=float("inf"))
            if peak > best[1]:
                best = (host, peak, min(best[2], gap))
            else:
                best = (best[0], best[1], min(best[2], gap))
        return best

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and every process below it."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children[parent].append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class MemoryWatch:
    def __init__(self, pids: list[int]):
        self.peaks = dict.fromkeys(pids, 0)
        self.stop = threading.Event()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while not self.stop.wait(0.2):
            for pid in self.peaks:
                self.peaks[pid] = max(self.peaks[pid], tree_rss(pid))


def query(url: str, sql: str):
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


def wait(what: str, check, timeout: float, step: float = 0.2) -> float:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(step)
    return time.monotonic()


def queue_idle(redis_url: str) -> bool:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        waiting = client.llen("rq:queue:default") + client.zcard("rq:scheduled:default")
        running = client.zcard("rq:wip:default") + client.zcard("rq:started:default")
        return waiting == 0 and running == 0
    finally:
        client.close()


def run(workers: int, args, publishers: Publishers, sink) -> dict:
    import psycopg
    import redis

    name = f"pulse_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.database_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = urlunsplit(urlsplit(args.database_url)._replace(path=f"/{name}"))
    redis.Redis.from_url(args.redis_url).flushdb()
    directory = Path(tempfile.mkdtemp(prefix="pulse-service-bench-"))
    workspace = directory / "ws"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env |= {"DATABASE_URL": database, "PULSE_REDIS_URL": args.redis_url, "PULSE_SMTP_URL": sink.url,
            "PULSE_LOG_LEVEL": "ERROR",
            "PYTHONPATH": f"{ROOT / 'bench' / 'resolver'}:{ROOT}"}  # fmt: skip
    pulse = [sys.executable, "-m", "policypulse"]
    subprocess.run([*pulse, "init", str(workspace)], env=env, check=True, capture_output=True)
    toml = (workspace / "pulse.toml").read_text()
    for old, new in (
        ("allow_private_networks = false", "allow_private_networks = true"),
        (
            "requests_per_second_per_host = 1.0",
            f"requests_per_second_per_host = {args.per_host_rate}",
        ),
        ("reminder = 3", "reminder = 0"),
        ('base_url = "http://127.0.0.1:8000"', 'base_url = "https://digest.example.org"'),
    ):
        assert old in toml, old
        toml = toml.replace(old, new)
    toml += "".join(
        f'\n[[sources]]\nname = "{host}"\nurl = "http://{host}:{publishers.port}/feed.xml"\nkind = "feed"\n'
        f'publisher = "{host}"\n'
        for host in publishers.names
    )
    (workspace / "pulse.toml").write_text(toml)
    seed = (f"from pathlib import Path; from tests.mailing.helpers import seed_workspace; "
            f"seed_workspace(Path({str(workspace)!r}), {args.subscribers})")  # fmt: skip
    subprocess.run([sys.executable, "-c", seed], env=env, check=True, cwd=ROOT)
    logs = [open(directory / f"worker{n}.log", "w") for n in range(workers)]  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [*pulse, "-w", str(workspace), "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        for log in logs
    ]
    memory = MemoryWatch([p.pid for p in processes])
    publishers.log.clear()
    try:
        time.sleep(3)  # the workers connect
        count = "SELECT count(*) FROM catalogue_publication"
        before = query(database, count)[0][0]
        started = time.monotonic()
        subprocess.run([*pulse, "-w", str(workspace), "schedule", "run", "harvest", "--queue"],
                       env=env, check=True, capture_output=True)  # fmt: skip
        harvested = wait("the harvest", lambda: query(database, count)[0][0] - before
                         >= args.publications, 3600)  # fmt: skip
        host, peak, gap = publishers.busiest()
        wait("triage and summaries", lambda: queue_idle(args.redis_url), 3600, 1.0)
        processed = time.monotonic()
        already = len(sink.recipients())
        send_started = time.monotonic()
        subprocess.run([*pulse, "-w", str(workspace), "schedule", "run", "send", "--queue"],
                       env=env, check=True, capture_output=True)  # fmt: skip
        sent = wait("the send", lambda: len(sink.recipients()) - already >= args.subscribers,
                    3600, 0.1)  # fmt: skip
        extra = len(sink.recipients()) - already - args.subscribers
    finally:
        memory.stop.set()
        for process in processes:
            os.killpg(process.pid, 15)
        for process in processes:
            process.wait(60)
        for log in logs:
            log.close()
        with psycopg.connect(args.database_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {
        "publications_per_s": args.publications / (harvested - started),
        "processing_s": processed - harvested,
        "messages_per_s": args.subscribers / (sent - send_started),
        "duplicates": extra,
        "busiest_host": host,
        "host_peak": peak,
        "host_min_gap": gap,
        "peak_mb": [memory.peaks[p.pid] / 2**20 for p in processes],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--publications", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--per-host-rate", type=float, default=20.0)
    args = parser.parse_args()
    from tests.mailing.conftest import Sink

    publishers = Publishers(args.hosts, args.publications // args.hosts, args.delay)
    args.publications = args.hosts * (args.publications // args.hosts)
    sink_dir = Path(tempfile.mkdtemp(prefix="pulse-service-bench-sink-"))
    sink = Sink(sink_dir, keep_bodies=False)
    print(f"{args.publications:,} publications on {args.hosts} hosts answering after "
          f"{args.delay * 1000:.0f} ms (limit {args.per_host_rate:g} requests/s per host); "
          f"{args.subscribers:,} subscribers; {os.cpu_count()} CPUs")  # fmt: skip
    results = {}
    try:
        for workers in [int(n) for n in args.workers.split(",")]:
            results[workers] = run(workers, args, publishers, sink)
            print(f"  {workers} worker(s): {results[workers]}", flush=True)
    finally:
        sink.stop()
        publishers.close()
    base = results[min(results)]
    print(f"\n{'workers':>7s} {'pubs/s':>7s} {'x1':>5s} {'msgs/s':>7s} {'x1':>5s} "
          f"{'host peak/s':>11s} {'min gap ms':>10s} {'dups':>4s}  peak MB per worker")  # fmt: skip
    for workers, r in results.items():
        print(f"{workers:7d} {r['publications_per_s']:7.1f} "
              f"{r['publications_per_s'] / base['publications_per_s']:5.2f} "
              f"{r['messages_per_s']:7.0f} {r['messages_per_s'] / base['messages_per_s']:5.2f} "
              f"{r['host_peak']:11d} {r['host_min_gap'] * 1000:10.1f} {r['duplicates']:4d}  "
              + ", ".join(f"{mb:.0f}" for mb in r["peak_mb"]))  # fmt: skip
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    within = all(r["host_peak"] <= args.per_host_rate for r in results.values())
    print("every host stayed within its politeness limit" if within else "A HOST WAS OVERLOADED")


if __name__ == "__main__":
    main()
