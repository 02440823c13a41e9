"""The demo's baseline is realistic enough to evaluate the pilot against: carry-over comes from
the data (no dossier is closed early to empty the year), lateness is skewed (mostly a day or two,
a long tail) and agencies differ — while the pilot's published 2023 figures still hold exactly
(tests/test_demo.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from onestop.core import db
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.demo.lateness import LONGEST_LATE, late_working_days
from onestop.demo.reference import PILOT_AGENCIES
from onestop.reports import form06


@pytest.fixture(scope="module")
def dossiers(demo_db: Path) -> pl.DataFrame:
    con = db.connect_read_only(demo_db)
    try:
        frame = con.sql("select * from dossiers where status <> 3").pl()
    finally:
        con.close()
    pilot = list(range(1, len(PILOT_AGENCIES) + 1))
    return frame.with_columns(is_pilot=pl.col("agency_id").is_in(pilot))


def test_late_working_days_are_mostly_one_or_two_with_a_long_tail() -> None:
    days = late_working_days(np.random.default_rng(1), 100_000)
    assert days.min() == 1 and days.max() <= LONGEST_LATE
    assert 0.6 < np.mean(days <= 2) < 0.75
    assert np.percentile(days, 95) >= 10  # the tail
    assert np.bincount(days).argmax() == 1  # the mode is one day


def test_late_dossiers_in_the_demo_follow_the_skew(demo_db: Path) -> None:
    store = Store(demo_db)
    late = store.query(
        "resolved_days_late", DossierFilter(dt.date(2022, 1, 1), dt.date(2023, 12, 31)).params()
    ).filter(pl.col("timeliness") == "resolved_late")
    counts = dict(zip(late["days_late"], late["dossiers"], strict=True))
    total = sum(counts.values())
    assert max(counts, key=counts.get) == 1  # calendar days: the mode is one day late
    assert sum(v for k, v in counts.items() if k <= 3) / total > 0.5
    assert max(counts) >= 20


def test_no_dossier_is_closed_early_to_empty_the_baseline_year(dossiers: pl.DataFrame) -> None:
    baseline = dossiers.filter(pl.col("is_pilot") & (pl.col("received_at").dt.year() == 2022))
    ended = baseline.group_by(day=pl.col("ended_at").dt.date()).len()
    december = ended.filter(pl.col("day") >= dt.date(2022, 12, 1))
    # The last working days of the year close no more than an ordinary December day.
    assert december["len"].max() <= 3 * december["len"].mean()
    # Each dossier takes its own time: resolved ones end no sooner than they were received.
    assert (baseline["ended_at"] >= baseline["received_at"]).all()


def test_carry_over_arises_from_the_data(demo_db: Path) -> None:
    store = Store(demo_db)
    agencies = store.query("agencies")
    pilot = tuple(agencies.filter(pl.col("is_pilot"))["agency_id"])
    others = tuple(agencies.filter(~pl.col("is_pilot"))["agency_id"])

    def carried(start: dt.date, end: dt.date, ids: tuple[int, ...]) -> int:
        total = form06.build_form06(store, DossierFilter(start, end, ids)).total
        received = total["received_online"] + total["received_in_person_or_postal"]
        return total["received_total"] - received

    assert carried(dt.date(2023, 1, 1), dt.date(2023, 12, 31), others) > 0
    months = [dt.date(2022, month, 1) for month in range(2, 13)]
    within_year = [
        carried(m, (m + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), pilot)
        for m in months
    ]
    assert all(count > 0 for count in within_year)
    # ... and the pilot year starts with none, as the published report says.
    assert carried(dt.date(2023, 1, 1), dt.date(2023, 12, 31), pilot) == 0


def test_channels_are_plausible_for_each_counter(dossiers: pl.DataFrame) -> None:
    def counts(frame: pl.DataFrame) -> dict[int, int]:
        grouped = frame.group_by("channel").len()
        return {1: 0, 2: 0, 3: 0} | dict(zip(grouped["channel"], grouped["len"], strict=True))

    year = pl.col("received_at").dt.year()
    postal_counter = counts(dossiers.filter(pl.col("is_pilot") & (year == 2023)))
    assert postal_counter[2] == 1669  # the published online count
    # The post office runs the pilot's counter: its paper dossiers mostly come in through the
    # public postal service (Bưu chính công ích), a few still logged as handed in in person.
    paper = postal_counter[1] + postal_counter[3]
    assert paper == 1700 - 1669
    assert postal_counter[3] >= 0.75 * paper and postal_counter[1] >= 1
    # At an agency's own desk (the pilot agencies before the pilot, the other agencies in both
    # years) paper dossiers come mostly in person, a minority by post.
    agency_desks = {
        "pilot agencies, 2022": pl.col("is_pilot") & (year == 2022),
        "other agencies, 2022": ~pl.col("is_pilot") & (year == 2022),
        "other agencies, 2023": ~pl.col("is_pilot") & (year == 2023),
    }
    for name, rows in agency_desks.items():
        desk = counts(dossiers.filter(rows))
        postal_of_paper = desk[3] / (desk[1] + desk[3])
        assert 0.05 < postal_of_paper < 1 / 3, name
        assert 0.02 < desk[3] / sum(desk.values()) < 0.15, name  # of all its dossiers
    online = (
        dossiers.filter(~pl.col("is_pilot"))
        .group_by("agency_id")
        .agg((pl.col("channel") == 2).mean().alias("share"))
    )["share"]
    assert online.max() - online.min() > 0.08  # agencies differ
