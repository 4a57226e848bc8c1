"""Rendering: a 50-item edition in every format, and 10,000 personalised emails.

    .venv/bin/python bench/render_bench.py [--items 50] [--subscribers 10000]

Makes a throwaway workspace with an approved edition of N items (the render tests' builder),
then prints:
  1. the time per format (best of 3): HTML email, plain text, PDF, DOCX, and the email's size;
  2. `render.email.prepare` once, then `personalise` for each subscriber (sectors cycling
     through all / one / two, unique unsubscribe and preferences URLs), each message encoded
     to bytes, against 10,000 copies of one rendered message encoded to bytes: the ratio says
     what personalising costs over sending the same message to everyone;
  3. for scale, a full re-render per subscriber (what personalise avoids), from 50 renders.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def best_of(runs: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="pulse-render-bench-"))
    os.environ.pop("DATABASE_URL", None)

    from policypulse import runtime
    from policypulse.workspace import create_workspace

    create_workspace(directory / "ws")
    config = runtime.start((directory / "ws").resolve()).config
    config.site.base_url = "https://digest.example.org"

    from tests.render.conftest import make_edition

    from policypulse.render.documents import render_docx, render_html, render_pdf, render_text
    from policypulse.render.email import GMAIL_CLIP_BYTES, prepare
    from policypulse.render.view import edition_view

    edition = make_edition(n_items=args.items, month="2026-10", status="approved")
    print(f"{args.items}-item edition, {len(config.sectors)} sectors")
    renderers = {
        "view (database -> values)": lambda: edition_view(edition, config),
    }
    view = edition_view(edition, config)
    renderers |= {
        "html email": lambda: render_html(view),
        "plain text": lambda: render_text(view),
        "pdf": lambda: render_pdf(view),
        "docx": lambda: render_docx(view),
    }
    for name, work in renderers.items():
        seconds, output = best_of(3, work)
        sized = ""
        if isinstance(output, str | bytes):
            size = len(output.encode("utf-8") if isinstance(output, str) else output)
            sized = f"  {size / 1024:7.1f} KiB"
        print(f"  {name:28} {seconds * 1000:8.1f} ms{sized}")
    html_bytes = len(render_html(view).encode("utf-8"))
    print(f"  html email under Gmail's clipping limit ({GMAIL_CLIP_BYTES // 1024} KiB): "
          f"{'yes' if html_bytes < GMAIL_CLIP_BYTES else 'NO'}")  # fmt: skip

    count = args.subscribers
    cycle = [[], ["justice"], ["children", "adult-care"]]
    started = time.perf_counter()
    prepared = prepare(edition, config)
    prepare_seconds = time.perf_counter() - started

    def personalised():
        for index in range(count):
            subject, html, text = prepared.personalise(
                cycle[index % 3],
                f"https://digest.example.org/unsubscribe/token{index}/",
                f"https://digest.example.org/preferences/token{index}/",
            )
            html.encode("utf-8"), text.encode("utf-8")

    one = prepared.personalise([], "https://digest.example.org/u/", "https://digest.example.org/p/")

    def copies():
        for _ in range(count):
            one[1].encode("utf-8"), one[2].encode("utf-8")

    personal_seconds, _ = best_of(3, personalised)
    copy_seconds, _ = best_of(3, copies)
    naive_runs = 50
    naive_seconds, _ = best_of(1, lambda: [
        (render_html(view.restricted_to(cycle[i % 3])), render_text(view.restricted_to(cycle[i % 3])))
        for i in range(naive_runs)
    ])  # fmt: skip
    print(f"\n{count:,} emails (html + text, encoded)")
    print(f"  prepare once                 {prepare_seconds * 1000:8.1f} ms")
    print(f"  personalised                 {personal_seconds * 1000:8.1f} ms "
          f"({personal_seconds / count * 1e6:.1f} us each)")  # fmt: skip
    print(f"  copies of one message        {copy_seconds * 1000:8.1f} ms "
          f"({copy_seconds / count * 1e6:.1f} us each)")  # fmt: skip
    print(f"  ratio personalised / copies  {personal_seconds / copy_seconds:8.2f}")
    print(f"  re-rendering each instead    {naive_seconds / naive_runs * count:8.1f} s "
          f"(extrapolated from {naive_runs})")  # fmt: skip


if __name__ == "__main__":
    main()
