"""Databases with a known pilot effect: two years of dossiers (2022 before, 2023 during) at six
pilot agencies and eight others, whose late share moves by a chosen amount at the pilot agencies
(and may drift before the pilot). Shared by the evaluation's tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from onestop.core import db
from tests.fixtures import dossier

PILOT_START = dt.date(2023, 1, 1)
PILOT_END = dt.date(2023, 12, 31)


def known_effect_rows(
    rng: np.random.Generator,
    effect: float,
    pre_trend: float = 0.0,
    pilot_agencies: int = 6,
    other_agencies: int = 8,
) -> list[dict[str, object]]:
    """Two years of dossiers (2022 before, 2023 during) whose late share is, per agency and month,
    base + common seasonality + shock, minus `effect` at the pilot agencies in 2023, plus
    `pre_trend` per month at the pilot agencies in 2022 (ending at 0 in December)."""
    rows: list[dict[str, object]] = []
    agencies = pilot_agencies + other_agencies
    base = rng.uniform(0.08, 0.25, agencies)
    size = rng.integers(15, 45, agencies)
    for agency in range(agencies):
        is_pilot = agency < pilot_agencies
        for month_index in range(24):
            year, month = 2022 + month_index // 12, month_index % 12 + 1
            p = base[agency] + 0.03 * np.sin(month_index / 2) + rng.normal(0, 0.01)
            if is_pilot and year == 2023:
                p -= effect
            if is_pilot and year == 2022:
                p += pre_trend * (month - 12)
            count = int(rng.poisson(size[agency]))
            late = rng.random(count) < np.clip(p, 0.0, 1.0)
            for number in range(count):
                received = dt.datetime(year, month, 1 + number % 20, 9)
                due = received + dt.timedelta(days=5)
                ended = due + dt.timedelta(days=2 if late[number] else -2)
                rows.append(
                    dossier(
                        f"D{agency:02d}-{month_index:02d}-{number:03d}",
                        agency_id=agency + 1,
                        received_at=received,
                        due_at=due,
                        ended_at=ended,
                        returned_at=None,
                        received_by=agency + 1,
                    )
                )
    return rows


def known_effect_db(path: Path, rows: list[dict[str, object]], agencies: int = 14) -> db.Store:
    """A database of `agencies` agencies, the first six in a pilot over 2023."""
    con = db.connect_for_writing(path)
    try:
        ids = list(range(1, agencies + 1))
        db.insert_frame(
            con,
            "agencies",
            pl.DataFrame(
                {
                    "agency_id": ids,
                    "code": [f"A{i:02d}" for i in ids],
                    "name": [f"Sở {i}" for i in ids],
                }
            ),
        )
        db.insert_frame(
            con,
            "staff",
            pl.DataFrame(
                {"staff_id": ids, "name": [f"Công chức {i}" for i in ids], "organisation": "agency"}
            ),
        )
        frame = pl.DataFrame(
            rows, schema_overrides={"agency_id": pl.Int32, "received_by": pl.Int32}
        )
        db.insert_frame(con, "dossiers", frame)
        db.insert_frame(
            con,
            "pilots",
            pl.DataFrame(
                {
                    "pilot_id": [1],
                    "name": ["Thí điểm"],
                    "start_date": [PILOT_START],
                    "end_date": [PILOT_END],
                    "postal_staff": [1],
                }
            ),
        )
        db.insert_frame(con, "pilot_agencies", pl.DataFrame({"pilot_id": 1, "agency_id": ids[:6]}))
    finally:
        con.close()
    return db.Store(path)
