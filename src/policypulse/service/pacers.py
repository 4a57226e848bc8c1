"""Pacing shared by every worker: a `policypulse.pacing.Pacer` whose schedule lives in Redis.

With one process the in-memory `Pacer` is enough; with N workers on several machines each would
keep its own schedule and a host would see N times its limit. `RedisPacer` keeps each key's next
free slot in Redis and takes a slot with one Lua script (read, reserve, expire: atomic), timed by
the Redis server's clock, so workers on machines whose clocks disagree still share one schedule.
`pacer(rate)` is the one place that chooses: Redis when PULSE_REDIS_URL is set, else in-memory.
"""

from __future__ import annotations

from policypulse.pacing import Clock, Pacer

PREFIX = "pulse:pace:"

# KEYS[1]: the key's next free slot (microseconds, server time); KEYS[2]: its own interval,
# set by slow_down (e.g. robots.txt Crawl-delay). ARGV[1]: the default interval (µs).
# Returns {microseconds the caller waits, the slot's start in server microseconds}.
TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local own = tonumber(redis.call('GET', KEYS[2]) or '0')
if own > interval then interval = own end
if interval <= 0 then return {0, now} end
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
if start < now then start = now end
local ttl = math.floor((start - now + interval) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%d', start + interval), 'PX', ttl)
return {start - now, start}
"""


class RedisPacer(Pacer):
    """At most `rate` events a second per key across every process using this Redis."""

    def __init__(self, rate: float, client, clock: Clock | None = None, prefix: str = PREFIX):
        super().__init__(rate, clock)
        self.redis = client
        self.prefix = prefix
        self._take = client.register_script(TAKE_SLOT)

    def slow_down(self, key: str, interval: float) -> None:
        # Kept a day: a Crawl-delay is re-read with robots.txt on the next harvest anyway.
        micros = int(max(self.interval, interval) * 1_000_000)
        self.redis.set(f"{self.prefix}interval:{key}", micros, ex=86400)

    def take(self, key: str = "") -> tuple[float, float]:
        """Reserve the key's next slot: (seconds to wait for it, its start on Redis's clock)."""
        wait, start = self._take(
            keys=[f"{self.prefix}next:{key}", f"{self.prefix}interval:{key}"],
            args=[int(self.interval * 1_000_000)],
        )
        return int(wait) / 1_000_000, int(start) / 1_000_000

    def wait(self, key: str = "") -> None:
        self.clock.sleep(self.take(key)[0])


def redis_client(url: str | None = None):
    """A client for PULSE_REDIS_URL (or `url`)."""
    import redis
    from django.conf import settings

    return redis.Redis.from_url(url or settings.REDIS_URL)


def pacer(rate: float, clock: Clock | None = None) -> Pacer:
    """The pacer for this deployment: shared through Redis when there is one."""
    from django.conf import settings

    if getattr(settings, "REDIS_URL", ""):
        return RedisPacer(rate, redis_client(), clock)
    return Pacer(rate, clock)
