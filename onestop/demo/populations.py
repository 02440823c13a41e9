"""The demo's populations of dossiers — the pilot, its baseline year and the other agencies — and
how each arrives (working days, Monday peaks, a surge before Tết, morning hours) and ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from onestop.core import codes
from onestop.core.calendar import DEFAULT_HOURS, add_working_days, weekday_of, working_days
from onestop.demo.calibrate import PILOT_END, PILOT_START, PILOT_TARGET
from onestop.demo.lateness import late_working_days
from onestop.demo.reference import NON_PILOT_AGENCIES

BASELINE_YEAR = 2022
BASELINE_DOSSIERS = 1580  # the pilot agencies' own counters in the baseline year
# Agencies differ: each has its own online share and lateness around its population's.
AGENCY_ONLINE_SPREAD = 0.07  # standard deviation, in shares
AGENCY_LATE_SPREAD = 0.35  # standard deviation of the log of an agency's late-share factor
IN_PERSON_OF_OFFLINE = 0.8  # at an agency's own desk, paper dossiers come in person; some by post
# A large demo draws the other agencies' dossiers in this many streams, side by side: drawn in
# one, ten million dossiers kept one core busy for 10 s while the other waited. A fixed number,
# not the machine's cores, so the demo is the same on every machine; sixteen rather than four,
# because smaller arrays are reused by the allocator instead of mapped afresh (at 10M the draws
# took 10.7 s in four streams, 9.2 s in sixteen, on two cores).
LARGE_DEMO_STREAMS = 16


@dataclass(frozen=True)
class DemoPlan:
    """How many dossiers of each population, over which agencies and years."""

    total: int
    non_pilot_agencies: int
    first_year: int
    last_year: int
    # Independent random streams the other agencies' dossiers are drawn in (see Population.parts).
    streams: int = 1

    @property
    def not_accepted(self) -> int:
        """Online submissions refused at intake (status 3), about 1% of all rows."""
        return self.total // 100

    @classmethod
    def for_total(cls, total: int) -> DemoPlan:
        """Small demos keep two years and eight other agencies; large ones spread wider."""
        if total <= 200_000:
            return cls(total, len(NON_PILOT_AGENCIES), BASELINE_YEAR, PILOT_END.year)
        agencies = max(len(NON_PILOT_AGENCIES), -(-total // 250_000))
        return cls(total, agencies, 2020, PILOT_END.year, streams=LARGE_DEMO_STREAMS)


@dataclass(frozen=True)
class Population:
    """Dossiers of some agencies over a span, with their channel mix and timeliness."""

    agency_ids: list[int]
    counts: list[int]
    start: dt.date
    end: dt.date
    online_share: float
    late_share: float
    on_due_share: float
    receiver: str  # "postal" or "agency"
    # No dossier left open after this day (a handover): those whose processing would run past
    # it are received on another day instead, so no end date is moved and no duration cut short.
    close_all_by: dt.date | None = None
    # The pilot's outcomes are calibrated to the published report instead of drawn.
    is_pilot: bool = False
    streams: int = 1

    def parts(self) -> list[Population]:
        """The population split into its streams by agency (every streams-th agency, so the
        parts are about equal), each to be drawn with a generator of its own."""
        parts = [
            replace(
                self,
                agency_ids=self.agency_ids[i :: self.streams],
                counts=self.counts[i :: self.streams],
                streams=1,
            )
            for i in range(self.streams)
        ]
        return [part for part in parts if sum(part.counts) > 0]


def populations(plan: DemoPlan, agency_ids: dict[str, list[int]]) -> list[Population]:
    """The pilot, its baseline, and the non-pilot agencies' dossiers for a plan."""
    pilot_ids = agency_ids["pilot"]
    pilot_split = _split(PILOT_TARGET["received_total"], [0.3, 0.22, 0.18, 0.12, 0.1, 0.08])
    baseline_split = _split(BASELINE_DOSSIERS, [0.28, 0.24, 0.18, 0.12, 0.1, 0.08])
    others = agency_ids["other"]
    remaining = max(plan.total - sum(pilot_split) - sum(baseline_split) - plan.not_accepted, 0)
    weights = 1.0 / np.arange(1, len(others) + 1) ** 0.6
    other_split = _split(remaining, list(weights / weights.sum()))
    return [
        Population(
            agency_ids=pilot_ids,
            counts=pilot_split,
            start=PILOT_START,
            end=PILOT_END,
            # Timeliness and the online share are calibrated, not drawn (calibrate_pilot).
            online_share=0.982,
            late_share=0.0,
            on_due_share=0.0,
            receiver="postal",
            is_pilot=True,
        ),
        Population(
            agency_ids=pilot_ids,
            counts=baseline_split,
            start=dt.date(BASELINE_YEAR, 1, 1),
            end=dt.date(BASELINE_YEAR, 12, 31),
            online_share=0.74,
            late_share=0.045,
            on_due_share=0.14,
            receiver="agency",
            close_all_by=dt.date(BASELINE_YEAR, 12, 31),
        ),
        Population(
            agency_ids=others,
            counts=other_split,
            start=dt.date(plan.first_year, 1, 1),
            end=dt.date(plan.last_year, 12, 31),
            online_share=0.62,
            late_share=0.03,
            on_due_share=0.11,
            receiver="agency",
            streams=plan.streams,
        ),
    ]


def _split(total: int, weights: list[float]) -> list[int]:
    counts = np.floor(np.array(weights) * total).astype(int)
    counts[0] += total - counts.sum()
    return [int(c) for c in counts]


# --- when dossiers arrive -------------------------------------------------------------------


def day_weights(days: np.ndarray) -> np.ndarray:
    """Relative reception volume per working day: Monday peaks, a surge before Tết."""
    weekday = weekday_of(days)
    weight = np.where(weekday == codes.MONDAY, 1.35, np.where(weekday == codes.FRIDAY, 0.9, 1.0))
    months = days.astype("datetime64[M]").astype("int64") % 12 + 1
    day_of_month = (days - days.astype("datetime64[M]")).astype("int64") + 1
    # Tết falls in late January or February: the weeks before it are busy, the week after quiet.
    pre_tet = ((months == 1) & (day_of_month >= 5)) | ((months == 2) & (day_of_month <= 5))
    weight = np.where(pre_tet, weight * 1.6, weight)
    weight = np.where(months == 12, weight * 1.15, weight)
    return weight / weight.sum()


def minutes_of_day(rng: np.random.Generator, size: int) -> np.ndarray:
    """Arrival minute after midnight within counter hours: a morning peak near 9:00."""
    hours = DEFAULT_HOURS
    morning = rng.random(size) < 0.68
    morning_minute = rng.triangular(hours.morning_open, 9 * 60, hours.morning_close, size)
    afternoon_minute = rng.triangular(
        hours.afternoon_open, 14 * 60 + 30, hours.afternoon_close, size
    )
    return np.where(morning, morning_minute, afternoon_minute).astype("int64")


def timestamp(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    stamp = days.astype("datetime64[m]") + minutes.astype("int64").astype("timedelta64[m]")
    return stamp.astype("datetime64[us]")


def arrivals(
    rng: np.random.Generator, population: Population, procedures: pl.DataFrame
) -> pl.DataFrame:
    """Received day, minute, agency and procedure for each dossier of a population."""
    days = working_days(population.start, population.end)
    frames = []
    for agency_id, count in zip(population.agency_ids, population.counts, strict=True):
        own = procedures.filter(pl.col("agency_id") == agency_id)
        # A few procedures dominate each agency (Zipf-like popularity).
        popularity = 1.0 / np.arange(1, own.height + 1) ** 1.2
        chosen = rng.choice(own.height, size=count, p=popularity / popularity.sum())
        frames.append(
            pl.DataFrame(
                {
                    "agency_id": np.full(count, agency_id, dtype="int32"),
                    "procedure_id": own["procedure_id"].to_numpy()[chosen],
                    "field_id": own["field_id"].to_numpy()[chosen],
                    "processing_days": own["processing_days"].to_numpy()[chosen],
                    "received_day": rng.choice(days, size=count, p=day_weights(days)),
                    "received_minute": minutes_of_day(rng, count),
                }
            )
        )
    return pl.concat(frames)


# --- how they end ---------------------------------------------------------------------------


def outcomes(rng: np.random.Generator, frame: pl.DataFrame, population: Population) -> dict:
    """Channel, supplementation, due and end days for a population (not yet calibrated)."""
    size = frame.height
    agency = frame["agency_id"].to_numpy()
    online_shift = rng.normal(0.0, AGENCY_ONLINE_SPREAD, agency.max() + 1)[agency]
    late_factor = np.exp(rng.normal(0.0, AGENCY_LATE_SPREAD, agency.max() + 1))[agency]
    received_day = frame["received_day"].to_numpy()
    legal_days = frame["processing_days"].to_numpy().astype("int64")
    supplement_count = rng.choice([0, 1, 2], size=size, p=[0.9, 0.08, 0.02])
    supplement_days = np.where(
        supplement_count > 0, rng.integers(2, 11, size) * supplement_count, 0
    )
    allowed = legal_days + supplement_days
    due_day = add_working_days(received_day, allowed)

    late_share = np.minimum(population.late_share * late_factor, 0.5)
    # One uniform draw per dossier against its agency's cumulative class shares.
    # Summed in this order, as a cumulative sum would, so each bound is the same float.
    withdrawn_bound = 0.01
    stopped_bound = withdrawn_bound + 0.005
    late_bound = stopped_bound + late_share
    on_due_bound = late_bound + population.on_due_share
    draw = rng.random(size)
    withdrawn = draw < withdrawn_bound
    stopped = ~withdrawn & (draw < stopped_bound)
    late = (draw >= stopped_bound) & (draw < late_bound)
    on_due = (draw >= late_bound) & (draw < on_due_bound)
    early_offset = np.floor(rng.beta(2.0, 2.5, size) * allowed).astype("int64")
    late_offset = late_working_days(rng, size)
    end_day = np.select(
        [on_due, late],
        [due_day, add_working_days(due_day, late_offset)],
        add_working_days(received_day, early_offset),
    )
    online_share = np.clip(population.online_share + online_shift, 0.05, 0.99)
    channel = np.where(
        rng.random(size) < online_share,
        codes.ONLINE,
        np.where(rng.random(size) < IN_PERSON_OF_OFFLINE, codes.IN_PERSON, codes.POSTAL),
    )
    status = np.select([withdrawn, stopped], [codes.WITHDRAWN, codes.STOPPED], codes.RETURNED)
    return {
        "channel": channel,
        "status": status,
        "supplement_count": supplement_count,
        "supplement_days": supplement_days,
        "due_day": due_day,
        "end_day": end_day,
    }


def finish_by(
    rng: np.random.Generator, arrived: pl.DataFrame, columns: dict, population: Population
) -> tuple[pl.DataFrame, dict]:
    """For a population with `close_all_by`: each dossier whose processing would run past that
    day is received on another day, drawn again until it ends in time. Carry-over at that day is
    then zero without any end date moved; intake thins out towards the handover."""
    if population.close_all_by is None:
        return arrived, columns
    cutoff = np.datetime64(population.close_all_by, "D")
    days = working_days(population.start, population.end)
    for _ in range(50):
        overrun = np.flatnonzero(columns["end_day"] > cutoff)
        if overrun.size == 0:
            return arrived, columns
        received = arrived["received_day"].to_numpy().copy()
        received[overrun] = rng.choice(days, size=overrun.size, p=day_weights(days))
        arrived = arrived.with_columns(received_day=received)
        redrawn = outcomes(rng, arrived[overrun], population)
        for name, values in redrawn.items():
            columns[name][overrun] = values
    raise RuntimeError("the demo's baseline cannot finish by its handover day")


def close_or_leave_open(
    rng: np.random.Generator, columns: dict, population: Population, as_of: dt.date
) -> dict:
    """Dossiers ending after the data's cut-off are still open."""
    end_day = columns["end_day"]
    still_open = end_day > np.datetime64(as_of, "D")
    waiting = (columns["supplement_count"] > 0) & (rng.random(end_day.size) < 0.5)
    open_status = np.where(waiting, codes.SUPPLEMENTATION, codes.PROCESSING)
    columns["status"] = np.where(still_open, open_status, columns["status"])
    columns["is_open"] = still_open
    return columns
