"""`onestop migrate`: bring an older database file's schema, and its rollups, up to date."""

from __future__ import annotations

import argparse

from onestop.core import db


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    parser = commands.add_parser("migrate", help="bring a database's schema up to date")
    parser.add_argument("--db", help=db_help)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = db.resolve_db_path(args.db)
    latest = max(number for number, _ in db.schema_versions())
    con = db.connect_read_only(path)
    try:
        current = db.current_schema_version(con)
        rollups = db.rollup_status(con) if current == latest else "stale"
    finally:
        con.close()
    swap = current < latest or rollups in ("missing", "stale")
    if swap:
        # Through the atomic swap (which rebuilds the rollups), so a dashboard reading the
        # file is never disturbed.
        db.replace_atomically(path, lambda con: None)
    done = "rollups rebuilt from its rows" if swap else "rollups up to date"
    print(f"{path}: schema version {latest} (was {current}); {done}.")
    return 0
