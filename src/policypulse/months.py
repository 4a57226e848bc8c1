"""The one rule for months: the `YYYY-MM` an edition, a command or a URL names.

Editions are monthly, so every "which month" question goes through here: parsing what a
person typed (with a sane range, so `9999-12` or `0001-01` is a one-line error rather than an
overflow deep in date arithmetic), the first and next-first day of a month, and its label.
"""

from __future__ import annotations

import datetime
import re

from policypulse.errors import PulseError

EARLIEST_YEAR = 1990
LATEST_YEAR = 2199
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


class MonthError(PulseError, ValueError):
    """Not a `YYYY-MM` month in the range PolicyPulse works with."""


def parse_month(value: str) -> datetime.date:
    """`YYYY-MM` as the first day of that month; MonthError (a ValueError) otherwise."""
    text = str(value).strip()  # the messages quote this: one line, whatever came in
    match = _MONTH.fullmatch(text)
    if not match:
        raise MonthError(f"a month must be YYYY-MM, not {str(value)[:40]!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise MonthError(f"{text} is not a month: the month part must be 01 to 12")
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise MonthError(
            f"{text} is out of range: months run from {EARLIEST_YEAR} to {LATEST_YEAR}"
        )
    return datetime.date(year, month, 1)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[first day, first day of the next month): the half-open range a month's items fall in."""
    start = month_start(month)
    return start, next_month(start)


def month_key(month: datetime.date) -> str:
    return month.strftime("%Y-%m")


def month_label(month: datetime.date) -> str:
    return month.strftime("%B %Y")
