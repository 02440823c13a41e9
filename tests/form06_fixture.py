"""A small database with one dossier for each Biểu 06 class, for March 2023 (hand-counted)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from onestop.core import db

PERIOD = (dt.date(2023, 3, 1), dt.date(2023, 3, 31))

# code, agency, field, procedure, channel, status, received, due, ended, returned, digitised,
# supplement_days — and why it is there. Dates are 2023 unless given as (year, month, day).
DOSSIERS = [
    # Sở Alpha / Hộ tịch
    ("D01", 1, 1, 1, 2, 10, (3, 1), (3, 8), (3, 6), None, True, 0),  # online, early
    ("D02", 1, 1, 1, 1, 9, (3, 2), (3, 9), (3, 9), None, True, 0),  # in person, on due date
    ("D03", 1, 1, 1, 3, 10, (3, 3), (3, 10), None, (3, 14), False, 0),  # postal, late (by NgayTra)
    ("D04", 1, 1, 1, 2, 7, (3, 6), (3, 13), (3, 7), None, False, 0),  # withdrawn: col 9
    ("D05", 1, 1, 1, 1, 10, (2, 20), (3, 3), (3, 2), None, True, 0),  # carried over, early
    ("D06", 1, 1, 1, 1, 10, (2, 10), (2, 24), (2, 20), None, True, 0),  # ended before: out
    ("D07", 1, 1, 1, 2, 1, (3, 5), (3, 12), None, None, False, 0),  # status 1: out
    ("D08", 1, 1, 1, 2, 3, (3, 5), (3, 12), None, None, False, 0),  # status 3: out
    ("D09", 1, 1, 1, 2, 4, (4, 2), (4, 12), None, None, False, 0),  # received after `to`: out
    # Sở Alpha / Công chứng
    ("D10", 1, 2, 1, 2, 4, (3, 20), (4, 5), None, None, True, 0),  # in progress, within
    ("D11", 1, 2, 1, 1, 4, (3, 1), (3, 15), None, None, False, 0),  # in progress, overdue
    ("D12", 1, 2, 1, 2, 5, (3, 2), (3, 10), None, None, False, 0),  # supplementation: within
    ("D13", 1, 2, 1, 2, 10, (3, 10), (3, 20), (4, 3), None, False, 0),  # ends after `to`: overdue
    ("D14", 1, 2, 1, 3, 2, (3, 13), (3, 31), (3, 15), None, False, 0),  # open, due = `to`: within
    # Sở Beta / Xây dựng
    ("D15", 2, 3, 2, 3, 9, (3, 15), (3, 29), (3, 29), None, True, 0),  # postal, on due date
    ("D16", 2, 3, 2, 2, 8, (3, 16), (3, 30), (3, 17), None, False, 0),  # stopped: col 9
    ("D17", 2, 3, 2, 2, 10, (3, 20), (3, 24), (3, 28), None, True, 1),  # late, 1 day waiting
    ("D18", 2, 3, 2, 1, 4, (2, 1), (2, 20), None, None, False, 0),  # carried over, overdue
]


def _when(value: tuple[int, ...] | None) -> dt.datetime | None:
    if value is None:
        return None
    year, month, day = value if len(value) == 3 else (2023, *value)
    return dt.datetime(year, month, day, 9, 30)


def build(path: Path, dossiers: list[tuple] = DOSSIERS) -> Path:
    """Write the reference tables and the given dossiers to a new database file."""
    con = db.connect_for_writing(path)
    db.insert_frame(
        con, "agencies", pl.DataFrame({"agency_id": [1, 2], "code": ["SA", "SB"],
                                       "name": ["Sở Alpha", "Sở Beta"]})
    )  # fmt: skip
    db.insert_frame(
        con,
        "fields",
        pl.DataFrame(
            {
                "field_id": [1, 2, 3],
                "code": ["SA-LV01", "SA-LV02", "SB-LV01"],
                "name": ["Hộ tịch", "Công chứng", "Xây dựng"],
            }
        ),
    )
    db.insert_frame(
        con,
        "procedures",
        pl.DataFrame(
            {
                "procedure_id": [1, 2],
                "code": ["1.001", "2.001"],
                "name": ["Đăng ký khai sinh", "Cấp giấy phép xây dựng"],
                "field_id": [1, 3],
                "agency_id": [1, 2],
                "processing_days": [5, 10],
            }
        ),
    )
    db.insert_frame(
        con,
        "staff",
        pl.DataFrame(
            {"staff_id": [1], "name": ["Nhân viên bưu điện 1"], "organisation": ["postal"]}
        ),
    )
    rows = [
        {
            "code": code,
            "agency_id": agency,
            "field_id": field,
            "procedure_id": procedure,
            "channel": channel,
            "status": status,
            "received_at": _when(received),
            "due_at": _when(due),
            "ended_at": _when(ended),
            "returned_at": _when(returned),
            "received_by": 1,
            "digitised": digitised,
            "supplement_days": waiting,
        }
        for (code, agency, field, procedure, channel, status, received, due, ended, returned,
             digitised, waiting) in dossiers
    ]  # fmt: skip
    db.insert_frame(
        con,
        "dossiers",
        pl.DataFrame(
            rows,
            schema={
                "code": pl.String,
                "agency_id": pl.Int32,
                "field_id": pl.Int32,
                "procedure_id": pl.Int32,
                "channel": pl.Int8,
                "status": pl.Int8,
                "received_at": pl.Datetime,
                "due_at": pl.Datetime,
                "ended_at": pl.Datetime,
                "returned_at": pl.Datetime,
                "received_by": pl.Int32,
                "digitised": pl.Boolean,
                "supplement_days": pl.Int16,
            },
        ),
    )
    con.close()
    return path
