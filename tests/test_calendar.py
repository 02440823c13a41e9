"""Working days: weekends and Vietnamese public holidays are skipped when deadlines run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from onestop.core.calendar import CounterHours, add_working_days, is_working_day, working_days


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2023, 3, 1), True),  # a Wednesday
        (dt.date(2023, 3, 4), False),  # Saturday
        (dt.date(2023, 3, 5), False),  # Sunday
        (dt.date(2023, 1, 2), False),  # New Year observed
        (dt.date(2023, 1, 23), False),  # Tết
        (dt.date(2023, 4, 29), False),  # Hùng Kings (a Saturday; observed 2 May)
        (dt.date(2023, 5, 2), False),
        (dt.date(2023, 5, 1), False),  # Labour Day
        (dt.date(2023, 9, 1), False),  # National Day
        (dt.date(2023, 9, 4), False),  # National Day observed
        (dt.date(2023, 9, 5), True),
    ],
)
def test_working_days(day: dt.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_2023_has_the_expected_number_of_working_days() -> None:
    # 260 weekdays minus 11 holidays and observed days that fall on weekdays.
    assert working_days(dt.date(2023, 1, 1), dt.date(2023, 12, 31)).size == 249


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        (dt.date(2023, 3, 1), 0, dt.date(2023, 3, 1)),
        (dt.date(2023, 3, 1), 1, dt.date(2023, 3, 2)),
        (dt.date(2023, 3, 3), 1, dt.date(2023, 3, 6)),  # Friday + 1 → Monday
        (dt.date(2023, 3, 4), 1, dt.date(2023, 3, 7)),  # Saturday counts from Monday
        (dt.date(2023, 1, 19), 1, dt.date(2023, 1, 27)),  # across Tết
        (dt.date(2023, 4, 28), 3, dt.date(2023, 5, 8)),  # across 29/4–3/5
    ],
)
def test_add_working_days(start: dt.date, count: int, due: dt.date) -> None:
    result = add_working_days(np.array([start], dtype="datetime64[D]"), np.array([count]))
    assert result[0].astype(dt.date) == due


def test_saturday_mornings_can_be_opened() -> None:
    hours = CounterHours(saturday_morning=True)
    assert is_working_day(dt.date(2023, 3, 4), hours)
    assert hours.open_minutes(5) == 240
    assert CounterHours().open_minutes(0) == 240 + 210
