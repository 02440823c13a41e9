"""`onestop import`: upsert CSV/XLSX exports of one-stop systems into the database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from onestop import importing
from onestop.core import db

# The first line of `onestop import --help`.
DESCRIPTION = (
    "Import dossier exports (CSV or XLSX, header families A and B) into the store, safely."
)


def _summary_text(summary: importing.ImportSummary) -> str:
    lines = []
    if summary.demo_removed:
        lines.append(f"Removed the {summary.demo_removed:,} demo dossiers first.")
    for one in summary.files:
        lines.append(
            f"{one.file}: {one.rows_read:,} rows read, {one.inserted:,} inserted, "
            f"{one.updated:,} updated, {one.unchanged:,} unchanged, {one.rejected:,} rejected."
        )
        if one.blank_rows:
            lines.append(f"  Blank rows skipped: {one.blank_rows:,}.")
        if one.codes_normalised:
            lines.append(
                f"  Dossier codes normalised (invisible characters, dashes, look-alike "
                f"letters): {one.codes_normalised:,}."
            )
        if one.rejects_file:
            lines.append(f"  Rejected rows and reasons: {one.rejects_file}")
    totals = summary.totals()
    if len(summary.files) > 1:
        lines.append(
            f"Total: {totals['rows_read']:,} rows read, {totals['inserted']:,} inserted, "
            f"{totals['updated']:,} updated, {totals['unchanged']:,} unchanged, "
            f"{totals['rejected']:,} rejected."
        )
    lines.append(f"Database {summary.database} updated in {summary.seconds:.1f} s.")
    snippet = importing.unknown_values_toml(summary.unknown_values())
    if snippet:
        lines += [
            "",
            "Values no name matched (their rows were rejected). To import them, save the lines",
            "below as a mapping file, replace each 0 by the right code, and import again with",
            "--mapping FILE:",
            "",
            snippet.rstrip("\n"),
        ]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    try:
        summary = importing.import_files(
            [Path(name) for name in args.files],
            db.resolve_db_path(args.db),
            Path(args.mapping) if args.mapping else None,
            Path(args.rejects) if args.rejects else None,
        )
    except OSError as error:  # e.g. --rejects or --db naming a folder, or a full disk
        where = error.filename or db.resolve_db_path(args.db)
        raise importing.ImportFileError(
            "os_error", path=where, detail=error.strerror or error
        ) from error
    if args.format == "json":
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_summary_text(summary))
    return 0


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Register `onestop import FILE [FILE ...]`."""
    parser = commands.add_parser(
        "import",
        help="import CSV/XLSX exports of one-stop systems (upsert by dossier code)",
        description=DESCRIPTION,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="CSV or XLSX export")
    parser.add_argument("--db", help=db_help)
    parser.add_argument(
        "--mapping", help="extra header/value names, TOML or JSON (see import_headers.toml)"
    )
    parser.add_argument(
        "--rejects", help="CSV for rejected rows (default: <input>.rejects.csv beside each input)"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)
