"""The pages and the meeting pack show the same charts: each page's charts, in order, are its
section's (onestop.sections), built by the same functions from the same queries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import charts, db
from onestop.core.filters import pilot_filter
from onestop.meeting import sections

PROJECT = Path(__file__).resolve().parent.parent
# Page file → its section. The overview and report pages show no chart (figures and tables).
PAGES = {
    "pages/throughput.py": "throughput",
    "pages/agency_load.py": "agency_load",
    "pages/staffing.py": "staffing",
    "pages/overview.py": "overview",
    "pages/evaluation.py": "evaluation",
}


@pytest.fixture(scope="module", autouse=True)
def demo_env(demo_db: Path) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(db.DB_ENV_VAR, str(demo_db))
        yield demo_db


@pytest.fixture(scope="module")
def context(demo_db: Path):
    def build(lang: str) -> sections.Context:
        store = db.Store(demo_db)
        chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
        return sections.Context(store, chosen, lang)

    return build


def page_charts(path: str, lang: str) -> list[tuple[str, dict]]:
    app = AppTest.from_file(str(PROJECT / path), default_timeout=120)
    if lang != "vi":
        app.query_params["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    return [(chart.proto.id, json.loads(chart.proto.spec)) for chart in app.get("plotly_chart")]


def figure_json(spec, lang: str) -> dict:
    return json.loads(charts.to_plotly(spec, lang).to_json())


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_charts_are_the_sections_charts(path: str, lang: str, context):
    section = sections.section(PAGES[path], context(lang))
    expected = section.charts if section else []
    shown = page_charts(path, lang)
    assert len(shown) == len(expected)
    for (element_id, figure), chart in zip(shown, expected, strict=True):
        assert f"{chart.name}_chart" in element_id
        built = figure_json(chart.spec, lang)
        assert figure["layout"]["title"] == built["layout"]["title"]
        assert [trace.get("y") for trace in figure["data"]] == [
            trace.get("y") for trace in built["data"]
        ]


def test_timeliness_page_defaults_are_the_decks(context):
    """The timeliness page lays its charts out in tabs with a slider; at the defaults each is
    the section's chart of the same name."""
    section = sections.section("timeliness", context("vi"))
    expected = {chart.name: chart for chart in section.charts}
    shown = page_charts("pages/timeliness.py", "vi")
    assert len(shown) == len(expected)
    for element_id, figure in shown:
        name = next(name for name in expected if f"{name}_chart" in element_id)
        built = figure_json(expected[name].spec, "vi")
        assert figure["layout"]["title"] == built["layout"]["title"]
        assert [trace.get("x") for trace in figure["data"]] == [
            trace.get("x") for trace in built["data"]
        ]
