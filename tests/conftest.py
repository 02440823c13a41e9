"""Shared fixtures: small real DuckDB files built from given rows, and the demo database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from onestop import demo
from onestop.core import db

ROOT = Path(__file__).resolve().parent.parent


def page_path(name: str) -> str:
    """A page file's absolute path: AppTest.from_file resolves relative to the caller."""
    return str(ROOT / "pages" / name)


AGENCIES = pl.DataFrame(
    {"agency_id": [1, 2], "code": ["STP", "SXD"], "name": ["Sở Tư pháp", "Sở Xây dựng"]}
)
FIELDS = pl.DataFrame({"field_id": [1, 2], "code": ["HT", "XD"], "name": ["Hộ tịch", "Xây dựng"]})
STAFF = pl.DataFrame(
    {
        "staff_id": [1, 2],
        "name": ["Nhân viên bưu điện 1", "Công chức một cửa 1"],
        "organisation": ["postal", "agency"],
    }
)


def dossier(code: str, **values: object) -> dict[str, object]:
    """A dossier row: received online 2023-03-01, due 03-10, ended 03-05, returned 03-06."""
    row: dict[str, object] = {
        "code": code,
        "agency_id": 1,
        "field_id": 1,
        "channel": 2,
        "status": 10,
        "received_at": dt.datetime(2023, 3, 1, 9, 0),
        "due_at": dt.datetime(2023, 3, 10, 17, 0),
        "ended_at": dt.datetime(2023, 3, 5, 10, 0),
        "returned_at": dt.datetime(2023, 3, 6, 10, 0),
        "received_by": 1,
    }
    row.update(values)
    return row


DOSSIER_SCHEMA = {
    "code": pl.String,
    "agency_id": pl.Int32,
    "field_id": pl.Int32,
    "channel": pl.Int8,
    "status": pl.Int8,
    "received_at": pl.Datetime("us"),
    "due_at": pl.Datetime("us"),
    "ended_at": pl.Datetime("us"),
    "returned_at": pl.Datetime("us"),
    "received_by": pl.Int32,
}


def build_small_db(path: Path, dossiers: list[dict[str, object]]) -> Path:
    """A real database file with two agencies, two fields, two staff and the given dossiers."""
    con = db.connect_for_writing(path)
    try:
        db.insert_frame(con, "agencies", AGENCIES)
        db.insert_frame(con, "fields", FIELDS)
        db.insert_frame(con, "staff", STAFF)
        db.insert_frame(con, "dossiers", pl.DataFrame(dossiers, schema=DOSSIER_SCHEMA))
    finally:
        con.close()
    return path


@pytest.fixture
def small_db(tmp_path: Path) -> Callable[[list[dict[str, object]]], Path]:
    """Build a small database from dossier rows; returns its path."""
    counter = iter(range(1_000))

    def build(dossiers: list[dict[str, object]]) -> Path:
        return build_small_db(tmp_path / f"small{next(counter)}.duckdb", dossiers)

    return build


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo database, built once per test session."""
    path = tmp_path_factory.mktemp("demo") / "onestop.duckdb"
    demo.build_demo(path)
    return path
