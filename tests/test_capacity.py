"""Capacity: the volume factor brackets the target where Erlang C knows the answer, agencies are
added lightest first until the target breaks, the peak month and hour are judged on their own,
the factor agrees with `onestop staffing --growth`, and `onestop capacity` answers in JSON."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from onestop.cli import main as cli
from onestop.core import db
from onestop.core.calendar import DEFAULT_HOURS, working_days
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.staffing import Question, ServiceTarget, capacity_report, measure_load
from onestop.staffing.capacity import (
    MAX_FACTOR,
    breadth_steps,
    capacity,
    max_volume_factor,
    monthly_workload,
    simulate_at,
)
from onestop.staffing.queueing import erlang_c
from onestop.staffing.simulation import SimulationSettings

MARCH = (dt.date(2023, 3, 1), dt.date(2023, 3, 31))
# A wait target the transient of a four-hour session hardly touches: one-minute services.
TARGET = ServiceTarget(share_within=0.9, wait_min=3.0, max_utilisation=0.85)
EXPONENTIAL = SimulationSettings(
    days=200, replications=10, seed=3, distribution="exponential", target_wait_min=3.0
)


def tickets(
    agency_id: int,
    per_hour: float,
    days: np.ndarray,
    service_minutes: float = 1.0,
    hours: list[int] | None = None,
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
) -> list[dict]:
    """Queue tickets at a constant rate through the open minutes of the given working days."""
    rows = []
    gap = 60.0 / per_hour
    for day in days.astype(dt.date):
        if day.weekday() not in weekdays:
            continue
        midnight = dt.datetime.combine(day, dt.time())
        for start, end in DEFAULT_HOURS.sessions(day.weekday()):
            minute = start + gap / 2
            while minute < end:
                if hours is None or int(minute // 60) in hours:
                    issued = midnight + dt.timedelta(minutes=minute)
                    rows.append(
                        {
                            "agency_id": agency_id,
                            "purpose": "submission",
                            "ticket_issued_at": issued,
                            "called_at": issued,
                            "finished_at": issued + dt.timedelta(minutes=service_minutes),
                        }
                    )
                minute += gap
    return rows


def counter_db(path: Path, visits: list[dict], agencies: int = 3) -> Path:
    """A database holding agencies and queue tickets only (no dossiers, so no desk work)."""
    frame = pl.DataFrame(visits).with_row_index("visit_id").cast({"visit_id": pl.Int64})
    con = db.connect_for_writing(path)
    try:
        db.insert_frame(
            con,
            "agencies",
            pl.DataFrame(
                {
                    "agency_id": list(range(1, agencies + 1)),
                    "code": [f"A{i}" for i in range(1, agencies + 1)],
                    "name": [f"Cơ quan {i}" for i in range(1, agencies + 1)],
                }
            ),
        )
        db.insert_frame(con, "counter_visits", frame)
    finally:
        con.close()
    return path


def erlang_factor(per_hour: float, target: ServiceTarget) -> float:
    """The factor at which M/M/1 with one-minute services just meets the target (bisection)."""

    def meets(rate: float) -> bool:
        queue = erlang_c(rate, 1.0, 1)
        return queue.p_wait_over(target.wait_min) <= 1 - target.share_within and (
            queue.utilisation < target.max_utilisation
        )

    low, high = 0.0, 60.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if meets(middle) else (low, middle)
    return low / per_hour


@pytest.fixture(scope="module")
def constant_db(tmp_path_factory) -> Path:
    """Agency 1: 12 citizens an hour, every open minute of March 2023, one-minute services."""
    path = tmp_path_factory.mktemp("capacity") / "constant.duckdb"
    return counter_db(path, tickets(1, 12.0, working_days(*MARCH)), agencies=1)


def test_the_factor_brackets_the_erlang_c_answer(constant_db):
    # Given a constant 12 citizens an hour served in exponential one-minute services by one
    # staffer, Erlang C puts the target's edge at about 2.4 times today's volume.
    expected = erlang_factor(12.0, TARGET)
    assert 2.0 < expected < 3.0
    measured = measure_load(Store(constant_db), DossierFilter(*MARCH, (1,)))
    assert measured.service_cv == 0.0 and measured.task_minutes["submission"] == 1.0
    # When the simulation searches for the largest factor that meets it
    search = max_volume_factor(measured.load, 1, TARGET, EXPONENTIAL)
    # Then it brackets the target within 2%, near the closed form
    assert search.meets is not None and search.fails is not None
    assert search.fails / search.meets <= 1.02 + 1e-9
    assert search.factor == pytest.approx(expected, rel=0.05)
    # And just below Erlang C's edge the target is met, just above it is not.
    below = simulate_at(measured.load, 1, EXPONENTIAL, 0.9 * expected)
    above = simulate_at(measured.load, 1, EXPONENTIAL, 1.1 * expected)
    assert TARGET.met_by(below)
    assert not TARGET.met_by(above)
    # The reported factor itself meets it and is rounded down, never up.
    assert search.factor <= search.meets
    assert TARGET.met_by(simulate_at(measured.load, 1, EXPONENTIAL, search.factor))


def test_the_busy_limit_binds_when_waits_are_lax(constant_db):
    # Given a target anyone waiting under an hour meets, only the 85% busy limit binds:
    # 12 one-minute services an hour keep the staffer 20% busy, so the edge is 0.85 / 0.2.
    lax = ServiceTarget(share_within=0.5, wait_min=60.0, max_utilisation=0.85)
    measured = measure_load(Store(constant_db), DossierFilter(*MARCH, (1,)))
    search = max_volume_factor(measured.load, 1, lax, EXPONENTIAL)
    assert search.factor == pytest.approx(0.85 / 0.2, rel=0.03)


def test_a_load_that_meets_at_the_largest_factor_is_capped(constant_db):
    tiny = ServiceTarget(share_within=0.5, wait_min=120.0, max_utilisation=1.0)
    measured = measure_load(Store(constant_db), DossierFilter(*MARCH, (1,)))
    search = max_volume_factor(measured.load.scaled(0.01), 1, tiny, EXPONENTIAL)
    assert search.capped and search.factor == MAX_FACTOR and search.fails is None


@pytest.fixture(scope="module")
def three_agencies_db(tmp_path_factory) -> Path:
    """Agency 1 (today's): 6 an hour; agency 2: 3 an hour; agency 3: 30 an hour."""
    days = working_days(*MARCH)
    visits = tickets(1, 6.0, days) + tickets(2, 3.0, days) + tickets(3, 30.0, days)
    return counter_db(tmp_path_factory.mktemp("capacity") / "three.duckdb", visits)


QUICK_EXPONENTIAL = SimulationSettings(
    days=100, replications=5, seed=3, distribution="exponential", target_wait_min=3.0
)


def small_question(agencies=(1,), **values) -> Question:
    return Question(
        DossierFilter(*MARCH, agencies),
        target=TARGET,
        settings=QUICK_EXPONENTIAL,
        **values,
    )


def test_agencies_are_added_lightest_first_until_the_target_breaks(three_agencies_db):
    store = Store(three_agencies_db)
    answer = capacity(store, small_question(), 1)
    # Today 6 an hour and with agency 2 9 an hour meet the target; adding agency 3's 30 an
    # hour (39 with one-minute services: 65% busy, a quarter waiting over 3 minutes) breaks it.
    assert [step.agency_id for step in answer.steps] == [None, 2, 3]
    assert [step.meets for step in answer.steps] == [True, True, False]
    assert [step.agency_id for step in answer.fitting] == [2]
    assert answer.first_over.agency_id == 3
    names = capacity_report.agency_names(store)
    sentence = capacity_report.agencies_sentence(answer, names, "vi")
    assert "Cơ quan 2" in sentence and "Cơ quan 3" in sentence
    result = capacity_report.to_json(answer, names)
    assert result["agencies_added"] == ["Cơ quan 2"]
    assert result["first_agency_over_target"] == "Cơ quan 3"


def test_an_agency_already_added_in_the_what_if_is_not_offered_again(three_agencies_db):
    store = Store(three_agencies_db)
    answer = capacity(store, small_question(added_agency_ids=(2,)), 1)
    assert [step.agency_id for step in answer.steps] == [None, 3]


@pytest.fixture(scope="module")
def peaks_db(tmp_path_factory) -> Path:
    """Agency 1 all spring at 6 an hour; March adds 25 an hour; Mondays 8–9 h add 30 more."""
    spring = working_days(dt.date(2023, 2, 1), dt.date(2023, 4, 30))
    visits = (
        tickets(1, 6.0, spring)
        + tickets(1, 25.0, working_days(*MARCH))
        + tickets(1, 30.0, spring, hours=[8], weekdays=(0,))
    )
    return counter_db(tmp_path_factory.mktemp("capacity") / "peaks.duckdb", visits, agencies=1)


def test_enough_on_average_does_not_hide_the_peak_month_or_hour(peaks_db):
    store = Store(peaks_db)
    question = Question(
        DossierFilter(dt.date(2023, 2, 1), dt.date(2023, 4, 30), (1,)),
        target=TARGET,
        settings=QUICK_EXPONENTIAL,
    )
    answer = capacity(store, question, 1, candidates=())
    assert answer.steps[0].meets  # on average one staffer is enough
    # March's 31 citizens an hour (one-minute services, 52% busy) leave over 10% waiting
    # longer than 3 minutes: not enough in the peak month.
    assert answer.peak_month.month == dt.date(2023, 3, 1)
    # (A day is the mean of the five weekdays' profiles: Monday's extra 30 counts a fifth.)
    assert answer.peak_month.citizens_per_day == pytest.approx(31 * 7.5 + 30 / 5, rel=0.01)
    assert not answer.peak_month.meets
    # Monday 8–9 h brings 36 citizens an hour (and March's 25 more on a third of the Mondays):
    # as a whole day that busy, one staffer fails.
    mondays = working_days(dt.date(2023, 2, 1), dt.date(2023, 4, 30)).astype(dt.date)
    march_share = np.mean([day.month == 3 for day in mondays if day.weekday() == 0])
    assert (answer.peak_hour.weekday, answer.peak_hour.hour) == (0, 8)
    assert answer.peak_hour.citizens_per_hour == pytest.approx(36.0 + 25.0 * march_share)
    assert not answer.peak_hour.meets
    result = capacity_report.to_json(answer, capacity_report.agency_names(store))
    assert result["peak"]["month"]["month"] == "2023-03"
    assert (result["peak"]["hour"]["weekday"], result["peak"]["hour"]["hour"]) == (0, 8)
    assert result["peak"]["meets_target"] is False
    for lang in ("vi", "en"):
        text = " ".join(capacity_report.peak_sentences(answer, lang))
        assert "03/2023" in text or "Mar 2023" in text
        assert ("Thứ Hai 8–9" in text) or ("Monday 8–9" in text)
        # Each verdict carries its shares, the failing one written below the 90% it misses.
        for peak in (answer.peak_month, answer.peak_hour):
            figures = capacity_report.peak_figures(peak, TARGET, lang)
            assert figures["within"] in capacity_report.peak_sentence(answer, peak, lang)
            assert figures["busy"] in capacity_report.peak_sentence(answer, peak, lang)
            assert float(figures["within"].rstrip("%").replace(",", ".")) < 90


def test_monthly_workload_counts_each_month_per_working_day(peaks_db):
    store = Store(peaks_db)
    flt = DossierFilter(dt.date(2023, 2, 1), dt.date(2023, 4, 30), (1,))
    months = monthly_workload(store, flt, measure_load(store, flt))
    march = months.filter(pl.col("month") == dt.date(2023, 3, 1)).row(0, named=True)
    tickets_in_march = store.query("counter_arrivals_by_month", flt.params()).filter(
        pl.col("month") == dt.date(2023, 3, 1)
    )["arrivals"]
    assert march["citizens"] == tickets_in_march.sum()
    assert march["working_days"] == working_days(*MARCH).size
    assert march["minutes_per_day"] == pytest.approx(march["citizens"] / march["working_days"])


def test_counter_arrivals_by_month_on_given_tickets(tmp_path):
    issued = [dt.datetime(2023, 1, 31, 9), dt.datetime(2023, 2, 1, 9), dt.datetime(2023, 2, 2, 9)]
    visits = [
        {"agency_id": 1, "purpose": "pickup", "ticket_issued_at": at, "called_at": None,
         "finished_at": None}
        for at in issued
    ]  # fmt: skip
    store = Store(counter_db(tmp_path / "months.duckdb", visits, agencies=2))
    flt = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 2, 28), (1,))
    got = store.query("counter_arrivals_by_month", flt.params())
    assert got.rows() == [(dt.date(2023, 1, 1), "pickup", 1), (dt.date(2023, 2, 1), "pickup", 2)]
    other = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 2, 28), (2,))
    assert store.query("counter_arrivals_by_month", other.params()).height == 0


def test_dossier_estimates_and_breadth_by_month_on_given_dossiers(small_db):
    from tests.fixtures import dossier

    path = small_db(
        [
            # In person in March (a submission), returned in April (a pickup).
            dossier("A", channel=1, returned_at=dt.datetime(2023, 4, 3, 9)),
            dossier("B", channel=2, field_id=2, received_at=dt.datetime(2023, 3, 2, 9)),
            dossier("C", channel=3, received_at=dt.datetime(2023, 4, 4, 9),
                    returned_at=None, ended_at=None, status=4),
        ]
    )  # fmt: skip
    store = Store(path)
    flt = DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 4, 30), (1,))
    estimated = store.query("counter_arrivals_from_dossiers_by_month", flt.params())
    # B's result (online, returned 6 March) is collected at the counter too; C is never returned.
    assert estimated.rows() == [
        (dt.date(2023, 3, 1), "pickup", 1),
        (dt.date(2023, 3, 1), "submission", 1),
        (dt.date(2023, 4, 1), "pickup", 1),
    ]
    breadth = store.query("breadth_by_month", flt.params())
    assert breadth.select("month", "dossiers", "fields", "agencies").rows() == [
        (dt.date(2023, 3, 1), 2, 2, 1),
        (dt.date(2023, 4, 1), 1, 1, 1),
    ]


def test_breadth_steps_add_each_agency_to_the_running_total(small_db):
    from tests.fixtures import dossier

    path = small_db(
        [
            dossier("A", field_id=1),
            dossier("B", field_id=2),
            dossier("C", agency_id=2, field_id=2),
        ]
    )
    question = Question(DossierFilter(*MARCH, (1,)))
    steps = breadth_steps(Store(path), question, (2,))
    assert steps["agency_id"].to_list() == [None, 2]
    assert steps["fields"].to_list() == [2.0, 2.0]  # agency 2's one field is already counted
    assert steps["own_fields"].to_list()[1] == 1.0


# --- the demo and the command line --------------------------------------------------------------


def run_cli(capsys, *args: str) -> dict:
    assert cli.main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


QUICK = ("--days", "60", "--replications", "3")


def test_the_factor_agrees_with_onestop_staffing_growth(demo_db, capsys):
    result = run_cli(
        capsys, "capacity", "--db", str(demo_db), "--pilot", "--staff", "1", "--format", "json",
        *QUICK,
    )  # fmt: skip
    assert set(result) == {
        "staff",
        "max_volume_factor",
        "agencies_added",
        "first_agency_over_target",
        "peak",
        "target",
    }
    assert set(result["peak"]) == {"month", "hour", "meets_target"}
    factor = result["max_volume_factor"]
    assert 1.0 < factor < MAX_FACTOR / 1.2

    def meets_at(times: float) -> bool:
        growth = f"{(times * factor - 1.0) * 100:.4f}"
        staffing = run_cli(
            capsys, "staffing", "--db", str(demo_db), "--pilot", "--staff", "1",
            "--growth", growth, "--format", "json", *QUICK,
        )  # fmt: skip
        return staffing["scenarios"][0]["meets_target"]

    assert meets_at(0.85)
    assert not meets_at(1.2)


def test_capacity_table_speaks_both_languages(demo_db, capsys):
    for lang in ("vi", "en"):
        assert (
            cli.main(["capacity", "--db", str(demo_db), "--staff", "2", "--lang", lang, *QUICK])
            == 0
        )
        text = capsys.readouterr().out
        assert ("Tháng cao điểm" if lang == "vi" else "Peak month") in text
        assert not any(marker in text for marker in ("{", "None", "nan"))


@pytest.mark.parametrize(
    "args, message",
    [
        (("--staff", "0"), "expected a whole number from 1 to 8"),
        (("--staff", "two"), "expected a whole number"),
        (("--staff", "1", "--agency", "Nowhere"), "no agency named or coded 'Nowhere'"),
        (("--staff", "1", "--from", "2023-05-01", "--to", "2023-01-01"), "--from must not"),
    ],
)
def test_capacity_explains_wrong_arguments(demo_db, capsys, args, message):
    try:
        code = cli.main(["capacity", "--db", str(demo_db), *args])
    except SystemExit as stopped:  # argparse's own refusals
        code = stopped.code
    assert code == 2
    assert message in capsys.readouterr().err


def test_no_load_gives_no_factor(tmp_path, capsys):
    visits = tickets(1, 6.0, working_days(*MARCH))
    path = counter_db(tmp_path / "quiet.duckdb", visits, agencies=2)
    store = Store(path)
    answer = capacity(store, small_question(agencies=(2,)), 1)
    assert not answer.has_load and answer.search.factor is None
    result = capacity_report.to_json(answer, capacity_report.agency_names(store))
    assert result["max_volume_factor"] is None and result["peak"]["meets_target"] is None
    assert math.isfinite(result["target"]["wait_min"])
