"""Fixtures for mailing: a real aiosmtpd server process, an approved edition, a fake clock."""

from __future__ import annotations

import base64
import datetime
import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from policypulse.pacing import Clock

ROOT = Path(__file__).resolve().parents[2]


class Sink:
    """The SMTP sink process and its own record of what it accepted."""

    def __init__(self, directory: Path, rules: dict | None = None, keep_bodies: bool = True):
        self.db = directory / "sink.sqlite3"
        port_file = directory / "sink.port"
        args = [sys.executable, "-m", "tests.mailing.smtp_sink", "--db", str(self.db),
                "--port-file", str(port_file)]  # fmt: skip
        if rules:
            (directory / "rules.json").write_text(json.dumps(rules))
            args += ["--rules", str(directory / "rules.json")]
        if not keep_bodies:
            args.append("--no-bodies")
        self.process = subprocess.Popen(args, cwd=ROOT)
        deadline = time.monotonic() + 20
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the SMTP sink did not start")
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        self.url = f"smtp://127.0.0.1:{self.port}"

    def _query(self, sql: str) -> list:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(sql).fetchall()

    def messages(self) -> list[tuple[str, str, bytes]]:
        return self._query("SELECT recipient, message_id, raw FROM messages ORDER BY id")

    def recipients(self) -> list[str]:
        return [row[0] for row in self._query("SELECT recipient FROM messages ORDER BY id")]

    def peers(self) -> list[str]:
        """The client connection (address:port) each accepted message came over."""
        return [row[0] for row in self._query("SELECT peer FROM messages ORDER BY id")]

    def refusals(self) -> list[tuple[str, int]]:
        return self._query("SELECT recipient, code FROM refusals ORDER BY id")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def make_sink(tmp_path):
    sinks = []

    def start(rules: dict | None = None, keep_bodies: bool = True) -> Sink:
        directory = tmp_path / f"sink{len(sinks)}"
        directory.mkdir()
        sink = Sink(directory, rules, keep_bodies)
        sinks.append(sink)
        return sink

    yield start
    for sink in sinks:
        sink.stop()


@pytest.fixture
def sink(make_sink):
    return make_sink()


@pytest.fixture
def mail_config(config, monkeypatch):
    monkeypatch.delenv("PULSE_SMTP_URL", raising=False)
    config.site.base_url = "https://digest.example.org"
    config.mail.from_address = "digest@example.org"
    config.mail.retry_window_minutes = 60
    return config


@pytest.fixture
def site(settings, mail_config, sink):
    """The public subscriber pages, sending through the sink, with fresh rate limits."""
    mail_config.mail.smtp_url = sink.url
    settings.PULSE = mail_config
    cache.clear()
    yield sink
    cache.clear()


@pytest.fixture
def edition(mail_config):
    from tests.mailing.helpers import make_edition

    return make_edition(mail_config)


class FakeClock(Clock):
    """Time that moves only when slept: rate limits and back-offs without real waiting.

    Threads share it (several SMTP connections): a sleep moves time to the moment the
    sleeping thread last read plus the pause, never backwards, so two threads waiting for
    their own slots at once end at the later slot, as they would in real time."""

    def __init__(self):
        self.current = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)
        self.slept: list[float] = []
        self._lock = threading.Lock()
        self._read = threading.local()

    def now(self):
        with self._lock:
            self._read.at = self.current
            return self.current

    def monotonic(self) -> float:
        return self.now().timestamp()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self.slept.append(seconds)
                start = getattr(self._read, "at", self.current)
                self.current = max(self.current, start + datetime.timedelta(seconds=seconds))
                self._read.at = self.current


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture(scope="session")
def dkim_key(tmp_path_factory):
    """A throwaway RSA key made with openssl, and the DNS TXT record that publishes it."""
    directory = tmp_path_factory.mktemp("dkim")
    key = directory / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(key), "2048"], check=True,
                   capture_output=True)  # fmt: skip
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True, capture_output=True,
    ).stdout  # fmt: skip
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    return key, record
