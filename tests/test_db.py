"""The one module that touches DuckDB: migrations, bound parameters, and the reopening store."""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from pathlib import Path

import duckdb
import pytest

from onestop.core import db
from tests.fixtures import build_small_db, dossier


def test_new_file_gets_every_migration(tmp_path: Path) -> None:
    con = db.connect_for_writing(tmp_path / "new.duckdb")
    latest = max(number for number, _ in db.schema_versions())
    assert db.current_schema_version(con) == latest
    assert {"agencies", "dossiers", "counter_visits", "pilots"} <= set(db.table_names(con))
    con.close()


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    path = build_small_db(tmp_path / "s.duckdb", [dossier("A-1")])
    con = db.connect_for_writing(path)
    before = db.current_schema_version(con)
    assert db.migrate(con) == before
    assert con.execute("select count(*) from dossiers").fetchone()[0] == 1
    assert con.execute("select count(*) from schema_version").fetchone()[0] == before
    con.close()


def test_parameters_are_bound_not_formatted(tmp_path: Path) -> None:
    path = build_small_db(tmp_path / "s.duckdb", [dossier("A-1")])
    store = db.Store(path)
    hostile = "x'); drop table dossiers; --"
    frame = db.run_sql(
        store.connection(),
        "select count(*) as n from dossiers where code = $code",
        {"code": hostile},
    )
    assert frame["n"][0] == 0
    assert store.query("data_status")["dossiers"][0] == 1


def test_only_the_parameters_a_query_uses_are_bound(tmp_path: Path) -> None:
    store = db.Store(build_small_db(tmp_path / "s.duckdb", [dossier("A-1")]))
    frame = db.run_sql(store.connection(), "select $a as a -- $b is a comment", {"a": 1, "b": 2})
    assert frame["a"][0] == 1
    with pytest.raises(KeyError):
        db.run_sql(store.connection(), "select $a as a", {})


def test_store_is_read_only(tmp_path: Path) -> None:
    store = db.Store(build_small_db(tmp_path / "s.duckdb", [dossier("A-1")]))
    with pytest.raises(duckdb.Error):
        store.connection().execute("delete from dossiers")


def test_store_reopens_when_the_file_is_swapped(tmp_path: Path) -> None:
    path = build_small_db(tmp_path / "live.duckdb", [dossier("A-1")])
    store = db.Store(path)
    assert store.query("data_status")["dossiers"][0] == 1
    replacement = build_small_db(tmp_path / "next.duckdb", [dossier("A-1"), dossier("A-2")])
    os.replace(replacement, path)
    assert store.query("data_status")["dossiers"][0] == 2


def test_an_answer_asked_again_is_remembered_and_cannot_be_changed_by_its_caller(
    tmp_path: Path,
) -> None:
    path = build_small_db(tmp_path / "s.duckdb", [dossier("A-1"), dossier("A-2")])
    store = db.Store(path)
    first = store.query("agencies")
    first.drop_in_place("name")  # a caller changing its frame in place
    again = store.query("agencies")
    assert "name" in again.columns and again.height == first.height
    # Unhashable parameters are asked, not remembered.
    assert store.query("fields", {"unused": {1, 2}}).height == again.height
    # Remembered: the same answer even with the connection gone (nothing is asked again).
    store._con.close()
    assert store.query("agencies").equals(again)


def test_the_store_remembers_a_bounded_number_of_answers(tmp_path: Path) -> None:
    import datetime as dt

    path = build_small_db(tmp_path / "s.duckdb", [dossier("A-1")])
    store = db.Store(path)
    for offset in range(db.REMEMBERED_ANSWERS + 10):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=offset)
        store.query("received_date_span", {"date_from": day, "date_to": day})
    assert len(store._answers) == db.REMEMBERED_ANSWERS


def test_migrating_an_older_file_drops_the_event_table_it_replaced(tmp_path: Path) -> None:
    path = build_small_db(tmp_path / "old.duckdb", [dossier("A-1")])
    con = duckdb.connect(str(path))
    con.execute("create table rollup_dossier_events_by_day as select 1 as day")
    con.execute("drop table if exists rollup_state")  # rollups of an older definition
    con.close()
    db.replace_atomically(path, lambda con: None)  # as `onestop migrate` does
    con = db.connect_read_only(path)
    try:
        assert db.rollup_status(con) == "ready"
        assert "rollup_dossier_events_by_day" not in db.table_names(con)
    finally:
        con.close()


def test_missing_file_is_one_clear_sentence(tmp_path: Path) -> None:
    with pytest.raises(db.DatabaseError, match="No database at"):
        db.Store(tmp_path / "absent.duckdb").query("data_status")


def test_resolve_db_path_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(db.DB_ENV_VAR, raising=False)
    assert db.resolve_db_path() == Path("data/onestop.duckdb")
    monkeypatch.setenv(db.DB_ENV_VAR, "/tmp/env.duckdb")
    assert db.resolve_db_path() == Path("/tmp/env.duckdb")
    assert db.resolve_db_path("cli.duckdb") == Path("cli.duckdb")


def test_insert_frame_refuses_unknown_tables(tmp_path: Path) -> None:
    import polars as pl

    con = db.connect_for_writing(tmp_path / "x.duckdb")
    with pytest.raises(KeyError):
        db.insert_frame(con, 'dossiers"; drop table agencies; --', pl.DataFrame({"a": [1]}))
    con.close()


def test_copy_of_database_is_usable(tmp_path: Path) -> None:
    path = build_small_db(tmp_path / "s.duckdb", [dossier("A-1")])
    shutil.copy(path, tmp_path / "copy.duckdb")
    assert db.Store(tmp_path / "copy.duckdb").query("data_status")["dossiers"][0] == 1


def test_swap_after_a_crashed_writer_leaves_an_openable_file(tmp_path: Path) -> None:
    """A writer killed before its checkpoint leaves a WAL; the next swap must not strand it."""
    import subprocess
    import sys

    path = build_small_db(tmp_path / "crashed.duckdb", [dossier("A-1")])
    crash = (
        "import duckdb, os, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute('set wal_autocheckpoint = \\'1TB\\'')\n"
        "con.execute(\"update dossiers set status = 9 where code = 'A-1'\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(path)], check=True)
    assert Path(f"{path}.wal").exists()
    db.replace_atomically(path, lambda con: None)
    assert not Path(f"{path}.wal").exists()
    assert db.Store(path).query("data_status")["dossiers"][0] == 1
    con = db.connect_read_only(path)
    assert con.execute("select status from dossiers").fetchone()[0] == 9
    con.close()


def _syncers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "onestop-sync"]


def test_a_swap_writes_its_copy_without_fsyncs_and_syncs_it_before_the_rename(
    tmp_path: Path,
) -> None:
    # Only the rename publishes the copy, so its commits need not wait for the disk one by
    # one; a thread syncs it meanwhile and stops with the swap, whether it succeeds or fails.
    path = build_small_db(tmp_path / "s.duckdb", [dossier("A-1")])
    seen = {}

    def apply(con: duckdb.DuckDBPyConnection) -> None:
        (seen["fsync"],) = con.execute("select current_setting('fsync_mode')").fetchall()[0]
        seen["syncers"] = len(_syncers())
        con.execute("update dossiers set status = 9 where code = 'A-1'")

    db.replace_atomically(path, apply)
    assert str(seen["fsync"]).lower() == "none"
    assert seen["syncers"] == 1
    assert _syncers() == []
    con = db.connect_read_only(path)
    assert con.execute("select status from dossiers").fetchall() == [(9,)]
    con.close()

    def failing(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("update dossiers set status = 10 where code = 'A-1'")
        raise RuntimeError("the import found a bad row")

    with pytest.raises(RuntimeError):
        db.replace_atomically(path, failing)
    assert _syncers() == []
    con = db.connect_read_only(path)
    assert con.execute("select status from dossiers").fetchall() == [(9,)]
    con.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".tmp.wal"))] == []


def test_a_copy_the_disk_refuses_to_sync_is_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write-back error reaches only the fsync that sees it (here the background thread's
    # first): the swap must fail on it, not publish a copy whose pages the disk dropped.
    path = build_small_db(tmp_path / "s.duckdb", [dossier("A-1", status=10)])
    real_fsync = os.fsync
    refused = []

    def failing_fsync(descriptor: int) -> None:
        if not refused and os.readlink(f"/proc/self/fd/{descriptor}").endswith(".tmp"):
            refused.append(descriptor)
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    monkeypatch.setattr(db, "SYNC_EVERY_SECONDS", 0.01)

    def slow_update(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("update dossiers set status = 9 where code = 'A-1'")
        time.sleep(0.2)  # long enough for the background thread to try

    with pytest.raises(OSError, match="Input/output error"):
        db.replace_atomically(path, slow_update)
    assert refused
    assert _syncers() == []
    monkeypatch.undo()
    con = db.connect_read_only(path)
    assert con.execute("select status from dossiers").fetchall() == [(10,)]
    con.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".tmp.wal"))] == []


def _definition(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list, list]:
    columns = con.execute(
        "select column_name, data_type, column_default, is_nullable from duckdb_columns() "
        "where table_name = $t order by column_index",
        {"t": table},
    ).fetchall()
    constraints = con.execute(
        "select constraint_type, constraint_column_names, constraint_text "
        "from duckdb_constraints() where table_name = $t order by all",
        {"t": table},
    ).fetchall()
    return columns, constraints


@pytest.mark.parametrize("table", ["dossiers", "counter_visits", "pilot_agencies", "staff"])
def test_filling_an_empty_table_keeps_its_definition(tmp_path: Path, table: str) -> None:

    con = db.connect_for_writing(tmp_path / "x.duckdb")
    before = _definition(con, table)
    empty = con.sql(f'select * from "{table}"').pl()
    assert db.fill_empty_table(con, table, empty) == 0
    assert _definition(con, table) == before
    con.close()


def test_filled_table_still_refuses_a_second_row_with_the_same_code(tmp_path: Path) -> None:
    import polars as pl

    con = db.connect_for_writing(tmp_path / "x.duckdb")
    rows = pl.DataFrame([dossier("A-1"), dossier("A-2")])
    assert db.fill_empty_table(con, "dossiers", rows) == 2
    with pytest.raises(duckdb.ConstraintException):
        db.insert_frame(con, "dossiers", pl.DataFrame([dossier("A-1")]))
    con.close()


def test_filling_with_duplicate_codes_fails(tmp_path: Path) -> None:
    import polars as pl

    con = db.connect_for_writing(tmp_path / "x.duckdb")
    with pytest.raises(duckdb.ConstraintException):
        db.fill_empty_table(con, "dossiers", pl.DataFrame([dossier("A-1"), dossier("A-1")]))
    con.close()


def test_filling_a_table_that_holds_rows_appends(tmp_path: Path) -> None:
    import polars as pl

    con = db.connect_for_writing(tmp_path / "x.duckdb")
    db.insert_frame(con, "dossiers", pl.DataFrame([dossier("A-1")]))
    assert db.fill_empty_table(con, "dossiers", pl.DataFrame([dossier("A-2")])) == 1
    assert con.execute("select count(*) from dossiers").fetchall() == [(2,)]
    con.close()


def test_threads_asking_at_once_each_get_their_own_answers(tmp_path: Path) -> None:
    """Streamlit runs each session's script on its own thread: the store gives every thread its
    own cursor (a DuckDB connection shared by threads fails), and the answers do not mix."""
    import datetime as dt
    from concurrent.futures import ThreadPoolExecutor

    rows = [dossier(f"A-{n}", received_at=dt.datetime(2023, 1, 1 + n % 28, 9)) for n in range(60)]
    path = build_small_db(tmp_path / "s.duckdb", rows)
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=n) for n in range(28)]
    expected = {
        day: db.Store(path).query("received_date_span", {"date_from": day, "date_to": day})
        for day in days
    }
    store = db.Store(path)

    def ask(day: dt.date) -> bool:
        return store.query("received_date_span", {"date_from": day, "date_to": day}).equals(
            expected[day]
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(ask, days * 3))
