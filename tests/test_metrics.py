"""Measures: one definition gives the card value and the per-group chart value alike."""

from __future__ import annotations

import polars as pl
import pytest

from onestop.core import metrics

COUNTS = {
    "received_total": 10, "received_online": 6, "received_in_person_or_postal": 3,
    "carried_over": 1, "resolved_total": 8, "resolved_early": 5, "resolved_on_time": 2,
    "resolved_late": 1, "in_progress_total": 2, "in_progress_within_deadline": 1,
    "in_progress_overdue": 1, "received_digitised": 4, "received_digitisation_known": 8,
    "working_days_total": 30, "resolved_timed": 7,
}  # fmt: skip


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("received_in_period", 9),
        ("online_share", 6 / 9),
        ("late_share", 1 / 8),
        ("timely_rate", (5 + 2 + 1) / 10),
        ("digitised_share", 4 / 8),
        ("mean_processing_days", 30 / 7),
    ],
)
def test_compute(key: str, expected: float) -> None:
    assert metrics.compute(key, COUNTS) == pytest.approx(expected)


def test_no_denominator_gives_no_value() -> None:
    assert metrics.compute("late_share", {**COUNTS, "resolved_total": 0}) is None


@pytest.mark.parametrize("key", list(metrics.MEASURES))
def test_the_expression_agrees_with_compute_row_by_row(key: str) -> None:
    rows = [COUNTS, {**COUNTS, "resolved_total": 0, "resolved_timed": 0, "received_total": 0}]
    frame = pl.DataFrame(rows)
    values = frame.select(metrics.expression(key))[key].to_list()
    assert values == pytest.approx([metrics.compute(key, row) for row in rows], nan_ok=True)


@pytest.mark.parametrize("key", list(metrics.MEASURES))
def test_a_group_without_dossiers_gives_zero_counts_and_no_shares(key: str) -> None:
    """A month with no dossiers may arrive with null or absent counts: never a TypeError."""
    empty_months = [{name: None for name in COUNTS}, {}, {name: 0 for name in COUNTS}]
    kind = metrics.MEASURES[key].kind
    for counts in empty_months:
        assert metrics.compute(key, counts) == (0 if kind == "count" else None)
    frame = pl.DataFrame(empty_months[0], schema={name: pl.Int64 for name in COUNTS})
    assert frame.select(metrics.expression(key))[key].to_list() == [0 if kind == "count" else None]
