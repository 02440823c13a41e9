"""Putting the demo together: every table, deterministic for (total, seed), written atomically."""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import polars as pl

from onestop.core import codes, db
from onestop.core.calendar import DEFAULT_HOURS, add_working_days
from onestop.demo.calibrate import PILOT_END, PILOT_START, PILOT_TARGET, calibrate_pilot
from onestop.demo.counter_visits import counter_visits
from onestop.demo.ordering import numbered_runs, stable_order
from onestop.demo.populations import (
    BASELINE_DOSSIERS,
    DemoPlan,
    Population,
    arrivals,
    close_or_leave_open,
    finish_by,
    minutes_of_day,
    outcomes,
    populations,
    timestamp,
)
from onestop.demo.reference import PILOT_AGENCIES, POSTAL_STAFF_ID, reference_tables

DEFAULT_DOSSIERS = 40_000
# The pilot and its baseline are always built, so a smaller demo cannot be asked for.
MIN_DOSSIERS = PILOT_TARGET["received_total"] + BASELINE_DOSSIERS


# Twice the 10-million speed target; about 12.4 GB of memory while building (see memory_needed).
MAX_DOSSIERS = 20_000_000


# Peak memory of `onestop demo`, measured (the streams drawn side by side, the queue tickets
# drawn during the append): 876-897 MB at 1,000,000 dossiers, 4.8-5.6 GB at 10,000,000.
_MEMORY_BASE_BYTES = 400e6


_MEMORY_BYTES_PER_DOSSIER = 600


def memory_needed(total: int) -> float:
    """Bytes of memory building a demo of `total` dossiers takes at its peak (an estimate)."""
    return _MEMORY_BASE_BYTES + _MEMORY_BYTES_PER_DOSSIER * total


def largest_fitting(memory_bytes: float) -> int:
    """The largest demo whose estimated peak memory fits in `memory_bytes`."""
    return int((memory_bytes - _MEMORY_BASE_BYTES) // _MEMORY_BYTES_PER_DOSSIER)


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    dossiers: int
    counter_visits: int
    seconds: float


def build_demo_frames(total: int = DEFAULT_DOSSIERS, seed: int = 2023) -> dict[str, pl.DataFrame]:
    """Every table of the demo database, deterministic for (total, seed)."""
    rng, tables = _tables_before_visits(total, seed)
    tables["counter_visits"] = counter_visits(rng, tables["dossiers"])
    return tables


def _tables_before_visits(
    total: int, seed: int
) -> tuple[np.random.Generator, dict[str, pl.DataFrame]]:
    """Every table but the counter visits, and the generator that then draws those."""
    rng = np.random.default_rng(seed)
    plan = DemoPlan.for_total(total)
    tables = reference_tables(rng, plan.non_pilot_agencies)
    agencies = tables["agencies"]
    ids = {
        "pilot": list(range(1, len(PILOT_AGENCIES) + 1)),
        "other": list(range(len(PILOT_AGENCIES) + 1, agencies.height + 1)),
    }
    as_of = dt.date(plan.last_year, 12, 31)
    draw = partial(_population_rows, tables=tables, as_of=as_of)
    accepted = []
    for population in populations(plan, ids):
        if sum(population.counts) == 0:
            continue
        if population.streams == 1:
            accepted.append(draw(rng, population))
            continue
        parts = population.parts()
        # numpy's draws and arithmetic release the GIL, so the streams use both cores; the
        # parts come back in order whatever finishes first.
        with ThreadPoolExecutor(max_workers=min(len(parts), os.cpu_count() or 1)) as pool:
            accepted.extend(pool.map(draw, rng.spawn(len(parts)), parts))
    dossiers = pl.concat(accepted)
    not_accepted = rejected_at_intake(rng, dossiers, plan.not_accepted)
    tables["dossiers"] = with_codes(pl.concat([dossiers, not_accepted]), agencies)
    tables["pilots"] = pl.DataFrame(
        {
            "pilot_id": [1],
            "name": ["Thí điểm bưu điện tiếp nhận hồ sơ, trả kết quả 2023"],
            "start_date": [PILOT_START],
            "end_date": [PILOT_END],
            "postal_staff": [1],
        }
    )
    tables["pilot_agencies"] = pl.DataFrame(
        {"pilot_id": [1] * len(ids["pilot"]), "agency_id": ids["pilot"]}
    )
    return rng, tables


def _population_rows(
    rng: np.random.Generator,
    population: Population,
    tables: dict[str, pl.DataFrame],
    as_of: dt.date,
) -> pl.DataFrame:
    """The dossiers table's rows for one population, drawn from `rng`."""
    arrived = arrivals(rng, population, tables["procedures"])
    columns = outcomes(rng, arrived, population)
    arrived, columns = finish_by(rng, arrived, columns, population)
    columns["processing_days"] = arrived["processing_days"].to_numpy().astype("int64")
    if population.is_pilot:
        columns = calibrate_pilot(rng, columns, arrived["received_day"].to_numpy())
    else:
        columns = close_or_leave_open(rng, columns, population, as_of)
    return dossier_frame(rng, arrived, columns, tables["staff"], population)


def write_database(path: Path, tables: dict[str, pl.DataFrame]) -> None:
    """Write tables to a new database that replaces `path` atomically."""
    db.replace_atomically(path, partial(_fill, tables=tables), fresh=True)


def _fill(con: db.Connection, tables: dict[str, pl.DataFrame]) -> None:
    for table, frame in tables.items():
        db.fill_empty_table(con, table, frame)


def _fill_keyed_later(
    con: db.Connection, tables: dict[str, pl.DataFrame]
) -> list[db.PendingKey | None]:
    return [db.fill_empty_table_keyed_later(con, table, frame) for table, frame in tables.items()]


def _add_keys(con: db.Connection, keys: list[db.PendingKey | None]) -> None:
    for key in keys:
        if key is not None:
            key.add(con)


def build_demo(path: Path, total: int = DEFAULT_DOSSIERS, seed: int = 2023) -> DemoSummary:
    """Generate the demo and write it to `path`."""
    started = time.perf_counter()
    rng, tables = _tables_before_visits(total, seed)

    def fill(con: db.Connection) -> int:
        with ThreadPoolExecutor(max_workers=3) as helpers:
            # The queue tickets are drawn (numpy and polars) while the dossiers are appended.
            # Once every dossier is in, three jobs share the cores: indexing the keys (ten
            # million dossier codes keep one core busy), writing the tickets, and the rollups,
            # which read the dossiers (the keys do not change them) and wait for the tickets
            # only before the rollups built from those.
            drawn = helpers.submit(counter_visits, rng, tables["dossiers"])
            keys = _fill_keyed_later(con, tables)
            keyed = helpers.submit(_add_keys, con, keys)
            written = helpers.submit(_write_counter_visits, con, drawn)
            with con.cursor() as cursor:
                db.refresh_rollups(cursor, counter_visits_written=written.result)
            keyed.result()
        return written.result()

    visits = db.replace_atomically(path, fill, fresh=True, builds_rollups=True)
    return DemoSummary(path, tables["dossiers"].height, visits, time.perf_counter() - started)


def _write_counter_visits(con: db.Connection, drawn: Future[pl.DataFrame]) -> int:
    """Write the queue tickets, once drawn, on a cursor of their own."""
    with con.cursor() as cursor:
        return db.fill_empty_table(cursor, "counter_visits", drawn.result())


# --- one population's rows ---------------------------------------------------------------


def dossier_frame(
    rng: np.random.Generator,
    arrivals_frame: pl.DataFrame,
    columns: dict,
    staff: pl.DataFrame,
    population: Population,
) -> pl.DataFrame:
    """Timestamps, receivers and flags for one population, as rows of the dossiers table."""
    size = arrivals_frame.height
    received_day = arrivals_frame["received_day"].to_numpy()
    received_at = timestamp(received_day, arrivals_frame["received_minute"].to_numpy())
    online = columns["channel"] == codes.ONLINE
    # Online dossiers are submitted any time, up to two days before a staffer accepts them.
    submitted_at = received_at - np.where(
        online, rng.integers(10, 2 * 24 * 60, size), rng.integers(0, 3, size)
    ).astype("timedelta64[m]")
    is_open = columns["is_open"]
    end_day = np.where(is_open, np.datetime64("NaT", "D"), columns["end_day"])
    ended_at = timestamp(end_day, minutes_of_day(rng, size))
    ended_at = np.where(ended_at < received_at, received_at + np.timedelta64(30, "m"), ended_at)
    returned = (columns["status"] == codes.RETURNED) & ~is_open
    return_day = add_working_days(
        np.where(returned, end_day, received_day), rng.choice([0, 0, 1, 2], size)
    )
    returned_at = np.where(
        returned, timestamp(return_day, minutes_of_day(rng, size)), np.datetime64("NaT", "m")
    )
    returned_at = np.where(returned & (returned_at < ended_at), ended_at, returned_at)
    if population.receiver == "postal":
        received_by = np.full(size, POSTAL_STAFF_ID, dtype="int32")
    else:
        received_by = _agency_staff(rng, arrivals_frame["agency_id"].to_numpy(), staff)
    digitised = rng.random(size) < np.where(online, 0.78, 0.92)
    return pl.DataFrame(
        {
            "agency_id": arrivals_frame["agency_id"],
            "procedure_id": arrivals_frame["procedure_id"],
            "field_id": arrivals_frame["field_id"],
            "channel": columns["channel"].astype("int8"),
            "status": columns["status"].astype("int8"),
            "submitted_at": submitted_at,
            "received_at": received_at,
            "due_at": timestamp(columns["due_day"], np.full(size, DEFAULT_HOURS.afternoon_close)),
            "ended_at": ended_at,
            "returned_at": returned_at,
            "received_by": received_by,
            "digitised": digitised,
            "supplement_count": columns["supplement_count"].astype("int16"),
            "supplement_days": columns["supplement_days"].astype("int16"),
        }
    )


def _agency_staff(
    rng: np.random.Generator, agency_ids: np.ndarray, staff: pl.DataFrame
) -> np.ndarray:
    own = staff.filter(pl.col("organisation") == "agency").sort("staff_id")
    by_agency = own.group_by("agency_id", maintain_order=True).agg(
        first=pl.col("staff_id").min(), count=pl.len()
    )
    lookup_first = np.zeros(int(by_agency["agency_id"].max()) + 1, dtype="int64")
    lookup_count = np.ones_like(lookup_first)
    lookup_first[by_agency["agency_id"].to_numpy()] = by_agency["first"].to_numpy()
    lookup_count[by_agency["agency_id"].to_numpy()] = by_agency["count"].to_numpy()
    pick = np.floor(rng.random(agency_ids.size) * lookup_count[agency_ids]).astype("int64")
    return (lookup_first[agency_ids] + pick).astype("int32")


def rejected_at_intake(
    rng: np.random.Generator, accepted: pl.DataFrame, count: int
) -> pl.DataFrame:
    """Online submissions the counter did not accept (status 3): stored, never counted."""
    online = accepted.filter(pl.col("channel") == codes.ONLINE)
    picked = online.sample(n=min(count, online.height), seed=int(rng.integers(2**31)))
    return picked.with_columns(
        status=pl.lit(codes.NOT_ACCEPTED, dtype=pl.Int8),
        received_at=pl.lit(None, dtype=pl.Datetime("us")),
        due_at=pl.lit(None, dtype=pl.Datetime("us")),
        ended_at=pl.lit(None, dtype=pl.Datetime("us")),
        returned_at=pl.lit(None, dtype=pl.Datetime("us")),
        supplement_count=pl.lit(0, dtype=pl.Int16),
        supplement_days=pl.lit(0, dtype=pl.Int16),
        digitised=pl.lit(False),
    )


def with_codes(dossiers: pl.DataFrame, agencies: pl.DataFrame) -> pl.DataFrame:
    """Dossier codes `{agency}-{yyMMdd}-{NNNN}`, numbered per agency and day."""
    keyed = dossiers.with_columns(
        # Agencies in the order of their codes, so rows sort as their codes spell.
        agency_rank=pl.col("agency_id").replace_strict(
            agencies["agency_id"], agencies["code"].rank("ordinal"), return_dtype=pl.Int64
        ),
        code_day=pl.coalesce("received_at", "submitted_at").dt.date(),
    )
    # Sorted by what the code spells (agency code, day, then arrival), so the rows come out
    # in code order without a second sort of ten million strings.
    order = stable_order(keyed, ["agency_rank", "code_day", "submitted_at", "received_at"])
    ordered = keyed[order]
    day = ordered["code_day"].to_physical().to_numpy()
    run, sequence = numbered_runs(ordered["agency_id"].to_numpy(), day)
    return ordered.with_columns(
        code=_codes(ordered, run, sequence, agencies), is_demo=pl.lit(True)
    ).drop("agency_rank", "code_day")


def _codes(
    ordered: pl.DataFrame, run: np.ndarray, sequence: np.ndarray, agencies: pl.DataFrame
) -> pl.Series:
    # Formatted once per agency and day and once per number, then joined: formatting a date
    # and padding a number for each of ten million rows costs seconds.
    prefixes = (
        ordered[np.flatnonzero(sequence == 1)]
        .select(
            pl.format(
                "{}-{}-",
                pl.col("agency_id").replace_strict(agencies["agency_id"], agencies["code"]),
                pl.col("code_day").dt.strftime("%y%m%d"),
            )
        )
        .to_series()
    )
    numbers = pl.int_range(0, int(sequence.max()) + 1, eager=True).cast(pl.String).str.zfill(4)

    def spelled(rows: slice) -> pl.Series:
        return pl.select(
            code=pl.concat_str(prefixes.gather(run[rows]), numbers.gather(sequence[rows]))
        ).to_series()

    # Joined in two halves side by side: one string column of ten million takes one core 1.2 s.
    half = run.size // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        return pl.concat(list(pool.map(spelled, [slice(0, half), slice(half, None)])))
