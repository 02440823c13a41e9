"""The code tables are defined once in onestop/core/codes.py; SQL cannot import them, so every
status or channel literal a query writes must be one of those tables, spelled the same."""

from __future__ import annotations

import re

import pytest

from onestop.core import codes, db

# `status in (2, 4, 5, 6)`, `status not in (1, 3)`, `status <> 5`, `channel = 2`, …
CODE_LITERAL = re.compile(
    r"\b(?P<column>status|channel)\s*(?P<op>not in|in|=|<>|!=)\s*"
    r"(?P<codes>\(\s*[0-9]+(?:\s*,\s*[0-9]+)*\s*\)|[0-9]+\b)"
)
# The tables a literal may spell, by column.
ALLOWED = {
    "status": {
        "not received": codes.NOT_RECEIVED_STATUSES,
        "open": codes.OPEN_STATUSES,
        "closed": codes.CLOSED_STATUSES,
        "processed": codes.PROCESSED_STATUSES,
        "waiting for supplementation": (codes.SUPPLEMENTATION,),
    },
    "channel": {
        "in person": (codes.IN_PERSON,),
        "online": (codes.ONLINE,),
        "on paper": codes.PAPER_CHANNELS,
    },
}
# What the counting rules of Biểu 06 (DOMAIN.md §3) must spell in the macro.
MACRO_RULES = {
    ("status", "not in", codes.NOT_RECEIVED_STATUSES),
    ("status", "in", codes.OPEN_STATUSES),
    ("status", "in", codes.CLOSED_STATUSES),
    ("status", "in", codes.PROCESSED_STATUSES),
    ("status", "<>", (codes.SUPPLEMENTATION,)),
    ("channel", "=", (codes.ONLINE,)),
    ("channel", "in", codes.PAPER_CHANNELS),
}


def code_literals(sql: str) -> set[tuple[str, str, tuple[int, ...]]]:
    """Every (column, operator, codes) a SQL text compares a status or channel with."""
    without_comments = re.sub(r"--[^\n]*", "", sql)
    return {
        (m["column"], m["op"], tuple(int(code) for code in re.findall(r"[0-9]+", m["codes"])))
        for m in CODE_LITERAL.finditer(without_comments)
    }


SQL_FILES = sorted(p.relative_to(db.QUERIES_DIR) for p in db.QUERIES_DIR.rglob("*.sql"))


@pytest.mark.parametrize("path", SQL_FILES, ids=[p.as_posix() for p in SQL_FILES])
def test_every_code_literal_in_sql_is_a_code_table(path) -> None:
    sql = (db.QUERIES_DIR / path).read_text(encoding="utf-8")
    for column, op, found in code_literals(sql):
        tables = ALLOWED[column].values()
        assert tuple(sorted(found)) in {tuple(sorted(t)) for t in tables}, (column, op, found)


def test_the_macro_spells_the_counting_rules_with_the_code_tables() -> None:
    sql = db.sql_text("macros/classified_dossiers")
    assert code_literals(sql) >= MACRO_RULES


@pytest.mark.parametrize("path", SQL_FILES, ids=[p.as_posix() for p in SQL_FILES])
def test_every_weekday_in_sql_counts_monday_as_zero(path) -> None:
    """codes.WEEKDAYS numbers Monday 0, as Python does; DuckDB's isodow numbers it 1."""
    sql = re.sub(r"--[^\n]*", "", (db.QUERIES_DIR / path).read_text(encoding="utf-8"))
    for call in re.finditer(r"isodow\([^()]*\)", sql):
        assert sql[call.end() :].lstrip().startswith("- 1"), call.group(0)
    assert "dayofweek(" not in sql and "weekday(" not in sql.replace("isodow(", "")


def test_the_finder_sees_literals_and_ignores_comments() -> None:
    # A check that finds nothing would pass whatever the SQL says.
    found = code_literals("where status in (9, 10) -- status in (1, 2)\n and channel = 2")
    assert found == {("status", "in", (9, 10)), ("channel", "=", (2,))}


def test_the_tables_partition_the_statuses() -> None:
    groups = [codes.NOT_RECEIVED_STATUSES, codes.OPEN_STATUSES, codes.CLOSED_STATUSES]
    assert sorted(code for group in groups for code in group) == list(codes.STATUSES)
    assert set(codes.PROCESSED_STATUSES) <= set(codes.CLOSED_STATUSES)
    assert set(codes.PAPER_CHANNELS) | {codes.ONLINE} == set(codes.CHANNELS)
