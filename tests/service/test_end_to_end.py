"""A month through the production stack (issue 13): `pulse serve` (gunicorn), two RQ workers and
the scheduler on PostgreSQL + Redis, the loopback demo publisher site and the aiosmtpd sink.

A minute cron harvests a publication just added to a feed; it is triaged and summarised with no
command; an editor builds and approves the edition over HTTP; the scheduled send is split across
both workers, one of which is SIGKILLed mid-send; every subscriber gets the edition, with at most
one duplicate for the kill. A backup taken while the survivor writes (pg_dump) restores into a
new database with the same counts. Runs in scripts/test's PostgreSQL + Redis stage."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from policypulse.demo import site
from policypulse.demo.run import demo_toml
from tests import clitools
from tests.service.test_server import free_port

pytestmark = pytest.mark.redis

SUBSCRIBERS = 240
PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]


def _database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def postgres_database():
    """A database of this test's own on the stage's PostgreSQL (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.fail("needs PostgreSQL: scripts/test runs this with DATABASE_URL=postgres://...")
    import psycopg

    names = [f"pulse_e2e_{uuid.uuid4().hex[:10]}", f"pulse_e2e_{uuid.uuid4().hex[:10]}"]
    with psycopg.connect(url, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    yield [_database_url(name) for name in names]
    with psycopg.connect(url, autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_db(redis_url):
    """Database 5 of the test Redis, empty before and after."""
    import redis

    url = urlunsplit(urlsplit(redis_url)._replace(path="/5"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url, client
    client.flushdb()
    client.close()


class Stack:
    """The processes of the deployment, each in its own session (so a SIGKILL takes its forked
    RQ work-horse and scheduler with it); all stopped at the end."""

    def __init__(self, workspace: Path, env: dict, logs: Path):
        self.workspace, self.env, self.logs = workspace, env, logs
        self.processes: dict[str, subprocess.Popen] = {}

    def pulse(self, *args, stdin: str | None = None) -> str:
        done = clitools.pulse(*args, workspace=self.workspace, env=self.env, stdin=stdin,
                              timeout=600)  # fmt: skip
        assert done.returncode == 0, f"pulse {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout

    def start(self, name: str, *args) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("w")
        process = clitools.start_pulse(*args, workspace=self.workspace, env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL a worker and everything it forked, as if its machine died (RQ puts its
        work-horse in a session of its own, so the process group alone would miss it)."""
        process = self.processes[name]
        family = descendants(process.pid)
        for pid in [process.pid, *family]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(30)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                for pid in descendants(process.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGTERM)
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]


def descendants(root: int) -> list[int]:
    """Every process below `root`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def wait_for(what: str, check, timeout: float, stack: Stack | None = None, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            logs = "" if stack is None else "\n".join(
                f"--- {name}\n{stack.log(name)}" for name in stack.processes
            )  # fmt: skip
            pytest.fail(f"timed out waiting for {what}\n{logs}")
        time.sleep(step)


def query(url: str, sql: str) -> list:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


def execute(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url) as connection:  # commits on leaving
        connection.execute(sql)


def counts(url: str) -> dict[str, int]:
    tables = ["catalogue_publication", "mailing_subscriber", "mailing_delivery",
              "editions_edition", "editions_editionitem", "auth_user"]  # fmt: skip
    return {table: query(url, f"SELECT count(*) FROM {table}")[0][0] for table in tables}


def hold_back(server: site.DemoServer) -> tuple[str, callable]:
    """Serve the first publisher's feed without its newest publication; returns that
    publication's slug and a function that adds it to the feed."""
    corpus = site.load_corpus()
    publisher = corpus["publishers"][0]
    own = [p for p in corpus["publications"] if p["publisher"] == publisher["key"]]
    newest = max(own, key=lambda p: p["date"])
    maker = site.rss_feed if publisher["feed"] == "rss" else site.atom_feed
    routes = server.httpd.RequestHandlerClass.routes
    path = site.feed_path(publisher)
    kind, _ = routes[path]
    without = {**corpus, "publications": [p for p in corpus["publications"] if p is not newest]}
    routes[path] = (kind, maker(without, publisher, server.base))

    def add():
        routes[path] = (kind, maker(corpus, publisher, server.base))

    return newest["slug"], add


def rq_scheduler_session(client) -> int | None:
    """The session (the `pulse worker` it belongs to) of the process running RQ's scheduler."""
    for key in client.scan_iter("rq:scheduler:*"):
        pid = client.hget(key, "pid")
        if pid:
            try:
                return os.getsid(int(pid))
            except ProcessLookupError:
                continue
    return None


def test_a_month_on_the_production_stack(tmp_path, postgres_database, redis_db, make_sink):
    database, restored_database = postgres_database
    redis_url, redis_client = redis_db
    sink = make_sink(keep_bodies=False)
    port = free_port()
    env = {"DATABASE_URL": database, "PULSE_REDIS_URL": redis_url, "PULSE_SMTP_URL": sink.url,
            "PULSE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}  # fmt: skip
    workspace = tmp_path / "ws"
    logs = tmp_path / "logs"
    logs.mkdir()
    stack = Stack(workspace, env, logs)
    with site.DemoServer() as server:
        slug, add_publication = hold_back(server)
        clitools.pulse("init", workspace, env=env, check=True)
        feeds = server.feeds()[:3]
        toml = demo_toml(feeds)
        for old, new in (
            ('harvest = "0 6 * * *"', 'harvest = "* * * * *"'),
            ("reminder = 3", "reminder = 0"),
            ("rate_per_second = 0", "rate_per_second = 60"),
            ('base_url = "http://127.0.0.1:8000"', f'base_url = "http://127.0.0.1:{port}"'),
        ):
            assert old in toml, old
            toml = toml.replace(old, new)
        (workspace / "pulse.toml").write_text(toml)
        try:
            # Before the service runs: last month's harvest, the editor's account, the readers.
            stack.pulse("harvest")
            # That harvest set each source's next due time a day ahead (its cadence); the minute
            # cron must find them due, as the daily cron would find them the next morning.
            execute(database, "UPDATE sources_source SET next_due_at = NULL")
            stack.pulse("users", "create", "editor@example.org", "--role", "editor",
                        "--password-stdin", stdin=PASSWORD + "\n")  # fmt: skip
            readers = tmp_path / "readers.csv"
            with readers.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["email", "name", "organisation", "sectors"])
                for n in range(SUBSCRIBERS):
                    writer.writerow([f"reader{n:04d}@example.net", f"Reader {n}", "Org", ""])
            assert "Imported 240" in stack.pulse("subscribers", "import", str(readers))

            stack.start("web", "serve", "--port", str(port), "--workers", "2")
            stack.start("worker-a", "worker")
            stack.start("worker-b", "worker")
            add_publication()

            # The minute cron harvests it; the workers triage and summarise it: no command.
            def processed():
                rows = [json.loads(line) for line in stack.pulse("items", "export").splitlines()]
                mine = [r for r in rows if slug in (r.get("url") or "")]
                done = ("passed", "flagged", "not-relevant")
                return mine if mine and mine[0]["summary_status"] in done else None

            (item,) = wait_for("the scheduled harvest, triage and summary", processed, 240, stack)
            runs = query(database, "SELECT job, status FROM service_scheduledrun")
            assert ("harvest", "done") in runs
            month = item["published"][:7]

            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=60) as web:
                health = wait_for("a healthy /healthz", lambda: (
                    r if (r := web.get("/healthz")).status_code == 200 else None), 60, stack)  # fmt: skip
                assert health.json()["database"] == "ok"
                web.get("/editor/login/")
                token = web.cookies["csrftoken"]
                login = web.post("/editor/login/", data={
                    "username": "editor@example.org", "password": PASSWORD,
                    "csrfmiddlewaretoken": token})  # fmt: skip
                assert login.status_code == 302, login.text[:500]
                headers = {"X-CSRFToken": web.cookies["csrftoken"]}
                built = web.post(f"/editor/editions/{month}/build/", headers=headers)
                assert built.status_code == 302, built.text[:500]
                approved = web.post(f"/editor/editions/{month}/approve/", headers=headers)
                assert approved.status_code == 302, approved.text[:500]
            assert query(database, "SELECT status FROM editions_edition") == [("approved",)]

            # The scheduled send (its test hook), split into batches for both workers.
            stack.pulse("schedules", "run", "send", "--queue")
            wait_for("the send to start", lambda: len(sink.recipients()) >= 30, 120, stack, 0.02)
            # Both workers are in a lane (each runs one task at a time): the kill lands mid-send.
            live_lanes = ("SELECT count(*) FROM service_lease WHERE name LIKE 'send-lane:%' "
                          "AND owner = 'pulse-send' AND expires_at > now()")  # fmt: skip
            wait_for("both workers sending", lambda: query(database, live_lanes) == [(2,)],
                     30, stack, 0.02)  # fmt: skip
            scheduler = rq_scheduler_session(redis_client)
            # Kill the worker that does not run RQ's scheduler (the delayed sweeps need one;
            # RQ hands a dead scheduler's lock over only after minutes).
            victim = "worker-b" if scheduler == stack.processes["worker-a"].pid else "worker-a"
            sent_before_kill = len(sink.recipients())
            stack.kill(victim)
            killed_at = time.monotonic()
            assert sent_before_kill < SUBSCRIBERS, "the send finished before the kill"

            # A backup while the surviving worker writes: pg_dump's consistent snapshot.
            archive = tmp_path / "backup.tar.gz"
            stack.pulse("backup", str(archive))

            wait_for("the edition to be sent", lambda: query(
                database, "SELECT status FROM editions_edition") == [("sent",)], 180, stack)  # fmt: skip
            # The dead lane's batch waited for its lease to end, then another lane sent it.
            assert time.monotonic() - killed_at > 20
        finally:
            stack.stop()

    received = Counter(sink.recipients())
    assert len(received) == SUBSCRIBERS, f"{SUBSCRIBERS - len(received)} readers got nothing"
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= 1, f"{duplicates} duplicate messages after one kill"
    statuses = dict(query(database, "SELECT status, count(*) FROM mailing_delivery GROUP BY 1"))
    assert statuses == {"sent": SUBSCRIBERS}

    # Restore the backup into a new database and a new folder: the same rows as at the backup.
    snapshot = counts(database)
    restored = tmp_path / "restored"
    restore_env = env | {"DATABASE_URL": restored_database}
    clitools.pulse("restore", archive, restored, env=restore_env, check=True)
    assert counts(restored_database) == snapshot
    in_backup = dict(query(restored_database,
                           "SELECT status, count(*) FROM mailing_delivery GROUP BY 1"))  # fmt: skip
    assert sum(in_backup.values()) == SUBSCRIBERS
    clitools.pulse("items", "list", workspace=restored, env=restore_env, check=True)
