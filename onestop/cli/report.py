"""`onestop report`: Biểu 06 for a period, as a table, JSON, CSV or the official Excel form."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onestop.cli.arguments import PILOT_HELP, UsageError, date_argument, resolve_agencies
from onestop.core import db, i18n
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    parser = commands.add_parser("report", help="Biểu 06 for a period")
    parser.add_argument("--db", help=db_help)
    parser.add_argument("--from", dest="date_from", type=date_argument, required=True)
    parser.add_argument("--to", dest="date_to", type=date_argument, required=True)
    parser.add_argument("--agency", action="append", help="name or code; repeatable")
    parser.add_argument("--pilot", action="store_true", help=PILOT_HELP)
    parser.add_argument("--format", choices=["json", "csv", "table", "xlsx"], default="table")
    parser.add_argument(
        "--lang", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE, help="xlsx labels"
    )
    parser.add_argument("--out", help="write to this file instead of stdout")
    parser.add_argument(
        "--parquet", help="count over a folder (or s3://… URL) from `onestop export-parquet`"
    )
    parser.set_defaults(run=run, uses_database=lambda args: not args.parquet)


def run(args: argparse.Namespace) -> int:
    if args.parquet:
        try:
            store = db.ParquetStore(args.parquet)
            store.connection()
        except db.DatabaseError as error:
            raise UsageError(str(error)) from None
    else:
        store = Store(db.resolve_db_path(args.db))
        store.connection()
    agency_ids = resolve_agencies(store, args.agency or [], args.pilot)
    form = form06.build_form06(store, DossierFilter(args.date_from, args.date_to, agency_ids))
    if args.format == "xlsx":
        if not args.out:
            raise UsageError("--format xlsx writes a binary file: give its name with --out FILE.")
        from onestop.reports.form06_xlsx import form06_to_xlsx  # xlsxwriter only when it is needed

        Path(args.out).write_bytes(form06_to_xlsx(form, args.lang))
        print(f"Biểu 06 written to {args.out}.", file=sys.stderr)
        return 0
    renderers = {"json": form06.to_json, "csv": form06.to_csv, "table": form06.to_table}
    text = renderers[args.format](form)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Biểu 06 written to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
