"""Measures defined once (Rill-style): every card, chart and export reads them from here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


def _share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Measure:
    """A named figure computed from Biểu 06 counts, with how to show it."""

    key: str
    kind: str  # "count", "share" or "days"
    compute: Callable[[Mapping[str, int]], float | None]
    description: str


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "received_total",
            "count",
            lambda c: c["received_total"],
            "Dossiers counted in the period: received in it plus carried over (col 3).",
        ),
        Measure(
            "received_in_period",
            "count",
            lambda c: c["received_online"] + c["received_in_person_or_postal"],
            "Dossiers received in the period (cols 4 + 5).",
        ),
        Measure(
            "received_online",
            "count",
            lambda c: c["received_online"],
            "Dossiers received online in the period (col 4).",
        ),
        Measure(
            "online_share",
            "share",
            lambda c: _share(
                c["received_online"], c["received_online"] + c["received_in_person_or_postal"]
            ),
            "Online dossiers / dossiers received in the period (766 indicator 3.3).",
        ),
        Measure(
            "resolved_total",
            "count",
            lambda c: c["resolved_total"],
            "Dossiers resolved by the end of the period (col 7).",
        ),
        Measure(
            "resolved_early",
            "count",
            lambda c: c["resolved_early"],
            "Resolved before the due date (col 8).",
        ),
        Measure(
            "resolved_on_time",
            "count",
            lambda c: c["resolved_on_time"],
            "Resolved on the due date, or withdrawn or stopped (col 9).",
        ),
        Measure(
            "resolved_late",
            "count",
            lambda c: c["resolved_late"],
            "Resolved after the due date (col 10).",
        ),
        Measure(
            "in_progress_total",
            "count",
            lambda c: c["in_progress_total"],
            "Still being processed at the end of the period (col 11).",
        ),
        Measure(
            "in_progress_overdue",
            "count",
            lambda c: c["in_progress_overdue"],
            "In progress and past the due date (col 13).",
        ),
        Measure(
            "early_share",
            "share",
            lambda c: _share(c["resolved_early"], c["resolved_total"]),
            "Resolved before due / resolved.",
        ),
        Measure(
            "on_time_share",
            "share",
            lambda c: _share(c["resolved_on_time"], c["resolved_total"]),
            "Resolved on the due date / resolved.",
        ),
        Measure(
            "late_share",
            "share",
            lambda c: _share(c["resolved_late"], c["resolved_total"]),
            "Resolved late / resolved.",
        ),
        Measure(
            "timely_rate",
            "share",
            lambda c: _share(
                c["resolved_early"] + c["resolved_on_time"] + c["in_progress_within_deadline"],
                c["received_total"],
            ),
            "(Before or on due + in progress within deadline) / col 3 (766 indicator 2.1).",
        ),
        # The two below need counts beyond Biểu 06, from queries/index766_by_procedure.sql.
        Measure(
            "digitised_share",
            "share",
            lambda c: _share(c["received_digitised"], c["received_digitisation_known"]),
            "Digitised dossiers / dossiers received in the period whose digitisation is"
            " recorded (766 indicator 4.2); no value when no record says.",
        ),
        Measure(
            "mean_processing_days",
            "days",
            lambda c: _share(c["working_days_total"], c["resolved_timed"]),
            "Mean working days from receipt to end, done or returned dossiers (766 indicator 2.2).",
        ),
    ]
}


def compute(key: str, counts: Mapping[str, int]) -> float | None:
    """The value of one measure for a set of Biểu 06 counts."""
    return MEASURES[key].compute(counts)
