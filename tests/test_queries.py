"""Reference queries on small hand-built databases: given rows → run → expected rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from onestop.core import db
from tests.fixtures import build_small_db, dossier


def _with_pilot(path: Path) -> db.Store:
    con = db.connect_for_writing(path)
    db.insert_frame(
        con,
        "pilots",
        pl.DataFrame(
            {
                "pilot_id": [1, 2],
                "name": ["old", "new"],
                "start_date": [dt.date(2022, 1, 1), dt.date(2023, 1, 1)],
                "end_date": [dt.date(2022, 12, 31), dt.date(2023, 12, 31)],
                "postal_staff": [2, 1],
            }
        ),
    )
    db.insert_frame(
        con, "pilot_agencies", pl.DataFrame({"pilot_id": [1, 1, 2], "agency_id": [1, 2, 2]})
    )
    con.close()
    return db.Store(path)


def test_agencies_marks_the_latest_pilot(tmp_path: Path) -> None:
    store = _with_pilot(build_small_db(tmp_path / "p.duckdb", []))
    expected = pl.DataFrame(
        {
            "agency_id": [1, 2],
            "code": ["STP", "SXD"],
            "name": ["Sở Tư pháp", "Sở Xây dựng"],
            "is_pilot": [False, True],
        },
        schema_overrides={"agency_id": pl.Int32},
    )
    assert_frame_equal(store.query("agencies"), expected)


def test_pilot_definition_is_the_latest_pilot(tmp_path: Path) -> None:
    store = _with_pilot(build_small_db(tmp_path / "p.duckdb", []))
    row = store.query("pilot_definition").row(0, named=True)
    assert (row["name"], row["start_date"], row["postal_staff"], row["agencies"]) == (
        "new",
        dt.date(2023, 1, 1),
        1,
        1,
    )


def test_data_status_counts_demo_rows_and_span(tmp_path: Path) -> None:
    path = build_small_db(
        tmp_path / "s.duckdb",
        [
            dossier("A-1"),
            dossier("A-2", received_at=dt.datetime(2023, 5, 2, 8)),
            dossier("A-3", status=3, received_at=None),
        ],
    )
    row = db.Store(path).query("data_status").row(0, named=True)
    assert row == {
        "dossiers": 3,
        "demo_dossiers": 0,
        "received_dossiers": 2,
        "dossiers_with_receiver": 3,
        "first_received_on": dt.date(2023, 3, 1),
        "last_received_on": dt.date(2023, 5, 2),
    }


def test_form06_rows_groups_by_agency_and_field(tmp_path: Path) -> None:
    path = build_small_db(
        tmp_path / "s.duckdb",
        [
            dossier("A-1"),
            dossier("A-2", channel=1, status=4, ended_at=None, returned_at=None),
            dossier("B-1", agency_id=2, field_id=2, ended_at=dt.datetime(2023, 3, 20)),
        ],
    )
    params = {
        "date_from": dt.date(2023, 3, 1),
        "date_to": dt.date(2023, 3, 31),
        "agency_ids": [],
        "channels": [],
        "field_ids": [],
        "procedure_ids": [],
        "receiver": None,
    }
    frame = db.Store(path).query("form06_rows", params)
    assert frame.select(
        "agency",
        "field",
        "received_total",
        "received_online",
        "resolved_early",
        "resolved_late",
        "in_progress_overdue",
    ).rows() == [
        ("Sở Tư pháp", "Hộ tịch", 2, 1, 1, 0, 1),
        ("Sở Xây dựng", "Xây dựng", 1, 1, 0, 1, 0),
    ]


def _year_params(year: int) -> dict[str, object]:
    from onestop.core.filters import DossierFilter

    return DossierFilter(dt.date(year, 1, 1), dt.date(year, 12, 31)).params()


def test_form06_counts_by_month_reconcile_with_each_month_report(demo_db: Path) -> None:
    from onestop.core.filters import DossierFilter

    store = db.Store(demo_db)
    months = store.query("form06_counts_by_month", _year_params(2023))
    assert months.height == 12
    march = months.filter(pl.col("month") == dt.date(2023, 3, 1)).row(0, named=True)
    expected = store.query(
        "form06_rows", DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 3, 31)).params()
    )
    for column in ("received_total", "resolved_total", "in_progress_total", "carried_over"):
        assert march[column] == expected[column].sum(), column


def test_dossier_flow_by_period_totals_match_form06(demo_db: Path) -> None:
    store = db.Store(demo_db)
    params = _year_params(2023)
    flow = store.query("dossier_flow_by_period", {**params, "grain": "month"})
    form = store.query("form06_rows", params)
    received = form["received_online"].sum() + form["received_in_person_or_postal"].sum()
    assert flow["received"].sum() == received
    assert flow["resolved"].sum() == form["resolved_total"].sum()


def test_pilot_filter_is_the_latest_pilot_over_its_period(tmp_path: Path) -> None:
    from onestop.core.filters import pilot_filter

    store = _with_pilot(build_small_db(tmp_path / "p.duckdb", []))
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    assert (chosen.date_from, chosen.date_to, chosen.agency_ids) == (
        dt.date(2023, 1, 1), dt.date(2023, 12, 31), (2,),
    )  # fmt: skip
    empty = db.Store(build_small_db(tmp_path / "none.duckdb", []))
    assert pilot_filter(empty.query("pilot_definition"), empty.query("agencies")) is None
