"""The pages and the meeting pack show the same charts: each page's charts, in order, are its
section's (onestop.sections), built by the same functions from the same queries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import charts, db, i18n
from onestop.core.filters import DossierFilter, pilot_filter
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


def test_overview_page_draws_the_sections_figures_and_sentences(demo_db: Path):
    """One description of the overview: the page's cards are the section's figures (label,
    value, change) and its sentences are the section's, the carried-over note included (every
    agency in 2023: dossiers come over from 2022)."""
    chosen = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    built = sections.Context(db.Store(demo_db), chosen, "vi")
    section = sections.section("overview", built)
    figures = next(block for block in section.blocks if isinstance(block, sections.Figures))
    texts = [block.text for block in section.blocks if isinstance(block, sections.Text)]
    carried = i18n.format_int(built.form06.total["carried_over"], "vi")
    assert texts[1:] == [i18n.t("overview.carried_over_note", "vi", carried=carried)]

    app = AppTest.from_file(str(PROJECT / "pages/overview.py"), default_timeout=120)
    for name, value in {"from": "2023-01-01", "to": "2023-12-31", "agency": "all"}.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    cards = [metric for metric in app.metric if metric.label in {f.label for f in figures.items}]
    assert [(m.label, m.value) for m in cards] == [(f.label, f.value) for f in figures.items]
    deltas = [m.proto.delta or None for m in cards]
    assert deltas == [f.delta for f in figures.items]
    shown = [markdown.value for markdown in app.markdown]
    assert all(text in shown for text in texts)


def test_overview_section_without_a_previous_period(demo_db: Path):
    """A period reaching back to the first date Python holds has no previous period: the
    figures carry no change instead of failing."""
    store = db.Store(demo_db)
    chosen = DossierFilter(dt.date(1, 1, 2), dt.date(2023, 12, 31))
    assert chosen.previous_period() is None
    section = sections.section("overview", sections.Context(store, chosen, "vi"))
    figures = section.blocks[0]
    assert isinstance(figures, sections.Figures)
    assert all(figure.delta is None for figure in figures.items)
