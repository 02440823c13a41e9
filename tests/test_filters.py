"""DossierFilter: the previous period, and where there is none."""

import datetime as dt

import pytest

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
