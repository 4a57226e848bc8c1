"""Reading ids and months from URLs and forms: anything a visitor types is refused cleanly
(None, or a 404), never an exception deep in the database or in date arithmetic."""

from __future__ import annotations

import datetime
import re

from django.http import Http404

from policypulse.months import MonthError, parse_month

# 18 digits fit every database's 64-bit integer: a longer id cannot exist and would overflow.
ID_DIGITS = 18
_ID = re.compile(rf"[0-9]{{1,{ID_DIGITS}}}")


class IdConverter:
    """`<id:pk>` in URL patterns: a positive database id (Django's `int` takes any length)."""

    regex = _ID.pattern

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def parse_id(value) -> int | None:
    """An id from a form or query string (ASCII digits only, as `str.isdigit` also takes '²')."""
    text = str(value or "").strip()
    return int(text) if _ID.fullmatch(text) else None


def month_or_none(value) -> datetime.date | None:
    try:
        return parse_month(value) if value else None
    except MonthError:
        return None


def month_or_404(value) -> datetime.date:
    try:
        return parse_month(value)
    except MonthError as exc:
        raise Http404(str(exc)) from None
