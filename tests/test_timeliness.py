"""Timeliness queries on a hand-built database, their transforms, reconciliation with Biểu 06."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from onestop.core import charts
from onestop.core.db import Store, run_sql
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report
from onestop.views import timeliness
from tests.fixtures import build_small_db, dossier

PERIOD = DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 4, 30))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour)


# Given: Sở Tư pháp resolves one dossier early, one on its due date, one late, and has one
# withdrawn and one overdue in progress; Sở Xây dựng resolves one late in April and has one
# overdue and one waiting for supplementation (which never counts as overdue).
ROWS = [
    dossier("A1", procedure_id=1),
    dossier("A2", procedure_id=1, ended_at=at("2023-03-10"), returned_at=None),
    dossier("A3", procedure_id=1, status=9, ended_at=at("2023-03-15"), returned_at=None),
    dossier("A4", procedure_id=1, status=4, due_at=at("2023-04-10"), ended_at=None),
    dossier("A5", procedure_id=1, status=7, ended_at=at("2023-03-03"), returned_at=None),
    dossier(
        "B1",
        agency_id=2,
        field_id=2,
        procedure_id=2,
        due_at=at("2023-03-20"),
        ended_at=at("2023-04-02"),
        returned_at=None,
    ),
    dossier(
        "B2",
        agency_id=2,
        field_id=2,
        procedure_id=2,
        status=4,
        due_at=at("2023-03-20"),
        ended_at=None,
        returned_at=None,
    ),
    dossier(
        "B3",
        agency_id=2,
        field_id=2,
        procedure_id=2,
        status=5,
        due_at=at("2023-03-20"),
        ended_at=None,
        returned_at=None,
    ),
]


def build_db(path: Path, rows: list[dict[str, object]]) -> Store:
    """A small real database: the shared reference rows, two procedures and the given dossiers."""
    return Store(build_small_db(path, rows, procedures=True))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return build_db(tmp_path / "timeliness.duckdb", ROWS)


def run(store: Store, name: str, **extra: object) -> pl.DataFrame:
    return store.query(name, {**PERIOD.params(), **extra})


def test_resolved_timeliness_counts_each_class_per_procedure_and_month(store: Store) -> None:
    expected = pl.DataFrame(
        {
            "agency": ["Sở Tư pháp", "Sở Xây dựng"],
            "field": ["Hộ tịch", "Xây dựng"],
            "procedure": ["Đăng ký khai sinh", "Cấp giấy phép xây dựng"],
            "procedure_code": ["1.001", "2.001"],
            "month": [dt.date(2023, 3, 1), dt.date(2023, 4, 1)],
            "resolved_early": [1, 0],
            "resolved_on_time": [2, 0],  # A2 on its due date, A5 withdrawn
            "resolved_late": [1, 1],
        }
    )
    assert_frame_equal(run(store, "resolved_timeliness_by_procedure_month"), expected)


def test_days_late_histogram_signs_early_negative(store: Store) -> None:
    expected = pl.DataFrame(
        {
            "days_late": [-5, 0, 5, 13],  # A5, withdrawn, has no delay to show
            "timeliness": [
                "resolved_early",
                "resolved_on_time",
                "resolved_late",
                "resolved_late",
            ],
            "dossiers": [1, 1, 1, 1],
        }
    )
    assert_frame_equal(run(store, "resolved_days_late"), expected)


@pytest.mark.parametrize(
    ("order_by", "codes"),
    [
        ("days_overdue", ["B2", "A4"]),
        ("due_on", ["B2", "A4"]),
        ("agency", ["A4", "B2"]),
        ("code", ["A4", "B2"]),
        # Hostile text is only ever a bound value: it matches no key and the default order holds.
        ("code; drop table dossiers --", ["B2", "A4"]),
    ],
)
def test_overdue_list_and_its_orders(store: Store, order_by: str, codes: list[str]) -> None:
    frame = run(store, "overdue_dossiers_in_progress", order_by=order_by)
    assert frame["code"].to_list() == codes
    by_code = {row["code"]: row for row in frame.iter_rows(named=True)}
    assert by_code["B2"]["days_overdue"] == 41  # due 20/3, period ends 30/4
    assert by_code["A4"]["days_overdue"] == 20
    assert by_code["A4"]["due_on"] == dt.date(2023, 4, 10)
    assert by_code["B2"]["procedure"] == "Cấp giấy phép xây dựng"


def test_overdue_order_whitelist_refuses_other_text() -> None:
    assert timeliness.overdue_order("due_on") == "due_on"
    with pytest.raises(ValueError):
        timeliness.overdue_order("due_on desc; --")


def test_shares_per_agency_sum_to_one_and_put_the_worst_first(store: Store) -> None:
    shares = timeliness.timeliness_shares(
        run(store, "resolved_timeliness_by_procedure_month"), "agency"
    )
    assert shares["agency"].unique(maintain_order=True).to_list() == ["Sở Xây dựng", "Sở Tư pháp"]
    totals = shares.group_by("agency").agg(pl.col("share").sum())
    assert totals["share"].to_list() == pytest.approx([1.0, 1.0])
    stp = shares.filter(pl.col("agency") == "Sở Tư pháp")
    assert stp["timeliness"].to_list() == list(timeliness.RESOLVED_CLASSES)
    assert stp["share"].to_list() == pytest.approx([0.25, 0.5, 0.25])


def test_shares_by_month_are_chronological_and_top_limits_groups() -> None:
    frame = pl.DataFrame(
        {
            "procedure": ["p1", "p2", "p3", "p1"],
            "month": [dt.date(2023, 5, 1), dt.date(2023, 1, 1), dt.date(2023, 3, 1)] * 1
            + [dt.date(2023, 1, 1)],
            "resolved_early": [5, 1, 2, 5],
            "resolved_on_time": [0, 0, 1, 0],
            "resolved_late": [0, 1, 0, 0],
        }
    )
    months = timeliness.timeliness_shares(frame, "month")["month"].unique(maintain_order=True)
    assert months.to_list() == [dt.date(2023, 1, 1), dt.date(2023, 3, 1), dt.date(2023, 5, 1)]
    top = timeliness.timeliness_shares(frame, "procedure", top=2)
    assert set(top["procedure"]) == {"p1", "p3"}  # p1 has 10 resolved, p3 3, p2 only 2


def test_titles_state_the_finding_in_each_language(store: Store) -> None:
    shares = timeliness.timeliness_shares(
        run(store, "resolved_timeliness_by_procedure_month"), "agency"
    )
    vi = timeliness.shares_chart(shares, "agency", "vi")
    en = timeliness.shares_chart(shares, "agency", "en")
    assert "Sở Xây dựng" in vi.title and "100,0%" in vi.title
    assert en.title.startswith("Late resolutions concentrate in Sở Xây dựng")
    assert vi.colours == charts.TIMELINESS_COLOURS and vi.horizontal
    days = run(store, "resolved_days_late")
    assert timeliness.days_late_title(days, "en") == (
        "Early dossiers finished 5.0 days ahead on average; late ones ran 9.0 days over"
    )


def test_share_chart_renders_with_vietnamese_separators(store: Store) -> None:
    shares = timeliness.timeliness_shares(
        run(store, "resolved_timeliness_by_procedure_month"), "month"
    )
    figure = charts.to_plotly(timeliness.shares_chart(shares, "month", "vi"), "vi")
    assert figure.layout.separators == ",."
    assert figure.layout.xaxis.tickformat == "%m/%Y"
    assert [trace.marker.color for trace in figure.data] == [
        charts.TIMELINESS_COLOURS[name] for name in timeliness.RESOLVED_CLASSES
    ]


# --- reconciliation on the demo database ------------------------------------------------------


@pytest.fixture(scope="module")
def demo_store(demo_db: Path) -> Store:
    return Store(demo_db)


@pytest.mark.parametrize(
    "dossier_filter",
    [
        DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31), (1, 2, 3, 4, 5, 6)),
        DossierFilter(dt.date(2022, 4, 1), dt.date(2023, 6, 30), channels=(1, 3)),
    ],
)
def test_per_agency_totals_equal_biểu_06(demo_store: Store, dossier_filter: DossierFilter) -> None:
    params = {**dossier_filter.params(), "order_by": "days_overdue"}
    ours = (
        demo_store.query("resolved_timeliness_by_procedure_month", params)
        .group_by("agency")
        .agg(pl.col(name).sum() for name in timeliness.RESOLVED_CLASSES)
        .sort("agency")
    )
    form = report.build_form06(demo_store, dossier_filter)
    official = form.agency_subtotals().select("agency", *timeliness.RESOLVED_CLASSES)
    assert_frame_equal(
        ours,
        official.filter(
            pl.col("resolved_early") + pl.col("resolved_on_time") + pl.col("resolved_late") > 0
        ),
        check_dtypes=False,
    )
    overdue = demo_store.query("overdue_dossiers_in_progress", params)
    assert overdue.height == form.total["in_progress_overdue"]
    days = demo_store.query("resolved_days_late", params)
    withdrawn_or_stopped = run_sql(
        demo_store.connection(),
        "select count(*) as n from classified_dossiers($date_from, $date_to, $agency_ids, "
        "$channels, $field_ids, $procedure_ids, $receiver) where is_resolved and status in (7, 8)",
        params,
    )["n"][0]
    assert withdrawn_or_stopped > 0
    assert days["dossiers"].sum() == form.total["resolved_total"] - withdrawn_or_stopped
