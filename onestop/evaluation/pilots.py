"""Pilot definitions: which agencies took part, from when to when, stored with the data.

The database holds one pilot at a time (tables pilots and pilot_agencies); setting one
replaces the previous one, through the atomic swap of db.replace_atomically, so a dashboard
reading the file never sees half a definition. The default views ("pilot agencies", "pilot
period") and `--pilot` read it back through queries/pilot_definition.sql and agencies.sql.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from onestop.core import db
from onestop.core.text import fold

DEFAULT_POSTAL_STAFF = 1  # the pilot of DOMAIN.md §1: one post-office employee
NAME_LIMIT = 200  # characters: a name is a label, not a document


class PilotError(ValueError):
    """A definition that cannot be stored; `key` names its sentence in locales/pilot.toml."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class PilotDefinition:
    """What `onestop pilot set` stores: the end may be open (the pilot is still running)."""

    name: str
    start: dt.date
    end: dt.date | None
    agency_ids: tuple[int, ...]
    postal_staff: int = DEFAULT_POSTAL_STAFF

    def __post_init__(self) -> None:
        if not self.agency_ids:
            raise PilotError("pilot.error_no_agencies")
        if self.end is not None and self.end < self.start:
            raise PilotError("pilot.error_order", start=self.start, end=self.end)
        if not self.name.strip():
            raise PilotError("pilot.error_name_empty")
        if len(self.name) > NAME_LIMIT:
            raise PilotError("pilot.error_name_long", limit=NAME_LIMIT)


def match_agencies(agencies: pl.DataFrame, values: Sequence[str]) -> tuple[int, ...]:
    """Agency ids for names or codes typed any way (case, accents, spaces); a PilotError names
    the first value that matches no agency."""
    by_key: dict[str, int] = {}
    for agency_id, code, name in agencies.select("agency_id", "code", "name").iter_rows():
        by_key[fold(code)] = agency_id
        by_key.setdefault(fold(name), agency_id)
    chosen = []
    for value in values:
        if fold(value) not in by_key:
            raise PilotError(
                "pilot.error_unknown_agency",
                value=value,
                codes=", ".join(agencies["code"].to_list()),
            )
        chosen.append(by_key[fold(value)])
    return tuple(sorted(set(chosen)))


def _write(con: db.Connection, definition: PilotDefinition | None) -> None:
    db.execute_script(con, "pilots/remove_pilots")
    if definition is None:
        return
    db.insert_frame(
        con,
        "pilots",
        pl.DataFrame(
            {
                "pilot_id": [1],
                "name": [definition.name.strip()],
                "start_date": [definition.start],
                "end_date": [definition.end],
                "postal_staff": [definition.postal_staff],
            },
            schema={
                "pilot_id": pl.Int32,
                "name": pl.String,
                "start_date": pl.Date,
                "end_date": pl.Date,
                "postal_staff": pl.Int32,
            },
        ),
    )
    db.insert_frame(
        con,
        "pilot_agencies",
        pl.DataFrame(
            {"pilot_id": [1] * len(definition.agency_ids), "agency_id": definition.agency_ids},
            schema={"pilot_id": pl.Int32, "agency_id": pl.Int32},
        ),
    )


def set_pilot(path: str | os.PathLike[str], definition: PilotDefinition) -> None:
    """Store `definition` as the database's pilot, replacing any previous one."""
    db.replace_atomically(Path(path), lambda con: _write(con, definition))


def clear_pilot(path: str | os.PathLike[str]) -> None:
    """Remove the database's pilot: no agency is a pilot agency any more."""
    db.replace_atomically(Path(path), lambda con: _write(con, None))
