"""Numbers typed the Vietnamese way: 98,2 is ninety-eight point two, 1.700 is one thousand
seven hundred; English the other way round."""

from __future__ import annotations

import pytest

from onestop.core.i18n import format_decimal, parse_decimal


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


def _box_app(lang: str, value: float = 15.0):
    from streamlit.testing.v1 import AppTest

    def script(lang: str, value: float) -> None:
        import streamlit as st

        from onestop.web import widgets as vi_widgets

        chosen = vi_widgets.decimal_input("Phút", value, lang=lang, key="box", bounds=(1.0, 120.0))
        st.write(f"used={chosen}")

    return AppTest.from_function(
        script, kwargs={"lang": lang, "value": value}, default_timeout=60
    ).run()


def _used(app) -> float:
    return float(next(m.value for m in app.markdown if m.value.startswith("used=")).split("=")[1])


def test_the_box_shows_and_reads_the_vietnamese_way():
    app = _box_app("vi", 1700.5)
    assert app.text_input(key="box").value == "1700,5"
    app.text_input(key="box").input("98,2").run()
    assert _used(app) == 98.2 and not app.error


@pytest.mark.parametrize(("typed", "problem"), [("abc", "không phải là một số"), ("500", "1,0")])
def test_a_bad_entry_says_why_in_one_sentence_and_keeps_the_last_good_value(typed, problem):
    app = _box_app("vi")
    app.text_input(key="box").input("20,5").run()
    app.text_input(key="box").input(typed).run()
    assert _used(app) == 20.5
    [error] = app.error
    assert problem in error.value and "20,5" in error.value


def test_a_new_figure_behind_the_box_is_shown():
    """Another period measures other minutes: the box follows, as st.number_input does."""
    app = _box_app("vi", 15.0)
    app.text_input(key="box").input("20").run()
    app.kwargs["value"] = 7.5  # the page ran again with a new measured figure
    app.run()
    assert app.text_input(key="box").value == "7,5" and _used(app) == 7.5
