"""The counting rules of DOMAIN.md §3, one case per rule and edge, on real DuckDB files."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.core.db import Store, run_sql
from onestop.core.filters import DossierFilter
from tests.fixtures import dossier

D = dt.datetime
MARCH = DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 3, 31))

FLAGS = [
    "is_received_in_period",
    "is_received_online",
    "is_received_in_person_or_postal",
    "is_carried_over",
    "is_resolved",
    "is_resolved_early",
    "is_resolved_on_time",
    "is_resolved_late",
    "is_in_progress",
    "is_in_progress_within_deadline",
    "is_in_progress_overdue",
]


def classify(small_db, row: dict, period: DossierFilter = MARCH) -> set[str] | None:
    """The flags that hold for one dossier, or None when Biểu 06 does not count it."""
    store = Store(small_db([row]))
    sql = "select * from classified_dossiers($date_from, $date_to, $agency_ids, $channels, "
    sql += "$field_ids, $procedure_ids, $receiver)"
    frame = run_sql(store.connection(), sql, period.params())
    store.close()
    if frame.height == 0:
        return None
    assert frame.height == 1
    return {flag for flag in FLAGS if frame[flag][0]}


RECEIVED_ONLINE = {"is_received_in_period", "is_received_online"}
RECEIVED_AT_COUNTER = {"is_received_in_period", "is_received_in_person_or_postal"}

CASES = [
    # --- which dossiers count at all
    ("status 1 (newly registered) is not received", {"status": 1}, None),
    ("status 3 (not accepted) is not received", {"status": 3}, None),
    ("no received date: not counted", {"status": 4, "received_at": None}, None),
    ("received after the period: not counted", {"received_at": D(2023, 4, 1, 8)}, None),
    (
        "received and ended before the period: not counted",
        {"received_at": D(2023, 1, 5), "due_at": D(2023, 1, 20), "ended_at": D(2023, 2, 28)},
        None,
    ),
    # --- cols 4, 5: channel of dossiers received in the period
    ("online, resolved early", {}, RECEIVED_ONLINE | {"is_resolved", "is_resolved_early"}),
    (
        "in person counts in col 5",
        {"channel": 1},
        RECEIVED_AT_COUNTER | {"is_resolved", "is_resolved_early"},
    ),
    (
        "public postal service counts in col 5",
        {"channel": 3},
        RECEIVED_AT_COUNTER | {"is_resolved", "is_resolved_early"},
    ),
    (
        "period boundaries are inclusive: received on `from`",
        {"received_at": D(2023, 3, 1, 0, 0)},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_early"},
    ),
    (
        "period boundaries are inclusive: received late on `to`",
        {
            "received_at": D(2023, 3, 31, 23, 59),
            "due_at": D(2023, 4, 10),
            "ended_at": None,
            "returned_at": None,
            "status": 4,
        },
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_within_deadline"},
    ),
    # --- col 6: carry-over
    (
        "received before, still open: carried over",
        {
            "received_at": D(2023, 2, 20),
            "status": 4,
            "ended_at": None,
            "returned_at": None,
            "due_at": D(2023, 4, 7),
        },
        {"is_carried_over", "is_in_progress", "is_in_progress_within_deadline"},
    ),
    (
        "received before, ended on `from`: carried over and resolved",
        {"received_at": D(2023, 2, 20), "ended_at": D(2023, 3, 1, 8)},
        {"is_carried_over", "is_resolved", "is_resolved_early"},
    ),
    (
        "received before, ended the day before `from`: not carried over",
        {"received_at": D(2023, 2, 20), "ended_at": D(2023, 2, 28, 16)},
        None,
    ),
    # --- end date
    (
        "end date falls back to the return date",
        {"ended_at": None, "returned_at": D(2023, 3, 15)},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_late"},
    ),
    (
        "an open status has no end date whatever the columns say",
        {"status": 4, "ended_at": D(2023, 3, 5), "due_at": D(2023, 4, 7)},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_within_deadline"},
    ),
    (
        "resolved after `to`: in progress at the period end",
        {"ended_at": D(2023, 4, 3), "returned_at": D(2023, 4, 3), "due_at": D(2023, 4, 5)},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_within_deadline"},
    ),
    # --- cols 8, 9, 10
    (
        "ended on the due date: on time",
        {"ended_at": D(2023, 3, 10, 16)},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_on_time"},
    ),
    (
        "ended after the due date: late",
        {"ended_at": D(2023, 3, 13, 9)},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_late"},
    ),
    (
        "status 9 (done, not returned) is resolved too",
        {"status": 9, "returned_at": None},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_early"},
    ),
    (
        "no due date: on time",
        {"due_at": None},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_on_time"},
    ),
    (
        "withdrawn (7) counts on the due date even when ended late",
        {"status": 7, "ended_at": D(2023, 3, 20)},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_on_time"},
    ),
    (
        "stopped (8) counts on the due date even when ended early",
        {"status": 8, "ended_at": D(2023, 3, 2)},
        RECEIVED_ONLINE | {"is_resolved", "is_resolved_on_time"},
    ),
    # --- cols 12, 13
    (
        "in progress, due before `to`: overdue",
        {"status": 4, "ended_at": None, "returned_at": None},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_overdue"},
    ),
    (
        "in progress, due on `to`: within deadline",
        {"status": 4, "ended_at": None, "returned_at": None, "due_at": D(2023, 3, 31, 17)},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_within_deadline"},
    ),
    (
        "waiting for supplementation counts as within deadline even past due",
        {"status": 5, "ended_at": None, "returned_at": None},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_within_deadline"},
    ),
    (
        "financial obligation (6) past due: overdue",
        {"status": 6, "ended_at": None, "returned_at": None},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_overdue"},
    ),
    (
        "in progress without a due date: within deadline",
        {"status": 2, "ended_at": None, "returned_at": None, "due_at": None},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_within_deadline"},
    ),
    (
        "resolved status with no end or return date stays in progress",
        {"status": 10, "ended_at": None, "returned_at": None, "due_at": D(2023, 4, 30)},
        RECEIVED_ONLINE | {"is_in_progress", "is_in_progress_within_deadline"},
    ),
]


@pytest.mark.parametrize(("case", "values", "expected"), CASES, ids=[c[0] for c in CASES])
def test_counting_rule(small_db, case: str, values: dict, expected: set[str] | None) -> None:
    assert classify(small_db, dossier("STP-230301-0001", **values)) == expected


def test_same_dossier_in_consecutive_periods(small_db) -> None:
    """Received in March, resolved in April: in progress for March, carried over into April."""
    row = dossier(
        "STP-230320-0001",
        received_at=D(2023, 3, 20),
        due_at=D(2023, 4, 14),
        ended_at=D(2023, 4, 3),
        returned_at=D(2023, 4, 4),
    )
    april = DossierFilter(dt.date(2023, 4, 1), dt.date(2023, 4, 30))
    assert classify(small_db, row, MARCH) == RECEIVED_ONLINE | {
        "is_in_progress",
        "is_in_progress_within_deadline",
    }
    assert classify(small_db, row, april) == {
        "is_carried_over",
        "is_resolved",
        "is_resolved_early",
    }


@pytest.mark.parametrize(
    ("narrowing", "counted"),
    [
        ({}, 4),
        ({"agency_ids": (2,)}, 1),
        ({"channels": (1, 3)}, 2),
        ({"field_ids": (2,)}, 1),
        ({"receiver": "agency"}, 1),
        ({"receiver": "postal"}, 3),
    ],
)
def test_filters_narrow_the_counted_dossiers(small_db, narrowing: dict, counted: int) -> None:
    path = small_db(
        [
            dossier("STP-1"),
            dossier("STP-2", channel=1),
            dossier("STP-3", channel=3, received_by=2),
            dossier("SXD-1", agency_id=2, field_id=2),
        ]
    )
    chosen = DossierFilter(MARCH.date_from, MARCH.date_to, **narrowing)
    frame = Store(path).query("form06_rows", chosen.params())
    assert int(frame["received_total"].sum()) == counted
