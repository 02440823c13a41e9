"""Decision 766 indicators on the hand-counted database, their scoring, the published check."""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.core import published
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report
from onestop.reports import index766
from tests.fixtures import FORM06_PERIOD as PERIOD
from tests.fixtures import build_form06_db

INDICATOR = {indicator.code: indicator for indicator in index766.INDICATORS}


def _inputs(path, dossier_filter):
    store = Store(path)
    form = report.build_form06(store, dossier_filter)
    procedures = store.query("index766_by_procedure", index766.query_params(dossier_filter))
    store.close()
    return form.rows, procedures


@pytest.fixture
def inputs(tmp_path):
    return _inputs(build_form06_db(tmp_path / "index766.duckdb"), DossierFilter(*PERIOD))


def _values(counts):
    return {result.indicator.code: result for result in index766.evaluate(counts)}


def test_overall_indicators_match_the_hand_count(inputs):
    counts = index766.total_counts(*inputs)
    # Received in period: 12; digitised among them: D01, D02, D10, D15, D17.
    assert counts["received_in_period"] == 12
    assert counts["received_digitised"] == 5
    # Done or returned by 31/03 (status 9, 10): D01, D02, D03, D05, D15, D17, with working days
    # 3 + 5 + 7 + 8 + 10 + (6 − 1 day waiting for supplementation) = 38.
    assert counts["resolved_timed"] == 6
    assert counts["working_days_total"] == 38
    values = _values(counts)
    assert values["2.1"].value == pytest.approx((2 + 4 + 3) / 14)
    assert values["2.1"].points == pytest.approx(20 * 9 / 14)
    assert values["2.2"].value == pytest.approx(38 / 6)
    assert values["2.2"].points_share is None
    assert values["3.3"].value == pytest.approx(7 / 12)
    assert values["3.3"].points_share == 1.0
    assert values["4.2"].value == pytest.approx(5 / 12)
    assert values["4.2"].points_share == pytest.approx((5 / 12) / 0.8)
    assert values["5.4"].value is None and values["5.4"].points is None


def test_per_agency_indicators_match_the_hand_count(inputs):
    frame = index766.per_agency(*inputs)
    by_agency = {row["agency_code"]: row for row in frame.iter_rows(named=True)}
    assert by_agency["SA"]["value_2_1"] == pytest.approx(7 / 10)
    assert by_agency["SA"]["value_2_2"] == pytest.approx((3 + 5 + 7 + 8) / 4)
    assert by_agency["SA"]["value_3_3"] == pytest.approx(5 / 9)
    assert by_agency["SA"]["value_4_2"] == pytest.approx(3 / 9)
    assert by_agency["SB"]["value_2_1"] == pytest.approx(2 / 4)
    assert by_agency["SB"]["value_2_2"] == pytest.approx((10 + 5) / 2)
    assert by_agency["SB"]["value_3_3"] == pytest.approx(2 / 3)
    assert by_agency["SB"]["share_4_2"] == pytest.approx((2 / 3) / 0.8)


def test_mean_processing_time_per_procedure(inputs):
    frame = index766.procedure_times(inputs[1])
    assert frame.select("procedure_code", "resolved_timed", "mean_days").rows() == [
        ("1.001", 4, pytest.approx(23 / 4)),
        ("2.001", 2, pytest.approx(15 / 2)),
    ]


def test_processing_time_skips_public_holidays(tmp_path):
    # Received Friday 29/12/2023, done Wednesday 3/1/2024: Monday 1/1 is New Year's Day, so the
    # working days after receipt are 2/1 and 3/1 only.
    dossier = ("H01", 1, 1, 1, 2, 10, (2023, 12, 29), (2024, 1, 10), (2024, 1, 3), None, True, 0)
    path = build_form06_db(tmp_path / "holiday.duckdb", [dossier])
    _, procedures = _inputs(path, DossierFilter(dt.date(2023, 12, 1), dt.date(2024, 1, 31)))
    assert procedures["working_days_total"].sum() == 2


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("3.3", 0.25, 0.5),
        ("3.3", 0.5, 1.0),
        ("3.3", 0.982, 1.0),
        ("4.2", 0.4, 0.5),
        ("4.2", 0.8, 1.0),
        ("2.1", 0.75, 0.75),
        ("2.2", 4.9, None),
        ("5.4", None, None),
    ],
)
def test_points_follow_the_decision_thresholds(code, value, expected):
    share = index766.points_share(INDICATOR[code], value)
    assert share == (pytest.approx(expected) if expected is not None else None)


PILOT_COUNTS = {
    "received_total": 1700,
    "received_online": 1669,
    "received_in_person_or_postal": 31,
    "carried_over": 0,
    "resolved_total": 1668,
    "resolved_early": 1479,
    "resolved_on_time": 168,
    "resolved_late": 21,
    "in_progress_total": 32,
    "in_progress_within_deadline": 24,
    "in_progress_overdue": 8,
}


def test_published_pilot_report_shows_only_the_online_share_gap():
    comparison = published.compare_published(published.PILOT_REPORT, PILOT_COUNTS)
    gaps = comparison.filter(~comparison["matches"])
    assert gaps["item"].to_list() == ["online_share"]
    assert gaps["published"][0] == 100.0
    assert gaps["data"][0] == pytest.approx(1669 / 1700 * 100)
    assert gaps["difference"][0] == pytest.approx(1669 / 1700 * 100 - 100)
    assert comparison.height == 8


def test_published_counts_that_differ_are_gaps_and_a_rounded_share_matches():
    stated = published.PublishedSummary(1699, 1669, 1668, 1479, 168, 21, 32, 98.2)
    comparison = published.compare_published(stated, PILOT_COUNTS)
    gaps = {row["item"]: row["difference"] for row in comparison.iter_rows(named=True)
            if not row["matches"]}  # fmt: skip
    assert gaps == {"received": 1.0}


def test_per_agency_display_shows_values_and_points(inputs):
    shown = index766.per_agency_display(index766.per_agency(*inputs), "en")
    first = dict(zip(shown.columns, shown.row(0), strict=True))
    assert first["Agency"] == "Sở Alpha"
    assert first["2.1 On time"] == "70.0%"
    assert first["2.1 points / 20"] == "14.0"
    assert first["3.3 % of max points"] == "100.0%"  # 5/9 online is above the 50% threshold
    assert first["4.2 % of max points"] == "41.7%"  # (3/9) / 80%


def test_digitised_share_has_no_value_when_no_record_says(small_db):
    """Imports do not carry the digitised flag: 4.2 must read "no data", not a false 0%."""
    from tests.fixtures import dossier

    path = small_db([dossier("A-1"), dossier("A-2", channel=1)])
    values = _values(index766.total_counts(*_inputs(path, DossierFilter(*PERIOD))))
    assert values["4.2"].value is None and values["4.2"].points_share is None
    assert index766.format_value(values["4.2"], "vi") == "Không có số liệu"
    assert values["3.3"].value == pytest.approx(1 / 2)
