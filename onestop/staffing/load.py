"""Measuring the counter's load for a question: citizens at the counter by weekday and hour (from
queue tickets, else estimated from dossiers), desk work by weekday, minutes per task, and the
breadth of the receiving staff's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from onestop.core.calendar import DEFAULT_HOURS, CounterHours, weekday_of, working_days
from onestop.core.codes import DEFAULT_TASK_MINUTES, DESK_KINDS, PICKUP_SHARE, PURPOSES, WEEKDAYS
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.staffing.simulation import DEFAULT_SERVICE_CV, CounterLoad, open_minutes_by_hour

MIN_TIMED_VISITS = 20  # fewer timed visits of a purpose than this: use the default minutes


@dataclass(frozen=True)
class MeasuredLoad:
    """The load with where each part came from (shown to the user)."""

    load: CounterLoad
    arrivals_source: str  # "counter_visits" or "dossiers"
    service_source: str  # "measured" or "defaults"
    service_cv: float
    task_minutes: dict[str, float]
    working_days: int


def days_per_weekday(date_from: dt.date, date_to: dt.date) -> np.ndarray:
    """How many working days of each weekday (Monday = 0) the period holds."""
    weekday = weekday_of(working_days(date_from, date_to))
    return np.bincount(weekday, minlength=len(WEEKDAYS)).astype(float)


def arrival_profile(
    counts: pl.DataFrame, days: np.ndarray, hours: CounterHours = DEFAULT_HOURS
) -> np.ndarray:
    """Citizens per working day by purpose, weekday and hour (purposes in PURPOSES order).

    Tickets issued in an hour when the counter is closed (just before opening, over lunch) are
    moved to the next open hour of that weekday, since those citizens queue for it; tickets after
    the last open hour go to that hour.
    """
    profile = np.zeros((len(PURPOSES), 7, 24))
    for purpose, weekday, hour, arrivals in counts.select(
        "purpose", "weekday", "hour", "arrivals"
    ).iter_rows():
        if purpose in PURPOSES and days[weekday] > 0:
            profile[PURPOSES.index(purpose), weekday, hour] += arrivals / days[weekday]
    for weekday in range(7):
        open_hours = np.flatnonzero(open_minutes_by_hour(hours, weekday) > 0)
        if open_hours.size == 0:
            profile[:, weekday, :] = 0.0
            continue
        for hour in range(24):
            if hour not in open_hours:
                later = open_hours[open_hours > hour]
                queued_for = later[0] if later.size else open_hours[-1]
                profile[:, weekday, queued_for] += profile[:, weekday, hour]
                profile[:, weekday, hour] = 0.0
    return profile


def desk_profile(desk_days: pl.DataFrame, days: np.ndarray) -> np.ndarray:
    """Desk tasks per working day by kind (DESK_KINDS order) and weekday."""
    tasks = np.zeros((len(DESK_KINDS), 7))
    columns = {"online_check": "online_to_check", "digitise": "paper_to_digitise"}
    for index, kind in enumerate(DESK_KINDS):
        sums = desk_days.group_by("weekday").agg(pl.col(columns[kind]).sum())
        for weekday, total in sums.iter_rows():
            if days[weekday] > 0:
                tasks[index, weekday] = total / days[weekday]
    return tasks


def service_minutes(
    timed: pl.DataFrame, overrides: dict[str, float]
) -> tuple[dict[str, float], float, str]:
    """Minutes per task (measured where enough visits were timed), the spread, and the source."""
    minutes = dict(DEFAULT_TASK_MINUTES)
    enough = timed.filter(pl.col("visits") >= MIN_TIMED_VISITS)
    for purpose, mean in enough.select("purpose", "mean_minutes").iter_rows():
        minutes[purpose] = float(mean)
    cv = DEFAULT_SERVICE_CV
    if enough.height:
        weights = enough["visits"].to_numpy().astype(float)
        ratios = (enough["sd_minutes"] / enough["mean_minutes"]).fill_null(0.0).to_numpy()
        cv = float(np.dot(weights, ratios) / weights.sum())
    minutes.update(overrides)
    return minutes, cv, "measured" if enough.height else "defaults"


def measure_load(
    store: Store, flt: DossierFilter, overrides: dict[str, float] | None = None
) -> MeasuredLoad:
    """The counter's load for a filter, from queue tickets when present, else from dossiers."""
    params = flt.params()
    days = days_per_weekday(flt.date_from, flt.date_to)
    counts = store.query("counter_arrivals_by_weekday_hour", params)
    arrivals_source = "counter_visits"
    if counts.height == 0:
        arrivals_source = "dossiers"
        counts = store.query("counter_arrivals_from_dossiers", params).with_columns(
            arrivals=pl.when(pl.col("purpose") == "pickup")
            .then(pl.col("arrivals") * PICKUP_SHARE)
            .otherwise(pl.col("arrivals"))
        )
    minutes, cv, service_source = service_minutes(
        store.query("counter_service_minutes", params), overrides or {}
    )
    load = CounterLoad(
        PURPOSES,
        arrival_profile(counts, days),
        tuple(minutes[p] for p in PURPOSES),
        DESK_KINDS,
        desk_profile(store.query("desk_work_by_day", params), days),
        tuple(minutes[k] for k in DESK_KINDS),
    )
    return MeasuredLoad(load, arrivals_source, service_source, cv, minutes, int(days.sum()))


def has_load(measured: MeasuredLoad) -> bool:
    """Whether the period brings any counter or desk work at all."""
    return bool(measured.load.arrivals.sum() > 0 or measured.load.desk_tasks.sum() > 0)


# --- breadth of the job ---------------------------------------------------------------------


def breadth_by_staffer(monthly: pl.DataFrame) -> pl.DataFrame:
    """Per counter staffer: months active and mean dossiers, procedures, fields a month."""
    return (
        monthly.group_by("staff_id", "staff_name", "organisation")
        .agg(
            months=pl.len(),
            dossiers_per_month=pl.col("dossiers").mean(),
            procedures_per_month=pl.col("procedures").mean(),
            fields_per_month=pl.col("fields").mean(),
            agencies=pl.col("agencies").max(),
        )
        .sort("organisation", "procedures_per_month", descending=[True, True])
    )


def breadth_comparison(breadth: pl.DataFrame) -> dict[str, float | None]:
    """Mean monthly procedures and fields of postal staffers against the agencies' own.

    None where the period has no staffer of that organisation (not 0, which would be a claim).
    """
    out: dict[str, float | None] = {}
    for organisation in ("postal", "agency"):
        rows = breadth.filter(pl.col("organisation") == organisation)
        for name in ("procedures", "fields"):
            mean = rows[f"{name}_per_month"].mean() if rows.height else None
            out[f"{organisation}_{name}"] = None if mean is None else float(mean)
    return out
