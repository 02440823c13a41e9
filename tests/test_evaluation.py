"""Pilot evaluation: the agency-month counts, the difference-in-differences and its interval,
the pre-trend caution and the readings, on databases built with a known effect."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from onestop.core import db, metrics
from onestop.core.calendar import public_holidays
from onestop.evaluation import bootstrap, compare, readings
from onestop.evaluation import output as output_module
from onestop.evaluation.compare import Period, PeriodError, Pilot
from tests.fixtures import DOSSIER_SCHEMA, build_small_db, dossier
from tests.known_effect import PILOT_END, PILOT_START, known_effect_db, known_effect_rows

QUERY = "measure_counts_by_agency_month"
DRAWS = 1_999  # fewer draws than the page's 9,999 keep the suite quick; intervals barely move


def _params(date_from: dt.date, date_to: dt.date) -> dict:
    return compare.query_params(Period(date_from, date_to))


SCHEMA = {**DOSSIER_SCHEMA, "digitised": pl.Boolean, "supplement_count": pl.Int16}


def _small_store(path: Path, rows: list[dict[str, object]]) -> db.Store:
    """conftest's two agencies and two staff, and dossiers that may say digitised or not."""
    build_small_db(path, [])
    con = db.connect_for_writing(path)
    try:
        full = [{"digitised": None, "supplement_count": 0, **row} for row in rows]
        db.insert_frame(con, "dossiers", pl.DataFrame(full, schema=SCHEMA))
    finally:
        con.close()
    return db.Store(path)


# --- the query, on hand-built rows ------------------------------------------------------------


def test_counts_per_agency_month_from_given_rows(tmp_path: Path) -> None:
    # Given: agency 1 receives three dossiers in March 2023 (one by post, one asked to
    # supplement, one not digitised), resolves one early, one late; agency 2 one in April.
    rows = [
        dossier("A1", digitised=True),  # received 1 Mar, due 10 Mar, ended 5 Mar: early
        dossier(
            "A2",
            channel=3,
            digitised=False,
            due_at=dt.datetime(2023, 3, 3, 17),
            ended_at=dt.datetime(2023, 3, 8, 10),
        ),  # late
        dossier("A3", status=5, ended_at=None, returned_at=None, digitised=True),
        dossier("A4", status=3, received_at=None),  # not accepted: never counted
        dossier(
            "B1",
            agency_id=2,
            received_at=dt.datetime(2023, 4, 3, 9),
            due_at=dt.datetime(2023, 4, 20, 17),
            ended_at=dt.datetime(2023, 4, 10, 9),
            returned_at=None,
            status=9,
            received_by=2,
            digitised=True,
        ),
    ]
    store = _small_store(tmp_path / "q.duckdb", rows)
    result = store.query(QUERY, _params(dt.date(2023, 3, 1), dt.date(2023, 4, 30)))
    march, april_open = result.filter(pl.col("agency_code") == "STP").iter_rows(named=True)
    assert (march["month"], march["month_from"], march["month_to"]) == (
        dt.date(2023, 3, 1),
        dt.date(2023, 3, 1),
        dt.date(2023, 3, 31),
    )
    assert march["month_working_days"] == 23  # March 2023: no public holiday
    expected = {
        "received_online": 2,
        "received_in_person_or_postal": 1,
        "received_supplemented": 1,  # A3 waits for supplementation (status 5)
        "received_digitised": 2,
        "received_digitisation_known": 3,
        "resolved_total": 2,
        "resolved_early": 1,
        "resolved_late": 1,
        "resolved_timed": 2,
        # A1: 1 → 5 Mar is 2 working days (2, 3 Mar; 4–5 are a weekend); A2: 1 → 8 Mar is 5.
        "working_days_total": 7,
        "received_with_receiver": 3,
    }
    assert {key: march[key] for key in expected} == expected
    assert march["staffer_days"] == pytest.approx(23.0)
    april = result.filter(pl.col("agency_code") == "SXD").row(0, named=True)
    # 3 → 10 April: 5 working days (4, 5, 6, 7, 10). Hùng Kings' day fell on Saturday 29 April
    # 2023 (made up on 2 and 3 May), so April kept all of its 20 weekdays.
    assert (april["resolved_timed"], april["working_days_total"]) == (1, 5)
    assert april["month_working_days"] == 20
    # A3, still waiting in April, is counted there (Biểu 06 carries it over) but adds nothing;
    # agency 2 has no row for March: an agency-month with nothing to count is left out.
    assert april_open["month"] == dt.date(2023, 4, 1)
    assert sum(april_open[key] for key in expected) == 0
    assert result.height == 3


def test_a_staffer_serving_two_agencies_counts_once(tmp_path: Path) -> None:
    # Given: the postal staffer (1) receives three dossiers for agency 1 and one for agency 2 in
    # March; agency 2's own clerk (2) receives one.
    rows = [dossier(f"A{i}") for i in range(3)]
    rows += [dossier("B1", agency_id=2), dossier("B2", agency_id=2, received_by=2)]
    store = _small_store(tmp_path / "s.duckdb", rows)
    result = store.query(QUERY, _params(dt.date(2023, 3, 1), dt.date(2023, 3, 31))).sort(
        "agency_id"
    )
    # Then: the staffer's 23 days split 3:1, plus the clerk's whole 23 days for agency 2.
    assert result["staffer_days"].to_list() == pytest.approx([23 * 3 / 4, 23 / 4 + 23])
    assert result["staffer_days"].sum() == pytest.approx(2 * 23)  # two staffers, one month
    assert metrics.compute("dossiers_per_staffer_day", result.sum().row(0, named=True)) == (
        pytest.approx(5 / 46)
    )


def test_months_are_clipped_to_the_period(tmp_path: Path) -> None:
    rows = [dossier("A1", received_at=dt.datetime(2023, 3, 20, 9))]
    store = _small_store(tmp_path / "c.duckdb", rows)
    result = store.query(QUERY, _params(dt.date(2023, 3, 15), dt.date(2023, 3, 31)))
    row = result.row(0, named=True)
    assert (row["month_from"], row["month_to"], row["month_working_days"]) == (
        dt.date(2023, 3, 15),
        dt.date(2023, 3, 31),
        13,
    )


def test_the_months_of_the_pilot_year_add_up_to_its_official_figures(demo_db: Path) -> None:
    """Each month counted alone, summed, gives the year's Biểu 06 and 766 counts."""
    store = db.Store(demo_db)
    pilot = compare.load_pilot(store)
    assert pilot is not None
    year = Period(PILOT_START, PILOT_END)
    monthly = store.query(QUERY, compare.query_params(year)).filter(
        pl.col("agency_id").is_in(list(pilot.agency_ids))
    )
    params = {**_params(PILOT_START, PILOT_END), "agency_ids": list(pilot.agency_ids)}
    form = store.query("form06_rows", params)
    for column in ("received_online", "resolved_total", "resolved_early", "resolved_late"):
        assert monthly[column].sum() == form[column].sum(), column
    procedures = store.query("index766_by_procedure", params)
    for column in ("received_digitised", "resolved_timed", "working_days_total"):
        assert monthly[column].sum() == procedures[column].sum(), column


# --- databases with a known effect ----------------------------------------------------------


def _evaluate(store: db.Store, **options) -> compare.Evaluation:
    pilot = compare.load_pilot(store)
    assert pilot is not None
    return compare.evaluate(store, pilot, draws=DRAWS, **options)


def _late(evaluation: compare.Evaluation) -> compare.MeasureComparison:
    return next(m for m in evaluation.measures if m.measure == "late_share")


@pytest.mark.parametrize(("effect", "seed"), [(0.0, 1), (0.10, 2)])
def test_a_known_effect_is_recovered_with_an_interval_around_it(
    tmp_path: Path, effect: float, seed: int
) -> None:
    rows = known_effect_rows(np.random.default_rng(seed), effect)
    store = known_effect_db(tmp_path / "known.duckdb", rows)
    evaluation = _evaluate(store)
    assert evaluation.missing == ()
    assert (evaluation.before, evaluation.during) == (
        Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
        Period(PILOT_START, PILOT_END),
    )
    late = _late(evaluation)
    truth = -effect
    assert late.did.value == pytest.approx(truth, abs=0.025)
    assert late.did.low is not None and late.did.high is not None
    assert late.did.low <= truth <= late.did.high
    assert late.did.high - late.did.low < 0.12  # informative, not a blanket interval
    assert late.did.clusters == (8, 6)
    assert late.method == compare.METHOD
    assert not late.caution
    text = readings.reading(late, "en")
    if effect == 0.0:
        assert late.did.includes_zero
        assert "it includes zero" in text
    else:
        assert not late.did.includes_zero
        assert "fell by" in text and "95% interval: a fall of" in text


def test_differing_pre_trends_trigger_the_caution(tmp_path: Path) -> None:
    # The pilot agencies' late share was falling 1.5 points a month before the pilot began.
    rows = known_effect_rows(np.random.default_rng(3), effect=0.0, pre_trend=-0.015)
    evaluation = _evaluate(known_effect_db(tmp_path / "trend.duckdb", rows))
    late = _late(evaluation)
    assert late.pre_trend_months == 12
    assert late.pre_trend.value == pytest.approx(-0.015, abs=0.006)
    assert late.caution
    warning = readings.caution(late, "en")
    assert warning is not None and warning.startswith("Caution:") and "fell by" in warning
    assert readings.caution(late, "vi").startswith("Lưu ý:")
    # Twelve months apart, the drift alone would make about 12 × −1.5 = −18 points.
    assert late.months_apart == pytest.approx(12.0, abs=0.05)
    assert late.projected_drift == pytest.approx(late.months_apart * late.pre_trend.value)
    assert "it alone would make a difference of −" in warning


def test_months_between_the_middles_of_the_periods() -> None:
    year = Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert compare.months_between(year, Period(PILOT_START, PILOT_END)) == pytest.approx(
        365 / compare.DAYS_PER_MONTH
    )
    half = Period(dt.date(2022, 7, 1), dt.date(2022, 12, 31))
    assert compare.months_between(half, Period(PILOT_START, dt.date(2023, 6, 30))) == (
        pytest.approx(6.0, abs=0.05)
    )


def test_an_effect_measured_in_both_languages(tmp_path: Path) -> None:
    rows = known_effect_rows(np.random.default_rng(2), effect=0.10)
    evaluation = _evaluate(known_effect_db(tmp_path / "lang.duckdb", rows))
    late = _late(evaluation)
    assert readings.reading(late, "vi").startswith("Tỷ lệ quá hạn: so với các cơ quan khác")
    assert "giảm" in readings.reading(late, "vi")
    note = readings.pre_trend_note(late, "en")
    assert note is not None and "moved alike" in note


# --- the statistics alone ---------------------------------------------------------------------


def test_the_difference_in_differences_of_pooled_ratios() -> None:
    # Two pilot agencies and two others, cells (before, during).
    y = np.array([[10, 2], [30, 8], [5, 5], [15, 16]], dtype=float)
    n = np.array([[100, 100], [100, 100], [50, 50], [150, 150]], dtype=float)
    group = np.array([1, 1, 0, 0])
    estimate = bootstrap.contrast(y, n, group, bootstrap.did_coefficients(), _weights(4))
    pilot_change = 10 / 200 - 40 / 200
    others_change = 21 / 200 - 20 / 200
    assert estimate.value == pytest.approx(pilot_change - others_change)
    assert estimate.clusters == (2, 2)


def test_fewer_than_two_agencies_in_a_group_give_no_interval() -> None:
    y = np.array([[10, 2], [5, 5], [15, 16]], dtype=float)
    n = np.array([[100, 100], [50, 50], [150, 150]], dtype=float)
    estimate = bootstrap.contrast(y, n, np.array([1, 0, 0]), bootstrap.did_coefficients())
    assert estimate.value is not None and not estimate.has_interval
    assert estimate.includes_zero is None


def test_a_cell_without_denominator_gives_no_value() -> None:
    y = np.array([[0, 2], [0, 3], [5, 5], [15, 16]], dtype=float)
    n = np.array([[0, 100], [0, 100], [50, 50], [150, 150]], dtype=float)
    estimate = bootstrap.contrast(y, n, np.array([1, 1, 0, 0]), bootstrap.did_coefficients())
    assert estimate.value is None


def test_the_same_data_give_the_same_interval() -> None:
    rng = np.random.default_rng(0)
    n = rng.integers(50, 200, (14, 2)).astype(float)
    y = rng.binomial(n.astype(int), 0.1).astype(float)
    group = np.r_[np.ones(6, int), np.zeros(8, int)]
    first = bootstrap.contrast(y, n, group, bootstrap.did_coefficients())
    assert first == bootstrap.contrast(y, n, group, bootstrap.did_coefficients())


def _weights(clusters: int, draws: int = 999) -> np.ndarray:
    return bootstrap.webb_weights(draws, clusters, seed=11)


def _simulated(rng: np.random.Generator, effect: float, spread: float) -> tuple:
    """Six pilot and eight other agencies of unequal sizes, one period before and one during;
    each agency-period has its own shock, so agencies, not dossiers, carry the uncertainty."""
    group = np.r_[np.ones(6, int), np.zeros(8, int)]
    size = np.exp(np.log(200) + spread * rng.standard_normal((14, 1))) * rng.uniform(
        0.8, 1.2, (14, 2)
    )
    n = np.maximum(np.round(size), 5)
    p = (
        rng.uniform(0.02, 0.10, (14, 1))
        + np.array([[0.0, 0.01]])
        + effect * np.outer(group, [0, 1])
        + 0.015 * rng.standard_normal((14, 2))
    )
    y = rng.binomial(n.astype(int), np.clip(p, 0.001, 0.999)).astype(float)
    return y, n, group


def test_the_interval_covers_the_truth_about_95_times_in_100() -> None:
    """Coverage measured on 300 simulated evaluations with six and eight agencies: the method
    chosen (restricted, studentised) stays near 95%, where a percentile interval of the same
    draws falls well short — the reason for the choice."""
    rng = np.random.default_rng(2024)
    effect, weights = 0.03, _weights(14)
    covered = percentile_covered = 0
    for _ in range(300):
        y, n, group = _simulated(rng, effect, spread=0.8)
        estimate = bootstrap.contrast(y, n, group, bootstrap.did_coefficients(), weights)
        covered += estimate.low <= effect <= estimate.high
        percentile_covered += _percentile_covers(y, n, group, weights, effect)
    assert covered / 300 >= 0.90
    assert percentile_covered / 300 < covered / 300


def _percentile_covers(y, n, group, weights, truth) -> bool:
    coef = bootstrap.did_coefficients()
    ratios = bootstrap.pooled_ratios(y, n, group)
    totals = np.stack([n[group == g].sum(axis=0) for g in (0, 1)])
    influence = ((coef / totals)[group] * (y - ratios[group] * n)).sum(axis=1)
    value = float((coef * ratios).sum())
    low, high = value + np.quantile(weights @ influence, [0.025, 0.975])
    return bool(low <= truth <= high)


def test_the_slope_of_the_gap_is_the_least_squares_slope() -> None:
    months = np.arange(6)
    pilot = 0.2 + 0.01 * months
    others = np.full(6, 0.1)
    n = np.full((4, 6), 100.0)
    y = np.vstack([pilot * 100, pilot * 100, others * 100, others * 100])
    coef = bootstrap.slope_coefficients(months)
    estimate = bootstrap.contrast(y, n, np.array([1, 1, 0, 0]), coef, _weights(4))
    assert estimate.value == pytest.approx(0.01)


# --- periods, missing data, output ------------------------------------------------------------


PILOT = Pilot("P", PILOT_START, PILOT_END, (1,))


def test_before_defaults_to_the_same_length_just_before_the_pilot() -> None:
    before, during = compare.choose_periods(PILOT)
    assert during == Period(PILOT_START, PILOT_END)
    assert before == Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    short = Pilot("P", dt.date(2023, 3, 15), dt.date(2023, 4, 14), (1,))
    assert compare.choose_periods(short)[0] == Period(dt.date(2023, 2, 12), dt.date(2023, 3, 14))
    leap = Pilot("P", dt.date(2024, 1, 1), dt.date(2024, 12, 31), (1,))
    assert compare.choose_periods(leap)[0] == Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def test_a_pilot_running_past_the_data_ends_with_the_data_s_last_month() -> None:
    ongoing = Pilot("P", PILOT_START, dt.date(2030, 12, 31), (1,))
    before, during = compare.choose_periods(ongoing, last_day=dt.date(2023, 6, 20))
    assert during == Period(PILOT_START, dt.date(2023, 6, 30))
    assert before == Period(dt.date(2022, 7, 1), dt.date(2022, 12, 31))  # six whole months


def test_a_chosen_before_period_is_used_and_checked() -> None:
    chosen = compare.choose_periods(
        PILOT, before_from=dt.date(2021, 1, 1), before_to=dt.date(2021, 6, 30)
    )
    assert chosen[0] == Period(dt.date(2021, 1, 1), dt.date(2021, 6, 30))
    assert compare.choose_periods(PILOT, before_from=dt.date(2021, 1, 1))[0] == Period(
        dt.date(2021, 1, 1), dt.date(2021, 12, 31)
    )
    with pytest.raises(PeriodError) as overlap:
        compare.choose_periods(
            PILOT, before_from=dt.date(2022, 6, 1), before_to=dt.date(2023, 1, 1)
        )
    assert readings.period_error(overlap.value, "en") == (
        "The period before the pilot must end before the pilot starts: "
        "it ends 2023-01-01 and the pilot starts 2023-01-01."
    )
    with pytest.raises(PeriodError):
        compare.choose_periods(
            PILOT, before_from=dt.date(2021, 6, 1), before_to=dt.date(2021, 1, 1)
        )


def test_no_baseline_is_named_instead_of_compared(tmp_path: Path) -> None:
    rows = [
        r
        for r in known_effect_rows(np.random.default_rng(4), 0.0)
        if not (
            r["agency_id"] <= 6 and r["received_at"].year == 2022  # type: ignore[union-attr]
        )
    ]
    evaluation = _evaluate(known_effect_db(tmp_path / "nobase.duckdb", rows))
    assert evaluation.missing == ("evaluation.missing_pilot_before",)
    assert evaluation.measures == []
    assert readings.missing_sentences(evaluation, "en") == [
        "The pilot agencies have no dossiers in the period before the pilot "
        "(2022-01-01 – 2022-12-31): there is no baseline to compare with. "
        "Import that period's data or choose another period."
    ]


def test_no_other_agencies_is_named_instead_of_compared(tmp_path: Path) -> None:
    rows = known_effect_rows(np.random.default_rng(5), 0.0, pilot_agencies=6, other_agencies=0)
    evaluation = _evaluate(known_effect_db(tmp_path / "alone.duckdb", rows, agencies=6))
    assert evaluation.missing == ("evaluation.missing_others",)
    assert "no other agencies" in readings.missing_sentences(evaluation, "en")[0]


def test_a_measure_the_data_cannot_give_says_which_values_are_missing(tmp_path: Path) -> None:
    # Imported data name no receiving staffer: dossiers per staffer-day has no value anywhere.
    rows = [{**r, "received_by": None} for r in known_effect_rows(np.random.default_rng(6), 0.0)]
    evaluation = _evaluate(known_effect_db(tmp_path / "nostaff.duckdb", rows))
    staffed = next(m for m in evaluation.measures if m.measure == "dossiers_per_staffer_day")
    assert staffed.did.value is None and staffed.method == compare.NO_METHOD
    assert readings.reading(staffed, "en").startswith(
        "Dossiers per receiving staffer per day: cannot be compared, as the data give no value "
        "for the pilot agencies before the pilot, the pilot agencies during the pilot"
    )


@pytest.fixture(scope="module")
def demo_evaluation(demo_db: Path) -> compare.Evaluation:
    return _evaluate(db.Store(demo_db))


def test_the_json_has_exactly_the_documented_shape(demo_evaluation: compare.Evaluation) -> None:
    output = json.loads(output_module.to_json(demo_evaluation))
    assert set(output) == {"pilot", "before", "during", "measures"}
    assert output["before"] == ["2022-01-01", "2022-12-31"]
    assert output["during"] == ["2023-01-01", "2023-12-31"]
    assert [m["measure"] for m in output["measures"]] == list(compare.EVALUATED)
    keys = ["measure", "pilot_before", "pilot_during", "others_before", "others_during"]
    keys += ["did", "ci_low", "ci_high", "method"]
    for measure in output["measures"]:
        assert list(measure) == keys
        assert 0 <= measure["pilot_during"] <= 1 or measure["measure"] in (
            "mean_processing_days",
            "dossiers_per_staffer_day",
        )
    late = next(m for m in output["measures"] if m["measure"] == "late_share")
    assert late["pilot_during"] == pytest.approx(21 / 1668, abs=1e-6)  # the published year
    online = next(m for m in output["measures"] if m["measure"] == "online_share")
    assert online["pilot_during"] == pytest.approx(1669 / 1700, abs=1e-6)


def test_monthly_values_follow_each_group(demo_evaluation: compare.Evaluation) -> None:
    late = demo_evaluation.monthly.filter(pl.col("measure") == "late_share")
    assert set(late["group"]) == {"pilot", "others"}
    assert late.filter(pl.col("group") == "pilot").height == 24
    assert set(late["period"]) == {"before", "during"}


def test_holidays_reach_the_query() -> None:
    params = compare.query_params(Period(PILOT_START, PILOT_END))
    assert dt.date(2023, 9, 2) in params["holidays"]
    assert set(public_holidays(2023, 2023)) <= set(params["holidays"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_table_lists_every_measure_then_the_readings(
    demo_evaluation: compare.Evaluation, lang: str
) -> None:
    text = output_module.to_table(demo_evaluation, lang)
    for comparison in demo_evaluation.measures:
        assert readings.label(comparison.measure, lang) in text
        assert readings.reading(comparison, lang) in text
    assert readings.method_sentence(demo_evaluation, lang) in text
    frame = output_module.comparison_frame(demo_evaluation, lang)
    assert frame.height == len(compare.EVALUATED) and frame.width == len(output_module.COLUMNS)


def test_the_table_names_what_is_missing_instead_of_rows(tmp_path: Path) -> None:
    rows = known_effect_rows(np.random.default_rng(5), 0.0, pilot_agencies=6, other_agencies=0)
    evaluation = _evaluate(known_effect_db(tmp_path / "alone.duckdb", rows, agencies=6))
    text = output_module.to_table(evaluation, "en")
    assert "there are no other agencies to compare with" in text
    assert "Difference-in-differences  " not in text  # no header row without rows


def test_a_pilot_name_cannot_drive_the_terminal() -> None:
    pilot = Pilot("\x1b[2J evil", PILOT_START, PILOT_END, (1,))
    before, during = compare.choose_periods(pilot)
    evaluation = compare.Evaluation(
        pilot, before, during, [], compare._EMPTY_MONTHLY, ("evaluation.missing_others",)
    )
    text = output_module.to_table(evaluation, "en")
    assert "\x1b" not in text and "\\x1b[2J evil" in text
