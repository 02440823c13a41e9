"""Agency-load queries on a hand-built database, their transforms, and reconciliation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report
from onestop.views import agency_load
from tests.fixtures import build_small_db, dossier

PERIOD = DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 4, 30))

# Given: the postal staffer (1) takes in three dossiers of two agencies on Wednesday 1/3 and
# Monday 3/4; the agency's own staffer (2) one on Friday 3/3 at 16 h and one at 18 h; one
# dossier received in February is carried over and must not count as a reception.
ROWS = [
    dossier("A1", procedure_id=1, received_at=dt.datetime(2023, 3, 1, 8, 5)),
    dossier("A2", procedure_id=1, received_at=dt.datetime(2023, 3, 1, 8, 50)),
    dossier("B1", agency_id=2, field_id=2, procedure_id=2,
            received_at=dt.datetime(2023, 4, 3, 9, 15)),
    dossier("B2", agency_id=2, field_id=2, procedure_id=2, received_by=2,
            received_at=dt.datetime(2023, 3, 3, 16, 40)),
    dossier("B3", agency_id=2, field_id=1, procedure_id=1, received_by=2,
            received_at=dt.datetime(2023, 3, 3, 18, 10)),
    dossier("OLD", status=4, received_at=dt.datetime(2023, 2, 20, 9, 0), ended_at=None,
            returned_at=None),
]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(build_small_db(tmp_path / "load.duckdb", ROWS, procedures=True))


def run(store: Store, name: str) -> pl.DataFrame:
    return store.query(name, PERIOD.params())


def test_receptions_by_agency_counts_breadth(store: Store) -> None:
    expected = pl.DataFrame(
        {
            "agency": ["Sở Xây dựng", "Sở Tư pháp"],
            "agency_code": ["SXD", "STP"],
            "dossiers": [3, 2],
            "procedures": [2, 1],
            "fields": [2, 1],
        }
    )
    assert_frame_equal(run(store, "receptions_by_agency"), expected)


def test_receptions_by_staffer_counts_breadth(store: Store) -> None:
    expected = pl.DataFrame(
        {
            "staffer": ["Nhân viên bưu điện 1", "Công chức một cửa 1"],
            "organisation": ["postal", "agency"],
            "dossiers": [3, 2],
            "agencies": [2, 1],
            "procedures": [2, 2],
            "fields": [2, 2],
        }
    )
    assert_frame_equal(run(store, "receptions_by_staffer"), expected)


def test_receptions_by_weekday_hour(store: Store) -> None:
    expected = pl.DataFrame(
        {"weekday": [0, 2, 4, 4], "hour": [9, 8, 16, 18], "dossiers": [1, 2, 1, 1]},
        schema_overrides={"weekday": pl.Int32, "hour": pl.Int32},
    )
    assert_frame_equal(run(store, "receptions_by_weekday_hour"), expected)


def test_receptions_by_staffer_month(store: Store) -> None:
    expected = pl.DataFrame(
        {
            "staffer": ["Công chức một cửa 1", "Nhân viên bưu điện 1", "Nhân viên bưu điện 1"],
            "organisation": ["agency", "postal", "postal"],
            "month": [dt.date(2023, 3, 1), dt.date(2023, 3, 1), dt.date(2023, 4, 1)],
            "dossiers": [2, 2, 1],
        }
    )
    assert_frame_equal(run(store, "receptions_by_staffer_month"), expected)


def test_weekday_hour_grid_fills_counter_hours_and_names_days(store: Store) -> None:
    by_hour = run(store, "receptions_by_weekday_hour")
    grid = agency_load.weekday_hour_grid(by_hour, "vi")
    assert grid.height == 5 * 11  # Monday–Friday × 7..17 h
    assert grid["day"].unique(maintain_order=True).to_list()[0] == "Thứ Hai"
    assert grid["dossiers"].sum() == 4  # the 18 h reception is outside the grid
    assert agency_load.receptions_outside_hours(by_hour) == 1
    spec = agency_load.heatmap_chart(agency_load.weekday_hour_grid(by_hour, "en"), "en")
    assert spec.title == "Busiest: Wednesday, 8:00–9:00 (2 dossiers)"
    saturday = pl.DataFrame(
        {"weekday": [5], "hour": [8], "dossiers": [3]},
        schema={"weekday": pl.Int32, "hour": pl.Int32, "dossiers": pl.Int64},
    )
    assert "Saturday" in agency_load.weekday_hour_grid(saturday, "en")["day"].to_list()


def test_month_working_days_respect_the_period_and_holidays() -> None:
    # March 2023 has 23 weekdays and no holiday, 13 of them from 15/3; January has 22
    # weekdays, some of which were Tết holidays.
    counts = agency_load.month_working_days(
        [dt.date(2023, 3, 1), dt.date(2023, 1, 1)], dt.date(2023, 1, 1), dt.date(2023, 3, 31)
    )
    assert counts[0] == 23
    assert counts[1] < 22
    partial = agency_load.month_working_days(
        [dt.date(2023, 3, 1)], dt.date(2023, 3, 15), dt.date(2023, 12, 31)
    )
    assert partial == [13]


def test_per_working_day_divides_monthly_counts(store: Store) -> None:
    rates = agency_load.per_working_day(
        run(store, "receptions_by_staffer_month"), PERIOD.date_from, PERIOD.date_to
    )
    march_postal = rates.filter(
        (pl.col("staffer") == "Nhân viên bưu điện 1") & (pl.col("month") == dt.date(2023, 3, 1))
    ).row(0, named=True)
    assert march_postal["working_days"] == 23
    assert march_postal["per_working_day"] == pytest.approx(2 / 23)
    spec = agency_load.per_working_day_chart(rates, "vi")
    assert spec.title.startswith("Nhân viên bưu điện 1: trung bình")
    assert spec.data["staffer"].unique(maintain_order=True).to_list()[0] == "Nhân viên bưu điện 1"


def test_agency_chart_title_states_the_largest_share(store: Store) -> None:
    shares = agency_load.agency_shares(run(store, "receptions_by_agency"))
    assert shares["share"].to_list() == pytest.approx([0.6, 0.4])
    assert agency_load.agency_chart(shares, "vi").title == "Sở Xây dựng nhận 60% hồ sơ"
    assert agency_load.agency_chart(shares, "en").title == "Sở Xây dựng receives 60% of dossiers"


def test_staffer_table_names_organisations(store: Store) -> None:
    table = agency_load.staffer_table(run(store, "receptions_by_staffer"), "en")
    assert table["organisation"].to_list() == ["Postal service", "Agency"]


@pytest.mark.parametrize(
    "dossier_filter",
    [
        DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31), (1, 2, 3, 4, 5, 6)),
        DossierFilter(dt.date(2022, 1, 1), dt.date(2023, 12, 31)),
    ],
)
def test_receptions_reconcile_with_biểu_06(demo_db: Path, dossier_filter: DossierFilter) -> None:
    store = Store(demo_db)
    form = report.build_form06(store, dossier_filter)
    official = form.agency_subtotals().select(
        "agency",
        dossiers=pl.col("received_online") + pl.col("received_in_person_or_postal"),
    )
    ours = store.query("receptions_by_agency", dossier_filter.params()).select("agency", "dossiers")
    assert_frame_equal(ours.sort("agency"), official.sort("agency"), check_dtypes=False)
    received = ours["dossiers"].sum()
    for name in (
        "receptions_by_staffer",
        "receptions_by_weekday_hour",
        "receptions_by_staffer_month",
    ):
        assert store.query(name, dossier_filter.params())["dossiers"].sum() == received
