"""How far one staffer stretches: the most volume a staff count serves within the target, the
agencies that could be added before the target fails, and the peak month and hour on their own.

Every figure comes from the same simulation and the same target as the staffing page, so a
factor found here agrees with `onestop staffing --growth`: the load at 0.85 times the factor
meets the target and at 1.2 times it does not.

The search is a bisection on the volume factor, and the bracket it returns (a factor that meets,
one that fails, within 2%) holds by construction whatever the engine. Every factor is simulated
with the same seed, but the SimPy engine draws its citizens hour by hour (Poisson counts, then
times), so a larger volume does not keep the citizens of a smaller one: near the edge the measures
wiggle by a fraction of a point and the factor by a few percent between seeds. An engine with
common random numbers (one citizen stream thinned for smaller volumes) makes the measures move
monotonically; `simulate_at` is the one place to plug it in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from onestop.core.calendar import DEFAULT_HOURS, CounterHours, month_end, working_days
from onestop.core.codes import DESK_KINDS, PICKUP_SHARE
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.staffing import fastsim
from onestop.staffing.load import MeasuredLoad, has_load, measure_load
from onestop.staffing.models import GROWTH_RANGE, Question, ServiceTarget
from onestop.staffing.simulation import CounterLoad, SimulationSettings, open_minutes_by_hour

# The largest volume the staffing what-ifs accept (growth of 1000%); beyond it the answer is
# reported as "at least" this factor.
MAX_FACTOR = 1.0 + GROWTH_RANGE[1] / 100.0
# Below a sixty-fourth of today's volume a failing target says more about the target than the
# volume: the search reports that no factor meets it.
MIN_FACTOR = 1.0 / 64.0
# The bisection stops when the failing factor is within this ratio of the meeting one.
TOLERANCE = 1.02
# The staff count the question is about (one postal staffer): the page's capacity section and
# the meeting pack stretch it unless asked otherwise.
DEFAULT_STAFF = 1
# Factors the chart always shows besides those the search tried.
CHART_FACTORS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


def simulate_at(
    load: CounterLoad, staff: int, settings: SimulationSettings, factor: float
) -> dict[str, float]:
    """The simulation of `staff` serving `factor` times the load's volume.

    The one place the capacity search calls the engine: the engine `onestop staffing --growth`
    runs, with the factor as its volume factor (common random numbers: a larger factor keeps every
    citizen of a smaller one), so both answer alike and the search moves monotonically.
    """
    return fastsim.simulate(load, staff, settings, factor)


@dataclass(frozen=True)
class Probe:
    """One simulated volume factor and whether it met the target."""

    factor: float
    result: dict
    meets: bool


@dataclass(frozen=True)
class FactorSearch:
    """The bisection's outcome: the largest factor seen to meet, the smallest seen to fail."""

    meets: float | None  # None: even MIN_FACTOR fails
    fails: float | None  # None: even MAX_FACTOR meets
    probes: tuple[Probe, ...]

    @property
    def factor(self) -> float | None:
        """The factor to report, rounded down to a hundredth so that it still meets."""
        if self.meets is None:
            return None
        return math.floor(self.meets * 100 + 1e-9) / 100

    @property
    def capped(self) -> bool:
        """Whether the largest factor the what-ifs allow still meets the target."""
        return self.meets is not None and self.fails is None


def max_volume_factor(
    load: CounterLoad,
    staff: int,
    target: ServiceTarget,
    settings: SimulationSettings,
    tolerance: float = TOLERANCE,
) -> FactorSearch:
    """The largest factor by which the load may grow with `staff` still meeting the target.

    Starts from today's volume, doubles (or halves) until the target flips, then bisects on a
    log scale until the failing factor is within `tolerance` of the meeting one.
    """
    settings = replace(settings, target_wait_min=target.wait_min)
    probes: dict[float, Probe] = {}

    def probe(factor: float) -> bool:
        if factor not in probes:
            result = simulate_at(load, staff, settings, factor)
            probes[factor] = Probe(factor, result, target.met_by(result))
        return probes[factor].meets

    meets: float | None
    fails: float | None
    if probe(1.0):
        meets, fails = 1.0, None
        while fails is None and meets < MAX_FACTOR:
            factor = min(meets * 2.0, MAX_FACTOR)
            if probe(factor):
                meets = factor
            else:
                fails = factor
    else:
        meets, fails = None, 1.0
        while meets is None and fails > MIN_FACTOR:
            factor = max(fails / 2.0, MIN_FACTOR)
            if probe(factor):
                meets = factor
            else:
                fails = factor
    if meets is not None and fails is not None:
        while fails / meets > tolerance:
            middle = math.sqrt(meets * fails)
            if probe(middle):
                meets = middle
            else:
                fails = middle
    ordered = tuple(sorted(probes.values(), key=lambda p: p.factor))
    return FactorSearch(meets, fails, ordered)


def factor_curve(
    load: CounterLoad,
    staff: int,
    target: ServiceTarget,
    settings: SimulationSettings,
    search: FactorSearch,
) -> tuple[Probe, ...]:
    """The probes for the chart: the search's own, plus a few round factors around the answer."""
    known = {probe.factor: probe for probe in search.probes}
    top = min(MAX_FACTOR, max(2.0, (search.fails or search.meets or 1.0) * 1.3))
    wanted = [f for f in CHART_FACTORS if f <= top]
    if search.meets is not None:
        wanted.append(search.meets)
    for factor in wanted:
        if factor not in known:
            result = simulate_at(load, staff, settings, factor)
            known[factor] = Probe(factor, result, target.met_by(result))
    return tuple(sorted(known.values(), key=lambda p: p.factor))


# --- how much work a load is ----------------------------------------------------------------


def workload_minutes(load: CounterLoad) -> float:
    """Minutes of counter and desk work an average working day brings."""
    citizens = load.arrivals.sum(axis=(1, 2)) @ np.asarray(load.service_minutes, dtype=float)
    desk = 0.0
    if load.desk_kinds:
        desk = load.desk_tasks.sum(axis=1) @ np.asarray(load.desk_minutes, dtype=float)
    return float(citizens + desk) / 5.0


def citizens_per_day(load: CounterLoad) -> float:
    """Citizens at the counter on an average working day (as the staffing answer counts them)."""
    return float(load.arrivals.sum() / 5.0)


# --- agencies added one by one --------------------------------------------------------------


@dataclass(frozen=True)
class AgencyStep:
    """The load after adding one more agency (or today's, for the first step)."""

    agency_id: int | None  # None: today's agencies, nothing added
    own_minutes: float  # this agency's own work a day (for today's step: today's agencies')
    citizens_per_day: float  # everyone's, after adding it
    result: dict
    meets: bool


def agency_order(
    store: Store, question: Question, candidates: tuple[int, ...]
) -> list[tuple[int, float]]:
    """The candidate agencies with work in the period and their own minutes a day, lightest
    first (then by id)."""
    loads = []
    for agency_id in candidates:
        own = measure_load(
            store, replace(question.filter, agency_ids=(agency_id,)), question.task_minutes
        )
        minutes = workload_minutes(own.load)
        if minutes > 0:  # an agency without work in the period adds nothing to try
            loads.append((agency_id, minutes))
    return sorted(loads, key=lambda pair: (pair[1], pair[0]))


def other_agencies(agencies: pl.DataFrame, question: Question) -> tuple[int, ...]:
    """Agencies not yet in the question's load: none when it already covers every agency."""
    chosen = question.load_filter().agency_ids
    if not chosen:
        return ()
    return tuple(a for a in agencies["agency_id"].to_list() if a not in set(chosen))


def agencies_added(
    store: Store,
    question: Question,
    staff: int,
    candidates: tuple[int, ...],
    settings: SimulationSettings,
) -> tuple[AgencyStep, ...]:
    """Add the candidates lightest first until the target fails; that failing step is last."""
    factor = 1.0 + question.growth_pct / 100.0
    base = measure_load(store, question.load_filter(), question.task_minutes)
    result = simulate_at(base.load, staff, _with_spread(settings, base), factor)
    steps = [
        AgencyStep(
            None,
            workload_minutes(base.load),
            citizens_per_day(base.load) * factor,
            result,
            question.target.met_by(result),
        )
    ]
    added: tuple[int, ...] = ()
    for agency_id, own_minutes in agency_order(store, question, candidates):
        if not steps[-1].meets:
            break
        added += (agency_id,)
        wider = replace(question, added_agency_ids=question.added_agency_ids + added)
        measured = measure_load(store, wider.load_filter(), question.task_minutes)
        result = simulate_at(measured.load, staff, _with_spread(settings, measured), factor)
        steps.append(
            AgencyStep(
                agency_id,
                own_minutes,
                citizens_per_day(measured.load) * factor,
                result,
                question.target.met_by(result),
            )
        )
    return tuple(steps)


def _with_spread(settings: SimulationSettings, measured: MeasuredLoad) -> SimulationSettings:
    """The settings with the service-time spread measured for this load (as the page does)."""
    return replace(settings, service_cv=measured.service_cv)


# --- peak month and peak hour ---------------------------------------------------------------


@dataclass(frozen=True)
class Peak:
    """The busiest month or weekday hour of the period, simulated on its own."""

    month: dt.date | None  # first day of the peak month
    weekday: int | None  # Monday = 0, for the peak hour
    hour: int | None
    citizens_per_day: float  # the month's, or the hour's rate over a whole day
    citizens_per_hour: float
    result: dict
    meets: bool


def monthly_workload(
    store: Store, flt: DossierFilter, measured: MeasuredLoad, hours: CounterHours = DEFAULT_HOURS
) -> pl.DataFrame:
    """One row per month of the period: working days and work minutes per working day.

    Counter arrivals come from the same source as the period's load (tickets, else the dossier
    estimate with its pickup share) and are weighted by the period's minutes per task.
    """
    params = flt.params()
    if measured.arrivals_source == "counter_visits":
        arrivals = store.query("counter_arrivals_by_month", params)
    else:
        arrivals = store.query("counter_arrivals_from_dossiers_by_month", params).with_columns(
            arrivals=pl.when(pl.col("purpose") == "pickup")
            .then(pl.col("arrivals") * PICKUP_SHARE)
            .otherwise(pl.col("arrivals"))
        )
    minutes = measured.task_minutes
    counter = arrivals.group_by("month").agg(
        citizens=pl.col("arrivals").sum().cast(pl.Float64),
        counter_minutes=(
            pl.col("arrivals") * pl.col("purpose").replace_strict(minutes, default=0.0)
        ).sum(),
    )
    desk = (
        store.query("desk_work_by_day", params)
        .group_by(month=pl.col("received_on").dt.truncate("1mo"))
        .agg(
            desk_minutes=pl.col("online_to_check").sum() * minutes[DESK_KINDS[0]]
            + pl.col("paper_to_digitise").sum() * minutes[DESK_KINDS[1]]
        )
    )
    months = _months(flt, hours)
    return (
        months.join(counter, on="month", how="left")
        .join(desk, on="month", how="left")
        .fill_null(0.0)
        .with_columns(
            citizens_per_day=pl.col("citizens") / pl.col("working_days"),
            minutes_per_day=(pl.col("counter_minutes") + pl.col("desk_minutes"))
            / pl.col("working_days"),
        )
        .sort("month")
    )


def _months(flt: DossierFilter, hours: CounterHours) -> pl.DataFrame:
    """The period's months with at least one working day, clipped to the period."""
    rows = []
    start = flt.date_from.replace(day=1)
    while start <= flt.date_to:
        first, last = max(start, flt.date_from), min(month_end(start), flt.date_to)
        days = working_days(first, last, hours).size
        if days:
            rows.append((start, first, last, days))
        start = month_end(start) + dt.timedelta(days=1)
    return pl.DataFrame(
        rows,
        schema={"month": pl.Date, "first": pl.Date, "last": pl.Date, "working_days": pl.Int64},
        orient="row",
    )


def peak_month(
    store: Store,
    question: Question,
    staff: int,
    measured: MeasuredLoad,
    settings: SimulationSettings,
) -> Peak | None:
    """The month with the most work per working day, its own load simulated."""
    months = monthly_workload(store, question.load_filter(), measured, settings.hours)
    months = months.filter(pl.col("minutes_per_day") > 0)
    if months.height == 0:
        return None
    busiest = months.sort(["minutes_per_day", "month"], descending=[True, False]).row(0, named=True)
    month_filter = replace(
        question.load_filter(), date_from=busiest["first"], date_to=busiest["last"]
    )
    month_load = measure_load(store, month_filter, question.task_minutes)
    factor = 1.0 + question.growth_pct / 100.0
    result = simulate_at(month_load.load, staff, _with_spread(settings, month_load), factor)
    per_day = citizens_per_day(month_load.load) * factor
    open_hours = sum(settings.hours.open_minutes(w) for w in range(5)) / 5.0 / 60.0
    return Peak(
        busiest["month"],
        None,
        None,
        per_day,
        per_day / open_hours,
        result,
        question.target.met_by(result),
    )


def busiest_hour(load: CounterLoad, hours: CounterHours = DEFAULT_HOURS) -> tuple[int, int, float]:
    """The weekday and clock hour with the most citizens per open minute, and that rate an hour."""
    best = (0, 0, 0.0)
    for weekday in range(7):
        open_by_hour = open_minutes_by_hour(hours, weekday)
        for hour in np.flatnonzero(open_by_hour > 0):
            rate = float(load.arrivals[:, weekday, hour].sum()) * 60.0 / open_by_hour[hour]
            if rate > best[2]:
                best = (weekday, int(hour), rate)
    return best


def sustained_hour(load: CounterLoad, weekday: int, hour: int, hours: CounterHours) -> CounterLoad:
    """The load as if every open minute were as busy as (weekday, hour), with that day's desk work.

    The stationary view of one hour that call centres plan with: a queue the peak builds is not
    drained by a quieter hour after it, so the verdict errs on the safe side.
    """
    open_by_hour = open_minutes_by_hour(hours, weekday)
    per_minute = load.arrivals[:, weekday, hour] / open_by_hour[hour]
    arrivals = np.zeros_like(load.arrivals)
    desk = np.zeros_like(load.desk_tasks)
    for day in range(7):
        minutes = open_minutes_by_hour(hours, day)
        if minutes.sum() == 0:
            continue
        arrivals[:, day, :] = per_minute[:, None] * minutes[None, :]
        if desk.size:
            desk[:, day] = load.desk_tasks[:, weekday]
    return CounterLoad(
        load.purposes, arrivals, load.service_minutes, load.desk_kinds, desk, load.desk_minutes
    )


def peak_hour(
    question: Question, staff: int, measured: MeasuredLoad, settings: SimulationSettings
) -> Peak | None:
    """The busiest weekday hour of the period, simulated as if the whole day ran at its rate."""
    weekday, hour, rate = busiest_hour(measured.load, settings.hours)
    if rate <= 0:
        return None
    factor = 1.0 + question.growth_pct / 100.0
    sustained = sustained_hour(measured.load, weekday, hour, settings.hours)
    result = simulate_at(sustained, staff, _with_spread(settings, measured), factor)
    return Peak(
        None,
        weekday,
        hour,
        citizens_per_day(sustained) * factor,
        rate * factor,
        result,
        question.target.met_by(result),
    )


# --- breadth beside load --------------------------------------------------------------------


def breadth_per_month(store: Store, flt: DossierFilter) -> tuple[float | None, float | None]:
    """Mean distinct procedures and fields received a month; None when nothing was received."""
    monthly = store.query("breadth_by_month", flt.params())
    if monthly.height == 0:
        return None, None
    months = _months(flt, DEFAULT_HOURS).height or 1
    # Months without any dossier count as months with none: the job was that narrow then.
    return (
        float(monthly["procedures"].sum()) / max(months, monthly.height),
        float(monthly["fields"].sum()) / max(months, monthly.height),
    )


def breadth_steps(store: Store, question: Question, agency_ids: tuple[int, ...]) -> pl.DataFrame:
    """Breadth a month for the question's load, each agency on its own, and the running total.

    The first row is the question's own load (its own breadth is the running total's start).
    """
    rows = []
    base = question.load_filter()
    running = tuple(base.agency_ids)
    procedures, fields = breadth_per_month(store, base)
    rows.append((None, procedures, fields, procedures, fields))
    for agency_id in agency_ids:
        own = breadth_per_month(store, replace(base, agency_ids=(agency_id,)))
        running = tuple(sorted({*running, agency_id}))
        total = breadth_per_month(store, replace(base, agency_ids=running))
        rows.append((agency_id, *own, *total))
    return pl.DataFrame(
        rows,
        schema={
            "agency_id": pl.Int64,
            "own_procedures": pl.Float64,
            "own_fields": pl.Float64,
            "procedures": pl.Float64,
            "fields": pl.Float64,
        },
        orient="row",
    )


# --- everything for one staff count ---------------------------------------------------------


@dataclass(frozen=True)
class Capacity:
    """How far `staff` stretch for a question's load."""

    staff: int
    question: Question
    measured: MeasuredLoad
    has_load: bool
    search: FactorSearch
    curve: tuple[Probe, ...]
    steps: tuple[AgencyStep, ...]
    peak_month: Peak | None
    peak_hour: Peak | None

    @property
    def fitting(self) -> tuple[AgencyStep, ...]:
        """The agencies added while the target still held, in the order they were added."""
        return tuple(s for s in self.steps if s.agency_id is not None and s.meets)

    @property
    def first_over(self) -> AgencyStep | None:
        """The first agency whose load makes the target fail."""
        failing = [s for s in self.steps if s.agency_id is not None and not s.meets]
        return failing[0] if failing else None


def settings_for(question: Question) -> SimulationSettings:
    """The question's simulation settings with the wait the target counts (as the page sets)."""
    return replace(question.settings, target_wait_min=question.target.wait_min)


def capacity(
    store: Store, question: Question, staff: int, candidates: tuple[int, ...] | None = None
) -> Capacity:
    """The capacity answer for one staff count: factor, agencies to add, peak month and hour.

    `candidates` are the agencies that could be added (default: every agency outside the load).
    """
    measured = measure_load(store, question.load_filter(), question.task_minutes)
    settings = _with_spread(settings_for(question), measured)
    if not has_load(measured):
        empty = FactorSearch(None, None, ())
        return Capacity(staff, question, measured, False, empty, (), (), None, None)
    search = max_volume_factor(measured.load, staff, question.target, settings)
    curve = factor_curve(measured.load, staff, question.target, settings, search)
    if candidates is None:
        candidates = other_agencies(store.query("agencies"), question)
    steps = agencies_added(store, question, staff, candidates, settings_for(question))
    return Capacity(
        staff,
        question,
        measured,
        True,
        search,
        curve,
        steps,
        peak_month(store, question, staff, measured, settings_for(question)),
        peak_hour(question, staff, measured, settings),
    )
