"""Harvest fixtures: the recorded corpus served as a small website, hostile routes, and a Fetcher
whose clock and sleep are fake, so retries and timeouts are tested without waiting."""

from __future__ import annotations

import gzip
import html
import itertools
import json
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from policypulse.harvest.fetch import Fetcher
from policypulse.pacing import Clock, Pacer
from tests.conftest import data_path


def corpus_records() -> list[dict]:
    with data_path("corpus", "pages.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def raw_text(record_id: str) -> str:
    """The stored page text: everything after the `---` header line."""
    raw = data_path("corpus", "raw", f"{record_id}.txt").read_text("utf-8")
    return raw.split("\n---\n", 1)[1]


def full_date(value: str | None) -> bool:
    return bool(value) and len(value) == 10


def corpus_page(record: dict, index: int) -> bytes:
    """A simple publication page around a raw corpus text: metadata dates on even pages, a
    visible "Published" line on odd ones (so htmldate has to find it)."""
    title = html.escape(record["title"])
    paragraphs = "".join(
        f"<p>{html.escape(block)}</p>"
        for block in raw_text(record["id"]).split("\n")
        if block.strip()
    )
    meta, visible = "", ""
    if full_date(record["date"]):
        day = datetime.fromisoformat(record["date"])
        if index % 2 == 0:
            meta = f'<meta name="citation_publication_date" content="{record["date"]}">'
        else:
            visible = f'<p class="date">Published {day.day} {day:%B %Y}</p>'
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{meta}'
        f'<meta property="og:site_name" content="{html.escape(record["publisher"])}"></head>'
        f"<body><header><a href='/'>Home</a> <a href='/pub/'>Publications</a></header>"
        f"<nav><ul><li><a href='/about'>About us</a></li><li><a href='/contact'>Contact</a></li></ul></nav>"
        f"<main><h1>{title}</h1>{visible}{paragraphs}</main>"
        f"<footer><p>Cookies | Privacy | Accessibility statement</p></footer></body></html>"
    ).encode()


def rss(base: str, items: list[dict]) -> bytes:
    body = "".join(
        "<item><title>{title}</title><link>{link}</link>{date}<description>{summary}</description>"
        "</item>".format(
            title=html.escape(item["title"]),
            link=html.escape(base + item["path"]),
            date=(
                f"<pubDate>{format_datetime(item['date'])}</pubDate>" if item.get("date") else ""
            ),
            summary=html.escape(item.get("summary", "")),
        )
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
        f"<link>{base}/</link>{body}</channel></rss>"
    ).encode()


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    return corpus_records()


@pytest.fixture
def corpus_site(http_server, corpus):
    """Every corpus record at /pub/<id>, and /feed.xml listing them all."""
    items = []
    for index, record in enumerate(corpus):
        http_server.routes[f"/pub/{record['id']}"] = (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            corpus_page(record, index),
        )
        date = None
        if full_date(record["date"]) and index % 3 == 0:
            date = datetime.fromisoformat(record["date"]).replace(hour=9, tzinfo=UTC)
        items.append({"title": record["title"], "path": f"/pub/{record['id']}", "date": date})
    http_server.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss(http_server.base, items),
    )
    return http_server


class FakeTime:
    """A clock that only moves when told to, and sleeps that record and advance it.

    `clock` is the fetcher's `pacing.Clock` (its sleeps are retries and back-off, kept in
    `sleeps`); `pacer_clock` shares its time but keeps the pacer's waits apart, in `waits`.
    Each thread has its own time (the harvest fetches in a pool), so a step taken by one
    request's clock readings never eats into another request's deadline."""

    def __init__(self, step: float = 0.0):
        self.step = step  # how far each reading of the clock moves it
        self.sleeps: list[float] = []  # retries and backoff
        self.waits: list[float] = []  # rate limiting
        self._local = threading.local()
        self.clock = _FakeClock(self, self.sleeps)
        self.pacer_clock = _FakeClock(self, self.waits)

    @property
    def now(self) -> float:
        return getattr(self._local, "now", 1000.0)

    @now.setter
    def now(self, value: float) -> None:
        self._local.now = value


class _FakeClock(Clock):
    def __init__(self, shared: FakeTime, record: list[float]):
        self.shared = shared
        self.record = record

    def monotonic(self) -> float:
        self.shared.now += self.shared.step
        return self.shared.now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.record.append(round(seconds, 3))
            self.shared.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def make_fetcher(config, fake_time):
    """Fetchers on the test config with the fake clock; closed after the test."""
    made = []

    def make(**kwargs):
        options = kwargs.pop("options", config.harvest)
        kwargs.setdefault("clock", fake_time.clock)
        kwargs.setdefault(
            "pacer", Pacer(options.requests_per_second_per_host, fake_time.pacer_clock)
        )
        fetcher = Fetcher(options, **kwargs)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


# Hostile route behaviours: callables the loopback server calls with the request handler.


def failing_then(status: int, times: int, body: bytes, headers: dict | None = None):
    """Answer `status` `times` times (with `headers`), then 200 with `body`."""
    counter = itertools.count()

    def route(handler):
        if next(counter) < times:
            handler.send_response(status)
            for key, value in (headers or {}).items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def slow_drip(handler):
    """Headers at once, then a byte every 20 ms for up to 10 s: never finishes in time."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "500")
    handler.end_headers()
    try:
        for _ in range(500):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.02)
    except OSError:
        pass  # the client gave up, as it should


def endless(handler):
    """A body that never ends (no Content-Length, chunks until the client hangs up)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"%PDF-1.4\n" + b"0" * 65536
    try:
        for _ in range(100000):
            handler.wfile.write(chunk)
    except OSError:
        pass
    handler.close_connection = True


def gzip_bomb(megabytes: int = 64):
    """A few kilobytes of gzip that inflate to `megabytes` of zeros."""
    body = gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)

    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    route.compressed_size = len(body)
    return route


def redirect(to: str):
    def route(handler):
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route
