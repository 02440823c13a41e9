"""The `onestop` command: build the demo, print the official report, and more."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from onestop import db, demo, i18n, report
from onestop.db import DatabaseError, Store
from onestop.filters import DossierFilter
from onestop.text import fold


class UsageError(Exception):
    """A wrong argument, explained in one sentence."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date of the form YYYY-MM-DD") from None


def resolve_agencies(store: Store, names_or_codes: Sequence[str], pilot: bool) -> tuple[int, ...]:
    """Agency ids for --agency values (name or code, any case or accents) and --pilot."""
    agencies = store.query("agencies")
    chosen: list[int] = []
    if pilot:
        pilot_ids = agencies.filter(pl.col("is_pilot"))["agency_id"].to_list()
        if not pilot_ids:
            raise UsageError("--pilot: this database defines no pilot.")
        chosen += pilot_ids
    by_key = {}
    for agency_id, code, name in agencies.select("agency_id", "code", "name").iter_rows():
        by_key[fold(code)] = agency_id
        by_key[fold(name)] = agency_id
    for value in names_or_codes:
        if fold(value) not in by_key:
            known = ", ".join(agencies["code"].to_list())
            raise UsageError(f"--agency: no agency named or coded '{value}' (codes: {known}).")
        chosen.append(by_key[fold(value)])
    return tuple(sorted(set(chosen)))


def cmd_demo(args: argparse.Namespace) -> int:
    path = db.resolve_db_path(args.db)
    if path.is_file() and not args.force:
        status = Store(path).query("data_status").row(0, named=True)
        real = status["dossiers"] - status["demo_dossiers"]
        if real:
            raise UsageError(
                f"{path} holds {real:,} imported dossiers; the demo would replace them "
                "(use another --db, or --force to replace them anyway)."
            )
    summary = demo.build_demo(path, total=args.dossiers, seed=args.seed)
    size_mb = path.stat().st_size / 1e6
    print(
        f"Demo database written to {summary.path}: {summary.dossiers:,} dossiers, "
        f"{summary.counter_visits:,} counter visits, {size_mb:.1f} MB in {summary.seconds:.1f} s."
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
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


def cmd_report(args: argparse.Namespace) -> int:
    store = Store(db.resolve_db_path(args.db))
    store.connection()
    agency_ids = resolve_agencies(store, args.agency or [], args.pilot)
    form = report.build_form06(store, DossierFilter(args.date_from, args.date_to, agency_ids))
    if args.format == "xlsx":
        if not args.out:
            raise UsageError("--format xlsx writes a binary file: give its name with --out FILE.")
        from onestop.form06_xlsx import form06_to_xlsx

        Path(args.out).write_bytes(form06_to_xlsx(form, args.lang))
        print(f"Biểu 06 written to {args.out}.", file=sys.stderr)
        return 0
    renderers = {"json": report.to_json, "csv": report.to_csv, "table": report.to_table}
    text = renderers[args.format](form)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Biểu 06 written to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onestop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    db_help = "database file (default: $ONESTOP_DB, else data/onestop.duckdb)"

    demo_parser = commands.add_parser("demo", help="build the demo database")
    demo_parser.add_argument("--db", help=db_help)
    demo_parser.add_argument("--dossiers", type=int, default=demo.DEFAULT_DOSSIERS)
    demo_parser.add_argument("--seed", type=int, default=2023)
    demo_parser.add_argument(
        "--force", action="store_true", help="replace a database that holds imported dossiers"
    )
    demo_parser.set_defaults(run=cmd_demo)

    migrate_parser = commands.add_parser("migrate", help="bring a database's schema up to date")
    migrate_parser.add_argument("--db", help=db_help)
    migrate_parser.set_defaults(run=cmd_migrate)

    report_parser = commands.add_parser("report", help="Biểu 06 for a period")
    report_parser.add_argument("--db", help=db_help)
    report_parser.add_argument("--from", dest="date_from", type=_date, required=True)
    report_parser.add_argument("--to", dest="date_to", type=_date, required=True)
    report_parser.add_argument("--agency", action="append", help="name or code; repeatable")
    report_parser.add_argument("--pilot", action="store_true", help="the pilot's agencies")
    report_parser.add_argument(
        "--format", choices=["json", "csv", "table", "xlsx"], default="table"
    )
    report_parser.add_argument(
        "--lang", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE, help="xlsx labels"
    )
    report_parser.add_argument("--out", help="write to this file instead of stdout")
    report_parser.set_defaults(run=cmd_report)

    # Other areas add their own sub-commands: each is `add_command(commands, db_help)`.
    for add_command in _more_commands():
        add_command(commands, db_help)
    return parser


def _more_commands() -> list:
    from onestop import bench, importer, staffing

    return [staffing.add_command, importer.add_command, bench.add_command]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "date_from", None) and args.date_from > args.date_to:
            raise UsageError("--from must not be later than --to.")
        return args.run(args)
    except (DatabaseError, UsageError) as error:
        print(f"onestop: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
