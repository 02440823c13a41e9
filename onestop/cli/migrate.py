"""`onestop migrate`: bring an older database file's schema up to date."""

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
    finally:
        con.close()
    if current < latest:
        # Through the atomic swap, so a dashboard reading the file is never disturbed.
        db.replace_atomically(path, lambda con: None)
    print(f"{path}: schema version {latest} (was {current}).")
    return 0
