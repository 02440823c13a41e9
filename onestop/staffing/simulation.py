"""A discrete-event simulation (SimPy) of counter working days, with desk work between citizens.

Citizens arrive by a per-weekday, per-hour profile during opening hours and are served first in,
first out by `staff` interchangeable staffers; a citizen who arrived before closing is served even
after it (overtime). When nobody waits, a staffer does desk work (checking online dossiers,
digitising paper ones) if the task fits before the session closes; unfinished desk work carries
over to the next day. Several independent replications give 95% intervals.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import simpy

from onestop.core.calendar import DEFAULT_HOURS, CounterHours

MINUTES_PER_DAY = 24 * 60
# The spread of service times (coefficient of variation) when the data has no timed visits.
DEFAULT_SERVICE_CV = 0.6
# Two-sided 95% Student t quantiles by degrees of freedom; beyond 30 the normal value is close.
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120,
        17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 24: 2.064, 29: 2.045}  # fmt: skip


def t95(degrees: int) -> float:
    """The 97.5% quantile of Student's t (for a two-sided 95% interval)."""
    known = [d for d in _T95 if d <= degrees]
    return _T95[max(known)] if degrees <= 30 and known else 1.96


@dataclass(frozen=True)
class CounterLoad:
    """What the counter faces: citizens per weekday and hour, desk tasks per weekday.

    `arrivals[p, w, h]` is the expected number of citizens of purpose p arriving in clock hour h
    of a working day with weekday w (Monday = 0); `desk_tasks[k, w]` the expected desk tasks of
    kind k brought by a day with weekday w.
    """

    purposes: tuple[str, ...]
    arrivals: np.ndarray
    service_minutes: tuple[float, ...]
    desk_kinds: tuple[str, ...] = ()
    desk_tasks: np.ndarray = field(default_factory=lambda: np.zeros((0, 7)))
    desk_minutes: tuple[float, ...] = ()

    def scaled(self, factor: float) -> CounterLoad:
        """The same load with every volume multiplied (growth what-if)."""
        return CounterLoad(
            self.purposes,
            self.arrivals * factor,
            self.service_minutes,
            self.desk_kinds,
            self.desk_tasks * factor,
            self.desk_minutes,
        )

    def mean_service_minutes(self) -> float:
        """Service minutes per citizen, averaged over the purpose mix."""
        per_purpose = self.arrivals.sum(axis=(1, 2))
        if per_purpose.sum() == 0:
            return float(np.mean(self.service_minutes)) if self.service_minutes else 0.0
        return float(np.dot(per_purpose, self.service_minutes) / per_purpose.sum())


def constant_load(
    arrivals_per_hour: float, service_minutes: float, hours: CounterHours = DEFAULT_HOURS
) -> CounterLoad:
    """A single-purpose load with the same arrival rate in every open minute, no desk work."""
    arrivals = np.zeros((1, 7, 24))
    for weekday in range(7):
        arrivals[0, weekday] = open_minutes_by_hour(hours, weekday) / 60.0 * arrivals_per_hour
    return CounterLoad(("citizen",), arrivals, (service_minutes,))


def open_minutes_by_hour(hours: CounterHours, weekday: int) -> np.ndarray:
    """Minutes the counter is open within each clock hour (24 values) of a weekday."""
    minutes = np.zeros(24)
    for start, end in hours.sessions(weekday):
        for hour in range(start // 60, math.ceil(end / 60)):
            minutes[hour] += max(0, min(end, hour * 60 + 60) - max(start, hour * 60))
    return minutes


@dataclass(frozen=True)
class SimulationSettings:
    """How to simulate: days in total (split into replications), service spread, seed."""

    days: int = 200
    replications: int = 10
    seed: int = 2023
    service_cv: float = DEFAULT_SERVICE_CV  # of the lognormal service time
    distribution: str = "lognormal"  # or "exponential" (for checks against Erlang C)
    target_wait_min: float = 15.0
    warmup_minutes: float = 0.0  # citizens arriving earlier in a replication are not counted
    hours: CounterHours = DEFAULT_HOURS

    @property
    def days_per_replication(self) -> int:
        return max(1, self.days // self.replications)


METRICS = (
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


def _durations(
    rng: np.random.Generator, means: np.ndarray, settings: SimulationSettings
) -> np.ndarray:
    if settings.distribution == "exponential":
        return rng.exponential(1.0, means.size) * means
    sigma2 = math.log(1.0 + settings.service_cv**2)
    # Mean-preserving: E[exp(N(mu, sigma²))] = exp(mu + sigma²/2).
    return means * rng.lognormal(-sigma2 / 2.0, math.sqrt(sigma2), means.size)


@dataclass
class _Day:
    weekday: int
    sessions: list[tuple[float, float]]  # absolute minutes
    desk: list[float]


def _draw_replication(
    load: CounterLoad, settings: SimulationSettings, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, list[_Day]]:
    """Arrival times, service minutes and days (with their desk tasks) for one replication."""
    hours = settings.hours
    open_weekdays = [w for w in range(7) if hours.open_minutes(w) > 0]
    times, means, days = [], [], []
    desk_means = np.asarray(load.desk_minutes, dtype=float)
    for day in range(settings.days_per_replication):
        weekday = open_weekdays[day % len(open_weekdays)]
        base = day * MINUTES_PER_DAY
        sessions = [(base + s, base + e) for s, e in hours.sessions(weekday) if e > s]
        open_by_hour = open_minutes_by_hour(hours, weekday)
        for start, end in hours.sessions(weekday):
            for hour in range(start // 60, math.ceil(end / 60)):
                low, high = max(start, hour * 60), min(end, hour * 60 + 60)
                if high <= low:
                    continue
                expected = load.arrivals[:, weekday, hour] * (high - low) / open_by_hour[hour]
                counts = rng.poisson(expected)
                total = int(counts.sum())
                if total:
                    times.append(base + low + rng.random(total) * (high - low))
                    means.append(np.repeat(np.asarray(load.service_minutes), counts))
        desk = np.empty(0)
        if load.desk_kinds:
            counts = rng.poisson(load.desk_tasks[:, weekday])
            desk = _durations(rng, np.repeat(desk_means, counts), settings)
        days.append(_Day(weekday, sessions, desk.tolist()))
    if times:
        arrival = np.concatenate(times)
        service = _durations(rng, np.concatenate(means), settings)
        order = np.argsort(arrival, kind="stable")
        return arrival[order], service[order], days
    return np.empty(0), np.empty(0), days


def _simulate(
    arrival: np.ndarray, service: np.ndarray, days: list[_Day], staff: int
) -> tuple[np.ndarray, float, list[tuple[float, int]]]:
    """Run one replication in SimPy: service start times, desk minutes done, backlog per day."""
    env = simpy.Environment()
    arrival_list = arrival.tolist()
    service_list = service.tolist()
    started = [0.0] * len(arrival_list)
    waiting: deque[int] = deque()
    desk: deque[float] = deque()
    idle: list[simpy.Event] = []
    state = {"closes_at": -1.0, "desk_done": 0.0}
    backlog: list[tuple[float, int]] = []

    def wake_all() -> None:
        while idle:
            idle.pop().succeed()

    def citizens():
        for index, at in enumerate(arrival_list):
            if at > env.now:
                yield env.timeout(at - env.now)
            waiting.append(index)
            if idle:
                idle.pop().succeed()

    def opening_hours():
        for day in days:
            for number, (start, end) in enumerate(day.sessions):
                yield env.timeout(start - env.now)
                if number == 0:
                    desk.extend(day.desk)
                state["closes_at"] = end
                wake_all()
                yield env.timeout(end - env.now)
                state["closes_at"] = -1.0
            backlog.append((sum(desk), len(desk)))

    def staffer():
        while True:
            if waiting:
                index = waiting.popleft()
                started[index] = env.now
                yield env.timeout(service_list[index])
            elif desk and env.now + desk[0] <= state["closes_at"]:
                minutes = desk.popleft()
                state["desk_done"] += minutes
                yield env.timeout(minutes)
            else:
                wake = env.event()
                idle.append(wake)
                yield wake

    env.process(citizens())
    env.process(opening_hours())
    for _ in range(staff):
        env.process(staffer())
    env.run()
    return np.asarray(started), state["desk_done"], backlog


def run_replication(
    load: CounterLoad, staff: int, settings: SimulationSettings, replication: int
) -> dict[str, float]:
    """The figures of one replication (its own random stream, so results are reproducible)."""
    rng = np.random.default_rng([settings.seed, replication])
    arrival, service, days = _draw_replication(load, settings, rng)
    started, desk_done, backlog = _simulate(arrival, service, days, staff)
    open_minutes = sum(end - start for day in days for start, end in day.sessions)
    # SimPy reaches an arrival time by adding timeouts, which can land an ulp before it: a wait
    # of -1e-13 minutes is a wait of 0 (and must not be written "-0.0").
    wait = np.maximum(started - arrival, 0.0)
    counted = wait[arrival >= settings.warmup_minutes]
    # Overtime counts each session: serving the morning's queue through lunch is overtime too.
    ends = np.array([end for day in days for _, end in day.sessions])
    session_of = np.minimum(np.searchsorted(ends, arrival, side="left"), max(ends.size - 1, 0))
    last_finish = np.full(ends.size, -np.inf)
    np.maximum.at(last_finish, session_of, started + service)
    overtime = np.maximum(last_finish - ends, 0.0).sum() / len(days)
    has_citizens = counted.size > 0
    return {
        "mean_wait_min": float(counted.mean()) if has_citizens else 0.0,
        "p95_wait_min": float(np.percentile(counted, 95)) if has_citizens else 0.0,
        "p_wait": float((counted > 1e-9).mean()) if has_citizens else 0.0,
        "p_wait_over_15": float((counted > 15.0).mean()) if has_citizens else 0.0,
        "p_wait_over_target": float((counted > settings.target_wait_min).mean())
        if has_citizens
        else 0.0,
        "utilisation": (float(service.sum()) + desk_done) / (staff * open_minutes),
        "counter_utilisation": float(service.sum()) / (staff * open_minutes),
        "desk_backlog_min": float(np.mean([minutes for minutes, _ in backlog])),
        "desk_backlog_tasks": float(np.mean([tasks for _, tasks in backlog])),
        "overtime_min": float(overtime),
        "citizens_per_day": arrival.size / len(days),
    }


def simulate(load: CounterLoad, staff: int, settings: SimulationSettings) -> dict[str, float]:
    """Mean of each figure over the replications, with `<name>_ci` the 95% half-interval."""
    if staff < 1:
        raise ValueError("staff must be at least 1")
    runs = [run_replication(load, staff, settings, r) for r in range(settings.replications)]
    summary: dict[str, float] = {"staff": staff}
    for name in METRICS:
        values = np.array([run[name] for run in runs])
        summary[name] = float(values.mean())
        spread = float(values.std(ddof=1)) if values.size > 1 else 0.0
        summary[f"{name}_ci"] = t95(values.size - 1) * spread / math.sqrt(values.size)
    return summary
