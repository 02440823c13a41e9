"""DossierFilter: the previous period, and where there is none; "every agency" spelled once."""

import datetime as dt
import re

import duckdb
import pytest

from onestop.core import db, filters
from onestop.core.filters import DossierFilter


def test_the_previous_period_has_the_same_length_just_before():
    chosen = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31), (1,), (2,))
    before = chosen.previous_period()
    assert before == DossierFilter(dt.date(2022, 1, 1), dt.date(2022, 12, 31), (1,), (2,))


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (dt.date(1, 1, 1), dt.date(1, 1, 1)),
        (dt.date(1, 1, 2), dt.date(1, 1, 3)),
        (dt.date(23, 3, 1), dt.date(2023, 12, 31)),
        (dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    ],
)
def test_no_previous_period_before_the_first_date(date_from, date_to):
    assert DossierFilter(date_from, date_to).previous_period() is None


def test_the_earliest_possible_previous_period():
    before = DossierFilter(dt.date(1, 1, 3), dt.date(1, 1, 4)).previous_period()
    assert before == DossierFilter(dt.date(1, 1, 1), dt.date(1, 1, 2))


# --- "all agencies": one spelling per layer -----------------------------------------------------


def test_an_empty_choice_is_every_agency() -> None:
    assert DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 1, 31)).agency_ids == filters.ALL
    assert DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 1, 31)).every_agency
    assert not DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 1, 31), (1,)).every_agency


@pytest.mark.parametrize(
    ("choices", "value", "expected"),
    [([], 7, True), ([7], 7, True), ([1, 2], 7, False), ([], None, True), ([1], None, None)],
)
def test_the_chosen_macro_lets_an_empty_list_choose_everything(choices, value, expected) -> None:
    con = duckdb.connect()
    con.execute(db.sql_text("macros/chosen"))
    found = con.execute("select chosen($choices::integer[], $value::integer)", {
        "choices": choices, "value": value
    }).fetchone()[0]  # fmt: skip
    assert found is expected


def test_no_query_spells_every_choice_but_the_macro() -> None:
    """`len(list) = 0 or list_contains(…)` written anywhere else would be a second spelling."""
    spelled = [
        path.relative_to(db.QUERIES_DIR).as_posix()
        for path in db.QUERIES_DIR.rglob("*.sql")
        if re.search(r"len\(\s*\$?\w+\s*\)\s*=\s*0", re.sub(r"--[^\n]*", "", path.read_text()))
    ]
    assert spelled == ["macros/chosen.sql"]
