"""The staffing question and its two models: Erlang C hour by hour over the weekly profile, and
the simulation of working days (fastsim: the SimPy model of simulation.py computed as arrays, at a
cost bounded whatever the province's volume); what "enough staff" means, and the smallest level
that is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from onestop.core.calendar import DEFAULT_HOURS, CounterHours
from onestop.core.filters import DossierFilter
from onestop.staffing import fastsim, queueing
from onestop.staffing.load import MeasuredLoad
from onestop.staffing.simulation import (
    CounterLoad,
    SimulationSettings,
    constant_load,
    open_minutes_by_hour,
)

MAX_STAFF = 8
MODELS = ("erlang-c", "simulation")
# What the page's widgets and `onestop staffing` accept, so both refuse the same values.
TASK_MINUTES_RANGE = (0.5, 120.0)


TARGET_WAIT_RANGE = (1.0, 120.0)
# Above -100% (nothing left to serve); at most eleven times the volume, which the simulation
# still runs in seconds (1e9 percent used to exhaust the memory).
GROWTH_RANGE = (-100.0, 1000.0)


# Eight staff at half a minute each serve 960 citizens an hour: more is not a counter.
MAX_ARRIVALS_PER_HOUR = 1000.0


DAYS_RANGE = (1, 1000)
REPLICATIONS_RANGE = (2, 100)  # two at least, for a confidence interval
SERVICE_CV_RANGE = (0.0, 5.0)


@dataclass(frozen=True)
class ServiceTarget:
    """What "enough staff" means: most citizens wait little and staff are not run ragged."""

    share_within: float = 0.9
    wait_min: float = 15.0
    max_utilisation: float = 0.85

    def waits_met(self, result: dict) -> bool:
        """Whether enough citizens wait no more than the target wait."""
        return 1.0 - result["p_wait_over_target"] >= self.share_within

    def busy_met(self, result: dict) -> bool:
        """Whether staff are busy less than the highest acceptable share of their time."""
        return result["utilisation"] < self.max_utilisation

    def verdict(self, result: dict) -> str:
        """One of VERDICTS: the single judgement a scenario's sentence is written from."""
        waits, busy = self.waits_met(result), self.busy_met(result)
        if waits and busy:
            return "meets"
        if waits:
            return "busy"
        return "waits" if busy else "busy_and_waits"

    def met_by(self, result: dict) -> bool:
        """Whether a scenario's figures meet the target."""
        return self.verdict(result) == "meets"


VERDICTS = ("meets", "busy", "waits", "busy_and_waits")


@dataclass(frozen=True)
class Question:
    """One staffing question: whose load, which period, and the what-ifs."""

    filter: DossierFilter
    staff: tuple[int, ...] = (1, 2, 3, 4)
    added_agency_ids: tuple[int, ...] = ()
    growth_pct: float = 0.0
    task_minutes: dict[str, float] = field(default_factory=dict)  # overrides, by task
    target: ServiceTarget = field(default_factory=ServiceTarget)
    settings: SimulationSettings = field(default_factory=SimulationSettings)

    def load_filter(self) -> DossierFilter:
        """The filter whose data makes the load: the chosen agencies plus the added ones."""
        agencies = tuple(sorted(set(self.filter.agency_ids) | set(self.added_agency_ids)))
        return replace(self.filter, agency_ids=agencies)


def hourly_table(load: CounterLoad, hours: CounterHours = DEFAULT_HOURS) -> pl.DataFrame:
    """One row per open weekday and hour: citizens per hour and open minutes (for Erlang C)."""
    rows = []
    for weekday in range(7):
        open_by_hour = open_minutes_by_hour(hours, weekday)
        for hour in np.flatnonzero(open_by_hour > 0):
            citizens = float(load.arrivals[:, weekday, hour].sum())
            rows.append(
                (weekday, int(hour), citizens * 60.0 / open_by_hour[hour], open_by_hour[hour])
            )
    return pl.DataFrame(
        rows, schema=["weekday", "hour", "arrivals_per_hour", "open_minutes"], orient="row"
    )


def erlang_c_scenario(
    load: CounterLoad, staff: int, target: ServiceTarget, hours: CounterHours = DEFAULT_HOURS
) -> dict:
    """Erlang C hour by hour over the weekly profile (counter work only, exponential service)."""
    per_hour = queueing.erlang_c_profile(
        hourly_table(load, hours), load.mean_service_minutes(), staff, target.wait_min
    )
    summary = queueing.summarise_profile(per_hour, staff)
    # The 95th percentile over a mixture of hours has no closed form; the busiest hour's bounds it.
    summary["p95_wait_min"] = float(per_hour["p95_wait_min"].max() or 0.0)
    return summary


def scenario(load: CounterLoad, staff: int, question: Question, model: str) -> dict:
    """One staff level through one model, with whether it meets the target."""
    if model == "erlang-c":
        result = erlang_c_scenario(load, staff, question.target, question.settings.hours)
    else:
        result = fastsim.simulate(load, staff, question.settings)
    result["model"] = model
    result["meets_target"] = question.target.met_by(result)
    return result


def smallest_staff(results: list[dict]) -> int | None:
    """The fewest staff among results that meet the target."""
    meeting = [r["staff"] for r in results if r["meets_target"]]
    return min(meeting) if meeting else None


def evaluate(measured: MeasuredLoad, question: Question) -> dict:
    """Every requested staff level through both models, and the smallest level that is enough.

    The simulation runs all levels at once on the same citizens, growth as a volume factor (a
    larger growth keeps every citizen of a smaller one, so the what-if moves the figures only by
    what it adds).
    """
    factor = 1.0 + question.growth_pct / 100.0
    load = measured.load.scaled(factor)
    settings = replace(question.settings, service_cv=measured.service_cv)
    question = replace(question, settings=settings)
    scenarios = fastsim.simulate_levels(measured.load, question.staff, settings, factor)
    for result in scenarios:
        result["model"] = "simulation"
        result["meets_target"] = question.target.met_by(result)
        result["erlang_c"] = scenario(load, result["staff"], question, "erlang-c")
    enough = smallest_staff(scenarios)
    if enough is None and max(question.staff) < MAX_STAFF:
        # Look beyond the requested levels so the answer is never just "none of these".
        beyond = range(max(question.staff) + 1, MAX_STAFF + 1)
        for result in fastsim.simulate_levels(measured.load, beyond, settings, factor):
            if question.target.met_by(result):
                enough = result["staff"]
                break
    return {"scenarios": scenarios, "smallest_staff": enough}


def constant_rate_scenarios(
    arrivals_per_hour: float,
    service_minutes: float,
    staff_levels: tuple[int, ...],
    model: str,
    target: ServiceTarget,
    settings: SimulationSettings,
) -> dict:
    """Scenarios for a constant arrival rate and one service time, without a database."""
    question = Question(
        DossierFilter(dt.date.today(), dt.date.today()), staff_levels, target=target,
        settings=settings,
    )  # fmt: skip
    load = constant_load(arrivals_per_hour, service_minutes, settings.hours)
    results = []
    for staff in staff_levels:
        if model == "erlang-c":
            single = queueing.erlang_c(arrivals_per_hour, service_minutes, staff)
            result = {
                "staff": staff,
                "utilisation": single.utilisation,
                "p_wait": single.p_wait,
                "mean_wait_min": single.mean_wait_min,
                "p_wait_over_15": single.p_wait_over(15.0),
                "p_wait_over_target": single.p_wait_over(target.wait_min),
                "p95_wait_min": single.wait_quantile(0.95),
                "stable": single.stable,
                "model": "erlang-c",
            }
            result["meets_target"] = target.met_by(result)
        else:
            result = scenario(load, staff, question, "simulation")
        results.append(result)
    return {"scenarios": results, "smallest_staff": smallest_staff(results)}
