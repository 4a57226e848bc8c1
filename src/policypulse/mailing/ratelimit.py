"""A fixed-window limit per client address on the public forms, in Django's cache."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def client_key(request) -> str:
    """REMOTE_ADDR; behind a proxy, set it from X-Forwarded-For in the proxy, not here."""
    return hashlib.sha256(request.META.get("REMOTE_ADDR", "").encode()).hexdigest()[:32]


def allow(scope: str, client: str, limit: int, window_seconds: int = 3600) -> bool:
    key = f"pulse:rate:{scope}:{client}"
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return True
