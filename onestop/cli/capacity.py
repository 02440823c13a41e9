"""`onestop capacity`: how far a staff count stretches (the largest volume factor within the
target, the agencies that could be added, the peak month and hour), as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from onestop.cli.arguments import date_argument, number_in
from onestop.cli.staffing import add_target_and_simulation_arguments, question_from_args
from onestop.core import db
from onestop.core.db import Store
from onestop.staffing import (
    DEFAULT_SERVICE_CV,
    GROWTH_RANGE,
    MAX_STAFF,
    capacity_report,
)
from onestop.staffing.capacity import capacity


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Register `onestop capacity`: the staffing command's options for whose load and target."""

    parser = commands.add_parser(
        "capacity", help="how far a staff count stretches: volume, agencies, peaks"
    )
    parser.add_argument("--db", help=db_help)
    parser.add_argument("--pilot", action="store_true", help="the pilot's agencies (default)")
    parser.add_argument("--agency", action="append", help="name or code; repeatable")
    parser.add_argument("--from", dest="date_from", type=date_argument, help="default: pilot start")
    parser.add_argument("--to", dest="date_to", type=date_argument, help="default: pilot end")
    parser.add_argument(
        "--staff",
        dest="staff_count",
        type=number_in(1, MAX_STAFF, whole=True),
        required=True,
        help=f"the staff count to stretch, 1 to {MAX_STAFF}",
    )
    parser.add_argument("--add-agency", action="append", help="start from this load added too")
    low, high = GROWTH_RANGE
    parser.add_argument(
        "--growth",
        type=number_in(low, high, above_low=True, unit="percent"),
        default=0.0,
        help="volume growth for the agencies and peaks, in percent",
    )
    add_target_and_simulation_arguments(parser)
    # What `onestop staffing` asks that capacity fixes: its question is built the same way.
    parser.set_defaults(
        run=run,
        add_non_pilot=False,
        task_minutes=None,
        service_cv=DEFAULT_SERVICE_CV,
        distribution="lognormal",
    )


def run(args: argparse.Namespace) -> int:
    store = Store(db.resolve_db_path(args.db))
    store.connection()
    args.staff = (int(args.staff_count),)
    question = question_from_args(store, args)
    answer = capacity(store, question, int(args.staff_count))
    names = capacity_report.agency_names(store)
    if args.format == "json":
        text = json.dumps(capacity_report.to_json(answer, names), ensure_ascii=False, indent=2)
        sys.stdout.write(text + "\n")
    else:
        sys.stdout.write(capacity_report.to_table(answer, names, args.lang))
    return 0
