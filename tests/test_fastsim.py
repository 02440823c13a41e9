"""The vectorised counter simulation: against Erlang C, against the SimPy engine (citizen by
citizen on the same draws, and within intervals on the demo's questions), common random numbers
across staff levels and volume factors, and what it says when the queue runs away."""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.core.calendar import CounterHours
from onestop.core.db import Store
from onestop.core.filters import pilot_filter
from onestop.staffing import Question, fastsim, measure_load, simulation
from onestop.staffing.queueing import erlang_c
from onestop.staffing.simulation import CounterLoad, SimulationSettings, constant_load

# Round the clock, every day but Sunday: no closing, so the queue can reach its steady state.
ALWAYS_OPEN = CounterHours(0, 24 * 60, 24 * 60, 24 * 60, saturday_morning=True)
# The figures both engines give; `stable` and the counts of the SimPy engine are not compared.
COMPARED = (
    "mean_wait_min",
    "p95_wait_min",
    "p_wait",
    "p_wait_over_15",
    "p_wait_over_target",
    "utilisation",
    "counter_utilisation",
    "desk_backlog_min",
    "desk_backlog_tasks",
    "overtime_min",
    "citizens_per_day",
)


def with_desk(load: CounterLoad, tasks_per_day: float, minutes: tuple[float, ...]) -> CounterLoad:
    """The load plus desk work of len(minutes) kinds, split evenly, on every weekday."""
    kinds = len(minutes)
    desk = np.full((kinds, 7), tasks_per_day / kinds)
    return CounterLoad(
        load.purposes,
        load.arrivals,
        load.service_minutes,
        tuple(f"kind{k}" for k in range(kinds)),
        desk,
        minutes,
    )


# --- the textbook -------------------------------------------------------------------------


def test_textbook_two_staff_agrees_with_erlang_c():
    # λ = 9/h, exponential service of 10 minutes, 2 staff: Wq = 12.857 min, P(W > 15) = 0.3037.
    settings = SimulationSettings(
        days=200, replications=10, seed=7, distribution="exponential", hours=ALWAYS_OPEN
    )
    simulated = fastsim.simulate(constant_load(9, 10, ALWAYS_OPEN), 2, settings)
    exact = erlang_c(9, 10, 2)
    assert exact.mean_wait_min == pytest.approx(12.857, abs=0.001)
    assert exact.p_wait_over(15) == pytest.approx(0.3037, abs=0.0001)
    for name, value in [
        ("mean_wait_min", exact.mean_wait_min),
        ("p_wait_over_15", exact.p_wait_over(15)),
        ("p_wait", exact.p_wait),
        ("utilisation", exact.utilisation),
        ("p95_wait_min", exact.wait_quantile(0.95)),
    ]:
        assert abs(simulated[name] - value) <= simulated[f"{name}_ci"], name
    assert simulated["mean_wait_min_ci"] < 3.0  # narrow enough to mean something
    assert simulated["stable"]


# --- the same model as the SimPy engine, citizen by citizen ---------------------------------


def _simpy_waits(days: fastsim._Days, lanes: range, staff: int, desk: list[list[float]]):
    """The SimPy engine's waits, desk minutes and backlog for consecutive days (the same draws)."""
    arrival, service, simpy_days = [], [], []
    for offset, lane in enumerate(lanes):
        base = offset * simulation.MINUTES_PER_DAY
        count = int(days.citizens[lane])
        arrival.append(base + days.arrival[:count, lane])
        service.append(days.service[:count, lane])
        sessions = [
            (base + float(s), base + float(e))
            for s, e in zip(days.session_start[lane], days.session_end[lane], strict=True)
            if np.isfinite(s)
        ]
        simpy_days.append(simulation._Day(int(days.weekday[lane]), sessions, desk[offset]))
    arrival_all, service_all = np.concatenate(arrival), np.concatenate(service)
    started, desk_done, backlog = simulation._simulate(arrival_all, service_all, simpy_days, staff)
    return np.maximum(started - arrival_all, 0.0), desk_done, backlog


@pytest.mark.parametrize("staff", [1, 2, 3])
def test_each_day_is_the_simpy_model_on_the_same_draws(staff):
    # A working day with a morning and an afternoon, lognormal service, two kinds of desk work:
    # every citizen's wait, the desk minutes done and the backlog equal SimPy's on those draws.
    settings = SimulationSettings(days=40, replications=2, seed=3)
    load = with_desk(constant_load(7 * staff, 8, settings.hours), 40, (5.0, 12.0))
    days = fastsim._Days(load, settings, 1.0, staff)
    runs = fastsim._Runs(
        np.arange(days.count),
        np.full(days.count, staff),
        fastsim._fresh(np.full(days.count, staff), staff),
        days.new_tasks,
    )
    fastsim._step_days(days, runs)
    assert days.citizens.sum() > 1000 and days.new_tasks.sum() > 1000
    for lane in range(days.count):
        tasks = days.slot_minutes[: days.new_tasks[lane], lane].tolist()
        expected, desk_done, backlog = _simpy_waits(days, range(lane, lane + 1), staff, [tasks])
        waits = runs.waits[: days.citizens[lane], lane]
        np.testing.assert_allclose(waits, expected, atol=1e-3)
        assert days.slot_done[runs.started[lane], lane] == pytest.approx(desk_done)
        assert days.new_tasks[lane] - runs.started[lane] == backlog[0][1]
        # Each session's last finish (overtime), as the SimPy engine counts it.
        count = days.citizens[lane]
        arrival, service = days.arrival[:count, lane], days.service[:count, lane]
        ends = days.session_end[lane]
        session = np.minimum(np.searchsorted(ends, arrival, side="left"), ends.size - 1)
        last = np.full(ends.size, -np.inf)
        np.maximum.at(last, session, arrival + expected + service)
        np.testing.assert_allclose(runs.last_finish[lane], last, atol=1e-3)


def test_days_carry_the_queue_over_midnight_like_simpy():
    # Never closing, the queue at midnight carries into the next day: the stitched days give
    # every citizen of a replication the wait the SimPy engine gives over the whole run.
    settings = SimulationSettings(days=30, replications=2, seed=5, hours=ALWAYS_OPEN)
    load = constant_load(11.5, 10, ALWAYS_OPEN)  # 96% busy with 2 staff: long queues at midnight
    days = fastsim._Days(load, settings, 1.0, 2)
    stitched = fastsim._Stitched(days, np.array([2]))
    for replication in range(settings.replications):
        lanes = range(replication * days.per_replication, (replication + 1) * days.per_replication)
        expected, _, _ = _simpy_waits(days, lanes, 2, [[] for _ in lanes])
        waits = np.concatenate([stitched.waits(replication, d) for d in range(len(lanes))])
        carried = [days.per_replication * replication + d for d in range(len(lanes))]
        assert np.count_nonzero(days.citizens[carried]) == len(lanes)
        np.testing.assert_allclose(waits, expected, atol=1e-3)


def _reference_day(arrival, service, slots, available, sessions, free):
    """One day in plain Python, event by event: the model the vectorised step must equal."""
    free = sorted(free)  # a sorted list is a heap
    waits, started, served, last_desk = [], 0, 0, -math.inf
    while True:
        at = free[0]
        arrives = arrival[served] if served < len(arrival) else math.inf
        task = slots[started] if started < available else math.inf
        # Desk tasks start in queue order: not before the one ahead, in a session they fit in.
        ready = max(at, last_desk)
        desk_at = next((max(ready, s) for s, e in sessions if max(ready, s) + task <= e), math.inf)
        if desk_at < arrives:
            heapq.heapreplace(free, desk_at + task)
            started += 1
            last_desk = desk_at
        elif arrives < math.inf:
            start = max(at, arrives)
            waits.append(start - arrives)
            heapq.heapreplace(free, start + service[served])
            served += 1
        else:
            return waits, started, free


def _reference_replication(days: fastsim._Days, replication: int, staff: int):
    """A replication day after day in plain Python, carrying the backlog and the queue over."""
    lanes = range(replication * days.per_replication, (replication + 1) * days.per_replication)
    overloaded = days.service_total[lanes].sum() > staff * days.open_minutes[lanes].sum()
    free, backlog, out = [0.0] * staff, 0, []
    for lane in lanes:
        count = int(days.citizens[lane])
        bounds = zip(days.session_start[lane], days.session_end[lane], strict=True)
        sessions = [(s, e) for s, e in bounds if np.isfinite(s)]
        waiting = backlog + int(days.new_tasks[lane])
        slots = days.slot_minutes[:, lane] if days.slots else []
        waits, started, free = _reference_day(
            days.arrival[:count, lane], days.service[:count, lane], slots,
            min(waiting, days.slots), sessions, free,
        )  # fmt: skip
        out.append((waits, started, waiting))
        backlog = waiting - started
        free = [f - simulation.MINUTES_PER_DAY for f in free]
        if overloaded and max(free) > days.next_opening[lane] - simulation.MINUTES_PER_DAY:
            free = [0.0] * staff  # a runaway queue is not chased (module docstring)
    return out


@pytest.mark.parametrize(
    ("per_hour", "desk_tasks", "staff"),
    [(3.0, 60, 1), (6.0, 40, 1), (9.0, 70, 2), (14.0, 120, 3), (40.0, 10, 2), (8.0, 0, 1)],
)
def test_stitched_days_equal_a_day_by_day_run(per_hour, desk_tasks, staff):
    # Backlogs that come and go, that grow without end, and runaway queues: the days stitched
    # from parallel runs are exactly the days run one after the other.
    settings = SimulationSettings(days=60, replications=3, seed=8)
    load = constant_load(per_hour, 8, settings.hours)
    if desk_tasks:
        load = with_desk(load, desk_tasks, (5.0, 10.0))
    days = fastsim._Days(load, settings, 1.0, staff)
    stitched = fastsim._Stitched(days, np.array([staff]))
    for replication in range(settings.replications):
        expected = _reference_replication(days, replication, staff)
        for day, (waits, started, waiting) in enumerate(expected):
            np.testing.assert_allclose(stitched.waits(replication, day), waits, atol=1e-3)
            assert stitched.tasks[replication, day] == waiting
            run = stitched.chosen[replication, day]
            assert np.concatenate([r.started for r in stitched.made])[run] == started


@settings(max_examples=25, deadline=None)
@given(
    opens=st.integers(6 * 60, 9 * 60),
    morning=st.integers(30, 5 * 60),
    lunch=st.integers(0, 3 * 60),
    afternoon=st.integers(0, 5 * 60),
    saturday=st.booleans(),
    per_hour=st.floats(0.5, 30.0),
    minutes=st.floats(1.0, 20.0),
    desk_tasks=st.integers(0, 80),
    staff=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_any_opening_hours_give_the_simpy_model_day_by_day(
    opens, morning, lunch, afternoon, saturday, per_hour, minutes, desk_tasks, staff, seed
):
    hours = CounterHours(opens, opens + morning, opens + morning + lunch,
                         opens + morning + lunch + afternoon, saturday)  # fmt: skip
    settings = SimulationSettings(days=8, replications=2, seed=seed, hours=hours)
    load = constant_load(per_hour, minutes, hours)
    if desk_tasks:
        load = with_desk(load, desk_tasks, (4.0, 9.0))
    days = fastsim._Days(load, settings, 1.0, staff)
    runs = fastsim._Runs(
        np.arange(days.count),
        np.full(days.count, staff),
        fastsim._fresh(np.full(days.count, staff), staff),
        days.new_tasks,
    )
    fastsim._step_days(days, runs)
    for lane in range(days.count):
        tasks = days.slot_minutes[: days.new_tasks[lane], lane].tolist() if days.slots else []
        expected, desk_done, _ = _simpy_waits(days, range(lane, lane + 1), staff, [tasks])
        np.testing.assert_allclose(runs.waits[: days.citizens[lane], lane], expected, atol=1e-3)
        done = days.slot_done[runs.started[lane], lane] if days.slots else 0.0
        assert done == pytest.approx(desk_done)


# --- the demo's questions, against the SimPy engine within intervals ------------------------


@pytest.fixture(scope="module")
def demo_loads(demo_db) -> dict[str, tuple[CounterLoad, float]]:
    """The counter load of the pilot, and of the pilot with every non-pilot agency added."""
    store = Store(demo_db)
    agencies = store.query("agencies")
    pilot = pilot_filter(store.query("pilot_definition"), agencies)
    others = tuple(agencies.filter(~pl.col("is_pilot"))["agency_id"].to_list())
    loads = {}
    for name, question in [("pilot", Question(pilot)), ("heavy", Question(pilot, (), others))]:
        measured = measure_load(store, question.load_filter())
        loads[name] = (measured.load, measured.service_cv)
    store.close()
    return loads


@pytest.mark.parametrize("question", ["pilot", "heavy"])
def test_demo_questions_agree_with_the_simpy_engine(demo_loads, question):
    load, cv = demo_loads[question]
    settings = SimulationSettings(service_cv=cv)
    new = fastsim.simulate_levels(load, (1, 2, 3, 4), settings)
    for staff, fast in zip((1, 2, 3, 4), new, strict=True):
        old = simulation.simulate(load, staff, settings)
        for name in COMPARED:
            # The two 95% intervals overlap.
            gap = abs(fast[name] - old[name])
            assert gap <= fast[f"{name}_ci"] + old[f"{name}_ci"] + 1e-9, (staff, name)
        assert fast["stable"]
    if question == "pilot":  # one staffer is enough for the pilot, as today
        assert new[0]["p_wait_over_15"] < 0.1 and new[0]["utilisation"] < 0.85
    else:  # the heavy question needs three, as today
        assert new[1]["p_wait_over_15"] > 0.1 and new[2]["p_wait_over_15"] < 0.1


# --- common random numbers ------------------------------------------------------------------


@pytest.mark.parametrize("arrivals_per_hour", [4, 10, 18, 30])
def test_more_staff_never_waits_longer(arrivals_per_hour):
    settings = SimulationSettings(days=40, replications=4, seed=11)
    load = with_desk(constant_load(arrivals_per_hour, 8, settings.hours), 20, (6.0,))
    results = fastsim.simulate_levels(load, (1, 2, 3, 4), settings)
    for fewer, more in itertools.pairwise(results):
        for name in ("mean_wait_min", "p95_wait_min", "p_wait_over_15", "counter_utilisation"):
            assert more[name] <= fewer[name] + 1e-9, name


def test_a_larger_volume_keeps_every_citizen_of_a_smaller_one():
    settings = SimulationSettings(days=20, replications=2, seed=9)
    load = with_desk(constant_load(12, 8, settings.hours), 30, (5.0, 10.0))
    smaller = fastsim._Days(load, settings, 0.8, 1)
    larger = fastsim._Days(load, settings, 1.7, 1)
    for lane in range(smaller.count):
        few = smaller.arrival[: smaller.citizens[lane], lane]
        many = larger.arrival[: larger.citizens[lane], lane]
        kept = np.isin(many, few)
        assert kept.sum() == few.size  # every citizen is still there, at the same time...
        service = dict(zip(many, larger.service[: larger.citizens[lane], lane], strict=True))
        np.testing.assert_array_equal(  # ...with the same service time
            [service[at] for at in few], smaller.service[: smaller.citizens[lane], lane]
        )
    assert (larger.new_tasks >= smaller.new_tasks).all()
    assert larger.citizens.sum() > 1.9 * smaller.citizens.sum()


@pytest.mark.parametrize("staff", [1, 2])
def test_waits_grow_with_the_volume_factor_for_a_seed(staff):
    # What a bisection on the factor needs: for a fixed seed the mean wait and the share over
    # the target never fall as the volume grows. (A larger factor keeps every citizen and adds
    # more, so no citizen waits less; a share can still dip by a hair where almost nobody waits,
    # since the citizens added are mostly ones who do not wait: not where the target binds.)
    settings = SimulationSettings(seed=4)  # 200 days, as the page and the command run
    load = with_desk(constant_load(3.5 * staff, 9, settings.hours), 8 * staff, (5.0, 10.0))
    grid = np.round(np.arange(0.5, 2.01, 0.05), 2)
    results = [fastsim.simulate(load, staff, settings, volume_factor=f) for f in grid]
    for name in ("mean_wait_min", "p_wait_over_target", "p95_wait_min", "utilisation"):
        values = [r[name] for r in results]
        assert all(b >= a for a, b in itertools.pairwise(values)), (name, values)
    shares = [r["p_wait_over_target"] for r in results]
    assert shares[0] < 0.1 < shares[-1]  # the grid crosses the target


def test_waits_keep_growing_when_the_volume_factor_crosses_into_a_runaway_queue():
    # 270 minutes of work a day for one staffer: past a factor of 5.33 it is more than 24 hours.
    # A bisection on the factor sees the waits rise, then become unbounded, never fall back.
    settings = SimulationSettings(days=40, replications=4, seed=4)
    load = constant_load(4, 9, settings.hours)
    grid = (1.0, 2.0, 3.0, 4.0, 5.0, 5.3, 5.4, 6.0)
    results = [fastsim.simulate(load, 1, settings, volume_factor=f) for f in grid]
    assert [r["mean_wait_min"] == math.inf for r in results] == [False] * 6 + [True] * 2
    for name in ("mean_wait_min", "p95_wait_min", "p_wait_over_target"):
        values = [r[name] for r in results]
        assert all(b >= a for a, b in itertools.pairwise(values)), (name, values)


def test_the_volume_factor_is_the_growth_what_if():
    # A factor on the same load, or the load scaled: the same figures within their intervals.
    settings = SimulationSettings(days=100, replications=10, seed=2)
    load = with_desk(constant_load(6, 8, settings.hours), 10, (5.0,))
    by_factor = fastsim.simulate(load, 1, settings, volume_factor=1.5)
    by_scaling = fastsim.simulate(load.scaled(1.5), 1, settings)
    for name in COMPARED:
        gap = abs(by_factor[name] - by_scaling[name])
        assert gap <= by_factor[f"{name}_ci"] + by_scaling[f"{name}_ci"] + 1e-9, name


# --- determinism and edges ------------------------------------------------------------------


def test_results_are_reproducible_and_do_not_depend_on_the_other_levels_asked():
    settings = SimulationSettings(days=30, replications=3, seed=5)
    load = with_desk(constant_load(12, 8), 15, (5.0, 10.0))
    first = fastsim.simulate(load, 2, settings)
    assert fastsim.simulate(load, 2, settings) == first
    assert fastsim.simulate_levels(load, (4, 2, 1), settings)[1] == first
    other = fastsim.simulate(load, 2, SimulationSettings(days=30, replications=3, seed=6))
    assert other["mean_wait_min"] != first["mean_wait_min"]


def test_desk_work_is_done_between_citizens_and_backlog_grows_when_it_cannot_be():
    arrivals = constant_load(6, 8).arrivals
    light = CounterLoad(("citizen",), arrivals, (8.0,), ("check",), np.full((1, 7), 10.0), (5.0,))
    heavy = CounterLoad(("citizen",), arrivals, (8.0,), ("check",), np.full((1, 7), 200.0), (5.0,))
    settings = SimulationSettings(days=20, replications=2, seed=3)
    done = fastsim.simulate(light, 1, settings)
    swamped = fastsim.simulate(heavy, 1, settings)
    assert done["desk_backlog_min"] < 10.0  # at most a task or two that would not fit
    assert done["utilisation"] > done["counter_utilisation"]
    assert swamped["desk_backlog_min"] > 1000  # 1,000 desk minutes a day cannot fit in 450
    assert swamped["utilisation"] > 0.95  # with work waiting, the staffer is never idle
    assert swamped["mean_wait_min"] > done["mean_wait_min"]  # a citizen waits for a task


def test_a_queue_past_round_the_clock_runs_away_and_is_answered_from_the_load():
    # Sixty citizens an hour at ten minutes each, 450 open minutes a day: 4,500 minutes of work
    # a day, more than one staffer (1,440) or three (4,320) can do working round the clock.
    settings = SimulationSettings(days=10, replications=2, seed=1)
    load = with_desk(constant_load(60, 10, settings.hours), 5, (5.0,))
    one, three, four = fastsim.simulate_levels(load, (1, 3, 4), settings)
    for result, staff in ((one, 1), (three, 3)):
        assert not result["stable"] and result["runaway"]
        # The limits as the run grows: everyone waits, without bound.
        assert result["mean_wait_min"] == result["p95_wait_min"] == math.inf
        assert result["p_wait"] == result["p_wait_over_15"] == result["p_wait_over_target"] == 1
        assert result["overtime_min"] == result["desk_backlog_min"] == math.inf
        # Utilisation is the offered work over the open hours, known exactly.
        assert result["counter_utilisation"] == pytest.approx(4500 / (staff * 450))
        assert result["citizens_per_day"] == pytest.approx(450)
        assert all(result[f"{name}_ci"] == 0 for name in simulation.METRICS)
    # Four staff could (5,760 minutes): simulated, with long but finite waits.
    assert four["stable"] and not four["runaway"] and 60 < four["mean_wait_min"] < math.inf


def test_a_runaway_level_costs_nothing_however_large_the_load():
    # A million citizens an hour: simulating even one day of them would take gigabytes. Every
    # staff level the page and the command accept is answered from the load.
    settings = SimulationSettings()
    results = fastsim.simulate_levels(constant_load(1e6, 8), range(1, 9), settings)
    assert [r["p95_wait_min"] for r in results] == [math.inf] * 8
    assert results[0]["utilisation"] == pytest.approx(1e6 * 8 / 60)
    # The same with a modest load and an enormous volume factor (no band of citizens drawn).
    huge = fastsim.simulate(constant_load(6, 10), 8, settings, volume_factor=1e9)
    assert huge["mean_wait_min"] == math.inf and huge["citizens_per_day"] == pytest.approx(45e9)


def test_the_runaway_limits_are_where_the_simpy_engine_heads():
    # The SimPy engine on a runaway level: waits that grow with the run, nearly everyone over
    # 15 minutes, and the same utilisation within its interval.
    settings = SimulationSettings(days=20, replications=4, seed=6)
    load = constant_load(30, 10, settings.hours)  # 2,250 minutes a day against 1,440
    fast = fastsim.simulate(load, 1, settings)
    short = simulation.simulate(load, 1, replace(settings, days=8))
    old = simulation.simulate(load, 1, settings)
    assert old["mean_wait_min"] > 1.5 * short["mean_wait_min"] > 24 * 60
    assert old["p_wait_over_15"] > 0.99 and fast["p_wait_over_15"] == 1.0
    assert abs(fast["utilisation"] - old["utilisation"]) <= old["utilisation_ci"]


def test_a_queue_that_spills_overnight_is_flagged_and_its_waits_are_a_floor():
    # Fifty-six citizens an hour for three staff: 4,200 minutes of work a day, within their
    # 4,320 round the clock but not within 1,350 open minutes; some days' queues run past the
    # next opening. Each day then starts from an empty counter (module docstring).
    settings = SimulationSettings(days=10, replications=2, seed=1)
    result = fastsim.simulate(constant_load(56, 10, settings.hours), 3, settings)
    assert not result["stable"] and not result["runaway"]
    assert result["p_wait_over_15"] > 0.95 and result["counter_utilisation"] > 3
    # The citizens of a day wait at least for the day's own queue to be served.
    assert 4 * 60 < result["mean_wait_min"] < math.inf


def test_no_citizens_no_waits():
    settings = SimulationSettings(days=10, replications=2, seed=1)
    for load, factor in [(constant_load(0, 10), 1.0), (constant_load(6, 10), 0.0)]:
        result = fastsim.simulate(load, 1, settings, volume_factor=factor)
        assert result["citizens_per_day"] == 0
        assert result["mean_wait_min"] == result["p95_wait_min"] == result["overtime_min"] == 0
        assert result["stable"]


@pytest.mark.parametrize(
    ("staff", "factor", "message"),
    [
        ((0,), 1.0, "staff must be at least 1"),
        ((), 1.0, "staff must be at least 1"),
        ((1,), -0.5, "volume factor"),
        ((1,), math.nan, "volume factor"),
        ((1,), math.inf, "volume factor"),
    ],
)
def test_bad_arguments_are_refused(staff, factor, message):
    with pytest.raises(ValueError, match=message):
        fastsim.simulate_levels(constant_load(6, 10), staff, SimulationSettings(), factor)


def test_a_counter_that_never_opens_is_refused():
    closed = CounterHours(8 * 60, 8 * 60, 14 * 60, 14 * 60)
    settings = SimulationSettings(days=5, replications=2, hours=closed)
    with pytest.raises(ValueError, match="never opens"):
        fastsim.simulate(constant_load(6, 10, closed), 1, settings)


def test_result_has_the_shape_the_staffing_code_reads():
    result = fastsim.simulate(constant_load(6, 10), 1, SimulationSettings(days=10, replications=2))
    old = simulation.simulate(constant_load(6, 10), 1, SimulationSettings(days=10, replications=2))
    assert set(result) == set(old) | {"stable", "runaway"}
    assert all(isinstance(result[k], float) for k in old if k != "staff")
