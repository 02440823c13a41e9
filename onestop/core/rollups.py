"""Pre-aggregated tables (rollups) that answer the dashboard's questions without reading every
dossier, and which question they may answer for which filter.

The rollups are built by SQL in queries/rollups/tables/, in the order of BUILD_ORDER, from the rule
macro's classification of every dossier (so the counting rules of DOMAIN.md §3 stay in one place)
and from the counter's queue tickets. They are rebuilt inside every atomic swap of the database
file (imports, the demo, `onestop migrate`), and record in `rollup_state` what they were built from.
A question is answered from queries/rollups/questions/<name>.sql when:
- the database holds rollups built by this very definition, from the rows it still holds, and
  usable (every end date on or after its received date);
- the question has a rollup form, and its grain serves the filter (e.g. the weekday × hour rollup
  has no procedure, so a procedure filter reads dossier rows instead).
Otherwise the question reads dossier rows through queries/<name>.sql, with the same answer.

A rollup question reads whole months from the monthly tables and only the days of a partial
month at either end of its period from the (much larger) daily ones. A period that starts on or
before the first event the rollups hold, or ends on or after the last (the last reception, for
questions about receptions only), skips no event when read as whole months (`reading_period`):
"every year held", from the first reception to the last, reads months only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from onestop.core.calendar import month_end, public_holidays

QUERIES_DIR = Path(__file__).resolve().parents[2] / "queries"
ROLLUPS_DIR = QUERIES_DIR / "rollups"

# Each table from rollup_facts or the tables before it.
BUILD_ORDER = (
    "rollup_facts",  # a temporary table: the rule macro's classification, once per build
    "rollup_dossier_facts",  # and the view rollup_dossier_event_days
    "rollup_dossier_events_by_month",
    "rollup_receptions_by_procedure_month",
    "rollup_agency_events_by_day",
    "rollup_agency_events_by_month",
    "rollup_days_late_by_day",
    "rollup_days_late_by_month",
    "rollup_overdue_spells",
    "rollup_receptions_by_hour",
    "rollup_counter_visits_by_hour",
    "rollup_received_days",
    "rollup_state",  # last: what the others were built from
)
TABLES = BUILD_ORDER[1:]
# The first year of the holiday calendar working days are counted with (as index766 does).
FIRST_HOLIDAY_YEAR = 2000

# Questions with a rollup form, and the filter parameters their rollup grain cannot serve:
# a question asked with any of these set reads dossier rows.
QUESTIONS: dict[str, tuple[str, ...]] = {
    "breadth_by_month": (),
    "counter_arrivals_by_month": (),
    "counter_arrivals_by_weekday_hour": (),
    "counter_service_minutes": (),
    "data_status": (),
    "desk_work_by_day": (),
    "dossier_flow_by_period": (),
    "form06_counts_by_month": (),
    "form06_rows": (),
    "index766_by_procedure": (),
    "measure_counts_by_agency_month": (),
    "overdue_dossiers_in_progress": (),
    "receptions_by_agency": (),
    "receptions_by_staffer": (),
    "receptions_by_staffer_month": (),
    "receptions_by_weekday_hour": ("procedure_ids",),
    "received_date_span": (),
    "resolved_days_late": ("procedure_ids",),
    "resolved_timeliness_by_procedure_month": (),
    "staffer_breadth_by_month": (),
}


# Questions with a second rollup form over whole months, from a narrower table, used when the
# period read (reading_period) is whole months and the filter leaves out the dimensions below.
WHOLE_MONTH_FORMS: dict[str, tuple[str, ...]] = {
    "breadth_by_month": ("channels", "receiver"),
    "staffer_breadth_by_month": ("channels", "receiver"),
}


def build_sql_name(table: str) -> str:
    """The queries/ name of the SQL that builds a rollup table."""
    return f"rollups/tables/{table}"


def question_sql_name(question: str, params: Mapping[str, Any] | None = None) -> str:
    """The queries/ name of a question's rollup form for these parameters (with $rollup_from
    and $rollup_to): its whole-month form where it has one that serves them."""
    params = params or {}
    if (
        question in WHOLE_MONTH_FORMS
        and _whole_months(params)
        and not any(_is_set(params.get(name)) for name in WHOLE_MONTH_FORMS[question])
    ):
        return f"rollups/questions/whole_months/{question}"
    return f"rollups/questions/{question}"


def _is_set(choice: Any) -> bool:
    """Whether a filter parameter chooses something: a non-empty list, or any value but None
    (the SQL tests `is null`, so an empty receiver string is a choice, of nothing)."""
    if isinstance(choice, list | tuple):
        return len(choice) > 0
    return choice is not None


def _whole_months(params: Mapping[str, Any]) -> bool:
    read_from, read_to = params.get("rollup_from"), params.get("rollup_to")
    return read_from is not None and read_from.day == 1 and read_to == month_end(read_to)


def macro_files() -> list[Path]:
    """The macros rollup questions call (they name rollup tables, so only they install them)."""
    return sorted((ROLLUPS_DIR / "macros").glob("*.sql"))


@cache
def definition() -> str:
    """A fingerprint of the build SQL and of the rule macros (queries/macros/, which it calls):
    rollups built by another definition, or under other counting rules, are not used."""
    digest = hashlib.sha256()
    for table in BUILD_ORDER:
        digest.update((ROLLUPS_DIR / "tables" / f"{table}.sql").read_bytes())
    for macro in sorted((QUERIES_DIR / "macros").glob("*.sql")):
        digest.update(macro.read_bytes())
    return digest.hexdigest()[:16]


_SQL_COMMENT = re.compile(r"--[^\n]*")
# The table's name as a whole word, however it is spelled around (`from`, `join`, quoted,
# schema-qualified): not part of a longer name such as rollup_counter_visits_by_hour.
_COUNTER_VISITS = re.compile(r"\bcounter_visits\b", re.IGNORECASE)


def names_counter_visits(sql: str) -> bool:
    """Whether SQL names the queue tickets' table anywhere outside its comments."""
    return _COUNTER_VISITS.search(_SQL_COMMENT.sub("", sql)) is not None


@cache
def reads_counter_visits(table: str) -> bool:
    """Whether a rollup table is built from the queue tickets (the others only from dossiers)."""
    return names_counter_visits((ROLLUPS_DIR / "tables" / f"{table}.sql").read_text("utf-8"))


def build_holidays(last_day: dt.date | None) -> list[dt.date]:
    """The holidays the rollups count working days with: the calendar index766 uses, through
    the year after the latest date in the data."""
    last_year = (last_day or dt.date(FIRST_HOLIDAY_YEAR, 1, 1)).year + 1
    return sorted(public_holidays(FIRST_HOLIDAY_YEAR, last_year))


@cache
def _standard_holidays_until(day: dt.date) -> frozenset[dt.date]:
    return frozenset(h for h in public_holidays(FIRST_HOLIDAY_YEAR, day.year + 1) if h <= day)


def _holidays_are_standard(params: Mapping[str, Any]) -> bool:
    """Whether a question's $holidays list, up to the period's end (later ones change nothing),
    is the calendar the rollups counted working days with."""
    date_to = params["date_to"]
    given = frozenset(h for h in params["holidays"] if h <= date_to)
    return given == _standard_holidays_until(date_to)


def serves(question: str, params: Mapping[str, Any]) -> bool:
    """Whether the rollups can answer this question for these parameters exactly."""
    if question not in QUESTIONS:
        return False
    if any(params.get(name) for name in QUESTIONS[question]):
        return False
    return "holidays" not in params or _holidays_are_standard(params)


# Questions that read reception events only: days after the last reception hold none of theirs,
# though resolutions and deadlines run on past it.
RECEPTIONS_ONLY = frozenset(
    {
        "breadth_by_month",
        "desk_work_by_day",
        "receptions_by_agency",
        "receptions_by_staffer",
        "receptions_by_staffer_month",
        "staffer_breadth_by_month",
    }
)


@dataclass(frozen=True)
class EventSpans:
    """The first and last day of any event, and of any reception, in a file's rollups."""

    any_event: tuple[dt.date, dt.date]
    reception: tuple[dt.date, dt.date]


def reading_period(
    date_from: dt.date, date_to: dt.date, event_span: tuple[dt.date, dt.date] | None
) -> tuple[dt.date, dt.date]:
    """The period a rollup question reads for [date_from, date_to]: the same events, with each
    end moved to a month boundary when the days it skips hold no event (before the first day of
    `event_span` or after its last), so that whole months are read from the monthly tables
    instead of days."""
    if event_span is None:
        return date_from, date_to
    first_day, last_day = event_span
    read_from, read_to = date_from, date_to
    if date_from <= first_day:
        read_from = date_from.replace(day=1)
    if date_to >= last_day:
        read_to = month_end(date_to)
    elif date_to < first_day and read_from < date_to.replace(day=1):
        read_to = date_to.replace(day=1) - dt.timedelta(days=1)  # the month before holds none
    return read_from, read_to


def reading_params(
    question: str, params: Mapping[str, Any], spans: EventSpans | None
) -> dict[str, dt.date]:
    """$rollup_from and $rollup_to for a question's $date_from and $date_to (reading_period)."""
    if "date_from" not in params or "date_to" not in params:
        return {}
    span = None
    if spans is not None:
        span = spans.reception if question in RECEPTIONS_ONLY else spans.any_event
    read_from, read_to = reading_period(params["date_from"], params["date_to"], span)
    return {"rollup_from": read_from, "rollup_to": read_to}
