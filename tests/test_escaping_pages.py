"""Every page on a database whose names are hostile: shown as written, never obeyed.

Plotly reads a subset of HTML (links included) in every label, Streamlit reads Markdown in
captions and alerts, and st.html renders tags. Each page runs under AppTest on the hostile
database of tests/fixtures.py; what it shows must hold the names only in escaped form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core.text import html_literal, markdown_literal
from tests.fixtures import (
    ACTIVE_TAG,
    FORMULA,
    HOSTILE_TEXTS,
    IMAGE,
    LINK,
    MARKDOWN,
    MINUS,
    PLUS,
    ROOT,
    SCRIPT,
    build_hostile_db,
    using_database,
)

PAGES = sorted(path.name for path in (ROOT / "pages").glob("*.py"))
# Tags our own charts write: line breaks in titles and hovers, the hover's secondary box.
OWN_PLOTLY_TAGS = {"<br>", "<extra>", "</extra>"}
# Elements whose text Streamlit renders as Markdown.
MARKDOWN_ELEMENTS = (
    "markdown",
    "caption",
    "error",
    "warning",
    "info",
    "success",
    "toast",
    "title",
    "header",
    "subheader",
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = build_hostile_db(tmp_path_factory.mktemp("hostile") / "hostile.duckdb")
    with using_database(path):
        yield path


@pytest.fixture(scope="module")
def shown(hostile_db: Path) -> dict[str, AppTest]:
    """Every page run once, in Vietnamese and in English, on the hostile database."""
    apps = {}
    for page in PAGES:
        for lang in ("vi", "en"):
            app = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
            if lang == "en":
                app.query_params["lang"] = "en"
            apps[f"{page}:{lang}"] = app.run()
    return apps


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def plotly_strings(app: AppTest) -> list[str]:
    """Every string of every chart's figure JSON (data and layout)."""
    return [
        text for chart in app.get("plotly_chart") for text in _strings(json.loads(chart.proto.spec))
    ]


def markdown_strings(app: AppTest) -> list[str]:
    """Every text the page hands to Streamlit's Markdown renderer, metric labels included."""
    texts = [element.value for kind in MARKDOWN_ELEMENTS for element in app.get(kind)]
    return texts + [metric.label for metric in app.metric]


def html_strings(app: AppTest) -> list[str]:
    return [element.proto.body for element in app.get("html")]


def _raw(text: str, escaped: str) -> bool:
    """Whether escaping changes text, so finding it unchanged means it went out unescaped."""
    return text != escaped


@pytest.mark.parametrize("run", [f"{page}:{lang}" for page in PAGES for lang in ("vi", "en")])
def test_page_runs_on_hostile_names(shown: dict[str, AppTest], run: str) -> None:
    app = shown[run]
    assert not app.exception, app.exception


@pytest.mark.parametrize("run", [f"{page}:{lang}" for page in PAGES for lang in ("vi", "en")])
def test_plotly_labels_hold_no_markup_but_ours(shown: dict[str, AppTest], run: str) -> None:
    for text in plotly_strings(shown[run]):
        assert set(re.findall(r"<[^<>]*>", text)) <= OWN_PLOTLY_TAGS, text
        for hostile in HOSTILE_TEXTS:
            if _raw(hostile, html_literal(hostile)):
                assert hostile not in text


@pytest.mark.parametrize("run", [f"{page}:{lang}" for page in PAGES for lang in ("vi", "en")])
def test_markdown_holds_names_only_escaped(shown: dict[str, AppTest], run: str) -> None:
    for text in markdown_strings(shown[run]):
        assert not re.search(r"(?<!\\)<", text), text
        for hostile in HOSTILE_TEXTS:
            assert hostile not in text


@pytest.mark.parametrize("run", [f"{page}:{lang}" for page in PAGES for lang in ("vi", "en")])
def test_html_tables_hold_names_only_escaped(shown: dict[str, AppTest], run: str) -> None:
    for body in html_strings(shown[run]):
        without_style = re.sub(r"<style>.*?</style>", "", body, flags=re.DOTALL)
        assert not ACTIVE_TAG.search(without_style), without_style
        for hostile in HOSTILE_TEXTS:
            if _raw(hostile, html_literal(hostile)):
                assert hostile not in body


def test_the_names_are_shown_escaped_in_charts(shown: dict[str, AppTest]) -> None:
    """The checks above are not vacuous: the hostile names do reach the charts."""
    everything = "\n".join(text for app in shown.values() for text in plotly_strings(app))
    for hostile in (LINK, SCRIPT, IMAGE, MARKDOWN, FORMULA, PLUS, MINUS):
        assert html_literal(hostile) in everything, hostile
    # A link's escaped text, which plotly.js shows as written: `<a href="…">CLICKME</a>`.
    assert "&lt;a href=&#34;https://evil.example/phish&#34;&gt;CLICKME&lt;/a&gt;" in everything


def test_the_form_shows_names_escaped(shown: dict[str, AppTest]) -> None:
    body = "\n".join(html_strings(shown["report.py:vi"]))
    for hostile in (LINK, SCRIPT, FORMULA, MARKDOWN):
        assert html_literal(hostile) in body, hostile


def test_hover_templates_hold_no_supplied_text(shown: dict[str, AppTest]) -> None:
    """A name such as `%{y}` must not become part of a template Plotly fills in."""
    for app in shown.values():
        for chart in app.get("plotly_chart"):
            for trace in json.loads(chart.proto.spec)["data"]:
                template = trace.get("hovertemplate", "")
                assert "evil" not in template and "BOLDX" not in template, template


def test_markdown_literal_is_what_the_pages_would_use() -> None:
    """Guards the Markdown check: an escaped name has no unescaped `<` and no raw name."""
    for hostile in HOSTILE_TEXTS:
        escaped = markdown_literal(hostile)
        assert not re.search(r"(?<!\\)<", escaped)
        assert hostile not in escaped
