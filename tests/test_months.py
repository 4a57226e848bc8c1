"""Property tests for the one month parser: any string is a month in range or a MonthError."""

import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from policypulse.errors import PulseError
from policypulse.months import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MonthError,
    month_bounds,
    month_key,
    next_month,
    parse_month,
)

IN_RANGE = st.dates(datetime.date(EARLIEST_YEAR, 1, 1), datetime.date(LATEST_YEAR, 12, 31))
MONTHISH = st.from_regex(r"\A\s*[0-9]{1,5}-[0-9]{1,3}\s*\Z")


@given(st.one_of(st.text(), MONTHISH))
@example("9999-12")
@example("0001-01")
@example("1000-06")
@example("2026-00")
@example("２０２６-１１")  # full-width digits: \d would match them, int() would take them
@example("2026-11\n")
@example("0000-01\n")  # well formed but out of range: the message once kept the newline
@example("2026-13\n")
def test_any_string_is_a_month_in_range_or_a_month_error(value):
    try:
        month = parse_month(value)
    except MonthError as exc:
        assert isinstance(exc, PulseError) and isinstance(exc, ValueError)
        assert "\n" not in str(exc)
        return
    assert month.day == 1
    assert EARLIEST_YEAR <= month.year <= LATEST_YEAR
    start, end = month_bounds(month)  # no overflow anywhere in the range
    assert start == month < end == next_month(month)


@given(IN_RANGE)
def test_month_key_round_trips(day):
    month = parse_month(month_key(day))
    assert month == day.replace(day=1)
    assert month_key(month) == month_key(day)


@pytest.mark.parametrize("value", ["9999-12", "0001-01", "1989-12", "2200-01"])
def test_years_outside_the_range_are_refused(value):
    with pytest.raises(MonthError, match="out of range"):
        parse_month(value)


@pytest.mark.parametrize("value", ["２０２６-１１", "٢٠٢٦-١١", "2026-١١"])
def test_only_ascii_digits_make_a_month(value):
    """A URL or a command line names a month in ASCII; other scripts' digits are not one."""
    with pytest.raises(MonthError, match="YYYY-MM"):
        parse_month(value)
