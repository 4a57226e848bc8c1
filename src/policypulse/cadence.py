"""How often a source is fetched: its own interval, stretched by what the server asks.

Pure functions over plain values; the harvest service stores the outcome on the Source
(`next_due_at`). A server's Cache-Control max-age, Expires or a feed's <ttl> only ever
lengthen the interval: a publisher that says "this will not change for a week" is not asked
daily, but one that says "5 minutes" is still asked only at the source's own interval.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import re

from policypulse.errors import SourceError

NAMED = {
    "hourly": datetime.timedelta(hours=1),
    "daily": datetime.timedelta(days=1),
    "weekly": datetime.timedelta(weeks=1),
    "monthly": datetime.timedelta(days=30),
}
_AMOUNT = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$", re.I)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
MIN_INTERVAL = datetime.timedelta(hours=1)
MAX_INTERVAL = datetime.timedelta(days=90)
DEFAULT_INTERVAL = "daily"


def parse_interval(text: str) -> datetime.timedelta:
    """'daily', 'weekly', 'hourly', 'monthly', or a number of hours/days/weeks ('6h', '3d',
    '2w'); between an hour and 90 days. A SourceError (a PulseError) names what is allowed."""
    value = (text or "").strip().lower()
    if value in NAMED:
        return NAMED[value]
    found = _AMOUNT.match(value)
    if found:
        interval = datetime.timedelta(**{_UNITS[found.group(2).lower()]: int(found.group(1))})
        if MIN_INTERVAL <= interval <= MAX_INTERVAL:
            return interval
    raise SourceError(
        f"invalid interval {text!r}: use hourly, daily, weekly, monthly, or a number with "
        "h, d or w (6h, 3d, 2w), between 1 hour and 90 days"
    )


def server_freshness(
    headers: dict[str, str], feed_ttl_minutes: str | int | None = None, *, now: float
) -> datetime.timedelta:
    """How long the server says the response stays fresh: the longest of Cache-Control
    max-age, Expires (against the response's Date, else `now`) and a feed's <ttl> in
    minutes. no-store/no-cache and garbage count as zero."""
    lowered = {k.lower(): v for k, v in headers.items()}
    candidates = [0.0]
    control = lowered.get("cache-control", "").lower()
    if "no-store" not in control and "no-cache" not in control:
        found = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})", control)
        if found:
            candidates.append(float(found.group(1)))
        elif lowered.get("expires"):
            expires = _http_date(lowered["expires"])
            sent = _http_date(lowered.get("date", "")) or now
            if expires is not None:
                candidates.append(expires - sent)
    with contextlib.suppress(ValueError):
        candidates.append(float(str(feed_ttl_minutes).strip()) * 60 if feed_ttl_minutes else 0)
    seconds = min(max(candidates), MAX_INTERVAL.total_seconds())
    return datetime.timedelta(seconds=max(0.0, seconds))


def next_due(
    fetched_at: datetime.datetime,
    interval: datetime.timedelta,
    server_hint: datetime.timedelta = datetime.timedelta(0),
) -> datetime.datetime:
    """When to fetch again: after the longer of the source's interval and the server's hint."""
    return fetched_at + max(interval, server_hint)


def _http_date(value: str) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed.timestamp()
