"""robots.txt, read once per host per run (protego), following RFC 9309.

A 4xx robots.txt (usually 404) allows everything; a 5xx or an unreachable one disallows the
whole host for this run, as the RFC asks. A Crawl-delay slows the host's rate limit down.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from protego import Protego

from policypulse.errors import FetchError


def robots_token(user_agent: str) -> str:
    """The product token robots.txt groups match: "PolicyPulse" in "PolicyPulse/0.1 (...)"."""
    return (user_agent.split("/")[0].split() or ["*"])[0]


class RobotsRules:
    """Per-host robots.txt rules, fetched lazily through the owning Fetcher."""

    def __init__(self, fetcher, user_agent: str):
        self.fetcher = fetcher
        self.user_agent = user_agent
        self.token = robots_token(user_agent)
        self._rules: dict[str, Protego | str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        from policypulse.harvest.fetch import FetchFailed

        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules_for(origin)
        if isinstance(rules, str):
            raise FetchFailed(f"robots.txt of {origin} is unavailable ({rules})", "robots")
        if not rules.can_fetch(url, self.token):
            raise FetchFailed(f"robots.txt of {origin} disallows {url}", "robots")

    def _rules_for(self, origin: str) -> Protego | str:
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._rules:
                self._rules[origin] = self._load(origin)
            return self._rules[origin]

    def _load(self, origin: str) -> Protego | str:
        try:
            response = self.fetcher.get_robots(origin + "/robots.txt")
        except FetchError as exc:
            if getattr(exc, "reason", "") == "private-address":
                raise
            return str(exc)
        if 400 <= response.status < 500:
            return Protego.parse("")
        if response.status >= 500:
            return f"HTTP {response.status}"
        if response.status >= 300:
            return Protego.parse("")  # a redirected robots.txt: RFC allows following; be lenient
        rules = Protego.parse(response.body.decode("utf-8", errors="replace"))
        delay = rules.crawl_delay(self.token)
        if delay:
            self.fetcher.limiter.slow_down(urlsplit(origin).hostname or "", float(delay))
        return rules
