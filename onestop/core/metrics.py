"""Measures defined once (Rill-style): every card, chart, table and export reads them from here.
What each means is written beside it; the UI's words for it are the `measure.*` strings.

Every measure is a sum of Biểu 06 (or 766) counts, optionally divided by another sum, so each
can be computed for one set of counts (`compute`) and as a Polars expression over a frame with
one row per group (`expression`): cards and per-agency charts agree by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl


def _total(counts: Mapping[str, int | None], names: tuple[str, ...]) -> int:
    return sum(counts.get(name) or 0 for name in names)


@dataclass(frozen=True)
class Measure:
    """A named figure: sum(numerator) / sum(denominator), or just the sum for counts."""

    key: str
    kind: str  # "count", "share" or "days"
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()

    def compute(self, counts: Mapping[str, int | None]) -> float | None:
        """The value for one set of counts; None when the denominator is zero.

        A count that is absent or null (a month or group with no dossiers) counts as 0, as
        `expression` does through sum_horizontal: a count is then 0 and a share has no value.
        """
        top = _total(counts, self.numerator)
        if not self.denominator:
            return top
        bottom = _total(counts, self.denominator)
        return top / bottom if bottom else None

    def expression(self) -> pl.Expr:
        """The same value per row of a frame holding the counts (null where undefined)."""
        top = pl.sum_horizontal(self.numerator)
        if not self.denominator:
            return top.alias(self.key)
        bottom = pl.sum_horizontal(self.denominator)
        return pl.when(bottom > 0).then(top / bottom).alias(self.key)


RECEIVED_IN_PERIOD = ("received_online", "received_in_person_or_postal")
TIMELY = ("resolved_early", "resolved_on_time", "in_progress_within_deadline")

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        # Dossiers counted in the period: received in it plus carried over (col 3).
        Measure("received_total", "count", ("received_total",)),
        # Dossiers received in the period (cols 4 + 5).
        Measure("received_in_period", "count", RECEIVED_IN_PERIOD),
        # Dossiers received online in the period (col 4).
        Measure("received_online", "count", ("received_online",)),
        # Online dossiers / dossiers received in the period (766 indicator 3.3).
        Measure("online_share", "share", ("received_online",), RECEIVED_IN_PERIOD),
        # Dossiers resolved by the end of the period (col 7).
        Measure("resolved_total", "count", ("resolved_total",)),
        # Resolved before the due date (col 8).
        Measure("resolved_early", "count", ("resolved_early",)),
        # Resolved on the due date, or withdrawn or stopped (col 9).
        Measure("resolved_on_time", "count", ("resolved_on_time",)),
        # Resolved after the due date (col 10).
        Measure("resolved_late", "count", ("resolved_late",)),
        # Still being processed at the end of the period (col 11).
        Measure("in_progress_total", "count", ("in_progress_total",)),
        # In progress and past the due date (col 13).
        Measure("in_progress_overdue", "count", ("in_progress_overdue",)),
        # Resolved before due / resolved.
        Measure("early_share", "share", ("resolved_early",), ("resolved_total",)),
        # Resolved on the due date / resolved.
        Measure("on_time_share", "share", ("resolved_on_time",), ("resolved_total",)),
        # Resolved late / resolved.
        Measure("late_share", "share", ("resolved_late",), ("resolved_total",)),
        # (Before or on due + in progress within deadline) / col 3 (766 indicator 2.1).
        Measure("timely_rate", "share", TIMELY, ("received_total",)),
        # The two below need counts beyond Biểu 06, from queries/index766_by_procedure.sql.
        # Digitised dossiers / dossiers received in the period whose digitisation is recorded
        # (766 indicator 4.2); no value when no record says.
        Measure("digitised_share", "share", ("received_digitised",),
                ("received_digitisation_known",)),
        # Mean working days from receipt to end, done or returned dossiers (766 2.2).
        Measure("mean_processing_days", "days", ("working_days_total",), ("resolved_timed",)),
    ]
}  # fmt: skip


def compute(key: str, counts: Mapping[str, int | None]) -> float | None:
    """The value of one measure for a set of counts."""
    return MEASURES[key].compute(counts)


def expression(key: str) -> pl.Expr:
    """One measure as a Polars expression over a frame with a row per group."""
    return MEASURES[key].expression()
