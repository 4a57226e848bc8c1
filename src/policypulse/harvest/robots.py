"""robots.txt, read once per host per run (protego), following RFC 9309.

A 4xx robots.txt (usually 404) allows everything; a 5xx or an unreachable one disallows the
whole host for this run, as the RFC asks. A Crawl-delay slows the host's pacing down.

The rules know nothing of fetching: they are given a `load(url)` that returns a response (or
raises FetchError) and a `slow_down(host, seconds)`, and answer with the reason a URL is
refused, so the fetcher depends on them and not the other way round.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from policypulse.errors import FetchError


def robots_token(user_agent: str) -> str:
    """The product token robots.txt groups match: "PolicyPulse" in "PolicyPulse/0.1 (...)"."""
    return (user_agent.split("/")[0].split() or ["*"])[0]


class RobotsRules:
    """Per-host robots.txt rules, loaded lazily, once per origin."""

    def __init__(self, load: Callable, slow_down: Callable[[str, float], None], user_agent: str):
        self.load = load
        self.slow_down = slow_down
        self.user_agent = user_agent
        self.token = robots_token(user_agent)
        self._rules: dict[str, Protego | str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids `url`, or None when it may be fetched."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules_for(origin)
        if isinstance(rules, str):
            return f"robots.txt of {origin} is unavailable ({rules})"
        if not rules.can_fetch(url, self.token):
            return f"robots.txt of {origin} disallows {url}"
        return None

    def _rules_for(self, origin: str) -> Protego | str:
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._rules:
                self._rules[origin] = self._load(origin)
            return self._rules[origin]

    def _load(self, origin: str) -> Protego | str:
        try:
            response = self.load(origin + "/robots.txt")
        except FetchError as exc:
            if getattr(exc, "reason", "") in ("private-address", "dns"):
                raise  # about the host, not its robots.txt: say so
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
            self.slow_down(urlsplit(origin).hostname or "", float(delay))
        return rules
