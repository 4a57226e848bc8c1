"""`pulse worker` as an RQ worker on a real Redis (PULSE_TEST_REDIS_URL): queued tasks run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_db6(redis_url):
    import redis

    url = urlunsplit(urlsplit(redis_url)._replace(path="/6"))
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def test_the_rq_worker_runs_a_queued_scheduled_job(tmp_path, redis_db6):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PULSE_") and k != "DATABASE_URL"
    }
    env["PULSE_REDIS_URL"] = redis_db6
    workspace = tmp_path / "ws"

    def pulse(*args):
        done = subprocess.run([sys.executable, "-m", "policypulse", "-w", str(workspace), *args],
                              env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    subprocess.run([sys.executable, "-m", "policypulse", "init", str(workspace)], env=env,
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    assert "Queued harvest" in pulse("schedule", "run", "harvest", "--queue")
    output = pulse("worker", "--once")
    harvest = json.loads(pulse("schedule", "list", "--json"))["harvest"]
    assert harvest["last_status"] == "done", output
