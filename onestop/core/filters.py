"""The filter every dossier question takes: a period and optional narrowing choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from onestop.core.codes import CHANNELS, RECEIVERS

# No narrowing: every agency (channel, field, procedure). The one spelling in Python; SQL's is
# the `chosen` macro's empty list (queries/macros/chosen.sql), a link's is `agency=all`.
ALL: tuple[int, ...] = ()


@dataclass(frozen=True)
class DossierFilter:
    """Which dossiers a question looks at. A choice left at ALL (empty) does not narrow."""

    date_from: dt.date
    date_to: dt.date
    agency_ids: tuple[int, ...] = ALL
    channels: tuple[int, ...] = ALL
    field_ids: tuple[int, ...] = ALL
    procedure_ids: tuple[int, ...] = ALL
    receiver: str | None = None

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValueError("the period starts after it ends")
        if self.receiver is not None and self.receiver not in RECEIVERS:
            raise ValueError(f"receiver must be one of {RECEIVERS}")
        if any(channel not in CHANNELS for channel in self.channels):
            raise ValueError(f"channels must be among {sorted(CHANNELS)}")

    @property
    def every_agency(self) -> bool:
        """True when no agency is chosen, so that every agency counts."""
        return self.agency_ids == ALL

    def params(self) -> dict[str, Any]:
        """Bound parameters for the queries that select from classified_dossiers."""
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "agency_ids": list(self.agency_ids),
            "channels": list(self.channels),
            "field_ids": list(self.field_ids),
            "procedure_ids": list(self.procedure_ids),
            "receiver": self.receiver,
        }

    def previous_period(self) -> DossierFilter | None:
        """The same filter over the period of the same length just before this one; None when
        that period would begin before the first date Python can hold (no baseline then)."""
        length = self.date_to - self.date_from
        if self.date_from - dt.date.min <= length:
            return None
        to = self.date_from - dt.timedelta(days=1)
        return DossierFilter(
            to - length,
            to,
            self.agency_ids,
            self.channels,
            self.field_ids,
            self.procedure_ids,
            self.receiver,
        )


def pilot_filter(pilot: pl.DataFrame, agencies: pl.DataFrame) -> DossierFilter | None:
    """The pilot's agencies over the pilot's period (queries pilot_definition and agencies);
    None when the database defines no pilot."""
    if pilot.height == 0:
        return None
    return DossierFilter(
        pilot["start_date"][0],
        pilot["end_date"][0],
        tuple(agencies.filter(pl.col("is_pilot"))["agency_id"].to_list()),
    )
