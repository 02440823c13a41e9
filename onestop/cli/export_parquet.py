"""`onestop export-parquet`: the database as hive-partitioned Parquet, for engines beyond one node.

Layout under --out (see README "Beyond one machine"):
    dossiers/year=2023/agency_id=4/data_0.parquet      (year of received_at; none: the Hive
                                                        default partition)
    counter_visits/year=2023/agency_id=4/data_0.parquet (year of ticket_issued_at)
    agencies.parquet fields.parquet procedures.parquet staff.parquet pilots.parquet
    pilot_agencies.parquet
`onestop report --parquet DIR` (or an s3://… URL) counts Biểu 06 over such a folder with the
same SQL and rule macro as over the database file.
"""

from __future__ import annotations

import argparse
import json

from onestop.cli.arguments import UsageError
from onestop.core import db


def run(args: argparse.Namespace) -> int:
    try:
        written = db.export_parquet(db.resolve_db_path(args.db), args.folder)
    except db.DatabaseError as error:
        raise UsageError(str(error)) from None
    if args.format == "json":
        print(json.dumps({"out": args.folder, "rows": written}))
    else:
        rows = ", ".join(f"{table} {count:,}" for table, count in written.items())
        print(f"Parquet written to {args.folder}: {rows}.")
    return 0


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    parser = commands.add_parser(
        "export-parquet", help="write the tables as Parquet, partitioned by year and agency"
    )
    parser.add_argument("--db", help=db_help)
    # dest "folder": the shared checks of output *files* (args.out) do not apply to a folder.
    parser.add_argument("--out", dest="folder", required=True, help="a new (or empty) folder")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=run)
