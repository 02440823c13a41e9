"""The `onestop` command: build the demo, print the official report, and more."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import polars as pl

from onestop import db, demo, i18n, report
from onestop.db import DatabaseError, Store
from onestop.filters import DossierFilter
from onestop.text import fold

# Commands that write the database file (the others only read it), and those that create it.
WRITING_COMMANDS = ("demo", "import", "migrate")
CREATING_COMMANDS = ("demo", "import")
# Options naming a file a command writes (report --out, import --rejects).
OUTPUT_OPTIONS = {"out": "--out", "rejects": "--rejects"}
# A DuckDB file carries this magic number after its 8-byte checksum.
DUCKDB_MAGIC = (8, b"DUCK")
LARGEST_SEED = 2**32 - 1  # numpy seeds are unsigned; 32 bits are plenty for a demo


class UsageError(Exception):
    """A wrong argument, explained in one sentence."""


class Parser(argparse.ArgumentParser):
    """argparse with its errors in one line, like ours, instead of the usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"onestop: {message} (see `{self.prog} --help`).\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date of the form YYYY-MM-DD") from None


def _figure(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,g}"


def number_in(
    low: float,
    high: float,
    *,
    whole: bool = False,
    above_low: bool = False,
    unit: str = "",
) -> Callable[[str], float]:
    """An argparse type: a finite number from low (or above it) to high, else one sentence."""
    kind = "a whole number" if whole else "a number"
    span = (
        f"above {_figure(low)} and at most {_figure(high)}"
        if above_low
        else f"from {_figure(low)} to {_figure(high)}"
    )
    wanted = f"{kind} {span}{f' ({unit})' if unit else ''}"

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got '{text}'") from None
        too_low = value <= low if above_low else value < low
        if not math.isfinite(value) or too_low or value > high:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got '{text}'")
        return value

    parse.__name__ = kind  # argparse names the type in its own messages
    return parse


def seed_argument() -> Callable[[str], float]:
    """The type of every --seed: numpy accepts only non-negative seeds."""
    return number_in(0, LARGEST_SEED, whole=True)


# --- files named on the command line ----------------------------------------------------------


def _database_option(args: argparse.Namespace) -> tuple[str, Path] | None:
    """How the database was named (for messages) and its path; None when the command has none."""
    # A command may use its --db only sometimes (bench without --db builds its own demo).
    uses_database = getattr(args, "uses_database", lambda args: True)
    if not hasattr(args, "db") or not uses_database(args):
        return None
    if args.db:
        return "--db", Path(args.db)
    path = db.resolve_db_path(None)
    named = f"${db.DB_ENV_VAR}" if os.environ.get(db.DB_ENV_VAR) else "the default --db"
    return named, path


def _is_duckdb_file(path: Path) -> bool:
    offset, magic = DUCKDB_MAGIC
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(len(magic)) == magic


def _nearest_existing(path: Path) -> Path:
    folder = path.absolute().parent
    while not folder.exists():
        folder = folder.parent
    return folder


def check_database(args: argparse.Namespace) -> None:
    """Refuse a --db that cannot be what the command needs, in one sentence, before any work."""
    named = _database_option(args)
    if named is None:
        return
    option, path = named
    writes = args.command in WRITING_COMMANDS
    if path.is_dir():
        raise UsageError(
            f"{option} {path} is a folder, not a database file: "
            f"give a file path such as {path / 'onestop.duckdb'}."
        )
    if path.exists():
        if not os.access(path, os.R_OK):
            raise UsageError(
                f"{option} {path} cannot be read (permission denied): "
                "fix its permissions or choose another file."
            )
        if not path.is_file() or not _is_duckdb_file(path):
            action = "will not overwrite it" if writes else "cannot read it"
            raise UsageError(
                f"{option} {path} is not a DuckDB database file and onestop {args.command} "
                f"{action}: give a database built by `onestop demo` or `onestop import`."
            )
    elif args.command not in CREATING_COMMANDS:
        raise UsageError(
            f"{option} {path}: no such database; build one with `onestop demo --db {path}` "
            f"or `onestop import FILE --db {path}`."
        )
    if writes:
        folder = _nearest_existing(path)
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(
                f"{option} {path} cannot be written: {folder} is not a folder you may write "
                "in; choose another path."
            )


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output file in a missing folder, a folder, or the database itself."""
    database = _database_option(args)
    for attribute, option in OUTPUT_OPTIONS.items():
        value = getattr(args, attribute, None)
        if not value:
            continue
        path = Path(value)
        if path.is_dir():
            raise UsageError(
                f"{option} {path} is a folder: give a file name inside it, "
                f"such as {path / 'onestop-output'}."
            )
        folder = path.absolute().parent
        if not folder.is_dir():
            raise UsageError(
                f"{option} {path}: the folder {path.parent} does not exist; "
                "create it first or choose another path."
            )
        if not os.access(folder, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.W_OK)
        ):
            raise UsageError(
                f"{option} {path} cannot be written (permission denied); choose another path."
            )
        if database is not None and path.resolve() == database[1].resolve():
            raise UsageError(
                f"{option} {path} is the database itself; choose another file to write."
            )


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


def demo_size(text: str) -> int:
    """The type of --dossiers: the demo's fixed pilot and baseline at least, a cap at most."""
    return int(number_in(demo.MIN_DOSSIERS, demo.MAX_DOSSIERS, whole=True)(text))


def check_memory_for_demo(total: int, memory_bytes: int | None = None) -> None:
    """Refuse a demo that would not fit in this machine's memory (the process would be killed)."""
    if memory_bytes is None:
        memory_bytes = _physical_memory()
    needed = demo.memory_needed(total)
    if memory_bytes and needed > memory_bytes:
        fits = max(demo.MIN_DOSSIERS, demo.largest_fitting(memory_bytes))
        raise UsageError(
            f"--dossiers {total:,} needs about {needed / 1e9:.1f} GB of memory and this machine "
            f"has {memory_bytes / 1e9:.1f} GB: choose at most {fits:,}."
        )


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on every platform: then do not guess
        return None


def cmd_demo(args: argparse.Namespace) -> int:
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


def cmd_migrate(args: argparse.Namespace) -> int:
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


def cmd_report(args: argparse.Namespace) -> int:
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
    parser = Parser(prog="onestop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    db_help = "database file (default: $ONESTOP_DB, else data/onestop.duckdb)"

    demo_parser = commands.add_parser("demo", help="build the demo database")
    demo_parser.add_argument("--db", help=db_help)
    demo_parser.add_argument(
        "--dossiers",
        type=demo_size,
        default=demo.DEFAULT_DOSSIERS,
        help=f"from {demo.MIN_DOSSIERS:,} (the pilot and its baseline) to {demo.MAX_DOSSIERS:,}",
    )
    demo_parser.add_argument("--seed", type=seed_argument(), default=2023)
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
    report_parser.add_argument(
        "--parquet", help="count over a folder (or s3://… URL) from `onestop export-parquet`"
    )
    report_parser.set_defaults(run=cmd_report, uses_database=lambda args: not args.parquet)

    # Other areas add their own sub-commands: each is `add_command(commands, db_help)`.
    for add_command in _more_commands():
        add_command(commands, db_help)
    return parser


def _more_commands() -> list:
    from onestop import bench, export_parquet, importer, staffing

    return [
        staffing.add_command,
        importer.add_command,
        bench.add_command,
        export_parquet.add_command,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        date_from, date_to = getattr(args, "date_from", None), getattr(args, "date_to", None)
        if date_from and date_to and date_from > date_to:
            raise UsageError("--from must not be later than --to.")
        check_database(args)
        check_outputs(args)
        return args.run(args)
    except (DatabaseError, UsageError) as error:
        print(f"onestop: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        # The checks above catch the usual mistakes; a full disk or a file removed meanwhile
        # still deserves one sentence rather than a traceback.
        where = f" {error.filename}" if error.filename else ""
        print(
            f"onestop: could not read or write{where}: {error.strerror or error}.", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        print("onestop: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
