"""The `onestop` command: build the demo, print the official report, and more."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from onestop.cli.arguments import DB_HELP, UsageError
from onestop.core import db
from onestop.core.db import DatabaseError

# Commands that write the database file (the others only read it), and those that create it.
WRITING_COMMANDS = ("demo", "import", "migrate")
CREATING_COMMANDS = ("demo", "import")
# Options naming a file a command writes (report --out, import --rejects).
OUTPUT_OPTIONS = {"out": "--out", "rejects": "--rejects"}
# A DuckDB file carries this magic number after its 8-byte checksum.
DUCKDB_MAGIC = (8, b"DUCK")
# Each command's module (under onestop.cli), in the order `onestop --help` lists them. A module
# is imported when its command runs, not for every command: the bench, the deck and the charts
# take over a second to import, which `onestop demo` or `onestop migrate` need not wait for.
COMMAND_MODULES = {
    "demo": "demo",
    "migrate": "migrate",
    "report": "report",
    "staffing": "staffing",
    "capacity": "capacity",
    "import": "import_",
    "bench": "bench",
    "pilot": "pilot",
    "evaluate": "evaluate",
    "deck": "meeting",
    "html": "meeting",
    "export-parquet": "export_parquet",
}


class Parser(argparse.ArgumentParser):
    """argparse with its errors in one line, like ours, instead of the usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"onestop: {message} (see `{self.prog} --help`).\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `command` alone when it names one."""
    parser = Parser(prog="onestop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    chosen = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else COMMAND_MODULES.values()
    for module in dict.fromkeys(chosen):
        importlib.import_module(f"onestop.cli.{module}").add_command(commands, DB_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # The command is the first argument (`onestop` itself takes no option but --help).
    parser = build_parser(argv[0] if argv else None)
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
    writes = getattr(args, "writes", args.command in WRITING_COMMANDS)
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


if __name__ == "__main__":
    sys.exit(main())
