"""Rollups answer exactly what dossier rows answer, for any filter and period; and they are used
only while they describe the file's rows.

The property test draws small databases (every status, channel, missing dates and receivers,
dossiers open for months, deadlines before the period) and filters (periods that start or end
mid-month, inside or around the data, every filter dimension), builds the rollups through the
atomic swap every writer uses, and compares every question that has a rollup form, asked both
ways, including the overview's monthly series and the throughput chart at each grain.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from onestop.cli import bench
from onestop.cli.main import main
from onestop.core import db, rollups
from onestop.core.calendar import month_end
from onestop.core.filters import DossierFilter
from onestop.reports import index766

ORDER_KEYS = ("days_overdue", "due_on", "agency", "procedure", "code")
ORDERED = {"overdue_dossiers_in_progress"}
START = dt.date(2022, 10, 1)  # the drawn data spans about six months from here
SPAN_DAYS = 190

AGENCIES = pl.DataFrame(
    {"agency_id": [1, 2, 3], "code": ["A", "B", "C"], "name": ["Sở A", "Sở B", "Sở A"]}
)
FIELDS = pl.DataFrame(
    {"field_id": [1, 2, 3], "code": ["F1", "F2", "F3"], "name": ["Hộ tịch", "Đất đai", "Hộ tịch"]}
)
PROCEDURES = pl.DataFrame(
    {
        "procedure_id": [1, 2, 3, 4],
        "code": ["P1", "P2", "P3", "P4"],
        "name": ["Cấp", "Đổi", "Cấp", "Gia hạn"],
        "field_id": [1, 2, 3, 1],
        "agency_id": [1, 2, 3, 1],
        "processing_days": [5, 10, None, 3],
    }
)
STAFF = pl.DataFrame(
    {
        "staff_id": [1, 2, 3],
        "name": ["Bưu điện 1", "Công chức 1", "Công chức 2"],
        "organisation": ["postal", "agency", "agency"],
    }
)
DOSSIER_SCHEMA = {
    "code": pl.String,
    "procedure_id": pl.Int32,
    "agency_id": pl.Int32,
    "field_id": pl.Int32,
    "channel": pl.Int8,
    "status": pl.Int8,
    "received_at": pl.Datetime("us"),
    "due_at": pl.Datetime("us"),
    "ended_at": pl.Datetime("us"),
    "returned_at": pl.Datetime("us"),
    "received_by": pl.Int32,
    "digitised": pl.Boolean,
    "supplement_days": pl.Int16,
}
VISIT_SCHEMA = {
    "visit_id": pl.Int64,
    "agency_id": pl.Int32,
    "purpose": pl.String,
    "ticket_issued_at": pl.Datetime("us"),
    "called_at": pl.Datetime("us"),
    "finished_at": pl.Datetime("us"),
}


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour, 15))


@st.composite
def dossier_rows(draw: st.DrawFn, number: int) -> dict[str, object]:
    """One dossier as the importer would let it in: end, return and due dates never before the
    received date (the rollups rest on the first two)."""
    received = draw(st.one_of(st.none(), st.integers(0, SPAN_DAYS)))
    hour = draw(st.integers(7, 17))
    offset = st.one_of(st.none(), st.integers(0, 60))
    due, ended, returned = draw(offset), draw(offset), draw(offset)
    if ended is not None and returned is not None:
        returned = max(returned, ended)
    procedure = draw(st.one_of(st.none(), st.integers(1, 4)))
    agency = draw(st.integers(1, 3))
    return {
        "code": f"D{number:04d}",
        "procedure_id": procedure,
        "agency_id": agency,
        "field_id": draw(st.one_of(st.none(), st.integers(1, 3))),
        "channel": draw(st.integers(1, 3)),
        "status": draw(st.integers(1, 10)),
        "received_at": None if received is None else _at(received, hour),
        "due_at": None if received is None or due is None else _at(received + due, 17),
        "ended_at": None if received is None or ended is None else _at(received + ended, 10),
        "returned_at": None
        if received is None or returned is None
        else _at(received + returned, 11),
        "received_by": draw(st.one_of(st.none(), st.integers(1, 4))),  # 4: not in staff
        "digitised": draw(st.one_of(st.none(), st.booleans())),
        "supplement_days": draw(st.integers(0, 3)),
    }


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, pl.DataFrame]:
    count = draw(st.integers(0, 60))
    dossiers = [draw(dossier_rows(number)) for number in range(count)]
    visits = []
    for number in range(draw(st.integers(0, 15))):
        day, hour = draw(st.integers(0, SPAN_DAYS)), draw(st.integers(7, 16))
        issued = _at(day, hour)
        called = draw(st.one_of(st.none(), st.integers(0, 30)))
        served = draw(st.integers(-2, 25))
        visits.append(
            {
                "visit_id": number + 1,
                "agency_id": draw(st.integers(1, 3)),
                "purpose": draw(st.sampled_from(["guidance", "submission", "pickup"])),
                "ticket_issued_at": issued,
                "called_at": None if called is None else issued + dt.timedelta(minutes=called),
                "finished_at": None
                if called is None
                else issued + dt.timedelta(minutes=called + served, seconds=17),
            }
        )
    return {
        "dossiers": pl.DataFrame(dossiers, schema=DOSSIER_SCHEMA),
        "counter_visits": pl.DataFrame(visits, schema=VISIT_SCHEMA),
    }


@st.composite
def filters(draw: st.DrawFn) -> DossierFilter:
    """Periods from a single day to the whole span and beyond, a quarter of them whole months."""
    first = draw(st.integers(-40, SPAN_DAYS + 20))
    length = draw(st.integers(0, 250))

    def some(largest: int) -> tuple[int, ...]:
        return tuple(draw(st.lists(st.integers(1, largest), max_size=2, unique=True)))

    date_from = START + dt.timedelta(days=first)
    date_to = START + dt.timedelta(days=first + length)
    if draw(st.integers(0, 3)) == 0:  # whole calendar months: some questions read other tables
        date_from, date_to = date_from.replace(day=1), month_end(date_to)
    return DossierFilter(
        date_from,
        date_to,
        some(3),
        some(3),
        some(3),
        some(4),
        draw(st.sampled_from([None, None, "postal", "agency"])),
    )


def build(path: Path, tables: dict[str, pl.DataFrame]) -> Path:
    """A database written the way every writer writes: through the atomic swap."""

    def fill(con: db.Connection) -> None:
        for name, frame in [
            ("agencies", AGENCIES),
            ("fields", FIELDS),
            ("procedures", PROCEDURES),
            ("staff", STAFF),
            *tables.items(),
        ]:
            db.insert_frame(con, name, frame)

    db.replace_atomically(path, fill, fresh=True)
    return path


def questions_for(flt: DossierFilter) -> list[tuple[str, dict[str, object]]]:
    """Every question with a rollup form, with the parameters the pages ask it with."""
    asked = []
    for name in sorted(rollups.QUESTIONS):
        params = bench.query_params(name, flt)
        if name == "dossier_flow_by_period":
            asked += [(name, {**params, "grain": grain}) for grain in ("day", "week", "month")]
        elif name == "overdue_dossiers_in_progress":
            asked += [(name, {**params, "order_by": key}) for key in ORDER_KEYS]
        else:
            asked.append((name, params))
    return asked


def assert_same_answer(
    path: Path, name: str, params: dict[str, object], rollups_ready: bool = True
) -> None:
    from_rows, from_rollups = db.Store(path, use_rollups=False), db.Store(path)
    try:
        assert_same_in(from_rows, from_rollups, name, params, rollups_ready)
    finally:
        from_rows.close()
        from_rollups.close()


def assert_same_in(
    from_rows: db.Store,
    from_rollups: db.Store,
    name: str,
    params: dict[str, object],
    rollups_ready: bool = True,
) -> None:
    expected = from_rows.query(name, params)
    if rollups_ready and rollups.serves(name, params):
        assert from_rollups.answers_from_rollups(name, params), name
    answered = from_rollups.query(name, params)
    # Same columns, types and rows; only floating sums may differ in their last bits.
    keys = [column for column, dtype in expected.schema.items() if not dtype.is_float()]
    if name in ORDERED:  # a list shown in its order: the order is part of the answer
        keys = []
    try:
        assert_frame_equal(
            expected.sort(keys, nulls_last=True) if keys else expected,
            answered.sort(keys, nulls_last=True) if keys else answered,
            check_exact=False,
            rel_tol=1e-9,
            # A standard deviation is a square root of a difference of squares: for equal values
            # DuckDB's stddev_samp leaves ~1e-8 of rounding where the rollup gives 0.
            abs_tol=1e-6,
        )
    except AssertionError as error:
        raise AssertionError(f"{name} {params}: {error}") from None


@settings(
    max_examples=25,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=datasets(), data=st.data())
def test_rollups_answer_every_question_as_dossier_rows_do(
    tmp_path_factory: pytest.TempPathFactory, tables: dict[str, pl.DataFrame], data: st.DataObject
) -> None:
    path = build(tmp_path_factory.mktemp("rollups") / "prop.duckdb", tables)
    con = db.connect_read_only(path)
    try:
        assert db.rollup_status(con) == "ready"
    finally:
        con.close()
    from_rows, from_rollups = db.Store(path, use_rollups=False), db.Store(path)
    try:
        for _ in range(3):
            flt = data.draw(filters())
            for name, params in questions_for(flt):
                assert_same_in(from_rows, from_rollups, name, params)
    finally:
        from_rows.close()
        from_rollups.close()


def test_rollups_answer_the_demo_as_dossier_rows_do(demo_db: Path) -> None:
    """The demo's pilot year, a mid-month period across a year end, and the whole span."""
    status = db.Store(demo_db, use_rollups=False).query("data_status").row(0, named=True)
    for flt in (
        DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31), (1, 2, 3, 4, 5, 6)),
        DossierFilter(dt.date(2022, 11, 17), dt.date(2023, 2, 3), channels=(1, 3)),
        DossierFilter(status["first_received_on"], status["last_received_on"]),
        DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 3, 31), receiver="postal"),
    ):
        for name, params in questions_for(flt):
            assert_same_answer(demo_db, name, params)


def test_a_grain_without_the_filter_reads_dossier_rows(demo_db: Path) -> None:
    flt = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 6, 30), procedure_ids=(1, 2))
    store = db.Store(demo_db)  # the session's demo file is never replaced
    assert not store.answers_from_rollups("receptions_by_weekday_hour", flt.params())
    assert not store.answers_from_rollups("resolved_days_late", flt.params())
    assert store.answers_from_rollups("form06_rows", flt.params())
    assert store.answers_from_rollups("overdue_dossiers_in_progress", flt.params())
    # The working days in the rollups were counted with the project's holidays, no others.
    other = {**index766.query_params(flt), "holidays": [dt.date(2023, 3, 8)]}
    assert not store.answers_from_rollups("index766_by_procedure", other)
    assert store.answers_from_rollups("index766_by_procedure", index766.query_params(flt))
    assert_same_answer(demo_db, "receptions_by_weekday_hour", flt.params())


def _answers_from_rollups(path: Path, name: str, params: dict[str, object]) -> bool:
    store = db.Store(path)
    try:
        return store.answers_from_rollups(name, params)
    finally:
        store.close()


def _status(path: Path) -> str:
    con = db.connect_read_only(path)
    try:
        return db.rollup_status(con)
    finally:
        con.close()


def test_rollups_are_used_only_while_they_describe_the_rows(tmp_path: Path) -> None:
    row = {
        "code": "X1",
        "agency_id": 1,
        "channel": 2,
        "status": 10,
        "received_at": dt.datetime(2023, 3, 1, 9),
        "due_at": dt.datetime(2023, 3, 10, 17),
        "ended_at": dt.datetime(2023, 3, 5, 10),
        "supplement_days": 0,
    }
    tables = {
        "dossiers": pl.DataFrame([row], schema=DOSSIER_SCHEMA),
        "counter_visits": pl.DataFrame([], schema=VISIT_SCHEMA),
    }
    path = build(tmp_path / "state.duckdb", tables)
    assert _status(path) == "ready"
    flt = DossierFilter(dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    assert _answers_from_rollups(path, "form06_rows", flt.params())

    # Rows written without the swap (as the test builders do) make the rollups stale.
    con = db.connect_for_writing(path)
    try:
        db.insert_frame(con, "dossiers", tables["dossiers"].with_columns(code=pl.lit("X2")))
    finally:
        con.close()
    assert _status(path) == "stale"
    assert not _answers_from_rollups(path, "form06_rows", flt.params())
    store = db.Store(path)
    try:
        assert store.query("form06_rows", flt.params())["received_total"].sum() == 2
    finally:
        store.close()  # DuckDB would hand the old file's instance to the next connection

    # `onestop migrate` rebuilds them, through the swap.
    assert main(["migrate", "--db", str(path)]) == 0
    assert _status(path) == "ready"

    # An end date before the received date breaks what the rollups rest on: rows answer.
    db.replace_atomically(
        path,
        lambda con: con.execute(
            "update dossiers set ended_at = timestamp '2023-02-20 10:00' where code = 'X1'"
        ),
    )
    assert _status(path) == "unusable"
    assert not _answers_from_rollups(path, "form06_rows", flt.params())
    assert_same_answer(path, "form06_rows", flt.params(), rollups_ready=False)


@pytest.mark.parametrize(
    ("sql", "names_it"),
    [
        ("select count(*) from counter_visits", True),
        ("select * from dossiers join counter_visits using (agency_id)", True),
        ('select * from "counter_visits"', True),
        ("select * from main.COUNTER_VISITS", True),
        ("create table rollup_counter_visits_by_hour as select 1", False),
        ("select 1 -- not from counter_visits", False),
    ],
)
def test_a_rollup_reads_the_queue_tickets_when_its_sql_names_their_table(
    sql: str, names_it: bool
) -> None:
    # A rollup built from tickets the detection missed would be built before they are in.
    assert rollups.names_counter_visits(sql) is names_it


def test_a_writer_may_build_the_dossier_rollups_before_its_queue_tickets_are_in(
    tmp_path: Path,
) -> None:
    # The demo writes its tickets on another cursor while the rollups are built: the rollups
    # wait for them exactly before the first one built from tickets, and count every ticket.
    row = {
        "code": "X1",
        "agency_id": 1,
        "channel": 1,
        "status": 10,
        "received_at": dt.datetime(2023, 3, 1, 9),
        "due_at": dt.datetime(2023, 3, 10, 17),
        "ended_at": dt.datetime(2023, 3, 5, 10),
        "supplement_days": 0,
    }
    tickets = pl.DataFrame(
        [
            {
                "visit_id": visit,
                "agency_id": 1,
                "purpose": "submission",
                "ticket_issued_at": dt.datetime(2023, 3, 1, 8, visit),
                "called_at": dt.datetime(2023, 3, 1, 8, 10 + visit),
                "finished_at": dt.datetime(2023, 3, 1, 8, 20 + visit),
            }
            for visit in (1, 2, 3)
        ],
        schema=VISIT_SCHEMA,
    )
    from_tickets = [table for table in rollups.BUILD_ORDER if rollups.reads_counter_visits(table)]
    assert from_tickets and "rollup_counter_visits_by_hour" in from_tickets
    built_before_tickets = []

    def tickets_written(con: db.Connection) -> None:
        built_before_tickets.extend(name for name in rollups.TABLES if name in db.table_names(con))
        db.insert_frame(con, "counter_visits", tickets)

    def fill(con: db.Connection) -> None:
        for name, frame in [("agencies", AGENCIES), ("fields", FIELDS), ("staff", STAFF)]:
            db.insert_frame(con, name, frame)
        db.insert_frame(con, "dossiers", pl.DataFrame([row], schema=DOSSIER_SCHEMA))
        db.refresh_rollups(con, counter_visits_written=lambda: tickets_written(con))

    path = tmp_path / "tickets_later.duckdb"
    db.replace_atomically(path, fill, fresh=True, builds_rollups=True)
    first_from_tickets = rollups.BUILD_ORDER.index(from_tickets[0])
    assert built_before_tickets == list(rollups.BUILD_ORDER[1:first_from_tickets])
    assert _status(path) == "ready"
    con = db.connect_read_only(path)
    try:
        (tickets_counted,) = con.execute(
            "select sum(tickets) from rollup_counter_visits_by_hour"
        ).fetchall()[0]
    finally:
        con.close()
    assert tickets_counted == 3


def test_a_database_without_rollups_reads_rows_and_migrate_adds_them(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = db.connect_for_writing(path)
    con.close()
    assert _status(path) == "missing"
    assert main(["migrate", "--db", str(path)]) == 0
    assert _status(path) == "ready"
    assert os.path.exists(path)


def test_a_period_is_read_as_whole_months_where_the_days_it_skips_hold_no_event() -> None:
    span = (dt.date(2020, 1, 2), dt.date(2024, 2, 10))
    # From before the first event and to after the last: whole months.
    assert rollups.reading_period(dt.date(2020, 1, 2), dt.date(2024, 2, 10), span) == (
        dt.date(2020, 1, 1),
        dt.date(2024, 2, 29),
    )
    # Days with events are never skipped.
    assert rollups.reading_period(dt.date(2020, 1, 3), dt.date(2024, 2, 9), span) == (
        dt.date(2020, 1, 3),
        dt.date(2024, 2, 9),
    )
    # A period ending before the first event reads up to the month before its end.
    assert rollups.reading_period(dt.date(2016, 1, 5), dt.date(2020, 1, 1), span) == (
        dt.date(2016, 1, 1),
        dt.date(2019, 12, 31),
    )
    assert rollups.reading_period(dt.date(2020, 1, 3), dt.date(2020, 1, 9), None) == (
        dt.date(2020, 1, 3),
        dt.date(2020, 1, 9),
    )


def test_the_breadth_over_whole_months_reads_the_narrow_rollup_with_the_same_answer(
    demo_db: Path,
) -> None:
    status = db.Store(demo_db, use_rollups=False).query("data_status").row(0, named=True)
    everything = DossierFilter(status["first_received_on"], status["last_received_on"])
    store = db.Store(demo_db)
    try:
        store.connection()
        for flt, narrow in (
            (everything, True),
            (DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31), (1, 2, 3)), True),
            (DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31), channels=(2,)), False),
            (DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 15)), False),
        ):
            for name in rollups.WHOLE_MONTH_FORMS:
                params = {
                    **flt.params(),
                    **rollups.reading_params(name, flt.params(), store._event_spans),
                }
                assert ("whole_months" in rollups.question_sql_name(name, params)) is narrow
                assert_same_answer(demo_db, name, flt.params())
    finally:
        store.close()


@pytest.mark.parametrize("name", sorted(rollups.RECEPTIONS_ONLY))
def test_questions_read_as_receptions_only_read_no_other_event(name: str) -> None:
    sql = db.sql_text(rollups.question_sql_name(name))
    comparisons = re.findall(r"\bkind\b\s*(=|<>|in\b)\s*('[^']*'|\([^)]*\))", sql)
    assert comparisons
    assert all(comparison == ("=", "'received'") for comparison in comparisons)


def test_periods_at_the_edges_of_the_data_answer_as_dossier_rows_do(demo_db: Path) -> None:
    """Read as whole months or not (rollups.reading_period): a period wholly before the data,
    one ending after the last reception but before the last resolution, and a receiver filter
    of nothing (an empty organisation)."""
    status = db.Store(demo_db, use_rollups=False).query("data_status").row(0, named=True)
    first, last = status["first_received_on"], status["last_received_on"]
    for flt, receiver in (
        (DossierFilter(first - dt.timedelta(days=200), first - dt.timedelta(days=3)), None),
        (DossierFilter(last - dt.timedelta(days=40), last + dt.timedelta(days=2)), None),
        (DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31)), ""),  # past DossierFilter
    ):
        for name, params in questions_for(flt):
            assert_same_answer(demo_db, name, {**params, "receiver": receiver})
