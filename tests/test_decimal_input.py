"""Numbers typed the Vietnamese way: 98,2 is ninety-eight point two, 1.700 is one thousand
seven hundred; English the other way round."""

from __future__ import annotations

import pytest

from onestop.i18n import format_decimal, parse_decimal


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("98,2", "vi", 98.2),
        ("1.700", "vi", 1700.0),
        ("1.700,5", "vi", 1700.5),
        ("100.000", "vi", 100000.0),
        (" 98,2 % ", "vi", 98.2),
        ("-3,5", "vi", -3.5),
        ("15", "vi", 15.0),
        ("98.2", "vi", 98.2),  # typed on an English keyboard: no thousands group of 2 digits
        ("1,700", "en", 1700.0),
        ("98.2", "en", 98.2),
        ("1,700.5", "en", 1700.5),
    ],
)
def test_numbers_read_the_languages_way(text: str, lang: str, value: float):
    assert parse_decimal(text, lang) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "1..2", "1.7000,5", "12,3,4", "--1", "∞"])
def test_what_is_not_a_number_reads_as_none(text: str):
    assert parse_decimal(text, "vi") is None


@pytest.mark.parametrize("value", [0.0, 0.5, 6.25, 98.2, 1700.5, 123456.75])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_what_is_written_reads_back(value: float, lang: str):
    assert parse_decimal(format_decimal(value, lang, 2), lang) == pytest.approx(value)
