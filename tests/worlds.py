"""Hypothesis strategies for small, awkward dossier databases and the links a user may open.

A "world" is a few agencies, fields, procedures, staff, dossiers and counter visits, with or
without a pilot: gaps of empty months, single rows, open and closed dossiers mixed, dates that
are odd but were accepted (1900, 2999, year 23, a leap day), missing due or end dates, no
receivers, no counter visits. `build_world` writes one into a real DuckDB file through the
builder of every test database (tests/fixtures.py build_db); `links` draws URL parameters over
it, known and unknown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from onestop.cli import main as cli
from onestop.core.codes import CHANNELS
from onestop.core.filters import DossierFilter
from onestop.web import url_state
from tests.fixtures import build_db

# How many examples each property test draws: `ONESTOP_PROPERTY_EXAMPLES=500 pytest ...` for a
# long run. The page test draws this many; the cheaper query and link tests draw more.
EXAMPLES = int(os.environ.get("ONESTOP_PROPERTY_EXAMPLES", "10"))

# Dates the importer accepted before it checked them, or that sit on an edge of the calendar.
ODD_DATES = [
    dt.date(1900, 1, 1),
    dt.date(2999, 1, 1),
    dt.date(23, 3, 1),
    dt.date(2000, 1, 1),
    dt.date(2100, 12, 31),
    dt.date(2024, 2, 29),
]
# Ordinary dates: twenty months, so that a few dossiers leave most months empty.
FIRST_DAY, LAST_DAY = dt.date(2022, 6, 1), dt.date(2024, 1, 31)
AGENCY_NAMES = ["Sở Tư pháp", "Sở Xây dựng", "Sở Y tế", "Sở Công Thương"]
AGENCY_CODES = ["STP", "SXD", "SYT", "SCT"]
FIELD_NAMES = ["Hộ tịch", "Xây dựng", "Dược", "An toàn thực phẩm"]
PURPOSES = ["guidance", "submission", "pickup"]


@dataclass
class World:
    """The rows of one small database."""

    agencies: list[dict] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    procedures: list[dict] = field(default_factory=list)
    staff: list[dict] = field(default_factory=list)
    dossiers: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    pilot: dict | None = None

    def received_dates(self) -> list[dt.date]:
        return sorted({row["received_at"].date() for row in self.dossiers if row["received_at"]})


def _shift(moment: dt.datetime, days: int, minutes: int = 0) -> dt.datetime:
    """moment moved by days and minutes, held inside the dates Python can write."""
    try:
        return moment + dt.timedelta(days=days, minutes=minutes)
    except OverflowError:
        return dt.datetime.max.replace(microsecond=0) if days > 0 else dt.datetime.min


@st.composite
def days(draw: st.DrawFn, odd_share: int = 8) -> dt.date:
    """A date: mostly within the ordinary twenty months, now and then an odd one."""
    if draw(st.integers(0, odd_share - 1)) == 0:
        return draw(st.sampled_from(ODD_DATES))
    return draw(st.dates(FIRST_DAY, LAST_DAY))


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    day = draw(days())
    return dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))))


@st.composite
def dossiers(draw: st.DrawFn, number: int, world: World) -> dict:
    agency = draw(st.sampled_from(world.agencies))
    procedure = draw(st.none() | st.sampled_from(world.procedures)) if world.procedures else None
    field_ids = [None, *(row["field_id"] for row in world.fields)]
    received = draw(st.none() | moments()) if draw(st.integers(0, 9)) == 0 else draw(moments())
    anchor = received or dt.datetime(2023, 1, 2, 9)
    due = draw(st.none() | st.integers(-3, 40).map(lambda d: _shift(anchor, d)))
    ended = draw(st.none() | st.integers(-2, 60).map(lambda d: _shift(anchor, d, 30)))
    returned = draw(st.none() | st.integers(0, 70).map(lambda d: _shift(anchor, d, 60)))
    staff_ids = [row["staff_id"] for row in world.staff]
    return {
        "code": f"HS-{number:04d}",
        "procedure_id": procedure["procedure_id"] if procedure else None,
        "agency_id": agency["agency_id"],
        "field_id": (procedure or {}).get("field_id") or draw(st.sampled_from(field_ids)),
        "channel": draw(st.sampled_from([1, 2, 2, 3])),
        "status": draw(st.integers(1, 10)),
        "submitted_at": draw(st.none() | st.just(_shift(anchor, 0, -90))),
        "received_at": received,
        "due_at": due,
        "ended_at": ended,
        "returned_at": returned,
        "received_by": draw(st.none() | st.sampled_from(staff_ids)) if staff_ids else None,
        "digitised": draw(st.none() | st.booleans()),
        "supplement_count": draw(st.integers(0, 2)),
        "supplement_days": draw(st.integers(0, 6)),
    }


@st.composite
def visits(draw: st.DrawFn, number: int, world: World) -> dict:
    issued = draw(moments())
    called = draw(st.none() | st.integers(0, 120).map(lambda m: _shift(issued, 0, m)))
    finished = None
    if called is not None:
        finished = draw(st.none() | st.integers(-5, 90).map(lambda m: _shift(called, 0, m)))
    return {
        "visit_id": number,
        "agency_id": draw(st.none() | st.sampled_from([a["agency_id"] for a in world.agencies])),
        "staff_id": draw(st.none() | st.sampled_from([s["staff_id"] for s in world.staff]))
        if world.staff
        else None,
        "purpose": draw(st.sampled_from(PURPOSES)),
        "ticket_issued_at": issued,
        "called_at": called,
        "finished_at": finished,
    }


@st.composite
def timed_visits(draw: st.DrawFn, first: int, world: World) -> list[dict]:
    """Enough timed tickets of one purpose for the staffing page to measure its minutes, served
    in a few seconds or in hours."""
    purpose = draw(st.sampled_from(PURPOSES))
    seconds = draw(st.sampled_from([3, 20, 90, 600, 18_000]))
    start = dt.datetime.combine(draw(st.dates(FIRST_DAY, LAST_DAY)), dt.time(8))
    rows = []
    for offset in range(25):
        called = start + dt.timedelta(days=offset % 7, minutes=3 * offset + 1)
        rows.append(
            {
                "visit_id": first + offset,
                "agency_id": world.agencies[0]["agency_id"],
                "staff_id": None,
                "purpose": purpose,
                "ticket_issued_at": called - dt.timedelta(minutes=1),
                "called_at": called,
                "finished_at": called + dt.timedelta(seconds=seconds),
            }
        )
    return rows


@st.composite
def worlds(draw: st.DrawFn, max_dossiers: int = 14) -> World:
    """A small database's rows: 1–3 agencies, 0–3 fields, 0–4 procedures, 0–3 staff, 0–14
    dossiers, 0–8 counter visits and maybe a pilot."""
    world = World()
    for index in range(draw(st.integers(1, 3))):
        world.agencies.append(
            {"agency_id": index + 1, "code": AGENCY_CODES[index], "name": AGENCY_NAMES[index]}
        )
    for index in range(draw(st.integers(0, 3))):
        world.fields.append(
            {"field_id": index + 1, "code": f"LV{index + 1}", "name": FIELD_NAMES[index]}
        )
    for index in range(draw(st.integers(0, 4))):
        world.procedures.append(
            {
                "procedure_id": index + 1,
                "code": f"1.00{index + 1}",
                "name": f"Thủ tục {index + 1}",
                "field_id": draw(st.sampled_from([None, *(f["field_id"] for f in world.fields)])),
                "agency_id": draw(st.sampled_from(world.agencies))["agency_id"],
                "processing_days": draw(st.none() | st.integers(1, 30)),
            }
        )
    for index in range(draw(st.integers(0, 3))):
        agency = draw(st.none() | st.sampled_from(world.agencies))
        world.staff.append(
            {
                "staff_id": index + 1,
                "name": f"Nhân viên {index + 1}",
                "organisation": draw(st.sampled_from(["postal", "agency"])),
                "agency_id": agency["agency_id"] if agency else None,
            }
        )
    # Lists drawn by size this way are not all tiny: one row, a handful, a dozen.
    size = draw(st.sampled_from([0, 1, 1, 3, 6, 10, max_dossiers]))
    for number in range(size):
        world.dossiers.append(draw(dossiers(number, world)))
    for number in range(draw(st.sampled_from([0, 0, 1, 4, 8]))):
        world.visits.append(draw(visits(number, world)))
    if draw(st.integers(0, 4)) == 0:
        world.visits.extend(draw(timed_visits(len(world.visits), world)))
    if draw(st.booleans()):
        start = draw(days(odd_share=12))
        chosen = draw(st.sets(st.sampled_from([a["agency_id"] for a in world.agencies])))
        world.pilot = {
            "start_date": start,
            "end_date": start + dt.timedelta(days=draw(st.integers(0, 400))),
            "agency_ids": sorted(chosen),
            "postal_staff": draw(st.integers(1, 3)),
        }
    return world


# What a dossier row from tests.fixtures.dossier lacks.
DOSSIER_DEFAULTS = {
    "procedure_id": None,
    "submitted_at": None,
    "digitised": None,
    "supplement_count": 0,
    "supplement_days": 0,
}


def build_world(path: Path, world: World) -> Path:
    """Write a world into a new database file (schema from the migrations)."""
    pilot = world.pilot
    return build_db(
        path,
        agencies=world.agencies,
        fields=world.fields,
        procedures=world.procedures,
        staff=world.staff,
        dossiers=[{**DOSSIER_DEFAULTS, **row} for row in world.dossiers],
        counter_visits=world.visits,
        pilots=None
        if pilot is None
        else [
            {
                "pilot_id": 1,
                "name": "Thí điểm",
                "start_date": pilot["start_date"],
                "end_date": pilot["end_date"],
                "postal_staff": pilot["postal_staff"],
            }
        ],
        pilot_agencies=None
        if pilot is None
        else [{"pilot_id": 1, "agency_id": agency_id} for agency_id in pilot["agency_ids"]],
    )


# --- links --------------------------------------------------------------------------------------

# Presets are chosen in the period box; the other parameters arrive in the link.
PRESETS = [preset for preset in url_state.PRESETS if preset != "custom"]


@st.composite
def links(draw: st.DrawFn, world: World) -> dict[str, list[str]]:
    """URL parameters over a world: its codes, unknown codes and dates in and out of range."""
    params: dict[str, list[str]] = {}
    dates = [*world.received_dates(), dt.date(1900, 1, 1), dt.date(2100, 12, 31)]
    if draw(st.booleans()):
        day = st.sampled_from(dates) | st.dates(FIRST_DAY, LAST_DAY)
        params["from"] = [draw(day).isoformat()]
        params["to"] = [draw(day).isoformat()]
    agency = st.sampled_from([a["code"] for a in world.agencies] + ["all", "ZZZ"])
    field_code = st.sampled_from([f["code"] for f in world.fields] + ["LV9"])
    procedure = st.sampled_from([p["code"] for p in world.procedures] + ["9.999"])
    for name, values in [
        ("agency", agency),
        ("channel", st.sampled_from(list(CHANNELS.values()))),
        ("field", field_code),
        ("procedure", procedure),
    ]:
        # One parameter in four: narrowing on all of them at once leaves nothing to show.
        if draw(st.integers(0, 3)) == 0:
            params[name] = draw(st.lists(values, min_size=1, max_size=2, unique=True))
    receiver = draw(st.sampled_from([None, None, None, None, "postal", "agency", "admin"]))
    if receiver:
        params["receiver"] = [receiver]
    if draw(st.booleans()):
        params["lang"] = ["en"]
    return params


# --- what the command line says --------------------------------------------------------------


def cli_report_total(path: Path, chosen: DossierFilter, codes: dict[int, str]) -> dict[str, int]:
    """Biểu 06's total from `onestop report --format json` for the filter's period and agencies."""
    argv = [
        "report",
        "--db",
        str(path),
        "--from",
        chosen.date_from.isoformat(),
        "--to",
        chosen.date_to.isoformat(),
        "--format",
        "json",
    ]
    argv += [f"--agency={codes[agency_id]}" for agency_id in chosen.agency_ids]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert cli.main(argv) == 0
    return json.loads(output.getvalue())["total"]


def link_params(query_params: dict) -> dict[str, list[str]]:
    """AppTest's query parameters (a string or a list each) as lists."""
    return {
        name: value if isinstance(value, list) else [value] for name, value in query_params.items()
    }
