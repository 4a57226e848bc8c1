"""The review queue with a full month: server time and query count.

    .venv/bin/python bench/web_bench.py [--candidates 2000] [--runs 15]

Makes a throwaway workspace (SQLite file, WAL, as `pulse serve` uses), fills one month with N
relevant, summarised candidates (plus N/2 out-of-scope items the queue must skip), logs an
editor in with Django's test client and times GET /editor/queue/ in-process: the whole Django
request (middleware, session, auth, queries, template), no network. Also times the item pane,
search, the dashboard and the edition preview. Target: the queue under 300 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(client, url: str, runs: int, **extra) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **extra)  # warm: template and URL caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, **extra)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return times, len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="pulse-web-bench-"))
    os.environ.pop("DATABASE_URL", None)

    from policypulse import runtime
    from policypulse.workspace import create_workspace

    create_workspace(directory / "ws")
    runtime.start((directory / "ws").resolve())

    from django.test import Client
    from tests.web import factories

    from policypulse.triage.models import TriageLabel

    started = time.perf_counter()
    factories.make_candidates(args.candidates)
    out = factories.make_candidates(args.candidates // 2, prefix="Out")
    TriageLabel.objects.filter(publication__in=out).update(relevant=False, sector="out")
    editor = factories.make_user("bench@example.org", "editor")
    print(f"{args.candidates:,} candidates (+{len(out):,} out of scope) in "
          f"{time.perf_counter() - started:.1f}s; SQLite file (WAL) in {directory}, removed at the end")  # fmt: skip

    client = Client()
    client.force_login(editor)
    client.post("/editor/editions/2026-11/build/")
    first = factories.Publication.objects.order_by("id").first()
    pages = [
        ("review queue (all candidates)", "/editor/queue/?month=2026-11", {}),
        ("review queue, one sector", "/editor/queue/?month=2026-11&sector=children", {}),
        ("item pane (htmx)", f"/editor/items/{first.pk}/", {"HTTP_HX_REQUEST": "true"}),
        ("dashboard", "/editor/?month=2026-11", {}),
        ("search 'care homes'", "/editor/search/?q=care+homes", {}),
        ("email preview", "/editor/editions/2026-11/preview.html", {}),
    ]
    print(f"\n{'page':34} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'queries':>8} {'KB':>7}")
    for name, url, extra in pages:
        runs = args.runs if "preview" not in url else max(3, args.runs // 5)
        times, queries, size = timed(client, url, runs, **extra)
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) >= 2 else times[0]
        print(f"{name:34} {statistics.median(times):10.1f} {p90:8.1f} {min(times):8.1f} "
              f"{queries:8d} {size / 1024:7.0f}")  # fmt: skip
    from django.db import connections

    connections.close_all()
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
