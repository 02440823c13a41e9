"""`onestop staffing`: how many postal staff the counter needs, from a database or for a
constant arrival rate (model only)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

import polars as pl

from onestop.cli.arguments import (
    UsageError,
    date_argument,
    number_in,
    resolve_agencies,
    seed_argument,
)
from onestop.core import db
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.staffing import (
    DAYS_RANGE,
    DEFAULT_SERVICE_CV,
    DEFAULT_TASK_MINUTES,
    GROWTH_RANGE,
    MAX_ARRIVALS_PER_HOUR,
    MAX_STAFF,
    MODELS,
    REPLICATIONS_RANGE,
    SERVICE_CV_RANGE,
    TARGET_WAIT_RANGE,
    TASK_MINUTES_RANGE,
    Question,
    ServiceTarget,
    SimulationSettings,
    answer,
    constant_rate_scenarios,
    json_ready,
    to_table,
)


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


def _fraction(what: str):
    return number_in(0, 1, above_low=True, unit=what)


def add_target_and_simulation_arguments(parser: argparse.ArgumentParser) -> None:
    """The service target, simulation and output options `staffing` and `capacity` share."""
    parser.add_argument(
        "--target-share",
        type=_fraction("a share of citizens"),
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
        type=_fraction("a share of working time"),
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


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Register `onestop staffing`; every number is range-checked by its argparse type."""

    parser = commands.add_parser("staffing", help="how many postal staff the counter needs")
    parser.add_argument("--db", help=db_help)
    parser.add_argument(
        "--pilot",
        action="store_true",
        help="the pilot's agencies (default without --agency); with --agency, added to them",
    )
    parser.add_argument("--agency", action="append", help="name or code; repeatable")
    parser.add_argument("--from", dest="date_from", type=date_argument, help="default: pilot start")
    parser.add_argument("--to", dest="date_to", type=date_argument, help="default: pilot end")
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
    add_target_and_simulation_arguments(parser)
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
    parser.set_defaults(run=run, uses_database=lambda args: not _is_model_only(args))


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
    if args.arrivals_per_hour is None or args.service_minutes is None:
        raise UsageError("--arrivals-per-hour and --service-minutes go together.")
    target, settings = _settings(args)
    return constant_rate_scenarios(
        args.arrivals_per_hour, args.service_minutes, args.staff, args.model, target, settings
    )


def _default_period(store: Store, args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    if args.date_from and args.date_to:
        return args.date_from, args.date_to
    pilot = store.query("pilot_definition")
    if pilot.height == 0:
        raise UsageError("This database defines no pilot: give --from and --to.")
    return args.date_from or pilot["start_date"][0], args.date_to or pilot["end_date"][0]


def question_from_args(store: Store, args: argparse.Namespace) -> Question:
    """The question a command line asks of a database."""
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


def _is_model_only(args: argparse.Namespace) -> bool:
    return args.arrivals_per_hour is not None or args.service_minutes is not None


def run(args: argparse.Namespace) -> int:
    if _is_model_only(args):
        result = model_only(args)
    else:
        store = Store(db.resolve_db_path(args.db))
        store.connection()
        result = answer(store, question_from_args(store, args), args.lang)
    if args.format == "json":
        sys.stdout.write(json.dumps(json_ready(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_table(result, args.lang))
    return 0
