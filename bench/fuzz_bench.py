"""The fuzz layer's long run: every URL, editor and anonymous, GET/HEAD/POST, many examples.

    .venv/bin/python bench/fuzz_bench.py [--profile fuzz]

Runs tests/web/test_fuzz.py under the given Hypothesis profile (`fuzz`: 400 random cases per
target and role, plus the known attacks; `ci`: the short run) and prints the cases per target
and the server errors (a target with one fails its test; Hypothesis then stops it and shrinks).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="fuzz", help="a Hypothesis profile (ci, fuzz)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pulse-fuzz-") as folder:
        report = Path(folder) / "counts.json"
        env = {**os.environ, "PULSE_FUZZ_REPORT": str(report)}
        env.pop("DATABASE_URL", None)
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "tests/web/test_fuzz.py", f"--hypothesis-profile={args.profile}"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        counts = json.loads(report.read_text()) if report.exists() else {}
    print(f"{'target':58} {'cases':>7} {'5xx':>5}")
    for target, row in sorted(counts.items()):
        print(f"{target:58} {row['cases']:>7} {row['server_errors']:>5}")
    total = sum(row["cases"] for row in counts.values())
    errors = sum(row["server_errors"] for row in counts.values())
    print(f"{len(counts)} targets, {total} cases, {errors} server errors, {seconds:.0f} s "
          f"(profile {args.profile}); pytest: {run.stdout.strip().splitlines()[-1]}")  # fmt: skip
    sys.exit(0 if run.returncode == 0 and errors == 0 else 1)


if __name__ == "__main__":
    main()
