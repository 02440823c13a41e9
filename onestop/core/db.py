"""The one module that talks to DuckDB: paths, migrations, queries and bulk writes."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl

from onestop.core import rollups

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = PROJECT_ROOT / "queries"
SCHEMA_DIR = QUERIES_DIR / "schema"
MACROS_DIR = QUERIES_DIR / "macros"
DEFAULT_DB_PATH = Path("data") / "onestop.duckdb"
DB_ENV_VAR = "ONESTOP_DB"

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
T = TypeVar("T")
Connection = duckdb.DuckDBPyConnection  # for type hints in modules that must not import duckdb


class DatabaseError(Exception):
    """A database problem explained in one sentence, shown instead of a traceback."""


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The database path: the --db value, else $ONESTOP_DB, else data/onestop.duckdb."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get(DB_ENV_VAR):
        return Path(os.environ[DB_ENV_VAR])
    return DEFAULT_DB_PATH


@cache
def sql_text(name: str) -> str:
    """The text of queries/<name>.sql (name may include a sub-folder)."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query file {path}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    """Every question the project asks: the .sql files directly under queries/."""
    return sorted(path.stem for path in QUERIES_DIR.glob("*.sql"))


def parameters_of(sql: str) -> set[str]:
    """The named parameters ($name) a SQL text binds."""
    without_comments = re.sub(r"--[^\n]*", "", sql)
    return set(_PARAMETER.findall(without_comments))


@cache
def _macro_sql() -> tuple[str, ...]:
    """The rule macros, read once: every query's cursor installs them, so no folder scan there."""
    return tuple(sql_text(f"macros/{path.stem}") for path in sorted(MACROS_DIR.glob("*.sql")))


_MACRO_NAME = re.compile(r"create\s+or\s+replace\s+temp\s+macro\s+(\w+)", re.IGNORECASE)


@cache
def _macros_for(sql: str, on_rollups: bool) -> tuple[str, ...]:
    """The macro files a SQL text calls, and the ones those call: a question
    that calls none, such as the list of agencies, skips installing them."""
    files = _macro_sql() + (_rollup_macro_sql() if on_rollups else ())
    needed, reading = set(), [sql]
    while reading:  # a macro may call another (classified_dossiers calls chosen)
        text = reading.pop()
        for file in files:
            if file not in needed and any(f"{n}(" in text for n in _MACRO_NAME.findall(file)):
                needed.add(file)
                reading.append(file)
    return tuple(file for file in files if file in needed)  # in file order: callees first


def _bound(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    wanted = parameters_of(sql)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"query needs parameters {sorted(missing)}")
    return {name: params[name] for name in wanted}


@cache
def _rollup_macro_sql() -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8") for path in rollups.macro_files())


def run_sql(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Mapping[str, Any] | None = None,
    on_rollups: bool = False,
) -> pl.DataFrame:
    """Run one SQL text on its own cursor, with the rule macros installed, as a Polars frame.
    on_rollups also installs the macros that read the rollup tables (which must exist)."""
    cursor = con.cursor()
    try:
        return _run_here(cursor, sql, params, on_rollups)
    finally:
        cursor.close()


def _run_here(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Mapping[str, Any] | None = None,
    on_rollups: bool = False,
) -> pl.DataFrame:
    for macro in _macros_for(sql, on_rollups):
        con.execute(macro)
    return _run_prepared(con, sql, params or {})


def _run_prepared(
    cursor: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any]
) -> pl.DataFrame:
    """Run one SQL text on a cursor that already holds every macro it calls."""
    relation = cursor.sql(sql, params=_bound(sql, params))
    return _plain_integers(relation.pl()) if relation is not None else pl.DataFrame()


def _plain_integers(frame: pl.DataFrame) -> pl.DataFrame:
    """DuckDB's count_if and sum return HUGEINT, which arrives as Decimal(38, 0): make it Int64."""
    whole = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Decimal) and dtype.scale == 0
    ]
    return frame.with_columns(pl.col(whole).cast(pl.Int64)) if whole else frame


def run_query(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """Run queries/<name>.sql with its named parameters bound from params."""
    return run_sql(con, sql_text(name), params)


# --- opening files ----------------------------------------------------------------------------


def _file_signature(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def connect_read_only(path: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """A read-only connection, or a DatabaseError that says what to do."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(
            f"No database at {path}: build the demo with `onestop demo --db {path}` "
            "or import data with `onestop import`."
        )
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise DatabaseError(f"Cannot open {path} as a DuckDB database ({error}).") from error


def connect_for_writing(path: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """A writable connection with the schema brought up to date; creates the file if absent."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as error:
        raise DatabaseError(f"Cannot open {path} for writing ({error}).") from error
    migrate(con)
    return con


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """One writer at a time per database file, across processes (readers never wait)."""
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_copies(path: Path) -> None:
    # Under the writer lock no other writer is running, so these are left by a killed one.
    for leftover in path.parent.glob(f".{path.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)


def replace_atomically(
    path: str | os.PathLike[str],
    apply: Callable[[duckdb.DuckDBPyConnection], T],
    fresh: bool = False,
    builds_rollups: bool = False,
) -> T:
    """Apply changes to a copy of the database file, then swap the copy in with one rename.

    Readers keep the file open read-only (a shared lock), so nothing may open it for writing.
    Instead the bytes are copied (a plain read, which their lock allows), `apply` runs on the copy
    with a writable, migrated connection, and os.replace makes the new version visible at once.
    A writer killed at any point leaves the previous file untouched; with no file yet, `apply`
    runs on a new, empty database, as it does with fresh=True (the old contents are discarded).
    The rollups are rebuilt after `apply`, unless builds_rollups says `apply` itself calls
    refresh_rollups (the demo does, beside its key index and the writing of its queue tickets).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        _remove_stale_copies(path)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        os.close(handle)
        os.unlink(temporary)  # DuckDB wants to create a new file itself
        try:
            if path.exists() and not fresh:
                shutil.copyfile(path, temporary)
                shutil.copymode(path, temporary)  # the copy is as private as the original
                if Path(f"{path}.wal").exists():
                    shutil.copyfile(f"{path}.wal", f"{temporary}.wal")
            # The copy is published only by the rename below, so its commits need not reach the
            # disk one by one (each fsync stalled the writer a second at 10M): DuckDB's own are
            # off, a thread hands written pages to the disk meanwhile, and one fsync before the
            # rename makes the new version durable.
            with _synced_in_background(temporary):
                con = connect_for_writing(temporary)
                try:
                    # Long statements would otherwise draw a progress bar on stdout, which must
                    # stay clean for machine-readable output (`onestop import --format json`).
                    con.execute("set enable_progress_bar = false")
                    con.execute("set fsync_mode = 'none'")
                    result = apply(con)
                    # Every new version of the file carries rollups of exactly its own rows.
                    if not builds_rollups:
                        refresh_rollups(con)
                    con.execute("checkpoint")
                finally:
                    con.close()
                if path.exists():
                    # The swap must not widen a file the owner made private (0600 stays 0600).
                    shutil.copymode(path, temporary)
            os.replace(temporary, path)
            # A WAL left by a writer that crashed belongs to the old file, whose contents the
            # copy already replayed and checkpointed; beside the new file it would not open.
            Path(f"{path}.wal").unlink(missing_ok=True)
            _sync_folder(path.parent)  # the rename and the unlink
            return result
        finally:
            for leftover in (temporary, temporary + ".wal"):
                if os.path.exists(leftover):
                    os.unlink(leftover)


# How often written pages of a copy are handed to the disk while a writer works on it.
SYNC_EVERY_SECONDS = 1.0


@contextlib.contextmanager
def _synced_in_background(path: str) -> Iterator[None]:
    """While the block runs, a thread flushes the file's written pages to disk every second, so
    that the fsync at its end, which makes the file durable, finds little left to write.

    One descriptor serves every fsync and stays open until the end: closing one would drop
    DuckDB's lock on the file, and a failed write-back is reported to the descriptors open when
    it failed. A failure of the thread's fsync fails the block's end (the copy is then not
    published).
    """
    stop = threading.Event()
    opened: list[int] = []
    failures: list[OSError] = []

    def sync() -> None:
        if not opened:
            opened.append(os.open(path, os.O_RDONLY))
        os.fsync(opened[0])

    def keep_syncing() -> None:
        while not stop.wait(SYNC_EVERY_SECONDS):
            try:
                sync()
            except FileNotFoundError:  # DuckDB has not created it yet
                continue
            except OSError as error:
                failures.append(error)
                return

    syncer = threading.Thread(target=keep_syncing, name="onestop-sync", daemon=True)
    syncer.start()
    try:
        yield
        stop.set()
        syncer.join()
        if failures:
            raise failures[0]
        sync()
    finally:
        stop.set()
        syncer.join()
        if opened:
            os.close(opened[0])


# A file system that cannot open or sync a folder says so with one of these: the rename has
# happened either way, so the swap does not fail for it.
_FOLDER_SYNC_UNSUPPORTED = {errno.EACCES, errno.EBADF, errno.EINVAL, errno.ENOTSUP, errno.EPERM}


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable, where its file system allows."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        if error.errno not in _FOLDER_SYNC_UNSUPPORTED:
            raise


def refresh_rollups(
    con: duckdb.DuckDBPyConnection, counter_visits_written: Callable[[], object] | None = None
) -> None:
    """Rebuild every rollup table from the rows the database holds (see onestop/rollups.py).

    `counter_visits_written`, when given, is called before the first rollup built from the
    queue tickets and returns once they are written: a writer (the demo) may then build the
    rollups of its dossiers while it is still writing the tickets on another cursor.
    """
    for macro in _macro_sql():
        con.execute(macro)
    # fetchall, not fetchone: a result left unfinished blocks the connection's next statement.
    (row,) = con.execute(
        "select greatest(max(received_at), max(ended_at), max(returned_at))::date from dossiers"
    ).fetchall()
    values = {
        "holidays": rollups.build_holidays(row[0]),
        "definition": rollups.definition(),
    }
    for table in rollups.BUILD_ORDER:
        if counter_visits_written is not None and rollups.reads_counter_visits(table):
            counter_visits_written()
            counter_visits_written = None
        sql = sql_text(rollups.build_sql_name(table))
        bound = _bound(sql, values)
        # A script of several statements takes no parameters (DuckDB prepares only one).
        con.execute(sql, bound) if bound else con.execute(sql)


def rollup_status(con: duckdb.DuckDBPyConnection) -> str:
    """'ready' when the rollups may answer questions; else why not: 'missing' (never built),
    'stale' (built by another definition or from other rows) or 'unusable' (built, but the
    data breaks an assumption they rest on; questions read dossier rows)."""
    if "rollup_state" not in table_names(con):
        return "missing"
    # fetchall, not fetchone: the Store asks this on the connection its questions then use,
    # and a result left unfinished would block them.
    states = con.execute(
        "select definition, dossiers, counter_visits, usable from rollup_state"
    ).fetchall()
    (counts,) = con.execute(
        "select (select count(*) from dossiers), (select count(*) from counter_visits)"
    ).fetchall()
    if not states:
        return "missing"
    definition, dossiers, visits, usable = states[0]
    if definition != rollups.definition() or (dossiers, visits) != counts:
        return "stale"
    return "ready" if usable else "unusable"


def schema_versions() -> list[tuple[int, Path]]:
    """The migrations under queries/schema, as (version, file), in order."""
    found = []
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        number = path.name.split("_", 1)[0]
        found.append((int(number), path))
    return found


def current_schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database; 0 when it has none yet."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_version'"
    ).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = con.execute("select coalesce(max(version), 0) from schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the database's version, each in one transaction."""
    con.execute(
        "create table if not exists schema_version (version integer not null, "
        "applied_at timestamp not null default current_timestamp)"
    )
    version = current_schema_version(con)
    for number, path in schema_versions():
        if number <= version:
            continue
        con.execute("begin transaction")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("insert into schema_version (version) values ($v)", {"v": number})
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        version = number
    return version


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append a frame to a table, matching columns by name; returns the rows written."""
    _checked(con, table)
    con.register("incoming_frame", frame.to_arrow())
    try:
        # The table name was checked against the catalogue above; identifiers cannot be bound.
        con.execute(f'insert into "{table}" by name select * from incoming_frame')
    finally:
        con.unregister("incoming_frame")
    return frame.height


def fill_empty_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Write a frame into an empty table; returns the rows written.

    A primary key is added after the rows are in rather than checked row by row as they come:
    one index build over ten million dossier codes takes about half as long. The table ends
    with exactly the columns and constraints it had (checked against the catalogue); a table
    that holds rows or has other indexes is simply appended to.
    """
    key = fill_empty_table_keyed_later(con, table, frame)
    if key is not None:
        key.add(con)
    return frame.height


@dataclass(frozen=True)
class PendingKey:
    """A table's primary key, taken off while its rows were written (fill_empty_table_keyed_later):
    `add` puts it back, and checks the table has its whole definition again."""

    table: str
    columns: tuple[str, ...]
    shape: tuple[list, list]

    def add(self, con: duckdb.DuckDBPyConnection) -> None:
        key = ", ".join(f'"{column}"' for column in self.columns)
        # The table name was checked against the catalogue and the key columns come from it.
        con.execute(f'alter table "{self.table}" add primary key ({key})')
        if _table_shape(con, self.table) != self.shape:
            raise DatabaseError(f"{self.table} lost part of its definition while being filled.")


def fill_empty_table_keyed_later(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame
) -> PendingKey | None:
    """Write a frame into an empty table without its primary key, and return that key for the
    caller to add (on this or another cursor) once every table is written; None when the table
    was simply appended to (see fill_empty_table)."""
    _checked(con, table)
    shape = _table_shape(con, table)
    key_columns = [columns for kind, columns, _ in shape[1] if kind == "PRIMARY KEY"]
    (rows,) = con.execute(f'select count(*) from "{table}"').fetchall()[0]
    without_key = _without_primary_key(_create_statement(con, table))
    if len(key_columns) != 1 or rows or without_key is None or _indexes(con, table):
        insert_frame(con, table, frame)
        return None
    # The table name was checked above.
    con.execute(f'drop table "{table}"')
    con.execute(without_key)
    insert_frame(con, table, frame)
    return PendingKey(table, tuple(key_columns[0]), shape)


def _create_statement(con: duckdb.DuckDBPyConnection, table: str) -> str:
    rows = con.execute(
        "select sql from duckdb_tables() where schema_name = 'main' and table_name = $table",
        {"table": table},
    ).fetchall()
    return rows[0][0]


def _without_primary_key(create_statement: str) -> str | None:
    """The CREATE TABLE statement as DuckDB prints it, without its primary key; None when the
    key is not written in one of the two ways DuckDB prints it."""
    for key in (r" PRIMARY KEY(?=[,)])", r", PRIMARY KEY\([^()]*\)"):
        without, found = re.subn(key, "", create_statement)
        if found == 1:
            return without
    return None


def _table_shape(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list, list]:
    """A table's columns (name, type, default, nullable) and constraints, in a stable order."""
    columns = con.execute(
        "select column_name, data_type, column_default, is_nullable from duckdb_columns() "
        "where schema_name = 'main' and table_name = $table order by column_index",
        {"table": table},
    ).fetchall()
    constraints = con.execute(
        "select constraint_type, constraint_column_names, constraint_text "
        "from duckdb_constraints() where schema_name = 'main' and table_name = $table",
        {"table": table},
    ).fetchall()
    return columns, sorted((kind, tuple(names), text) for kind, names, text in constraints)


def _indexes(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select index_name from duckdb_indexes() where schema_name = 'main' and table_name = $t",
        {"t": table},
    ).fetchall()
    return [row[0] for row in rows]


def stage_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Copy a frame into a temporary table of this connection, replacing one of that name."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain table name: {name}")
    con.register("staged_frame", frame.to_arrow())
    try:
        # The name was checked above; identifiers cannot be bound.
        con.execute(f"create or replace temp table {name} as select * from staged_frame")
    finally:
        con.unregister("staged_frame")


def execute_file(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """Run queries/<name>.sql on this very connection, so its temporary tables are visible."""
    sql = sql_text(name)
    relation = con.sql(sql, params=_bound(sql, params or {}))
    return relation.pl() if relation is not None else pl.DataFrame()


def execute_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run every statement of queries/<name>.sql (no parameters) on this connection."""
    con.execute(sql_text(name))


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the main schema."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "order by table_name"
    ).fetchall()
    return [row[0] for row in rows]


def read_table(con: duckdb.DuckDBPyConnection, table: str, order_by: str) -> pl.DataFrame:
    """A whole table in a stable order (for exports and reproducibility checks)."""
    columns = {row[0] for row in con.execute(f'describe "{_checked(con, table)}"').fetchall()}
    if order_by not in columns:
        raise KeyError(f"{table} has no column {order_by}")
    return con.sql(f'select * from "{table}" order by "{order_by}"').pl()


def _checked(con: duckdb.DuckDBPyConnection, table: str) -> str:
    if table not in table_names(con):
        raise KeyError(f"unknown table {table}")
    return table


# --- Parquet folders ---------------------------------------------------------------------------

# Tables too large for one file, written hive-partitioned by the year of a date column and by
# agency: <table>/year=2023/agency_id=4/data_0.parquet. The others are one file each.
PARQUET_PARTITIONED = {"dossiers": "received_at", "counter_visits": "ticket_issued_at"}
PARQUET_TABLES = (
    "agencies",
    "fields",
    "procedures",
    "staff",
    "pilots",
    "pilot_agencies",
    *PARQUET_PARTITIONED,
)
OBJECT_STORE_SCHEMES = ("s3://", "gs://", "gcs://", "r2://", "az://", "abfss://", "https://")


def export_parquet(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> dict[str, int]:
    """Write every table a question reads to Parquet under `folder` (created; must be empty or
    absent); returns the rows written per table."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DatabaseError(f"{folder} is not an empty folder: choose a new one for the export.")
    folder.mkdir(parents=True, exist_ok=True)
    con = connect_read_only(path)
    written = {}
    try:
        for table in PARQUET_TABLES:
            _checked(con, table)
            written[table] = con.execute(f'select count(*) from "{table}"').fetchone()[0]
            if table in PARQUET_PARTITIONED:
                # The table and column names come from the constants above, never from input.
                con.execute(
                    f'copy (select *, year("{PARQUET_PARTITIONED[table]}") as year from "{table}")'
                    " to $target (format parquet, partition_by (year, agency_id))",
                    {"target": str(folder / table)},
                )
            else:
                con.execute(
                    f'copy "{table}" to $target (format parquet)',
                    {"target": str(folder / f"{table}.parquet")},
                )
    finally:
        con.close()
    return written


def connect_parquet(location: str) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose tables are views over a Parquet export (a local folder or
    an object-store URL such as s3://bucket/onestop, read through DuckDB's httpfs extension):
    every question's SQL runs on it unchanged."""
    base = location.rstrip("/")
    con = duckdb.connect()
    try:
        if base.startswith(OBJECT_STORE_SCHEMES):
            con.execute("install httpfs")
            con.execute("load httpfs")
        elif not Path(base).is_dir():
            raise DatabaseError(f"No Parquet export at {location}: run `onestop export-parquet`.")
        for table in PARQUET_TABLES:
            # Views cannot hold bound parameters: the file pattern goes through a variable.
            variable = f"{table}_files"
            if table in PARQUET_PARTITIONED:
                con.execute(f"set variable {variable} = $files", {"files": f"{base}/{table}/**/*"})
                con.execute(
                    f'create view "{table}" as select * exclude (year) from read_parquet('
                    f"getvariable('{variable}'), hive_partitioning = true, "
                    "hive_types = {'year': integer, 'agency_id': integer})"
                )
            else:
                con.execute(
                    f"set variable {variable} = $files", {"files": f"{base}/{table}.parquet"}
                )
                con.execute(
                    f'create view "{table}" as select * '
                    f"from read_parquet(getvariable('{variable}'))"
                )
    except duckdb.Error as error:
        con.close()
        raise DatabaseError(f"Cannot read the Parquet export at {location} ({error}).") from error
    except DatabaseError:
        con.close()
        raise
    return con


@dataclass
class ParquetStore:
    """Questions asked of a Parquet export instead of a database file (always from its rows)."""

    location: str
    _con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = connect_parquet(self.location)
        return self._con

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        # On the connection itself: the views read file patterns from its session variables,
        # which a cursor (a session of its own) would not see.
        return _run_here(self.connection(), sql_text(name), params)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


# --- the dashboard's store ------------------------------------------------------------------


# A page asks some questions more than once per run (the staffing model measures the load for
# the verdict, the capacity and the breadth sections): the store keeps its latest small answers.
# At most 64 × 4 MB per store, one per process (st.cache_resource); aggregates are a few kB,
# only long lists such as the overdue dossiers come near the bound and are read again instead.
REMEMBERED_ANSWERS = 64
REMEMBERED_BYTES = 4_000_000


def params_key(params: Mapping[str, Any]) -> tuple:
    """Query parameters as a dictionary key (lists become tuples)."""
    return tuple(
        sorted(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in params.items()
        )
    )


@dataclass
class Store:
    """A read-only view of one database file that reopens itself when the file is replaced.

    Imports write a new file and swap it in atomically; the dashboard notices the new inode or
    modification time on its next query and reconnects, so it never holds a stale file open.
    The latest answers are remembered for the file's current version (REMEMBERED_ANSWERS).
    """

    path: Path
    use_rollups: bool = True  # False: every question reads dossier rows (tests compare both)
    _con: duckdb.DuckDBPyConnection | None = field(default=None, repr=False)
    _signature: tuple[int, int, int] | None = field(default=None, repr=False)
    _rollups_ready: bool = field(default=False, repr=False)
    _event_spans: rollups.EventSpans | None = field(default=None, repr=False)
    _answers: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _threads: threading.local = field(default_factory=threading.local, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def signature(self) -> tuple[int, int, int]:
        """Identifies the file's current version; changes when an import swaps it."""
        if not self.path.is_file():
            raise DatabaseError(
                f"No database at {self.path}: build the demo with `onestop demo` first."
            )
        return _file_signature(self.path)

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection, reopened when the file changed since it was opened."""
        signature = self.signature()
        with self._lock:
            if self._con is None or signature != self._signature:
                # DuckDB reuses an open instance for the same path, so the old connection
                # must be closed before the new file can be seen.
                if self._con is not None:
                    self._con.close()
                self._con = connect_read_only(self.path)
                self._signature = signature
                self._answers.clear()
                # Checked once per version of the file: its rollups cannot change under it.
                self._rollups_ready = rollup_status(self._con) == "ready"
                self._event_spans = (
                    self._read_event_spans() if self.use_rollups and self._rollups_ready else None
                )
            return self._con

    def _read_event_spans(self) -> rollups.EventSpans | None:
        first, last, first_received, last_received = run_sql(
            self._con, sql_text("rollups/event_span")
        ).row(0)
        if first_received is None:
            return None
        return rollups.EventSpans((first, last), (first_received, last_received))

    def answers_from_rollups(self, name: str, params: Mapping[str, Any] | None = None) -> bool:
        """Whether a named query would be answered from the rollups (else from dossier rows)."""
        self.connection()
        return self.use_rollups and self._rollups_ready and rollups.serves(name, params or {})

    def _cursor(
        self, con: duckdb.DuckDBPyConnection, sql: str, on_rollups: bool
    ) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the current connection, holding the macros `sql` calls: a
        connection may not be shared by threads, and installing the macros for each question
        cost more than answering the small ones (6 ms of a page's dozen questions each), so
        each is installed once per cursor, when a question first needs it."""
        local = self._threads
        if getattr(local, "con", None) is not con:
            local.con, local.cursor, local.installed = con, con.cursor(), set()
        for macro in _macros_for(sql, on_rollups):
            if macro not in local.installed:
                local.cursor.execute(macro)
                local.installed.add(macro)
        return local.cursor

    def _run(self, name: str, params: Mapping[str, Any] | None) -> pl.DataFrame:
        con = self.connection()
        params = params or {}
        on_rollups = self.use_rollups and self._rollups_ready and rollups.serves(name, params)
        if on_rollups:
            params = {**params, **rollups.reading_params(name, params, self._event_spans)}
            sql = sql_text(rollups.question_sql_name(name, params))
        else:
            sql = sql_text(name)
        return _run_prepared(self._cursor(con, sql, on_rollups), sql, params)

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        """Run a named query on a fresh cursor of the current file: from the rollups when they
        can answer it exactly, else from dossier rows. Answers asked again come from memory."""
        con = self.connection()
        version = self._signature
        try:
            key = (version, name, params_key(params or {}))
            hash(key)
        except TypeError:  # a parameter that cannot be a key (a set): asked, not remembered
            key = None
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key].clone()
        try:
            answer = self._run(name, params)
        except duckdb.Error:
            # Another thread swapped the file and closed our connection mid-query: retry once.
            if self._con is con:
                raise
            return self._run(name, params)
        if key is not None and answer.estimated_size() <= REMEMBERED_BYTES:
            with self._lock:
                if version == self._signature:  # not swapped meanwhile
                    self._answers[key] = answer
                    while len(self._answers) > REMEMBERED_ANSWERS:
                        self._answers.popitem(last=False)
        # A copy: a Polars frame can be changed in place, the remembered one must not be.
        return answer.clone()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
