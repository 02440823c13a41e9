"""Switching the language redraws everything in the new language in the same run: the switch's
own label and the filter bar too, not only what is drawn after the switch returns."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import i18n
from onestop.web.session import LANGUAGE_KEY
from tests.fixtures import ROOT


@pytest.fixture(autouse=True)
def _demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESTOP_DB", str(demo_db))


def test_switching_to_english_redraws_the_switch_and_the_filter_bar_in_english() -> None:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    switch = app.segmented_control(key=LANGUAGE_KEY)
    assert switch.label == i18n.t("app.language", "vi")
    switch.set_value("en").run()
    assert not app.exception, app.exception
    assert app.segmented_control(key=LANGUAGE_KEY).label == i18n.t("app.language", "en")
    assert app.selectbox(key="filter_period").label == i18n.t("filters.period", "en")
    assert app.title[0].value == i18n.t("page.overview", "en")
    assert app.query_params.get("lang") == "en"


def test_the_period_box_shows_its_chosen_option_in_english_after_the_switch() -> None:
    """The browser redraws a select box's choice from the text the run sends with it; a run
    that sends none leaves the old text ("Thời gian thí điểm") in the box until it is changed."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    period = app.selectbox(key="filter_period")
    assert period.value == "pilot"
    assert period.proto.raw_value == i18n.t("filters.preset_pilot", "vi")
    app.segmented_control(key=LANGUAGE_KEY).set_value("en").run()
    assert not app.exception, app.exception
    period = app.selectbox(key="filter_period")
    assert period.value == "pilot"
    assert period.proto.set_value
    assert period.proto.raw_value == i18n.t("filters.preset_pilot", "en")
    # The next run in the same language sends nothing: the box keeps its English text.
    app.run()
    assert not app.selectbox(key="filter_period").proto.set_value
    assert app.selectbox(key="filter_period").value == "pilot"


def test_switching_back_to_vietnamese_drops_the_parameter() -> None:
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.query_params["lang"] = "en"
    app.run()
    app.segmented_control(key=LANGUAGE_KEY).set_value("vi").run()
    assert not app.exception, app.exception
    assert app.segmented_control(key=LANGUAGE_KEY).label == i18n.t("app.language", "vi")
    assert app.selectbox(key="filter_period").label == i18n.t("filters.period", "vi")
    assert "lang" not in app.query_params


def test_clearing_the_switch_keeps_the_language() -> None:
    """Clicking the chosen option again clears a segmented control; the language stays."""
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.query_params["lang"] = "en"
    app.run()
    app.segmented_control(key=LANGUAGE_KEY).set_value(None).run()
    assert not app.exception, app.exception
    assert app.segmented_control(key=LANGUAGE_KEY).value == "en"
    assert app.title[0].value == i18n.t("page.overview", "en")
