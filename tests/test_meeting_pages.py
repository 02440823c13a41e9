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
PAGES = ["overview", "throughput", "timeliness", "agency_load", "staffing", "evaluation", "report"]


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


def expected_pack(demo_db: Path) -> list[tuple[str, sections.Slide]]:
    """The whole meeting pack's steps for the pages' default filter (the pilot's), each with
    the page it comes from, in the deck's order."""
    store = db.Store(demo_db)
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    form_heading = i18n.t("report.form_heading", "vi")
    return [
        (section.key, slide)
        for section in sections.build_sections(sections.Context(store, chosen, "vi"))
        for slide in sections.slides(section, form_heading)
    ]


def positions(pack: list, key: str) -> list[int]:
    """The 1-based steps of one page in the pack."""
    return [number for number, (section, _) in enumerate(pack, start=1) if section == key]


@pytest.fixture(scope="module")
def pack(demo_db: Path) -> list[tuple[str, sections.Slide]]:
    return expected_pack(demo_db)


def shown_position(app: AppTest) -> str:
    return next(m.value for m in app.markdown if " / " in m.value)


def test_presentation_mode_steps_through_the_page_charts(pack):
    throughput = positions(pack, "throughput")
    assert len(throughput) == 4
    assert all(isinstance(pack[n - 1][1].block, sections.Chart) for n in throughput)
    second = throughput[1]

    app = run_page("throughput", present="1", step=str(second))
    # One chart, the page's second, with projector-sized text; no page widgets.
    shown = app.get("plotly_chart")
    block = pack[second - 1][1].block
    assert chart_titles(app) == [title(block)]
    figure = json.loads(shown[0].proto.spec)
    layout = figure["layout"]
    for text in (layout["font"], layout["legend"]["font"], layout["xaxis"]["tickfont"]):
        assert text["size"] == meeting_ui.PROJECTOR_FONT
    built = json.loads(charts.to_plotly(block.spec, "vi").to_json())
    assert [trace.get("y") for trace in figure["data"]] == [
        trace.get("y") for trace in built["data"]
    ]
    assert not [e for e in app.main if type(e).__name__ == "ButtonGroup"]  # the grain control
    # The sidebar and Streamlit's header are hidden by the projector style.
    styles = [e.proto.body for e in app.get("html") if "stSidebar" in e.proto.body]
    assert styles and "display: none" in styles[0]
    # The counter runs over the whole meeting pack, not the page.
    assert shown_position(app) == f"**{second}** / {len(pack)}"

    app.button(key="present_next").click().run()
    assert app.query_params["step"] == str(second + 1)
    assert chart_titles(app) == [title(pack[second][1].block)]
    app.button(key="present_previous").click().run()
    app.button(key="present_previous").click().run()
    assert chart_titles(app) == [title(pack[throughput[0] - 1][1].block)]

    app.button(key="present_leave").click().run()
    assert "present" not in app.query_params
    assert chart_titles(app) == [title(pack[n - 1][1].block) for n in throughput]


def test_next_on_a_pages_last_chart_goes_to_the_next_pages_first(pack):
    """The pack runs across pages in the deck's order: throughput, timeliness, …, staffing
    (its capacity charts too), the pilot evaluation, the report."""
    keys = list(dict.fromkeys(key for key, _ in pack))
    assert keys == [
        "overview",
        "throughput",
        "timeliness",
        "agency_load",
        "staffing",
        "evaluation",
        "report",
    ]
    last = positions(pack, "throughput")[-1]
    app = run_page("throughput", present="1", step=str(last))
    app.button(key="present_next").click().run()
    assert app.query_params["step"] == str(last + 1)
    assert pack[last][0] == "timeliness"
    assert chart_titles(app) == [title(pack[last][1].block)]
    assert shown_position(app) == f"**{last + 1}** / {len(pack)}"

    # Back from the pack's first step of a page to the previous page's last.
    app.button(key="present_previous").click().run()
    assert chart_titles(app) == [title(pack[last - 1][1].block)]

    names = [step.block.name for _, step in pack if isinstance(step.block, sections.Chart)]
    assert {"capacity_factor", "capacity_agencies", "evaluation_online_share"} <= set(names)


def test_the_toggle_switches_presentation_mode_on_at_the_pages_first_chart(pack):
    app = run_page("agency_load")
    app.toggle(key=meeting_ui.PRESENT_KEY).set_value(True).run()
    assert app.query_params["present"] == "1"
    first = positions(pack, "agency_load")[0]
    assert app.query_params["step"] == str(first)
    block = pack[first - 1][1].block
    assert isinstance(block, sections.Chart)
    assert chart_titles(app) == [title(block)]
    assert shown_position(app) == f"**{first}** / {len(pack)}"


def test_a_step_beyond_the_last_shows_the_last(pack):
    app = run_page("timeliness", present="1", step="99999")
    assert shown_position(app) == f"**{len(pack)}** / {len(pack)}"
    assert app.button(key="present_next").disabled
    app = run_page("timeliness", present="1", step="abc")
    assert shown_position(app) == f"**1** / {len(pack)}"
    assert app.button(key="present_previous").disabled


def test_a_presented_table_shows_names_from_the_data_as_text(pack):
    """Presentation tables are Markdown cells: an agency step written "+ Sở Tài chính" must not
    become a bullet list (nor any name from the data Markdown)."""
    step = next(
        number
        for number, (_, slide) in enumerate(pack, start=1)
        if isinstance(slide.block, sections.Table) and slide.block.name == "capacity_agencies_table"
    )
    app = run_page("staffing", present="1", step=str(step))
    cells = app.table[0].value.iloc[:, 0].tolist()
    assert cells[0] == "Hiện nay"
    assert all(cell.startswith("\\+ ") for cell in cells[1:]) and len(cells) > 1
