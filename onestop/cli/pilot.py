"""`onestop pilot set|show|clear`: the pilot a database evaluates and its default views show.

The definition is stored in the database through the atomic swap (onestop.evaluation.pilots), so a
dashboard reading the file meanwhile sees the old pilot or the new one, never half of either.
"""

from __future__ import annotations

import argparse
import json
import sys

import polars as pl

from onestop.cli.arguments import UsageError, date_argument
from onestop.core import db, i18n
from onestop.core.db import Store
from onestop.core.text import terminal_text
from onestop.evaluation import pilots
from onestop.evaluation.pilots import PilotDefinition, PilotError

CLI_LANGUAGE = "en"  # the command's messages, as every other command's


def _pilot_error(error: PilotError) -> str:
    values = {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in error.values.items()
    }
    return i18n.t(error.key, CLI_LANGUAGE, **values)


def current(store: Store) -> dict | None:
    """The stored pilot as `onestop pilot show --format json` prints it; None when none."""
    definition = store.query("pilot_definition")
    if definition.height == 0:
        return None
    row = definition.row(0, named=True)
    members = store.query("agencies").filter(pl.col("is_pilot")).sort("code")
    return {
        "name": row["name"],
        "start": row["start_date"].isoformat(),
        "end": None if row["is_ongoing"] else row["end_date"].isoformat(),
        "agencies": [
            {"code": code, "name": name} for code, name in members.select("code", "name").rows()
        ],
    }


def show_text(pilot: dict | None) -> str:
    """The stored pilot in a few lines for the terminal."""
    if pilot is None:
        return "No pilot is defined; define one with `onestop pilot set`.\n"
    end = pilot["end"] or "ongoing (runs to the last dossier received)"
    lines = [
        f"Pilot: {terminal_text(pilot['name'])}",
        f"Period: {pilot['start']} to {end}",
        f"Agencies ({len(pilot['agencies'])}):",
        *(
            f"  {terminal_text(agency['code'])}  {terminal_text(agency['name'])}"
            for agency in pilot["agencies"]
        ),
    ]
    return "\n".join(lines) + "\n"


def cmd_pilot(args: argparse.Namespace) -> int:
    path = db.resolve_db_path(args.db)
    if args.action == "clear":
        pilots.clear_pilot(path)
        print(f"{path}: the pilot is cleared; no agency is a pilot agency.", file=sys.stderr)
        return 0
    if args.action == "set":
        store = Store(path)
        try:
            agencies = store.query("agencies")
        finally:
            store.close()
        try:
            ids = pilots.match_agencies(agencies, args.agency)
            name = args.name
            if name is None:
                name = i18n.t(
                    "pilot.default_name",
                    i18n.DEFAULT_LANGUAGE,
                    start=i18n.format_date(args.date_from, i18n.DEFAULT_LANGUAGE),
                )
            definition = PilotDefinition(name, args.date_from, args.date_to, ids)
        except PilotError as error:
            raise UsageError(_pilot_error(error)) from None
        pilots.set_pilot(path, definition)
    store = Store(path)
    try:
        pilot = current(store)
    finally:
        store.close()
    if args.action == "set":
        print(f"{path}: pilot stored.", file=sys.stderr)
    if getattr(args, "format", "text") == "json":
        sys.stdout.write(json.dumps(pilot, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(show_text(pilot))
    return 0


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Register `onestop pilot set|show|clear`."""
    parser = commands.add_parser(
        "pilot",
        help="define, show or clear the pilot (its agencies and period)",
        description=(
            "The pilot is stored in the database: the dashboard's default view (the pilot's "
            "agencies over its period), `--pilot` of other commands and `onestop evaluate` "
            "read it. Setting a pilot replaces the previous one."
        ),
    )
    actions = parser.add_subparsers(dest="action", required=True)
    setting = actions.add_parser("set", help="store the pilot, replacing any previous one")
    setting.add_argument("--db", help=db_help)
    setting.set_defaults(writes=True)
    setting.add_argument(
        "--agency",
        action="extend",
        nargs="+",
        required=True,
        metavar="NAME_OR_CODE",
        help="a pilot agency's name or code (any case or accents); several, or repeat --agency",
    )
    setting.add_argument("--from", dest="date_from", type=date_argument, required=True)
    setting.add_argument(
        "--to", dest="date_to", type=date_argument, help="last day (default: still running)"
    )
    setting.add_argument(
        "--name", help=f"default: 'Thí điểm từ <start>'; at most {pilots.NAME_LIMIT} characters"
    )
    showing = actions.add_parser("show", help="print the stored pilot")
    showing.add_argument("--db", help=db_help)
    showing.add_argument("--format", choices=["text", "json"], default="text")
    clearing = actions.add_parser("clear", help="remove the pilot: no agency is a pilot agency")
    clearing.add_argument("--db", help=db_help)
    clearing.set_defaults(writes=True)
    parser.set_defaults(run=cmd_pilot)
