"""Staffing: Erlang C against textbook values, the SimPy model against Erlang C, the measured load
on a real demo database, the what-ifs and the command line."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop import demo
from onestop.cli import main as cli
from onestop.cli.bench import bench_staffing
from onestop.core import db
from onestop.core.calendar import CounterHours
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.core.i18n import t
from onestop.reports import form06 as report
from onestop.staffing import (
    DESK_KINDS,
    PURPOSES,
    Question,
    ServiceTarget,
    answer,
    evaluate,
    json_ready,
    measure_load,
    scenario_sentence,
    unbounded_note,
)
from onestop.staffing.capacity import citizens_per_day
from onestop.staffing.queueing import erlang_c
from onestop.staffing.simulation import CounterLoad, SimulationSettings, constant_load, simulate
from tests.fixtures import dossier

PILOT_IDS = (1, 2, 3, 4, 5, 6)
YEAR_2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
# Round the clock, every day: no opening or closing, so the queue can reach its steady state.
ALWAYS_OPEN = CounterHours(0, 24 * 60, 24 * 60, 24 * 60, saturday_morning=True)


@pytest.fixture(scope="session")
def store(demo_db) -> Store:
    return Store(demo_db)


@pytest.fixture(scope="session")
def no_tickets_db(tmp_path_factory) -> Path:
    """The demo's dossiers without any queue tickets."""
    tables = demo.build_demo_frames()
    tables.pop("counter_visits")
    path = tmp_path_factory.mktemp("staffing") / "no_tickets.duckdb"
    demo.write_database(path, tables)
    return path


# --- Erlang C -------------------------------------------------------------------------------


def test_erlang_c_textbook_two_staff():
    # λ = 9/h = 0.15/min, μ = 0.1/min, a = 1.5 Erlang, c = 2:
    # C = (a²/2 · 2/(2 − a)) / (1 + a + a²/2 · 2/(2 − a)) = 4.5 / 7; Wq = C / (cμ − λ) = C / 0.05.
    result = erlang_c(9, 10, 2)
    assert result.utilisation == pytest.approx(0.75)
    assert result.p_wait == pytest.approx(4.5 / 7, abs=1e-9)
    assert result.mean_wait_min == pytest.approx(12.86, abs=0.005)
    assert result.p_wait_over(15) == pytest.approx(0.304, abs=0.001)
    # The 95th percentile solves C · exp(−0.05 t) = 0.05.
    assert result.wait_quantile(0.95) == pytest.approx(math.log((4.5 / 7) / 0.05) / 0.05)


def test_erlang_c_one_staff_is_m_m_1():
    # M/M/1: P(wait) = ρ and Wq = ρ / (μ − λ).
    result = erlang_c(3, 10, 1)
    assert result.p_wait == pytest.approx(0.5)
    assert result.mean_wait_min == pytest.approx(0.5 / (0.1 - 0.05))


def test_erlang_c_overloaded_queue_never_settles():
    result = erlang_c(9, 10, 1)
    assert not result.stable
    assert result.p_wait == 1.0
    assert math.isinf(result.mean_wait_min)
    assert result.p_wait_over(60) == 1.0


# --- the simulation -------------------------------------------------------------------------


def test_simulation_agrees_with_erlang_c_over_long_runs():
    settings = SimulationSettings(
        days=200, replications=10, seed=7, distribution="exponential", hours=ALWAYS_OPEN
    )
    simulated = simulate(constant_load(9, 10, ALWAYS_OPEN), 2, settings)
    exact = erlang_c(9, 10, 2)
    for name, value in [
        ("mean_wait_min", exact.mean_wait_min),
        ("p_wait_over_15", exact.p_wait_over(15)),
        ("p_wait", exact.p_wait),
        ("utilisation", exact.utilisation),
        ("p95_wait_min", exact.wait_quantile(0.95)),
    ]:
        assert abs(simulated[name] - value) <= simulated[f"{name}_ci"], name
    assert simulated["mean_wait_min_ci"] < 3.0  # the interval is narrow enough to mean something


@pytest.mark.parametrize("arrivals_per_hour", [4, 10, 18, 30])
def test_more_staff_never_waits_longer(arrivals_per_hour):
    settings = SimulationSettings(days=40, replications=4, seed=11)
    load = constant_load(arrivals_per_hour, 8, settings.hours)
    simulated = [simulate(load, staff, settings) for staff in (1, 2, 3, 4)]
    closed_form = [erlang_c(arrivals_per_hour, 8, staff) for staff in (1, 2, 3, 4)]
    for fewer, more in itertools.pairwise(simulated):
        assert more["mean_wait_min"] <= fewer["mean_wait_min"] + 1e-9
        assert more["p95_wait_min"] <= fewer["p95_wait_min"] + 1e-9
        assert more["p_wait_over_15"] <= fewer["p_wait_over_15"] + 1e-9
    for fewer, more in itertools.pairwise(closed_form):
        assert more.mean_wait_min <= fewer.mean_wait_min


def test_simulation_is_reproducible_for_a_seed():
    load = constant_load(12, 8)
    settings = SimulationSettings(days=30, replications=3, seed=5)
    first = simulate(load, 1, settings)
    assert simulate(load, 1, settings) == first
    other = simulate(load, 1, SimulationSettings(days=30, replications=3, seed=6))
    assert other["mean_wait_min"] != first["mean_wait_min"]


def test_desk_work_is_done_between_citizens_and_backlog_grows_when_it_cannot_be():
    arrivals = constant_load(6, 8).arrivals
    light = CounterLoad(("citizen",), arrivals, (8.0,), ("check",), np.full((1, 7), 10.0), (5.0,))
    heavy = CounterLoad(("citizen",), arrivals, (8.0,), ("check",), np.full((1, 7), 200.0), (5.0,))
    settings = SimulationSettings(days=20, replications=2, seed=3)
    done = simulate(light, 1, settings)
    swamped = simulate(heavy, 1, settings)
    # At most a task or two left because it would not fit before closing.
    assert done["desk_backlog_min"] < 10.0
    assert done["utilisation"] > done["counter_utilisation"]
    assert swamped["desk_backlog_min"] > 1000  # 1,000 desk minutes a day cannot fit in 450
    assert swamped["utilisation"] > 0.95  # with work waiting, the staffer is never idle


# --- the load measured from the demo --------------------------------------------------------


def test_pilot_load_comes_from_queue_tickets_and_matches_the_table(store, demo_db):
    flt = DossierFilter(*YEAR_2023, PILOT_IDS)
    measured = measure_load(store, flt)
    assert (measured.arrivals_source, measured.service_source) == ("counter_visits", "measured")
    con = db.connect_read_only(demo_db)
    tickets = db.run_sql(
        con,
        "select count(*) as n from counter_visits where agency_id <= 6 "
        "and year(ticket_issued_at) = 2023",
    )["n"][0]
    from onestop.staffing.load import days_per_weekday

    per_day = measured.load.arrivals.sum(axis=(0, 2))
    assert float(np.dot(per_day, days_per_weekday(*YEAR_2023))) == pytest.approx(tickets)
    # Desk work: every dossier received in the period, as Biểu 06 counts them (cols 4 + 5).
    form = report.build_form06(store, flt).total
    desk = np.dot(measured.load.desk_tasks, days_per_weekday(*YEAR_2023))
    assert desk[DESK_KINDS.index("online_check")] == pytest.approx(form["received_online"])
    assert desk[DESK_KINDS.index("digitise")] == pytest.approx(form["received_in_person_or_postal"])
    submission = measured.task_minutes["guidance"]
    assert 5.0 < submission < 7.0  # the demo serves guidance in about 6 minutes


def test_without_queue_tickets_the_load_comes_from_dossiers(no_tickets_db):
    measured = measure_load(Store(no_tickets_db), DossierFilter(*YEAR_2023, PILOT_IDS))
    assert (measured.arrivals_source, measured.service_source) == ("dossiers", "defaults")
    assert measured.load.arrivals[PURPOSES.index("pickup")].sum() > 0
    assert measured.task_minutes["submission"] == 12.0


def test_task_minutes_override_measured_ones(store):
    measured = measure_load(store, DossierFilter(*YEAR_2023, PILOT_IDS), {"guidance": 20.0})
    assert measured.load.service_minutes[PURPOSES.index("guidance")] == 20.0


def test_adding_agencies_and_growth_need_more_staff(store):
    settings = SimulationSettings(days=60, replications=3)
    pilot = Question(DossierFilter(*YEAR_2023, PILOT_IDS), (1, 2, 3), settings=settings)
    agencies = store.query("agencies")
    others = tuple(agencies.filter(~pl.col("is_pilot"))["agency_id"].to_list())
    wider = Question(pilot.filter, (1, 2, 3), others, settings=settings)
    alone = evaluate(measure_load(store, pilot.load_filter()), pilot)
    added = evaluate(measure_load(store, wider.load_filter()), wider)
    assert alone["smallest_staff"] == 1
    assert added["smallest_staff"] > alone["smallest_staff"]
    one_alone, one_added = alone["scenarios"][0], added["scenarios"][0]
    assert one_added["citizens_per_day"] > 3 * one_alone["citizens_per_day"]
    measured = measure_load(store, pilot.load_filter())
    grown = evaluate(measured, Question(pilot.filter, (1,), growth_pct=100.0, settings=settings))
    # Growth is a volume factor drawn with common random numbers: the grown run keeps every
    # citizen of today's and adds new ones, as many as the load brings in expectation. Each count
    # is Poisson, so each is held to the load's own expectation within four standard deviations:
    # true for any demo, where the ratio of the two noisy counts (once held to 2 ± 0.2) moved with
    # every new draw of the demo; a growth that added nothing, half or twice as much fails by far.
    simulated_days = settings.replications * settings.days_per_replication  # whole weeks
    expected = citizens_per_day(measured.load) * simulated_days
    today = one_alone["citizens_per_day"] * simulated_days
    added = grown["scenarios"][0]["citizens_per_day"] * simulated_days - today
    assert abs(today - expected) <= 4 * math.sqrt(expected)
    assert added >= 0
    assert abs(added - expected) <= 4 * math.sqrt(expected)


def test_growth_what_ifs_share_their_citizens(store):
    # Growth is the simulation's volume factor: a larger growth keeps every simulated citizen of
    # a smaller one and adds more, so on the slider a level's waits only rise with growth.
    base = Question(
        DossierFilter(*YEAR_2023, PILOT_IDS), (1, 2), settings=SimulationSettings(days=60)
    )
    measured = measure_load(store, base.load_filter())
    grid = [
        evaluate(measured, replace(base, growth_pct=growth))["scenarios"]
        for growth in (0.0, 100.0, 200.0, 400.0)
    ]
    for smaller, larger in itertools.pairwise(grid):
        for before, after in zip(smaller, larger, strict=True):
            for name in ("mean_wait_min", "p95_wait_min", "p_wait_over_target"):
                assert after[name] >= before[name], (before["staff"], name)
    assert grid[0][0]["meets_target"] and not grid[-1][0]["meets_target"]


def test_levels_far_too_few_are_answered_without_simulating_the_queue(store):
    # Eleven times the pilot and every other agency: one to four staff could not do the day's
    # counter work even round the clock. The answer says so, in words, and stays clean.
    agencies = store.query("agencies")
    others = tuple(agencies.filter(~pl.col("is_pilot"))["agency_id"].to_list())
    question = Question(DossierFilter(*YEAR_2023, PILOT_IDS), (1, 2, 3, 4), others, 1000.0)
    for lang in ("vi", "en"):
        result = answer(store, question, lang)
        for scenario_result in result["scenarios"]:
            assert scenario_result["stable"] is False and scenario_result["runaway"]
            assert scenario_result["p95_wait_min"] == math.inf
            assert_clean(scenario_result["sentence"])
        assert result["smallest_staff"] is None
    sentence = result["scenarios"][0]["sentence"]
    assert "round the clock" in sentence and "unbounded" not in sentence
    assert unbounded_note(result["scenarios"], "en") == (
        "Waits with no bound (the queue never settles) are not drawn: 1, 2, 3, 4 staff."
    )
    pilot = answer(store, replace(question, added_agency_ids=(), growth_pct=0.0), "en")
    assert unbounded_note(pilot["scenarios"], "en") is None
    printed = json.loads(json.dumps(json_ready(result)))
    assert printed["scenarios"][0]["mean_wait_min"] is None  # JSON has no infinity


def test_answer_gives_sentences_and_breadth_in_both_languages(store):
    question = Question(
        DossierFilter(*YEAR_2023, PILOT_IDS), (1, 2), settings=SimulationSettings(days=20)
    )
    for lang in ("vi", "en"):
        result = answer(store, question, lang)
        assert all("{" not in s["sentence"] for s in result["scenarios"])
        assert result["breadth"]["postal_procedures"] > 2 * result["breadth"]["agency_procedures"]
        assert result["breadth"]["postal_fields"] > result["breadth"]["agency_fields"]
    assert "nhân viên" in answer(store, question, "vi")["answer"]


def test_scenario_sentence_says_why_a_level_falls_short():
    target = ServiceTarget()
    busy = {"staff": 1, "meets_target": False, "utilisation": 0.95, "p_wait_over_target": 0.05,
            "mean_wait_min": 3.0, "p95_wait_min": 12.0}  # fmt: skip
    assert "should be busy less than 85%" in scenario_sentence(busy, target, "en")
    slow = busy | {"utilisation": 0.6, "p_wait_over_target": 0.3}
    assert "fewer than 90% of citizens are served within 15 minutes" in scenario_sentence(
        slow, target, "en"
    )
    both = busy | {"p_wait_over_target": 0.3}
    assert "served within 15 minutes, and staff should be busy less" in scenario_sentence(
        both, target, "en"
    )


# --- the queries on small given rows --------------------------------------------------------


def test_counter_queries_on_given_tickets(tmp_path):
    con = db.connect_for_writing(tmp_path / "given.duckdb")
    at = dt.datetime
    db.insert_frame(
        con,
        "counter_visits",
        pl.DataFrame(
            {
                "visit_id": [1, 2, 3, 4],
                "agency_id": [1, 1, 1, 2],
                "purpose": ["submission", "submission", "pickup", "submission"],
                # Monday 2023-03-06 09:10 and 09:40, Tuesday 14:05, and another agency.
                "ticket_issued_at": [
                    at(2023, 3, 6, 9, 10),
                    at(2023, 3, 6, 9, 40),
                    at(2023, 3, 7, 14, 5),
                    at(2023, 3, 6, 9, 15),
                ],
                "called_at": [
                    at(2023, 3, 6, 9, 12),
                    at(2023, 3, 6, 9, 41),
                    at(2023, 3, 7, 14, 5),
                    None,
                ],
                "finished_at": [
                    at(2023, 3, 6, 9, 22),
                    at(2023, 3, 6, 9, 55),
                    at(2023, 3, 7, 14, 9),
                    None,
                ],
            }
        ),
    )
    params = {"date_from": dt.date(2023, 3, 1), "date_to": dt.date(2023, 3, 31), "agency_ids": [1]}
    arrivals = db.run_query(con, "counter_arrivals_by_weekday_hour", params)
    assert arrivals.rows() == [("pickup", 1, 14, 1, 1), ("submission", 0, 9, 2, 1)]
    service = db.run_query(con, "counter_service_minutes", params)
    assert service.select("purpose", "visits", "mean_minutes").rows() == [
        ("pickup", 1, 4.0),
        ("submission", 2, 12.0),
    ]
    everyone = db.run_query(con, "counter_arrivals_by_weekday_hour", params | {"agency_ids": []})
    assert everyone["arrivals"].sum() == 4


# --- the command line and the benchmark -----------------------------------------------------


def test_cli_model_only_erlang_c_json(capsys):
    code = cli.main(
        ["staffing", "--arrivals-per-hour", "9", "--service-minutes", "10", "--staff", "2,3",
         "--model", "erlang-c", "--format", "json"]
    )  # fmt: skip
    assert code == 0
    scenarios = json.loads(capsys.readouterr().out)["scenarios"]
    assert [s["staff"] for s in scenarios] == [2, 3]
    assert scenarios[0]["mean_wait_min"] == pytest.approx(12.857, abs=0.001)
    assert scenarios[0]["p_wait_over_15"] == pytest.approx(0.3037, abs=0.0005)
    assert scenarios[1]["mean_wait_min"] < scenarios[0]["mean_wait_min"]


def test_cli_model_only_simulation_json(capsys):
    args = ["staffing", "--arrivals-per-hour", "9", "--service-minutes", "10", "--staff", "2",
            "--model", "simulation", "--days", "40", "--format", "json"]  # fmt: skip
    assert cli.main(args) == 0
    first = json.loads(capsys.readouterr().out)["scenarios"][0]
    assert {"utilisation", "p_wait", "mean_wait_min", "p_wait_over_15", "p95_wait_min"} <= set(
        first
    )
    assert 0.6 < first["utilisation"] < 0.9
    assert cli.main(args) == 0
    assert json.loads(capsys.readouterr().out)["scenarios"][0] == first


def test_cli_on_the_demo_pilot_and_added_agency(demo_db, capsys):
    base = ["staffing", "--db", str(demo_db), "--staff", "1,2", "--days", "20", "--format", "json"]
    assert cli.main(base) == 0
    pilot = json.loads(capsys.readouterr().out)
    assert pilot["agency_ids"] == list(PILOT_IDS)
    assert pilot["period"] == ["2023-01-01", "2023-12-31"]
    assert pilot["scenarios"][0]["erlang_c"]["utilisation"] > 0
    assert cli.main([*base, "--add-agency", "SKHDT", "--growth", "10"]) == 0
    wider = json.loads(capsys.readouterr().out)
    assert wider["added_agency_ids"] == [7]
    assert wider["citizens_per_day"] > pilot["citizens_per_day"]
    assert cli.main([*base[:-2], "--lang", "en"]) == 0
    assert "postal staff" in capsys.readouterr().out


def test_cli_explains_wrong_arguments(demo_db, capsys):
    assert cli.main(["staffing", "--db", str(demo_db), "--add-agency", "nowhere"]) == 2
    assert "--agency" in capsys.readouterr().err
    assert cli.main(["staffing", "--arrivals-per-hour", "9"]) == 2
    assert "go together" in capsys.readouterr().err


def test_bench_staffing_reports_measured_seconds(demo_db):
    result = bench_staffing(demo_db)
    assert result["staff_levels"] == 4 and result["days"] == 200
    assert 0 < result["load_seconds"] < result["seconds"]
    assert result["citizens_simulated"] > 10_000


def test_desk_work_and_dossier_arrivals_on_given_dossiers(small_db):
    monday = dt.datetime(2023, 3, 6, 9, 30)
    path = small_db(
        [
            dossier("A", channel=2, received_at=monday),
            dossier("B", channel=1, received_at=monday, returned_at=dt.datetime(2023, 3, 7, 14, 5)),
            dossier("C", channel=3, received_at=monday + dt.timedelta(days=1)),
            dossier("D", channel=1, agency_id=2, received_at=monday),
            dossier("E", channel=1, status=3, received_at=None),  # not accepted: never counted
        ]
    )
    params = DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 3, 31), (1,)).params()
    store = Store(path)
    desk = store.query("desk_work_by_day", params)
    assert desk.rows() == [
        (dt.date(2023, 3, 6), 0, 1, 1),
        (dt.date(2023, 3, 7), 1, 0, 1),
    ]
    visits = store.query("counter_arrivals_from_dossiers", params)
    # A and C's results are returned on the fixture's default day (Monday 6 March, 10:00).
    assert visits.select("purpose", "weekday", "hour", "arrivals").rows() == [
        ("pickup", 0, 10, 2),
        ("pickup", 1, 14, 1),
        ("submission", 0, 9, 1),
    ]


def test_staffer_breadth_by_month_on_given_dossiers(small_db):
    path = small_db(
        [
            dossier("A", agency_id=1, field_id=1, received_by=1),
            dossier("B", agency_id=2, field_id=2, received_by=1),
            dossier("C", agency_id=2, field_id=2, received_by=2),
            dossier(
                "D",
                agency_id=2,
                field_id=2,
                received_by=2,
                received_at=dt.datetime(2023, 4, 3, 8, 0),
            ),
        ]
    )
    params = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31)).params()
    monthly = Store(path).query("staffer_breadth_by_month", params)
    assert monthly.select(
        "staff_id", "organisation", "month", "dossiers", "fields", "agencies"
    ).rows() == [
        (1, "postal", dt.date(2023, 3, 1), 2, 2, 2),
        (2, "agency", dt.date(2023, 3, 1), 1, 1, 1),
        (2, "agency", dt.date(2023, 4, 1), 1, 1, 1),
    ]
    from onestop.staffing.load import breadth_by_staffer, breadth_comparison

    comparison = breadth_comparison(breadth_by_staffer(monthly))
    assert comparison["postal_fields"] == 2.0 and comparison["agency_fields"] == 1.0


def test_staffing_page_answers_for_the_demo_pilot(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(db.DB_ENV_VAR, str(demo_db))
    page = AppTest.from_file(
        str(Path(__file__).parent.parent / "pages" / "staffing.py"), default_timeout=60
    )
    page.query_params["lang"] = "en"
    page.run()
    assert not page.exception
    assert any("One postal staffer is enough" in s.value for s in page.success)
    charts = {chart.key for chart in page.get("plotly_chart")}
    assert {"staffing_wait_chart", "staffing_utilisation_chart"} <= charts
    page.select_slider(key="days").set_value(50)
    page.multiselect(key="add_agencies").set_value([7, 8, 9, 10, 11, 12, 13, 14])
    page.run()
    assert not page.exception
    assert any("One postal staffer is not enough" in w.value for w in page.warning)
    assert any("It takes at least" in c.value for c in page.caption)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_staffing_page_says_which_waits_it_cannot_draw(demo_db, monkeypatch, lang):
    # Every agency's load tripled: one staffer could not do it round the clock.
    page = run_staffing_page(demo_db, monkeypatch, lang)
    page.select_slider(key="days").set_value(50)
    page.multiselect(key="add_agencies").set_value([7, 8, 9, 10, 11, 12, 13, 14])
    page.slider(key="growth").set_value(200).run()
    assert not page.exception
    staff = t("staffing.staff_one", lang, n="1")
    # Erlang C's mean has no bound at 2 to 4 staff too (its busiest hours are overloaded).
    note = t(
        "staffing.chart_unbounded", lang, staff=t("staffing.staff_other", lang, n="1, 2, 3, 4")
    )
    assert note in [caption.value for caption in page.caption]
    runaway = t("staffing.scenario_sentence_runaway", lang, staff=staff, utilisation="", verdict="")
    assert runaway[:30] in page_text(page)
    assert_clean(page_text(page).replace("{", "").replace("}", ""))


def test_results_collected_in_the_period_count_whenever_the_dossier_ended(small_db):
    """Processed on 18/01, collected on 06/02: a February pickup, though Biểu 06 skips it."""
    path = small_db(
        [
            dossier(
                "OLD",
                received_at=dt.datetime(2023, 1, 10, 9),
                due_at=dt.datetime(2023, 1, 20, 17),
                ended_at=dt.datetime(2023, 1, 18, 10),
                returned_at=dt.datetime(2023, 2, 6, 14, 20),
            )
        ]
    )
    february = DossierFilter(dt.date(2023, 2, 1), dt.date(2023, 2, 28)).params()
    visits = Store(path).query("counter_arrivals_from_dossiers", february)
    assert visits.select("purpose", "weekday", "hour", "arrivals").rows() == [("pickup", 0, 14, 1)]


def test_tickets_in_closed_hours_queue_for_the_next_opening():
    from onestop.staffing.load import PURPOSES, arrival_profile

    counts = pl.DataFrame(
        {
            "purpose": [PURPOSES[0]] * 3,
            "weekday": [0, 0, 0],
            "hour": [6, 12, 18],
            "arrivals": [2.0, 10.0, 4.0],
        }
    )
    days = np.array([1.0, 1, 1, 1, 1, 0, 0])
    profile = arrival_profile(counts, days)[0, 0]
    assert profile[7] == 2.0  # before opening → first morning hour
    assert profile[13] == 10.0  # lunch → the afternoon opening, not back into the morning
    assert profile[16] == 4.0  # after closing → the last open hour
    assert profile.sum() == 16.0


# --- sentences: no None, nan or -0, one verdict, English plurals ----------------------------

NEGATIVE_ZERO = re.compile(r"(?<!\d)-0(?:[.,]0+)?(?![\d.,])")
NOT_A_NUMBER = re.compile(r"\b(None|nan|NaN|inf)\b")


def assert_clean(text: str) -> None:
    """No missing value or negative zero leaks into what users read."""
    assert not NOT_A_NUMBER.search(text), text
    assert not NEGATIVE_ZERO.search(text), text
    assert "{" not in text and "}" not in text, text


SINGULAR_WRONG = re.compile(r"(?<![\d.,])1 (staff|minutes|agencies|distinct procedures|fields)\b")
PLURAL_WRONG = re.compile(r"\b([02-9]|\d{2,}|\d+[.,]\d+) (staffer|minute|agency|procedure|field)\b")


def assert_english_plurals(text: str) -> None:
    assert not SINGULAR_WRONG.search(text), text
    assert not PLURAL_WRONG.search(text), text


def _percent_in(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return float(found.group(1).replace(",", ""))


def assert_one_verdict(result: dict, target: ServiceTarget, sentence: str) -> None:
    """The English sentence's figures sit on the side of each threshold its verdict says."""
    from onestop.staffing.answer import threshold_share

    share = float(threshold_share(target.share_within, "en").rstrip("%").replace(",", ""))
    limit = float(threshold_share(target.max_utilisation, "en").rstrip("%").replace(",", ""))
    waits_ok, busy_ok = target.waits_met(result), target.busy_met(result)
    busy = _percent_in(r"(?:busy|work alone is) ([\d.,]+)% of (?:their|the) working time", sentence)
    assert (busy < limit) == busy_ok, sentence
    # A runaway level's sentence gives no share within the target: nobody is, in the long run.
    assert ("round the clock" in sentence) == bool(result.get("runaway")), sentence
    if "no citizens came" not in sentence and not result.get("runaway"):
        within = _percent_in(r": ([\d.,]+)% of citizens wait no more than", sentence)
        assert (within >= share) == waits_ok, sentence
    assert sentence.endswith("Meets the target.") == (waits_ok and busy_ok), sentence
    assert ("fewer than" in sentence) == (not waits_ok), sentence
    assert ("should be busy less than" in sentence) == (not busy_ok), sentence


def near(value: float) -> st.SearchStrategy[float]:
    """Values at a threshold and a hair either side of it."""
    return st.sampled_from([value, value - 1e-12, value + 1e-12, value - 0.004, value + 0.004])


targets = st.builds(
    ServiceTarget,
    share_within=st.one_of(
        st.sampled_from([0.9, 0.29, 0.905, 0.5, 0.99, 1.0]), st.floats(0.01, 1.0)
    ),
    wait_min=st.one_of(st.sampled_from([1.0, 15.0, 7.5, 120.0]), st.floats(1.0, 120.0)),
    max_utilisation=st.one_of(st.sampled_from([0.85, 1.0, 0.5]), st.floats(0.01, 1.0)),
)
minutes = st.one_of(
    st.floats(0.0, 600.0), st.sampled_from([-1e-13, 0.0, 0.04, 0.05, 1.0, math.inf, math.nan])
)


@settings(max_examples=400, deadline=None)
@given(
    target=targets,
    staff=st.integers(1, 8),
    p_over=st.floats(0.0, 1.0),
    utilisation=st.floats(0.0, 1.6),
    at_share=st.booleans(),
    at_limit=st.booleans(),
    data=st.data(),
    mean=minutes,
    p95=minutes,
    backlog=minutes,
    overtime=minutes,
    citizens=st.sampled_from([0.0, 0.3, 40.0]),
)
def test_a_scenario_sentence_follows_its_one_verdict(
    target, staff, p_over, utilisation, at_share, at_limit, data, mean, p95, backlog, overtime,
    citizens,
):  # fmt: skip
    if at_share:  # waits exactly at (or a hair off) the target
        p_over = min(max(1.0 - data.draw(near(target.share_within)), 0.0), 1.0)
    if at_limit:
        utilisation = max(data.draw(near(target.max_utilisation)), 0.0)
    result = {
        "staff": staff, "p_wait_over_target": p_over, "utilisation": utilisation,
        "mean_wait_min": mean, "p95_wait_min": p95, "desk_backlog_min": backlog,
        "overtime_min": overtime, "citizens_per_day": citizens,
    }  # fmt: skip
    english = scenario_sentence(result, target, "en")
    assert_clean(english)
    assert_english_plurals(english)
    assert_one_verdict(result, target, english)
    assert english.startswith(f"With {staff} {'staffer' if staff == 1 else 'staff'}:")
    assert_clean(scenario_sentence(result, target, "vi"))


def test_waits_exactly_at_the_target_meet_it_and_a_hair_over_falls_short():
    target = ServiceTarget()  # 90% within 15 minutes, busy under 85%
    at = {"staff": 2, "p_wait_over_target": 0.1, "utilisation": 0.5, "mean_wait_min": 3.0,
          "p95_wait_min": 15.0, "citizens_per_day": 40.0}  # fmt: skip
    assert "90% of citizens wait no more than 15 minutes" in scenario_sentence(at, target, "en")
    assert scenario_sentence(at, target, "en").endswith("Meets the target.")
    # 89.6% used to be written "90% wait under 15 minutes ... fewer than 90% served in time".
    short = at | {"p_wait_over_target": 0.104}
    sentence = scenario_sentence(short, target, "en")
    assert "89% of citizens wait no more than 15 minutes" in sentence
    assert "Falls short: fewer than 90% of citizens are served within 15 minutes." in sentence
    busy = at | {"utilisation": 0.85}
    assert "staff are busy 85%" in scenario_sentence(busy, target, "en")
    assert "should be busy less than 85%" in scenario_sentence(busy, target, "en")
    assert "staff are busy 84%" in scenario_sentence(at | {"utilisation": 0.8496}, target, "en")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("enough", [None, 1, 2, 8])
def test_the_answer_is_clean_and_counts_staff_right(enough, lang):
    from onestop.staffing.answer import answer_sentence

    sentence = answer_sentence(enough, ServiceTarget(wait_min=1.0), lang)
    assert_clean(sentence)
    if lang == "en":
        assert_english_plurals(sentence)
        assert re.search(r"no more than 1 minute\b", sentence)
        expected = {None: "from 1 to 8 staff meets", 1: "One postal staffer is enough",
                    2: "at least 2 postal staff", 8: "at least 8 postal staff"}  # fmt: skip
        assert expected[enough] in sentence


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    "comparison",
    [
        {"postal_procedures": 64.0, "postal_fields": 16.0, "agency_procedures": 1.0,
         "agency_fields": 1.0},
        {"postal_procedures": 1.5, "postal_fields": 1.0, "agency_procedures": None,
         "agency_fields": None},
        {"postal_procedures": None, "postal_fields": None, "agency_procedures": 0.0,
         "agency_fields": 2.0},
        {"postal_procedures": None, "postal_fields": None, "agency_procedures": None,
         "agency_fields": None},
        {"postal_procedures": -1e-14, "postal_fields": 0.04, "agency_procedures": 10.5,
         "agency_fields": 0.96},
    ],
)  # fmt: skip
def test_the_breadth_sentence_says_no_data_rather_than_none_or_zero(comparison, lang):
    from onestop.staffing.answer import breadth_sentence

    sentence = breadth_sentence(comparison, lang)
    assert_clean(sentence)
    if lang == "en":
        assert_english_plurals(sentence)
        missing = comparison["agency_fields"] is None or comparison["postal_fields"] is None
        assert ("no data" in sentence) == missing


def test_a_tiny_load_never_waits_a_negative_time():
    # SimPy reaches an arrival time by adding timeouts and can land an ulp early: this load used
    # to give a mean wait of -1.8e-14 minutes, written "-0,0 phút".
    result = simulate(constant_load(0.05, 10), 1, SimulationSettings())
    assert result["mean_wait_min"] >= 0.0 and result["p95_wait_min"] >= 0.0


@pytest.mark.parametrize(
    ("arrivals_per_hour", "staff"),
    [(0.0, 1), (0.05, 1), (0.05, 3), (9.0, 1), (9.0, 2), (60.0, 1), (60.0, 2)],
)
def test_real_model_runs_give_clean_consistent_sentences(arrivals_per_hour, staff):
    """No arrivals, a tiny load, a busy counter and an overloaded one, through both models."""
    from onestop.staffing.models import scenario

    question = Question(DossierFilter(*YEAR_2023), (staff,), settings=SimulationSettings(days=20))
    load = constant_load(arrivals_per_hour, 10, question.settings.hours)
    for model in ("simulation", "erlang-c"):
        result = scenario(load, staff, question, model)
        for lang in ("vi", "en"):
            sentence = scenario_sentence(result, question.target, lang)
            assert_clean(sentence)
        assert_english_plurals(sentence)
        assert_one_verdict(result, question.target, sentence)


HOSTILE_AGENCY = "**Sở** [Xây dựng](https://evil.example) <b>$x$</b> :red[y]"


@pytest.fixture
def sparse_db(small_db) -> Path:
    """Two agencies (one with a hostile name) and a handful of in-person dossiers."""
    monday = dt.datetime(2023, 3, 6, 9, 30)
    path = small_db(
        [
            dossier("A", channel=1, received_at=monday),
            dossier("B", channel=1, received_at=monday + dt.timedelta(days=1), received_by=2),
            dossier("C", channel=1, agency_id=2, received_at=monday, received_by=2),
        ]
    )
    con = db.connect_for_writing(path)
    con.execute("update agencies set name = $name where agency_id = 2", {"name": HOSTILE_AGENCY})
    con.close()
    return path


@pytest.mark.parametrize("growth", [-50.0, -5.0, 0.0, 5.0, 100.0, 200.0])
def test_answer_sentences_are_clean_for_any_growth(sparse_db, growth):
    question = Question(
        DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 3, 31), (1,)),
        (1, 2),
        (2,),
        growth,
        settings=SimulationSettings(days=20, replications=2),
    )
    for lang in ("vi", "en"):
        result = answer(Store(sparse_db), question, lang)
        texts = [s["sentence"] for s in result["scenarios"]]
        texts += [result["answer"], result["scope"]["sentence"], result["source"]["sentence"]]
        texts.append(result["breadth"]["sentence"])
        for text in texts:
            assert_clean(text)
        if lang == "en":
            for text in texts:
                assert_english_plurals(text)
            scope = result["scope"]["sentence"]
            assert "Load of 1 agency from 2023-03-01 to 2023-03-31." in scope
            assert "the load of 1 agency" in scope
            word = {True: "grown by", False: "reduced by"}[growth > 0]
            assert (f"{word} {abs(growth):g}%" in scope) == (growth != 0)


def test_agency_names_are_escaped_only_where_markdown_renders_them(sparse_db):
    from onestop.core.text import markdown_literal

    question = Question(
        DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 3, 31), (1,)), (1,), (2,),
        settings=SimulationSettings(days=10, replications=2),
    )  # fmt: skip
    for_page = answer(Store(sparse_db), question, "en", markdown=True)["scope"]["sentence"]
    assert markdown_literal(HOSTILE_AGENCY) in for_page and HOSTILE_AGENCY not in for_page
    for_terminal = answer(Store(sparse_db), question, "en")["scope"]["sentence"]
    assert HOSTILE_AGENCY in for_terminal


# --- the page on sparse data ----------------------------------------------------------------


def page_text(page) -> str:
    """Everything a user reads on the page: sentences, notices and the table's shown values."""
    parts = [
        element.value
        for kind in ("markdown", "caption", "success", "info", "warning", "error", "subheader")
        for element in page.get(kind)
    ]
    parts += [str(frame.proto) for frame in page.get("arrow_data_frame")]
    return "\n".join(parts)


def run_staffing_page(path: Path, monkeypatch, lang: str, **params: str):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(db.DB_ENV_VAR, str(path))
    page = AppTest.from_file(
        str(Path(__file__).parent.parent / "pages" / "staffing.py"), default_timeout=120
    )
    page.query_params["lang"] = lang
    for name, value in params.items():
        page.query_params[name] = value
    page.run()
    return page


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_staffing_page_on_one_dossier_and_no_counter_visits(small_db, monkeypatch, lang):
    path = small_db([dossier("ONLY", channel=1)])
    page = run_staffing_page(path, monkeypatch, lang)
    assert not page.exception
    page.select_slider(key="days").set_value(50).run()
    assert not page.exception
    text = page_text(page)
    assert_clean(text.replace("{", "").replace("}", ""))
    assert page.success or page.warning or page.info
    if lang == "en":
        assert "no data" in text  # the breadth of agencies' own officers is not 0
        assert "With 1 staffer:" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_staffing_page_on_an_empty_period_says_there_is_no_work(small_db, monkeypatch, lang):
    path = small_db([dossier("ONLY", channel=1)])
    page = run_staffing_page(path, monkeypatch, lang, **{"from": "2023-06-01", "to": "2023-06-30"})
    assert not page.exception
    assert [info.value for info in page.info] == [t("staffing.answer_no_load", lang)]
    assert_clean(page_text(page).replace("{", "").replace("}", ""))


def test_staffing_page_escapes_an_added_agency_name(sparse_db, monkeypatch):
    from onestop.core.text import markdown_literal

    page = run_staffing_page(sparse_db, monkeypatch, "en", agency="STP")
    page.select_slider(key="days").set_value(50)
    page.multiselect(key="add_agencies").set_value([2]).run()
    assert not page.exception
    captions = [caption.value for caption in page.caption]
    assert any(markdown_literal(HOSTILE_AGENCY) in caption for caption in captions)
    assert not any(HOSTILE_AGENCY in caption for caption in captions)


def test_staffing_page_shows_measured_minutes_beyond_the_inputs_range(small_db, monkeypatch):
    """Twenty 5-hour visits: the measured 300 minutes used to crash the number input, which now
    widens to hold them (as tests/test_pages_edge_cases.py asks)."""
    path = small_db([dossier("A", channel=1)])
    start = dt.datetime(2023, 3, 6, 8, 0)
    con = db.connect_for_writing(path)
    db.insert_frame(
        con,
        "counter_visits",
        pl.DataFrame(
            {
                "visit_id": list(range(1, 21)),
                "agency_id": [1] * 20,
                "purpose": ["guidance"] * 20,
                "ticket_issued_at": [start + dt.timedelta(days=i) for i in range(20)],
                "called_at": [start + dt.timedelta(days=i) for i in range(20)],
                "finished_at": [start + dt.timedelta(days=i, hours=5) for i in range(20)],
            }
        ),
    )
    con.close()
    page = run_staffing_page(path, monkeypatch, "en", **{"from": "2023-03-01", "to": "2023-04-30"})
    assert not page.exception
    assert page.text_input(key="minutes_guidance").value == "300.0"  # English: a decimal dot
    assert_clean(page_text(page).replace("{", "").replace("}", ""))
