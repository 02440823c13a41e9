"""`onestop demo`: build the deterministic demo database."""

from __future__ import annotations

import argparse

from onestop import demo
from onestop.cli.arguments import UsageError, check_memory_for_demo, demo_size, seed_argument
from onestop.core import db
from onestop.core.db import Store


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    parser = commands.add_parser("demo", help="build the demo database")
    parser.add_argument("--db", help=db_help)
    parser.add_argument(
        "--dossiers",
        type=demo_size,
        default=demo.DEFAULT_DOSSIERS,
        help=f"from {demo.MIN_DOSSIERS:,} (the pilot and its baseline) to {demo.MAX_DOSSIERS:,}",
    )
    parser.add_argument("--seed", type=seed_argument(), default=2023)
    parser.add_argument(
        "--force", action="store_true", help="replace a database that holds imported dossiers"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = db.resolve_db_path(args.db)
    check_memory_for_demo(args.dossiers)
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
