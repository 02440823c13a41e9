"""Queue tickets consistent with the staff on duty: submissions, pickups and guidance visits,
served first come first served by one staffer per desk and day.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from onestop.core import codes
from onestop.core.calendar import working_days
from onestop.core.codes import DEFAULT_TASK_MINUTES, PICKUP_SHARE
from onestop.demo.ordering import numbered_runs, stable_order
from onestop.demo.populations import minutes_of_day, timestamp

# Listed alphabetically, so that visits sort by purpose as they did by its name, as integers.
PURPOSES = pl.Enum(["guidance", "pickup", "submission"])


def counter_visits(rng: np.random.Generator, dossiers: pl.DataFrame) -> pl.DataFrame:
    """Queue tickets consistent with the staff on duty: one queue per staffer and day."""
    # Only the columns a visit needs are filtered and sampled, not all of a dossier's.
    counted = dossiers.select(
        "agency_id", "channel", "received_by", "received_at", "returned_at", "status"
    ).filter(pl.col("status") != codes.NOT_ACCEPTED)
    submissions = counted.filter(pl.col("channel") == codes.IN_PERSON).select(
        "agency_id",
        staff_id="received_by",
        arrived_at="received_at",
        purpose=pl.lit("submission", dtype=PURPOSES),
    )
    pickups = (
        counted.filter(pl.col("returned_at").is_not_null())
        .select("agency_id", "received_by", "returned_at")
        .sample(fraction=PICKUP_SHARE, seed=int(rng.integers(2**31)), shuffle=False)
        .select(
            "agency_id",
            staff_id="received_by",
            arrived_at="returned_at",
            purpose=pl.lit("pickup", dtype=PURPOSES),
        )
    )
    guidance = _guidance_visits(rng, counted)
    visits = pl.concat([submissions, pickups, guidance], how="vertical_relaxed")
    visits = visits.with_columns(
        staff_id=pl.col("staff_id").cast(pl.Int32),
        day=pl.col("arrived_at").dt.date(),
    )
    visits = visits[stable_order(visits, ["staff_id", "arrived_at", "agency_id", "purpose"])]

    minutes_by_purpose = np.array([DEFAULT_TASK_MINUTES[name] for name in PURPOSES.categories])
    mean = minutes_by_purpose[visits["purpose"].to_physical().to_numpy()]
    service = rng.lognormal(np.log(mean) - 0.18, 0.6)  # mean-preserving for sigma 0.6
    # Arrivals: tickets are issued a few minutes before the counter logs the dossier.
    issued = visits["arrived_at"].to_numpy().astype("datetime64[s]") - (
        rng.exponential(4.0, visits.height) * 60
    ).astype("timedelta64[s]")
    group, _ = numbered_runs(visits["staff_id"].to_numpy(), visits["day"].to_physical().to_numpy())
    wait = single_server_waits(issued.astype("int64") / 60.0, service, group)
    called = issued + (wait * 60).astype("timedelta64[s]")
    finished = called + (service * 60).astype("timedelta64[s]")
    return pl.DataFrame(
        {
            "visit_id": np.arange(1, visits.height + 1, dtype="int64"),
            "agency_id": visits["agency_id"],
            "staff_id": visits["staff_id"],
            "purpose": visits["purpose"].cast(pl.String),
            "ticket_issued_at": issued.astype("datetime64[us]"),
            "called_at": called.astype("datetime64[us]"),
            "finished_at": finished.astype("datetime64[us]"),
            "is_demo": np.ones(visits.height, dtype=bool),
        }
    )


def _guidance_visits(rng: np.random.Generator, counted: pl.DataFrame) -> pl.DataFrame:
    """Citizens asking for guidance: about 1.2 a day per agency desk, while that desk is staffed."""
    desks = (
        counted.group_by("received_by", "agency_id")
        # Dates taken after aggregating: inside the aggregation they cost a second at 10M rows.
        .agg(first=pl.col("received_at").min(), last=pl.col("received_at").max())
        .with_columns(pl.col("first", "last").dt.date())
        .sort("received_by", "agency_id")
    )
    frames = []
    for staff_id, agency_id, first, last in desks.iter_rows():
        days = working_days(first, last)
        per_day = rng.poisson(1.2, size=days.size)
        visit_days = np.repeat(days, per_day)
        frames.append(
            pl.DataFrame(
                {
                    "agency_id": np.full(visit_days.size, agency_id, dtype="int32"),
                    "staff_id": np.full(visit_days.size, staff_id, dtype="int32"),
                    "arrived_at": timestamp(visit_days, minutes_of_day(rng, visit_days.size)),
                    "purpose": pl.Series(["guidance"], dtype=PURPOSES).gather(
                        np.zeros(visit_days.size, dtype="int64")
                    ),
                }
            )
        )
    return pl.concat(frames)


def single_server_waits(arrival: np.ndarray, service: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Waiting minutes in a FIFO single-server queue, restarted per group (Lindley, vectorised).

    With P_n the running sum of (previous service − gap to the previous arrival), the wait is
    W_n = P_n − min(0, min_{k≤n} P_k), computed per group with one cumulative minimum.
    """
    if arrival.size == 0:
        return arrival
    new_group = np.r_[True, group[1:] != group[:-1]]
    step = np.r_[0.0, service[:-1] - np.diff(arrival)]
    step[new_group] = 0.0
    running = np.cumsum(step)
    start_index = np.maximum.accumulate(np.where(new_group, np.arange(arrival.size), 0))
    within = running - running[start_index]
    # Shift each later group below every earlier one so the cumulative minimum never leaks.
    group_rank = np.cumsum(new_group)
    shift = group_rank * (np.abs(within).max() * 2 + 1.0)
    lowest = np.minimum.accumulate(within - shift) + shift
    return within - np.minimum(lowest, 0.0)
