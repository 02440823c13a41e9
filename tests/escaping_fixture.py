"""A real database whose every supplied name is hostile: markup, Markdown, formulas, templates.

Agency, field, procedure, staff and pilot names hold what an export or an attacker could put
there (cases from ../shared/hostile/xss.csv and formula.csv, copied inline). The dossiers span
six months with every timeliness class, channel and receiver, so every page draws its charts,
tables and sentences from these names.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from onestop.core import db

LINK = '<a href="https://evil.example/phish">CLICKME</a>'
SCRIPT = "<script>window.__xss=1</script>SCRIPTED"
IMAGE = '<img src=x onerror="window.__xss=2">IMAGED'
MARKDOWN = "**MDBOLD** [MDLINK](https://evil.example/md) :red[MDRED] $x^2$"
FORMULA = '=HYPERLINK("https://evil.example","x")'
PLUS = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
BOLD = "<b>BOLDX</b> & \"quoted\" 'single' %{y}"
TAB = "\t=1+1"

AGENCIES = pl.DataFrame(
    {
        "agency_id": [1, 2, 3],
        "code": ["EV1", "=EV2", "@EV3"],
        "name": [LINK, SCRIPT, FORMULA],
    }
)
FIELDS = pl.DataFrame(
    {"field_id": [1, 2, 3], "code": ["F1", "F2", "F3"], "name": [MARKDOWN, BOLD, PLUS]}
)
PROCEDURES = pl.DataFrame(
    {
        "procedure_id": [1, 2, 3, 4],
        "code": ["P1", "P2", "P3", "P4"],
        "name": [AT, MINUS, IMAGE, TAB],
        "field_id": [1, 2, 3, 1],
        "agency_id": [1, 2, 3, 1],
        "processing_days": [5, 10, 3, 7],
    }
)
STAFF = pl.DataFrame(
    {
        "staff_id": [1, 2, 3],
        "name": [f"Bưu điện {LINK}", f"Một cửa {MARKDOWN}", FORMULA],
        "organisation": ["postal", "agency", "agency"],
        "agency_id": [None, 2, 3],
    }
)
PILOT = pl.DataFrame(
    {
        "pilot_id": [1],
        "name": [f"Thí điểm {LINK} {MARKDOWN}"],
        "start_date": [dt.date(2023, 1, 1)],
        "end_date": [dt.date(2023, 6, 30)],
        "postal_staff": [1],
    }
)
PILOT_AGENCIES = pl.DataFrame({"pilot_id": [1, 1, 1], "agency_id": [1, 2, 3]})

# Every supplied text, as a user would read it on any page.
HOSTILE_TEXTS = [LINK, SCRIPT, IMAGE, MARKDOWN, FORMULA, PLUS, AT, MINUS, BOLD, TAB]
# Markup a renderer would obey: Plotly's subset of HTML, and tags a browser would run or link.
ACTIVE_TAG = re.compile(r"<\s*/?\s*(a|script|img|b|i|u|em|sup|sub|span|br)\b", re.IGNORECASE)


def _dossiers() -> pl.DataFrame:
    """Sixty dossiers over January–June 2023: early, on time, late, open, overdue, every channel."""
    rows = []
    for number in range(60):
        procedure = number % 4 + 1
        agency = PROCEDURES["agency_id"][procedure - 1]
        field = PROCEDURES["field_id"][procedure - 1]
        received = dt.datetime(2023, 1, 2, 8) + dt.timedelta(days=3 * number, hours=number % 9)
        due = received + dt.timedelta(days=10)
        outcome = number % 5  # 0 early, 1 on the due date, 2 late, 3 open, 4 open and overdue
        ended = {
            0: received + dt.timedelta(days=4),
            1: due,
            2: due + dt.timedelta(days=3 + number % 4),
        }.get(outcome)
        if outcome == 4:
            due = received + dt.timedelta(days=2)
        rows.append(
            {
                "code": f"H-{number:03d}",
                "procedure_id": procedure,
                "agency_id": agency,
                "field_id": field,
                "channel": number % 3 + 1,
                "status": 10 if ended else 4,
                "submitted_at": received - dt.timedelta(hours=1),
                "received_at": received,
                "due_at": due,
                "ended_at": ended,
                "returned_at": ended + dt.timedelta(days=1) if ended else None,
                "received_by": number % 3 + 1,
            }
        )
    return pl.DataFrame(rows)


def build_hostile_db(path: Path) -> Path:
    """The hostile database at path (a real DuckDB file with the current schema)."""
    con = db.connect_for_writing(path)
    try:
        db.insert_frame(con, "agencies", AGENCIES)
        db.insert_frame(con, "fields", FIELDS)
        db.insert_frame(con, "procedures", PROCEDURES)
        db.insert_frame(con, "staff", STAFF)
        db.insert_frame(con, "pilots", PILOT)
        db.insert_frame(con, "pilot_agencies", PILOT_AGENCIES)
        db.insert_frame(con, "dossiers", _dossiers())
    finally:
        con.close()
    return path
