"""Is one postal staffer enough? Load measured from the data, two models, what-ifs, an answer.

The load (citizens at the counter by weekday and hour, desk work by weekday, service minutes) is
measured for the chosen agencies and period; scenarios vary staff, added agencies, growth and
service minutes, and are run through Erlang C (closed form) and the SimPy model (working days).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl

from onestop import db, queueing
from onestop.calendar import DEFAULT_HOURS, CounterHours, working_days
from onestop.db import DatabaseError, Store
from onestop.filters import DossierFilter, pilot_filter
from onestop.i18n import format_date, format_decimal, format_int, format_share, t
from onestop.simulation import (
    CounterLoad,
    SimulationSettings,
    constant_load,
    open_minutes_by_hour,
    simulate,
)
from onestop.text import markdown_literal

PURPOSES = ("guidance", "submission", "pickup")
DESK_KINDS = ("online_check", "digitise")
# Used when the data has no timed counter visits; editable on the page and on the command line.
DEFAULT_TASK_MINUTES = {
    "guidance": 6.0,
    "submission": 12.0,
    "pickup": 4.0,
    "online_check": 5.0,
    "digitise": 10.0,
}
DEFAULT_SERVICE_CV = 0.6
# Without queue tickets, only this share of returned results is assumed collected at the counter.
DEFAULT_PICKUP_SHARE = 0.35
MIN_TIMED_VISITS = 20  # fewer timed visits of a purpose than this: use the default minutes
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
class MeasuredLoad:
    """The load with where each part came from (shown to the user)."""

    load: CounterLoad
    arrivals_source: str  # "counter_visits" or "dossiers"
    service_source: str  # "measured" or "defaults"
    service_cv: float
    task_minutes: dict[str, float]
    working_days: int


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


# --- measuring the load ---------------------------------------------------------------------


def days_per_weekday(date_from: dt.date, date_to: dt.date) -> np.ndarray:
    """How many working days of each weekday (Monday = 0) the period holds."""
    days = working_days(date_from, date_to)
    weekday = (days.astype("int64") + 3) % 7
    return np.bincount(weekday, minlength=7).astype(float)


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
            .then(pl.col("arrivals") * DEFAULT_PICKUP_SHARE)
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


# --- the two models -------------------------------------------------------------------------


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
        result = simulate(load, staff, question.settings)
    result["model"] = model
    result["meets_target"] = question.target.met_by(result)
    return result


def smallest_staff(results: list[dict]) -> int | None:
    """The fewest staff among results that meet the target."""
    meeting = [r["staff"] for r in results if r["meets_target"]]
    return min(meeting) if meeting else None


def evaluate(measured: MeasuredLoad, question: Question) -> dict:
    """Every requested staff level through both models, and the smallest level that is enough."""
    load = measured.load.scaled(1.0 + question.growth_pct / 100.0)
    settings = replace(question.settings, service_cv=measured.service_cv)
    question = replace(question, settings=settings)
    scenarios = []
    for staff in question.staff:
        result = scenario(load, staff, question, "simulation")
        result["erlang_c"] = scenario(load, staff, question, "erlang-c")
        scenarios.append(result)
    enough = smallest_staff(scenarios)
    if enough is None and max(question.staff) < MAX_STAFF:
        # Look beyond the requested levels so the answer is never just "none of these".
        for staff in range(max(question.staff) + 1, MAX_STAFF + 1):
            if scenario(load, staff, question, "simulation")["meets_target"]:
                enough = staff
                break
    return {"scenarios": scenarios, "smallest_staff": enough}


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


# --- sentences ------------------------------------------------------------------------------
#
# Every figure in a sentence is shown on the side of its threshold that the verdict says it is
# (89.6% that falls short of 90% is written 89%, not 90%), tiny negatives from floating point
# are written 0, missing figures as words, and English counts take their singular at 1.


def _counted(noun: str, number: str, lang: str) -> str:
    """`1 staffer`, `2 staff`: a number with its noun in the right form (Vietnamese has one)."""
    return t(f"staffing.{noun}_{'one' if number == '1' else 'other'}", lang, n=number)


def _number(value: float, lang: str, digits: int) -> str:
    """A number with `digits` decimals, never `-0`."""
    shown = round(value, digits)
    return format_decimal(0.0 if shown == 0 else shown, lang, digits)


def _digits(value: float, most: int = 2) -> int:
    """The fewest decimals (up to `most`) that show a value exactly: 15 → 0, 7.5 → 1."""
    for digits in range(most + 1):
        scaled = value * 10**digits
        if abs(scaled - round(scaled)) < 1e-6:
            return digits
    return most


def minutes_phrase(value: float | None, lang: str, digits: int = 1) -> str:
    """`6.2 minutes`, `1 minute`, `no data`; waits are never negative."""
    if value is None or math.isnan(value):
        return t("staffing.no_data", lang)
    if math.isinf(value):
        return t("staffing.minutes_unbounded", lang)
    return _counted("minutes", _number(max(value, 0.0), lang, digits), lang)


def _wait_target(target: ServiceTarget, lang: str) -> str:
    return minutes_phrase(target.wait_min, lang, _digits(target.wait_min, 1))


def _percent(value: float, lang: str, digits: int) -> str:
    return f"{_number(value * 100, lang, digits)}%"


def threshold_share(threshold: float, lang: str) -> str:
    """A target share as written in sentences: exactly (90%, 92.5%)."""
    return _percent(threshold, lang, _digits(threshold * 100))


def share_beside(value: float, threshold: float, at_least: bool, lang: str) -> str:
    """A share written on the side of `threshold` the verdict puts it (at_least: ≥, else <).

    Shown with the threshold's decimals; a share strictly between 0 and 1 is never written as
    0% or 100%.
    """
    digits = _digits(threshold * 100)
    step = 10.0**-digits
    limit = round(threshold * 100, digits)
    shown = round(value * 100, digits)
    shown = max(shown, limit) if at_least else min(shown, limit - step)
    if 0.0 < value < 1.0:
        bounded = min(max(shown, step), 100.0 - step)
        if (bounded >= limit) == at_least:  # never at the cost of the verdict's side
            shown = bounded
    return f"{_number(max(shown, 0.0), lang, digits)}%"


def verdict_sentence(verdict: str, target: ServiceTarget, lang: str) -> str:
    """The closing words of a scenario's sentence for its verdict."""
    return t(
        f"staffing.verdict_{verdict}",
        lang,
        share=threshold_share(target.share_within, lang),
        wait=_wait_target(target, lang),
        limit=threshold_share(target.max_utilisation, lang),
    )


def _citizens(result: dict) -> float:
    return float(result.get("citizens_per_day", result.get("citizens", 1.0)) or 0.0)


def scenario_sentence(result: dict, target: ServiceTarget, lang: str) -> str:
    """A plain sentence for one scenario in the user's language, written from one verdict."""
    verdict = target.verdict(result)
    staff = format_int(result["staff"], lang)
    values = {
        "staff": _counted("staff", staff, lang),
        "who": _counted("who", staff, lang),
        "utilisation": share_beside(
            result["utilisation"], target.max_utilisation, not target.busy_met(result), lang
        ),
        "backlog": minutes_phrase(result.get("desk_backlog_min", 0.0), lang),
        "overtime": minutes_phrase(result.get("overtime_min", 0.0), lang),
        "verdict": verdict_sentence(verdict, target, lang),
    }
    if _citizens(result) <= 0:
        return t("staffing.scenario_sentence_no_citizens", lang, **values)
    return t(
        "staffing.scenario_sentence",
        lang,
        within=share_beside(
            1.0 - result["p_wait_over_target"],
            target.share_within,
            target.waits_met(result),
            lang,
        ),
        wait=_wait_target(target, lang),
        mean=minutes_phrase(result["mean_wait_min"], lang),
        p95=minutes_phrase(result["p95_wait_min"], lang),
        **values,
    )


def answer_sentence(enough: int | None, target: ServiceTarget, lang: str) -> str:
    """The answer to the question in the title."""
    values = {
        "share": threshold_share(target.share_within, lang),
        "wait": _wait_target(target, lang),
        "limit": threshold_share(target.max_utilisation, lang),
    }
    if enough is None:
        most = _counted("staff", format_int(MAX_STAFF, lang), lang)
        return t("staffing.answer_none", lang, most=most, **values)
    if enough == 1:
        return t("staffing.answer_one", lang, **values)
    return t("staffing.answer_other", lang, staff=format_int(enough, lang), **values)


def source_sentence(measured: MeasuredLoad, lang: str) -> str:
    """Where the load and the service minutes came from."""
    return " ".join(
        [
            t(f"staffing.source_arrivals_{measured.arrivals_source}", lang),
            t(f"staffing.source_service_{measured.service_source}", lang),
        ]
    )


def _per_month(noun: str, value: float, lang: str) -> str:
    digits = 0 if value >= 10 else _digits(round(value, 1), 1)
    return _counted(noun, _number(value, lang, digits), lang)


def breadth_sentence(comparison: dict[str, float | None], lang: str) -> str:
    """How many procedures and fields the postal staffer handles against the agencies' staff."""
    values = {}
    present = []
    for organisation in ("postal", "agency"):
        procedures = comparison[f"{organisation}_procedures"]
        fields = comparison[f"{organisation}_fields"]
        if procedures is None or fields is None:
            continue
        present.append(organisation)
        values[f"{organisation}_procedures"] = _per_month("procedures", procedures, lang)
        values[f"{organisation}_fields"] = _per_month("fields", fields, lang)
    case = {("postal", "agency"): "both", ("postal",): "postal_only", ("agency",): "agency_only"}
    return t(f"staffing.breadth_{case.get(tuple(present), 'none')}", lang, **values)


def scope_sentence(
    question: Question, agencies: pl.DataFrame, lang: str, markdown: bool = False
) -> str:
    """Whose load, over which period, with which what-ifs: agency names escaped for Markdown."""
    period = {
        "start": format_date(question.filter.date_from, lang),
        "end": format_date(question.filter.date_to, lang),
    }
    chosen = question.filter.agency_ids
    if chosen:
        count = _counted("agencies", format_int(len(chosen), lang), lang)
        parts = [t("staffing.scope_chosen", lang, agencies=count, **period)]
    else:
        parts = [t("staffing.scope_every", lang, **period)]
    if question.added_agency_ids:
        named = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
        names = [str(named.get(agency_id, agency_id)) for agency_id in question.added_agency_ids]
        if markdown:
            names = [markdown_literal(name) for name in names]
        count = _counted("agencies", format_int(len(names), lang), lang)
        parts.append(t("staffing.scope_added", lang, agencies=count, names=", ".join(names)))
    growth = question.growth_pct
    shown = _number(abs(growth), lang, _digits(abs(growth), 1))
    if round(abs(growth), 1) > 0:
        direction = "up" if growth > 0 else "down"
        parts.append(t(f"staffing.scope_growth_{direction}", lang, growth=f"{shown}%"))
    return " ".join(parts)


def has_load(measured: MeasuredLoad) -> bool:
    """Whether the period brings any counter or desk work at all."""
    return bool(measured.load.arrivals.sum() > 0 or measured.load.desk_tasks.sum() > 0)


# --- the command line -----------------------------------------------------------------------


def _staff_list(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected staff levels like 1,2,3 (each from 1 to {MAX_STAFF}), got '{text}'"
        ) from None
    if not levels or levels[0] < 1 or levels[-1] > MAX_STAFF:
        raise argparse.ArgumentTypeError(
            f"expected staff levels like 1,2,3 (each from 1 to {MAX_STAFF}), got '{text}'"
        )
    return levels


def _task_minutes(text: str) -> tuple[str, float]:
    from onestop.cli import number_in

    task, _, value = text.partition("=")
    if task not in DEFAULT_TASK_MINUTES:
        known = ", ".join(DEFAULT_TASK_MINUTES)
        raise argparse.ArgumentTypeError(f"unknown task '{task}' in '{text}' (tasks: {known})")
    low, high = TASK_MINUTES_RANGE
    try:
        minutes = number_in(low, high, unit="minutes")(value)
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"{task}: {error}") from None
    return task, minutes


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Register `onestop staffing`; every number is range-checked by its argparse type."""
    from onestop.cli import _date, number_in, seed_argument

    def fraction(what: str):
        return number_in(0, 1, above_low=True, unit=what)

    parser = commands.add_parser("staffing", help="how many postal staff the counter needs")
    parser.add_argument("--db", help=db_help)
    parser.add_argument(
        "--pilot",
        action="store_true",
        help="the pilot's agencies (default without --agency); with --agency, added to them",
    )
    parser.add_argument("--agency", action="append", help="name or code; repeatable")
    parser.add_argument("--from", dest="date_from", type=_date, help="default: pilot start")
    parser.add_argument("--to", dest="date_to", type=_date, help="default: pilot end")
    parser.add_argument(
        "--staff", type=_staff_list, default=(1, 2, 3, 4), help=f"e.g. 1,2,3 (1 to {MAX_STAFF})"
    )
    parser.add_argument("--add-agency", action="append", help="add its load; repeatable")
    parser.add_argument(
        "--add-non-pilot", action="store_true", help="add every agency outside the pilot"
    )
    low, high = GROWTH_RANGE
    parser.add_argument(
        "--growth",
        type=number_in(low, high, above_low=True, unit="percent"),
        default=0.0,
        help=f"volume growth in percent, above {low:g} and at most {high:g}",
    )
    parser.add_argument(
        "--task-minutes",
        type=_task_minutes,
        action="append",
        help="e.g. submission=15 ({:g} to {:g} minutes)".format(*TASK_MINUTES_RANGE),
    )
    parser.add_argument(
        "--target-share",
        type=fraction("a share of citizens"),
        default=ServiceTarget.share_within,
        help="share of citizens who must wait no more than --target-wait (0 to 1)",
    )
    parser.add_argument(
        "--target-wait",
        type=number_in(*TARGET_WAIT_RANGE, unit="minutes"),
        default=ServiceTarget.wait_min,
        help="longest acceptable wait, {:g} to {:g} minutes".format(*TARGET_WAIT_RANGE),
    )
    parser.add_argument(
        "--max-utilisation",
        type=fraction("a share of working time"),
        default=ServiceTarget.max_utilisation,
        help="staff must be busy less than this share of their time (0 to 1)",
    )
    parser.add_argument(
        "--days",
        type=number_in(*DAYS_RANGE, whole=True),
        default=SimulationSettings.days,
        help="simulated working days, {} to {}".format(*DAYS_RANGE),
    )
    parser.add_argument(
        "--replications",
        type=number_in(*REPLICATIONS_RANGE, whole=True),
        default=SimulationSettings.replications,
        help="independent runs the days are split into, {} to {}".format(*REPLICATIONS_RANGE),
    )
    parser.add_argument("--seed", type=seed_argument(), default=SimulationSettings.seed)
    parser.add_argument("--lang", choices=["vi", "en"], default="vi")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    model_only = parser.add_argument_group("model only (no database)")
    model_only.add_argument(
        "--arrivals-per-hour",
        type=number_in(0, MAX_ARRIVALS_PER_HOUR, unit="citizens an hour"),
        help=f"0 to {MAX_ARRIVALS_PER_HOUR:g}",
    )
    model_only.add_argument(
        "--service-minutes",
        type=number_in(*TASK_MINUTES_RANGE, unit="minutes"),
        help="{:g} to {:g}".format(*TASK_MINUTES_RANGE),
    )
    model_only.add_argument("--model", choices=MODELS, default="erlang-c")
    model_only.add_argument(
        "--distribution", choices=["lognormal", "exponential"], default="lognormal"
    )
    model_only.add_argument(
        "--service-cv",
        type=number_in(*SERVICE_CV_RANGE),
        default=DEFAULT_SERVICE_CV,
        help="coefficient of variation of service times, {:g} to {:g}".format(*SERVICE_CV_RANGE),
    )
    parser.set_defaults(run=cmd_staffing, uses_database=lambda args: not _is_model_only(args))


def _settings(args: argparse.Namespace) -> tuple[ServiceTarget, SimulationSettings]:
    target = ServiceTarget(args.target_share, args.target_wait, args.max_utilisation)
    settings = SimulationSettings(
        days=args.days,
        replications=args.replications,
        seed=args.seed,
        service_cv=args.service_cv,
        distribution=args.distribution,
        target_wait_min=args.target_wait,
    )
    return target, settings


def model_only(args: argparse.Namespace) -> dict:
    """Scenarios for a constant arrival rate and one service time, without a database."""
    from onestop.cli import UsageError

    if args.arrivals_per_hour is None or args.service_minutes is None:
        raise UsageError("--arrivals-per-hour and --service-minutes go together.")
    target, settings = _settings(args)
    question = Question(
        DossierFilter(dt.date.today(), dt.date.today()), args.staff, target=target,
        settings=settings,
    )  # fmt: skip
    load = constant_load(args.arrivals_per_hour, args.service_minutes, settings.hours)
    results = []
    for staff in args.staff:
        if args.model == "erlang-c":
            single = queueing.erlang_c(args.arrivals_per_hour, args.service_minutes, staff)
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


def _default_period(store: Store, args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    from onestop.cli import UsageError

    if args.date_from and args.date_to:
        return args.date_from, args.date_to
    pilot = store.query("pilot_definition")
    if pilot.height == 0:
        raise UsageError("This database defines no pilot: give --from and --to.")
    return args.date_from or pilot["start_date"][0], args.date_to or pilot["end_date"][0]


def question_from_args(store: Store, args: argparse.Namespace) -> Question:
    """The question a command line asks of a database."""
    from onestop.cli import UsageError, resolve_agencies

    use_pilot = args.pilot or not args.agency
    if use_pilot and not args.pilot:
        agencies = store.query("agencies")
        if not agencies["is_pilot"].any():
            codes = agencies["code"].to_list()
            shown = ", ".join(codes[:10]) + (", …" if len(codes) > 10 else "")
            raise UsageError(
                "This database defines no pilot: name the agencies with --agency "
                f"(codes: {shown or 'none yet'}) and the period with --from and --to."
            )
    agency_ids = resolve_agencies(store, args.agency or [], use_pilot)
    added = resolve_agencies(store, args.add_agency or [], False)
    if args.add_non_pilot:
        agencies = store.query("agencies")
        added += tuple(agencies.filter(~pl.col("is_pilot"))["agency_id"].to_list())
    date_from, date_to = _default_period(store, args)
    if date_from > date_to:
        raise UsageError("--from must not be later than --to.")
    target, settings = _settings(args)
    return Question(
        DossierFilter(date_from, date_to, agency_ids),
        args.staff,
        tuple(sorted(set(added) - set(agency_ids))),
        args.growth,
        dict(args.task_minutes or []),
        target,
        settings,
    )


def answer(store: Store, question: Question, lang: str, markdown: bool = False) -> dict:
    """Everything the page and the command show for a question.

    With markdown=True, text the data supplies (agency names) is escaped for st.markdown.
    """
    measured = measure_load(store, question.load_filter(), question.task_minutes)
    evaluated = evaluate(measured, question)
    for result in evaluated["scenarios"]:
        result["sentence"] = scenario_sentence(result, question.target, lang)
    breadth_filter = DossierFilter(question.filter.date_from, question.filter.date_to)
    breadth = breadth_by_staffer(store.query("staffer_breadth_by_month", breadth_filter.params()))
    comparison = breadth_comparison(breadth)
    loaded = has_load(measured)
    return {
        "period": [question.filter.date_from.isoformat(), question.filter.date_to.isoformat()],
        "agency_ids": list(question.filter.agency_ids),
        "added_agency_ids": list(question.added_agency_ids),
        "growth_pct": question.growth_pct,
        "scope": {
            "sentence": scope_sentence(question, store.query("agencies"), lang, markdown),
        },
        "source": {
            "arrivals": measured.arrivals_source,
            "service": measured.service_source,
            "sentence": source_sentence(measured, lang),
        },
        "task_minutes": measured.task_minutes,
        "service_cv": measured.service_cv,
        "citizens_per_day": float(measured.load.arrivals.sum() / 5.0),
        "desk_tasks_per_day": float(measured.load.desk_tasks.sum() / 5.0),
        "has_load": loaded,
        "scenarios": evaluated["scenarios"],
        "smallest_staff": evaluated["smallest_staff"],
        "answer": answer_sentence(evaluated["smallest_staff"], question.target, lang)
        if loaded
        else t("staffing.answer_no_load", lang),
        "breadth": comparison | {"sentence": breadth_sentence(comparison, lang)},
    }


def _json_ready(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


TABLE_COLUMNS = (
    ("staff", "d"),
    ("utilisation", "%"),
    ("p_wait", "%"),
    ("mean_wait_min", "f"),
    ("p_wait_over_15", "%"),
    ("p95_wait_min", "f"),
    ("desk_backlog_min", "f"),
    ("overtime_min", "f"),
    ("meets_target", "b"),
)


def to_table(result: dict, lang: str) -> str:
    """Scenarios as an aligned text table followed by the sentences."""
    header = [t(f"staffing.column_{name}", lang) for name, _ in TABLE_COLUMNS]
    rows = []
    for scenario_result in result["scenarios"]:
        row = []
        for name, kind in TABLE_COLUMNS:
            value = scenario_result.get(name)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                row.append("—")
            elif kind == "%":
                row.append(format_share(_not_negative(value), lang))
            elif kind == "f":
                row.append("∞" if math.isinf(value) else _number(max(value, 0.0), lang, 1))
            elif kind == "b":
                row.append(t("staffing.yes" if value else "staffing.no", lang))
            else:
                row.append(format_int(value, lang))
        rows.append(row)
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
             for line in [header, *rows]]  # fmt: skip
    for scenario_result in result["scenarios"]:
        if "sentence" in scenario_result:
            lines.append(scenario_result["sentence"])
    for key in ("scope", "source", "breadth"):
        if key in result:
            lines.append(result[key]["sentence"])
    if "answer" in result:
        lines.append(result["answer"])
    return "\n".join(lines) + "\n"


def _is_model_only(args: argparse.Namespace) -> bool:
    return args.arrivals_per_hour is not None or args.service_minutes is not None


def cmd_staffing(args: argparse.Namespace) -> int:
    if _is_model_only(args):
        result = model_only(args)
    else:
        store = Store(db.resolve_db_path(args.db))
        store.connection()
        result = answer(store, question_from_args(store, args), args.lang)
    if args.format == "json":
        sys.stdout.write(json.dumps(_json_ready(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_table(result, args.lang))
    return 0


# --- benchmark ------------------------------------------------------------------------------


def bench_staffing(db_path: Path | None = None, staff: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Seconds to recompute the page: measure the load and run 4 staff levels × 200 days.

    Uses the heaviest demo question (the pilot plus every non-pilot agency) so the figure is a
    worst case; builds a demo database in a temporary folder when none is given.
    """
    with tempfile.TemporaryDirectory() as folder:
        if db_path is None:
            from onestop import demo

            db_path = Path(folder) / "bench.duckdb"
            demo.build_demo(db_path)
        store = Store(Path(db_path))
        try:
            agencies = store.query("agencies")
            pilot = pilot_filter(store.query("pilot_definition"), agencies)
            if pilot is None:
                raise DatabaseError(f"{db_path} defines no pilot to benchmark.")
            question = Question(
                pilot,
                staff,
                tuple(agencies.filter(~pl.col("is_pilot"))["agency_id"].to_list()),
            )
            started = time.perf_counter()
            measured = measure_load(store, question.load_filter())
            loaded = time.perf_counter()
            evaluated = evaluate(measured, question)
            finished = time.perf_counter()
        finally:
            store.close()
    citizens = sum(r["citizens_per_day"] for r in evaluated["scenarios"]) * (
        question.settings.days_per_replication * question.settings.replications
    )
    return {
        "seconds": finished - started,
        "load_seconds": loaded - started,
        "model_seconds": finished - loaded,
        "staff_levels": len(staff),
        "days": question.settings.days,
        "replications": question.settings.replications,
        "citizens_simulated": round(citizens),
        "within_target": finished - started < 2.0,
    }


# --- what the page shows --------------------------------------------------------------------


def scenario_frame(scenarios: list[dict]) -> pl.DataFrame:
    """One row per staff level and model: the figures the table and charts show."""
    rows = []
    for result in scenarios:
        for model, figures in (("simulation", result), ("erlang-c", result.get("erlang_c"))):
            if figures is None:
                continue
            rows.append(
                {
                    "staff": result["staff"],
                    "model": model,
                    "utilisation": _plain(figures["utilisation"]),
                    "p_wait": _plain(figures["p_wait"]),
                    "mean_wait_min": _plain(figures["mean_wait_min"]),
                    "p_wait_over_15": _plain(figures["p_wait_over_15"]),
                    "p95_wait_min": _plain(figures["p95_wait_min"]),
                    "meets_target": figures["meets_target"],
                }
            )
    return pl.DataFrame(rows)


def _not_negative(value: float) -> float:
    """Waits and shares cannot be negative: floating-point dust below 0 becomes 0."""
    return value if value > 0 else 0.0


def _plain(value: float) -> float | None:
    """A figure for the table and charts: None (shown as a dash) when unbounded or missing."""
    if value is None or not math.isfinite(value):
        return None
    return _not_negative(value)


def staffing_charts(scenarios: list[dict], target: ServiceTarget, lang: str) -> list:
    """Wait and utilisation against staff count, both models, as chart specs."""
    from onestop.charts import ChartSpec

    frame = scenario_frame(scenarios)
    waits = pl.concat(
        [
            frame.select("staff", value="mean_wait_min", series=pl.format("{}_mean", "model")),
            frame.filter(pl.col("model") == "simulation").select(
                "staff", value="p95_wait_min", series=pl.lit("simulation_p95")
            ),
        ]
    ).with_columns(pl.col("staff").cast(pl.String))
    busy = frame.select(pl.col("staff").cast(pl.String), "model", value="utilisation").with_columns(
        series=pl.col("model")
    )
    labels = {
        key: t(f"staffing.series_{key.replace('-', '_')}", lang)
        for key in ("simulation_mean", "erlang-c_mean", "simulation_p95", "simulation", "erlang-c")
    }
    return [
        ChartSpec(
            "line",
            waits,
            "staff",
            "value",
            t("staffing.chart_wait", lang, wait=_wait_target(target, lang)),
            t("staffing.column_staff", lang),
            t("staffing.axis_minutes", lang),
            series="series",
            series_labels=labels,
            value_format="decimal",
        ),
        ChartSpec(
            "line",
            busy.drop("model"),
            "staff",
            "value",
            t(
                "staffing.chart_utilisation",
                lang,
                limit=threshold_share(target.max_utilisation, lang),
            ),
            t("staffing.column_staff", lang),
            t("staffing.column_utilisation", lang),
            series="series",
            series_labels=labels,
            value_format="share",
        ),
    ]
