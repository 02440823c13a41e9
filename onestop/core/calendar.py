"""Working days and counter hours: Vietnamese public holidays, weekends, opening times."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from functools import cache

import holidays
import numpy as np


@dataclass(frozen=True)
class CounterHours:
    """When the counter serves citizens, in minutes after midnight."""

    morning_open: int = 7 * 60 + 30
    morning_close: int = 11 * 60 + 30
    afternoon_open: int = 13 * 60 + 30
    afternoon_close: int = 17 * 60
    saturday_morning: bool = False

    def sessions(self, weekday: int) -> list[tuple[int, int]]:
        """Open intervals (start, end) for a weekday, Monday = 0."""
        if weekday < 5:
            return [
                (self.morning_open, self.morning_close),
                (self.afternoon_open, self.afternoon_close),
            ]
        if weekday == 5 and self.saturday_morning:
            return [(self.morning_open, self.morning_close)]
        return []

    def open_minutes(self, weekday: int) -> int:
        """Minutes the counter is open on a weekday."""
        return sum(end - start for start, end in self.sessions(weekday))


DEFAULT_HOURS = CounterHours()


@cache
def public_holidays(first_year: int, last_year: int) -> frozenset[dt.date]:
    """Vietnam's public holidays (with observed days) from the `holidays` package."""
    return frozenset(holidays.VN(years=range(first_year, last_year + 1)).keys())


def month_end(day: dt.date) -> dt.date:
    """The last day of the month that contains `day`."""
    return day.replace(day=monthrange(day.year, day.month)[1])  # safe in December 9999 too


def is_working_day(day: dt.date, hours: CounterHours = DEFAULT_HOURS) -> bool:
    """A day on which the counter opens and deadlines run."""
    if day in public_holidays(day.year, day.year):
        return False
    return hours.open_minutes(day.weekday()) > 0


def weekday_of(days: np.ndarray) -> np.ndarray:
    """The weekday of each datetime64[D] day, Monday = 0 (codes.WEEKDAYS); 1970-01-01 was a
    Thursday."""
    return (np.asarray(days, dtype="datetime64[D]").astype("int64") + 3) % 7


def working_days(start: dt.date, end: dt.date, hours: CounterHours = DEFAULT_HOURS) -> np.ndarray:
    """Every working day in [start, end] as a numpy datetime64[D] array."""
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    weekday = weekday_of(days)
    open_weekday = np.array([hours.open_minutes(w) > 0 for w in range(7)])
    off = np.array(sorted(public_holidays(start.year, end.year)), dtype="datetime64[D]")
    return days[open_weekday[weekday] & ~np.isin(days, off)]


def add_working_days(
    days: np.ndarray, counts: np.ndarray, hours: CounterHours = DEFAULT_HOURS
) -> np.ndarray:
    """The date `counts` working days after each date in `days` (vectorised).

    A day that is not itself a working day counts from the next working day, so a dossier
    received on Saturday with a one-day deadline is due on Tuesday.
    """
    days = np.asarray(days, dtype="datetime64[D]")
    counts = np.asarray(counts, dtype="int64")
    if days.size == 0:
        return days
    first = days.min().astype(dt.date)
    last = days.max().astype(dt.date) + dt.timedelta(days=int(counts.max()) * 2 + 60)
    calendar = working_days(first, last, hours)
    # A non-working day is treated as the next working day, where the count starts. Searched
    # once per calendar day and looked up per date: a binary search per date costs seconds at
    # ten million dossiers.
    every_day = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    position_of_day = np.searchsorted(calendar, every_day, side="left")
    position = position_of_day[(days - every_day[0]).astype("int64")]
    return calendar[position + counts]
