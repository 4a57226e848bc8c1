"""Fixtures for the service tests: the real Redis scripts/test starts (PULSE_TEST_REDIS_URL)."""

from __future__ import annotations

import os
import uuid

import pytest

# The mailing tests' real SMTP sink and mail settings, for the batched send.
from tests.mailing.conftest import mail_config, make_sink, sink  # noqa: F401


@pytest.fixture
def redis_url() -> str:
    """The test Redis; a redis-marked test fails (never skips) without one: run scripts/test,
    or deselect these tests with -m "not redis"."""
    url = os.environ.get("PULSE_TEST_REDIS_URL", "")
    if not url:
        pytest.fail("PULSE_TEST_REDIS_URL is not set: scripts/test starts a Redis for this test")
    import redis

    client = redis.Redis.from_url(url)
    client.ping()
    client.close()
    return url


@pytest.fixture
def redis_prefix(redis_url):
    """A key prefix of this test's own; its keys are deleted afterwards."""
    import redis

    prefix = f"pulse-test:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()
