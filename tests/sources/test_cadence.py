import datetime

import pytest

from policypulse.cadence import next_due, parse_interval, server_freshness
from policypulse.errors import SourceError

DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("daily", DAY), ("Weekly", 7 * DAY), ("6h", datetime.timedelta(hours=6)), ("3d", 3 * DAY),
     ("2w", 14 * DAY)],
)  # fmt: skip
def test_intervals(text, expected):
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["fortnightly", "0h", "30m", "200d", "", "-1d"])
def test_bad_intervals_say_what_is_allowed(text):
    with pytest.raises(SourceError, match="hourly, daily, weekly"):
        parse_interval(text)


NOW = 1_800_000_000.0


def test_max_age_wins_over_expires_and_no_cache_counts_as_nothing():
    assert server_freshness({"Cache-Control": "public, max-age=604800"}, now=NOW) == 7 * DAY
    assert (
        server_freshness({"Cache-Control": "no-cache, max-age=604800"}, now=NOW).total_seconds()
        == 0
    )
    expires = {"Date": "Tue, 01 Dec 2026 10:00:00 GMT", "Expires": "Thu, 03 Dec 2026 10:00:00 GMT"}
    assert server_freshness(expires, now=NOW) == 2 * DAY
    assert server_freshness({"Expires": "0"}, now=NOW).total_seconds() == 0


def test_feed_ttl_is_minutes_and_the_longest_hint_counts():
    assert server_freshness({}, "1440", now=NOW) == DAY
    assert server_freshness({"cache-control": "max-age=60"}, "120", now=NOW) == datetime.timedelta(
        hours=2
    )
    assert server_freshness({}, "soon", now=NOW).total_seconds() == 0


def test_a_server_hint_only_ever_lengthens_the_interval():
    start = datetime.datetime(2026, 12, 1, 6, tzinfo=datetime.UTC)
    assert next_due(start, DAY, datetime.timedelta(minutes=5)) == start + DAY
    assert next_due(start, DAY, 7 * DAY) == start + 7 * DAY
