"""The meeting pack on the dashboard: every page offers the deck and the report of its filters
and a switch into presentation mode, which shows the page's charts one at a time, large, with
the sidebar hidden, and steps through them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import charts, db, i18n
from onestop.core.filters import pilot_filter
from onestop.meeting import sections
from onestop.web import meeting as meeting_ui

PROJECT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "throughput", "timeliness", "agency_load", "staffing", "report"]


@pytest.fixture(scope="module", autouse=True)
def demo_env(demo_db: Path) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(db.DB_ENV_VAR, str(demo_db))
        yield demo_db


def run_page(page: str, **params: str) -> AppTest:
    app = AppTest.from_file(str(PROJECT / "pages" / f"{page}.py"), default_timeout=180)
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def chart_titles(app: AppTest) -> list[str]:
    return [
        json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")
    ]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_offers_the_deck_the_report_and_presentation_mode(page: str):
    app = run_page(page)
    sidebar_downloads = [
        element.proto.label for element in app.sidebar if type(element).__name__ == "DownloadButton"
    ]
    assert i18n.t("deck.download", "vi") in sidebar_downloads
    assert i18n.t("deck.download_html", "vi") in sidebar_downloads
    assert app.toggle(key=meeting_ui.PRESENT_KEY).label == i18n.t("present.toggle", "vi")
    assert not app.toggle(key=meeting_ui.PRESENT_KEY).value


def title(block: sections.Chart) -> str:
    """The chart's title as the screen draws it (long titles wrap)."""
    return json.loads(charts.to_plotly(block.spec, "vi").to_json())["layout"]["title"]["text"]


def expected_steps(demo_db: Path, key: str) -> list[sections.Slide]:
    store = db.Store(demo_db)
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    section = sections.section(key, sections.Context(store, chosen, "vi"))
    return sections.slides(section, i18n.t("report.form_heading", "vi"))


def test_presentation_mode_steps_through_the_page_charts(demo_db: Path):
    steps = expected_steps(demo_db, "throughput")
    assert len(steps) == 4 and all(isinstance(step.block, sections.Chart) for step in steps)

    app = run_page("throughput", present="1", step="2")
    # One chart, the section's second, with projector-sized text; no page widgets.
    shown = app.get("plotly_chart")
    assert chart_titles(app) == [title(steps[1].block)]
    figure = json.loads(shown[0].proto.spec)
    layout = figure["layout"]
    for text in (layout["font"], layout["legend"]["font"], layout["xaxis"]["tickfont"]):
        assert text["size"] == meeting_ui.PROJECTOR_FONT
    built = json.loads(charts.to_plotly(steps[1].block.spec, "vi").to_json())
    assert [trace.get("y") for trace in figure["data"]] == [
        trace.get("y") for trace in built["data"]
    ]
    assert not [e for e in app.main if type(e).__name__ == "ButtonGroup"]  # the grain control
    # The sidebar and Streamlit's header are hidden by the projector style.
    styles = [e.proto.body for e in app.get("html") if "stSidebar" in e.proto.body]
    assert styles and "display: none" in styles[0]
    assert any(m.value == "**2** / 4" for m in app.markdown)

    app.button(key="present_next").click().run()
    assert app.query_params["step"] == "3"
    assert chart_titles(app) == [title(steps[2].block)]
    app.button(key="present_previous").click().run()
    app.button(key="present_previous").click().run()
    assert chart_titles(app) == [title(steps[0].block)]
    assert app.button(key="present_previous").disabled

    app.button(key="present_leave").click().run()
    assert "present" not in app.query_params
    assert chart_titles(app) == [title(step.block) for step in steps]


def test_the_toggle_switches_presentation_mode_on(demo_db: Path):
    app = run_page("agency_load")
    app.toggle(key=meeting_ui.PRESENT_KEY).set_value(True).run()
    assert app.query_params["present"] == "1"
    steps = expected_steps(demo_db, "agency_load")
    first = steps[0].block
    assert isinstance(first, sections.Chart)
    assert chart_titles(app) == [title(first)]


def test_a_step_beyond_the_last_shows_the_last(demo_db: Path):
    steps = expected_steps(demo_db, "timeliness")
    app = run_page("timeliness", present="1", step="99")
    assert chart_titles(app) == [title(steps[-1].block)]
    assert app.button(key="present_next").disabled
    app = run_page("timeliness", present="1", step="abc")
    assert chart_titles(app) == [title(steps[0].block)]
