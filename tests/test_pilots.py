"""Pilot definitions: stored through the atomic swap, read back by the default views."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from onestop.core import db, i18n
from onestop.evaluation import pilots
from onestop.evaluation.pilots import PilotDefinition, PilotError
from tests.fixtures import build_small_db, dossier


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    rows = [dossier("A1"), dossier("B1", agency_id=2, received_at=dt.datetime(2023, 6, 30, 9))]
    return build_small_db(tmp_path / "pilot.duckdb", rows)


def _read(path: Path) -> tuple[dict | None, list[str]]:
    store = db.Store(path)
    try:
        definition = store.query("pilot_definition")
        agencies = store.query("agencies").filter(pl.col("is_pilot"))["code"].to_list()
        return (definition.row(0, named=True) if definition.height else None), agencies
    finally:
        store.close()


def test_a_set_pilot_is_what_the_default_views_read(small_path: Path) -> None:
    definition = PilotDefinition("Bưu điện", dt.date(2023, 1, 1), dt.date(2023, 12, 31), (2,))
    pilots.set_pilot(small_path, definition)
    row, members = _read(small_path)
    assert row is not None
    assert (row["name"], row["start_date"], row["end_date"], row["is_ongoing"]) == (
        "Bưu điện",
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        False,
    )
    assert (row["agencies"], row["postal_staff"]) == (1, 1)
    assert members == ["SXD"]


def test_setting_again_replaces_the_pilot(small_path: Path) -> None:
    pilots.set_pilot(small_path, PilotDefinition("A", dt.date(2022, 1, 1), None, (1, 2)))
    pilots.set_pilot(small_path, PilotDefinition("B", dt.date(2021, 1, 1), None, (1,)))
    row, members = _read(small_path)
    assert row is not None and row["name"] == "B"  # not the later-starting "A"
    assert members == ["STP"]
    con = db.connect_read_only(small_path)
    assert con.execute("select count(*) from pilots").fetchone() == (1,)
    con.close()


def test_an_open_ended_pilot_runs_to_the_last_reception(small_path: Path) -> None:
    pilots.set_pilot(small_path, PilotDefinition("Đang chạy", dt.date(2023, 1, 1), None, (1,)))
    row, _ = _read(small_path)
    assert row is not None
    assert (row["end_date"], row["is_ongoing"]) == (dt.date(2023, 6, 30), True)


def test_clearing_leaves_no_pilot_agency(small_path: Path) -> None:
    pilots.set_pilot(small_path, PilotDefinition("A", dt.date(2023, 1, 1), None, (1, 2)))
    pilots.clear_pilot(small_path)
    assert _read(small_path) == (None, [])


def test_a_reader_open_during_the_change_sees_the_new_pilot(small_path: Path) -> None:
    store = db.Store(small_path)
    assert store.query("pilot_definition").height == 0
    pilots.set_pilot(small_path, PilotDefinition("A", dt.date(2023, 1, 1), None, (1,)))
    assert store.query("pilot_definition")["name"].to_list() == ["A"]
    store.close()


def test_an_older_file_learns_that_a_pilot_may_be_running(small_path: Path, tmp_path: Path) -> None:
    """Files written before migration 004 take an open-ended pilot after the swap migrates them."""
    older = tmp_path / "older.duckdb"
    shutil.copyfile(small_path, older)
    con = db.connect_for_writing(older)
    con.execute("alter table pilots alter column end_date set not null")  # as before 004
    con.execute("delete from schema_version where version >= 4")
    con.close()
    pilots.set_pilot(older, PilotDefinition("A", dt.date(2023, 1, 1), None, (1,)))
    assert _read(older)[0]["is_ongoing"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["STP"], (1,)),
        (["stp", "Sở Xây dựng"], (1, 2)),
        (["so xay dung", "SXD"], (2,)),  # no accents, any case; duplicates once
        (["  Sở   Tư pháp "], (1,)),
    ],
)
def test_agencies_are_found_by_name_or_code(
    small_path: Path, typed: list[str], expected: tuple[int, ...]
) -> None:
    agencies = db.Store(small_path).query("agencies")
    assert pilots.match_agencies(agencies, typed) == expected


def test_an_unknown_agency_is_named_with_the_codes(small_path: Path) -> None:
    agencies = db.Store(small_path).query("agencies")
    with pytest.raises(PilotError) as error:
        pilots.match_agencies(agencies, ["STP", "Sở Y tế"])
    text = i18n.t(error.value.key, "en", **error.value.values)
    assert text == "No agency is named or coded 'Sở Y tế' (codes: STP, SXD)."


@pytest.mark.parametrize(
    ("arguments", "key"),
    [
        (("A", dt.date(2023, 1, 1), None, ()), "pilot.error_no_agencies"),
        (("A", dt.date(2023, 1, 1), dt.date(2022, 12, 31), (1,)), "pilot.error_order"),
        (("  ", dt.date(2023, 1, 1), None, (1,)), "pilot.error_name_empty"),
        (("x" * 201, dt.date(2023, 1, 1), None, (1,)), "pilot.error_name_long"),
    ],
)
def test_a_definition_that_cannot_be_stored_says_why(arguments: tuple, key: str) -> None:
    with pytest.raises(PilotError) as error:
        PilotDefinition(*arguments)
    assert error.value.key == key
    assert i18n.t(key, "vi", **error.value.values)
