"""The benchmark runs end to end at a tiny size, and its pandas baseline does the same work as
the dashboard's questions (a ratio between different answers would mean nothing). No time is
asserted anywhere."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from bench import pandas_baseline as baseline
from onestop.cli import bench
from onestop.cli.main import main
from onestop.core import db
from onestop.core.filters import DossierFilter
from onestop.reports import index766
from tests.fixtures import ROOT

# Mid-month at both ends, across a year end: carry-over, partial months, open dossiers.
FILTER = DossierFilter(dt.date(2022, 11, 17), dt.date(2023, 8, 9))


@pytest.fixture(scope="module")
def frames(demo_db: Path) -> baseline.Frames:
    return baseline.load(demo_db)


@pytest.fixture(scope="module")
def store(demo_db: Path):
    store = db.Store(demo_db, use_rollups=False)
    yield store
    store.close()


def _records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return sorted(tuple(int(value) for value in row) for row in frame[columns].to_numpy())


def test_pandas_counts_form06_as_the_dashboard_does(frames, store) -> None:
    counts = [*baseline.FORM06]
    expected = store.query("form06_rows", FILTER.params())
    answered = baseline.form06_rows(frames, FILTER)
    columns = ["received_total", *counts]
    assert _records(answered, columns) == sorted(expected.select(columns).rows())
    monthly = store.query("form06_counts_by_month", FILTER.params())
    by_month = baseline.form06_by_month(frames, FILTER)
    assert _records(by_month, columns) == sorted(monthly.select(columns).rows())


def test_pandas_does_each_pages_other_work_as_the_dashboard_does(frames, store) -> None:
    report = baseline.report(frames, FILTER)["index766"]
    procedures = store.query("index766_by_procedure", index766.query_params(FILTER))
    for column in index766.EXTRA_COUNTS:
        assert int(report[column].sum()) == int(procedures[column].sum()), column

    flow = store.query("dossier_flow_by_period", {**FILTER.params(), "grain": "month"})
    moved = baseline.throughput(frames, FILTER)
    assert int(moved["received"].sum()) == flow["received"].sum()
    assert int(moved["resolved"].sum()) == flow["resolved"].sum()
    assert int(moved["carried_over"].sum()) == flow["carried_over"].sum()

    late = store.query("resolved_days_late", FILTER.params())
    histogram = baseline.timeliness(frames, FILTER)["days_late"]
    expected = late.group_by("days_late").agg(pl.col("dossiers").sum()).sort("days_late")
    assert [(int(k), int(v)) for k, v in histogram.items()] == expected.rows()

    agencies = baseline.agency_load(frames, FILTER)["agencies"]
    shown = store.query("receptions_by_agency", FILTER.params())
    assert sorted(agencies["dossiers"].tolist()) == sorted(shown["dossiers"].to_list())
    assert sorted(agencies["procedures"].tolist()) == sorted(shown["procedures"].to_list())

    staffing = baseline.staffing(frames, FILTER)
    service = store.query("counter_service_minutes", FILTER.params()).sort("purpose")
    assert staffing["service"]["size"].tolist() == service["visits"].to_list()
    assert staffing["service"]["mean"].tolist() == pytest.approx(service["mean_minutes"].to_list())
    desk = store.query("desk_work_by_day", FILTER.params())
    assert int(staffing["desk"]["paper_to_digitise"].sum()) == desk["paper_to_digitise"].sum()


def test_the_bench_runs_at_a_tiny_size_and_writes_its_tables(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    out.mkdir()  # an existing folder, as bench/ itself is
    argv = ["bench", "--db", str(demo_db), "--only", "queries,pages,pandas", "--repeats", "1"]
    assert main([*argv, "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["machine"]["cores"] >= 1 and results["machine"]["memory_gb"]
    (size,) = results["sizes"].values()
    assert set(size["queries"]) == set(db.query_names())
    # Every routed page but the import (which needs a file) runs; pandas mirrors the six it can.
    routed = set(re.findall(r'"pages/(\w+)\.py"', (ROOT / "dashboard.py").read_text("utf-8")))
    assert set(size["pages"]) == routed - {"import_data"}
    assert set(bench.PAGES_MEASURED) <= set(size["pages"])
    assert set(size["pandas_ratio"]) == set(bench.PAGES_MEASURED)
    text = (out / "results.md").read_text()
    assert "pandas ÷ questions" in text and "| overview |" in text


def test_a_run_added_to_earlier_results_keeps_what_it_did_not_measure(
    demo_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results"
    out.mkdir()
    store = db.Store(demo_db)
    key = str(store.query("data_status")["dossiers"][0])
    store.close()
    earlier = {
        "measured_at": "2026-01-01T10:00:00",
        "machine": {"cores": 2},
        "sizes": {
            "99000000": {"dossiers": 99_000_000, "measured_at": "x", "load_averages": [0.5, 0.7]},
            # The same size, measured in an earlier part: its pages and pandas figures stay.
            key: {
                "measured_at": "2026-01-01T10:00:01",
                "load_averages": [0.25, 9.5],
                "pages": {"overview": {"query_seconds": 0.5, "page_seconds": 1.0}},
                "pandas": {"page_seconds": {"overview": 5.0}},
            },
        },
        "load": {"skipped": "no Chromium"},
    }
    (out / "results.json").write_text(json.dumps(earlier))
    argv = ["bench", "--db", str(demo_db), "--only", "queries", "--add", "--out", str(out)]
    assert main(argv) == 0
    results = json.loads((out / "results.json").read_text())
    assert list(results["sizes"]) == [key, "99000000"]
    assert results["load"] == earlier["load"]
    assert results["runs"][0] == earlier["measured_at"]
    size = results["sizes"][key]
    assert set(size["queries"]) == set(db.query_names())
    assert size["pandas_ratio"] == {"overview": 10.0}
    assert size["measured_at"] == "2026-01-01T10:00:01" and len(size["load_averages"]) == 4
    text = (out / "results.md").read_text()
    assert "load average between 0.25 and" in text and "| overview | 0.50 |" in text
