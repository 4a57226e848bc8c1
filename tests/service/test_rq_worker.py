"""`pulse worker` as an RQ worker on a real Redis (PULSE_TEST_REDIS_URL): queued tasks run."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests import clitools

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
    """Before the fix every task failed in the worker: RQ's own Job class called the Task."""
    workspace = tmp_path / "ws"
    env = {"PULSE_REDIS_URL": redis_db6}

    def pulse(*args):
        done = clitools.pulse(*args, workspace=workspace, env=env, check=True)
        return done.stdout + done.stderr

    clitools.pulse("init", workspace, env=env, check=True)
    assert "harvest" in pulse("schedules", "run", "harvest", "--queue")
    output = pulse("worker", "--once")
    harvest = json.loads(pulse("schedules", "list", "--json"))["harvest"]
    assert harvest["last_status"] == "done", output
