"""The rate limit in the database, from separate processes on one workspace file: what a
restarted server, or several server processes, see. The limit holds exactly."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from tests.clitools import clean_env, pulse

ASK = """
import datetime, sys
from pathlib import Path
from policypulse import runtime
runtime.start(Path(sys.argv[1]))
from policypulse.mailing import ratelimit
now = datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)
print(sum(ratelimit.allow("notice", "same", 3, ratelimit.DAY, now) for _ in range(5)))
"""


def test_processes_at_once_and_one_after_another_share_one_limit(tmp_path):
    env = clean_env()
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    ask = [sys.executable, "-c", ASK, str(workspace)]
    together = [subprocess.Popen(ask, env=env, stdout=subprocess.PIPE, text=True)
                for _ in range(4)]  # fmt: skip
    allowed = [int(process.communicate(timeout=120)[0]) for process in together]
    later = subprocess.run(ask, env=env, capture_output=True, text=True, check=True)
    assert sum(allowed) == 3 and int(later.stdout) == 0
    with sqlite3.connect(workspace / "pulse.sqlite3") as db:
        assert db.execute("SELECT count FROM mailing_ratecounter").fetchall() == [(25,)]
