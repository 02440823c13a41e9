"""Chart specs render to Plotly figures with the language's formats and readable axes."""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl
import pytest

from onestop.core import charts
from onestop.core.text import html_literal


def spec(kind: str = "bar", values: list[int] | None = None, **extra) -> charts.ChartSpec:
    data = pl.DataFrame(
        {
            "month": [dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2023, 1, 1)],
            "class": ["resolved_early", "resolved_early", "resolved_late"],
            "dossiers": values or [1200, 1500, 30],
        }
    )
    return charts.ChartSpec(
        kind=kind,
        data=data,
        x="month",
        y="dossiers",
        title="A finding",
        x_label="Month",
        y_label="Dossiers",
        series="class",
        colours=charts.TIMELINESS_COLOURS,
        **extra,
    )


@pytest.mark.parametrize(
    ("lang", "separators", "date_format"),
    [
        ("vi", ",.", "%d/%m/%Y"),
        ("en", ".,", "%Y-%m-%d"),
    ],
)
def test_language_sets_number_and_date_formats(lang: str, separators: str, date_format: str):
    figure = charts.to_plotly(spec(), lang)
    assert figure.layout.separators == separators
    assert figure.layout.xaxis.tickformat == date_format
    assert f"%{{x|{date_format}}}" in figure.data[0].hovertemplate


def test_each_timeliness_class_keeps_its_colour():
    figure = charts.to_plotly(spec("stacked_bar"))
    colours = {trace.name: trace.marker.color for trace in figure.data}
    assert colours == {
        "resolved_early": charts.TIMELINESS_COLOURS["resolved_early"],
        "resolved_late": charts.TIMELINESS_COLOURS["resolved_late"],
    }
    assert figure.layout.barmode == "stack"


def test_small_counts_get_whole_number_ticks():
    assert charts.to_plotly(spec(values=[1, 3, 2])).layout.yaxis.dtick == 1
    assert charts.to_plotly(spec(values=[1200, 1500, 30])).layout.yaxis.dtick is None
    # Stacked bars reach the sum of their series: 6 + 5 = 11 needs no forced step.
    assert charts.to_plotly(spec("stacked_bar", values=[6, 1, 5])).layout.yaxis.dtick is None


def test_long_titles_wrap_instead_of_being_cut():
    long_title = "Quá hạn tập trung ở Sở Khoa học và Công nghệ " * 4
    figure = charts.to_plotly(charts.ChartSpec(**{**spec().__dict__, "title": long_title}))
    assert "<br>" in figure.layout.title.text


def test_heatmaps_render_with_text_rows():
    grid = pl.DataFrame(
        {
            "hour": ["7:00", "8:00"] * 2,
            "weekday": ["Thứ Hai"] * 2 + ["Thứ Ba"] * 2,
            "n": [1, 2, 3, 4],
        }
    )
    heatmap = charts.ChartSpec(
        kind="heatmap",
        data=grid,
        x="hour",
        y="weekday",
        z="n",
        title="Peak",
        x_label="Hour",
        y_label="Weekday",
    )
    figure = charts.to_plotly(heatmap, "vi")
    assert list(figure.data[0].y) == ["Thứ Hai", "Thứ Ba"]
    assert figure.data[0].z.tolist() == [[1, 2], [3, 4]]


# --- supplied names are shown, never obeyed ----------------------------------------------------

HOSTILE = [
    '<a href="https://evil.example/phish">CLICKME</a>',
    "<script>alert(1)</script>",
    "<b>bold</b> & \"double\" 'single'",
    "Sở A<br>Sở B",
    "%{y} %{fullData.name}",
    "&lt;already&gt; &amp; &#60;",
]
# plotly.js's own entity table (src/lib/svg_text_utils.js, as bundled in streamlit 1.67's
# PlotlyChart chunk): named entities beyond these are shown as written, numeric ones decoded.
PLOTLY_ENTITIES = {
    "mu": "μ",
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "nbsp": "\xa0",
    "times": "×",
    "plusmn": "±",
    "deg": "°",
}


def plotly_shows(label: str) -> str:
    """What plotly.js draws for a label without tags: its text with entities decoded."""
    assert "<" not in label and ">" not in label, label

    def decode(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("#x"):
            return chr(int(code[2:], 16))
        if code.startswith("#"):
            return chr(int(code[1:]))
        return PLOTLY_ENTITIES.get(code, match.group(0))

    return re.sub(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);", decode, label)


@pytest.mark.parametrize("name", HOSTILE)
def test_plotly_draws_an_escaped_name_exactly_as_written(name: str):
    assert plotly_shows(html_literal(name)) == name


def hostile_spec(kind: str, horizontal: bool = False) -> charts.ChartSpec:
    data = pl.DataFrame(
        {
            "agency": HOSTILE * 2,
            "class": ["resolved_early"] * len(HOSTILE) + HOSTILE,
            "dossiers": list(range(1, 2 * len(HOSTILE) + 1)),
        }
    )
    return charts.ChartSpec(
        kind=kind,
        data=data,
        x="agency",
        y="class" if kind == "heatmap" else "dossiers",
        z="dossiers" if kind == "heatmap" else None,
        title=f"{HOSTILE[0]} receives the most",
        x_label=HOSTILE[1],
        y_label=HOSTILE[2],
        z_label=HOSTILE[3] if kind == "heatmap" else None,
        series=None if kind == "heatmap" else "class",
        series_labels={"resolved_early": HOSTILE[4]},
        horizontal=horizontal,
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


@pytest.mark.parametrize(
    ("kind", "horizontal"),
    [("bar", True), ("stacked_bar", False), ("line", False), ("heatmap", False)],
)
def test_every_label_of_a_figure_is_escaped(kind: str, horizontal: bool):
    figure = charts.to_plotly(hostile_spec(kind, horizontal), "vi")
    texts = _strings(json.loads(figure.to_json()))
    for text in texts:
        assert set(re.findall(r"<[^<>]*>", text)) <= {"<br>", "<extra>", "</extra>"}, text
    # Every label is there, as plotly.js will show it.
    shown = {plotly_shows(part) for text in texts for part in re.split(r"<[^<>]*>", text)}
    assert set(HOSTILE) <= shown
    assert f"{HOSTILE[0]} receives the most" in shown


def test_hover_templates_name_the_trace_instead_of_holding_its_name():
    figure = charts.to_plotly(hostile_spec("stacked_bar"), "vi")
    for trace in figure.data:
        assert trace.hovertemplate.startswith("%{fullData.name}<br>")
        assert "%{y} %{fullData.name}" not in trace.hovertemplate
    names = [trace.name for trace in figure.data]
    assert html_literal(HOSTILE[4]) in names  # the label of resolved_early
    assert html_literal(HOSTILE[0]) in names


def test_escaped_categories_keep_the_spec_order():
    figure = charts.to_plotly(hostile_spec("stacked_bar"), "vi")
    assert list(figure.layout.xaxis.categoryarray) == [html_literal(name) for name in HOSTILE]
    assert set(figure.data[0].x) <= set(figure.layout.xaxis.categoryarray)


def test_heatmap_colour_bar_of_small_counts_steps_by_one():
    grid = pl.DataFrame({"hour": ["7:00", "8:00"], "day": ["Thứ Hai"] * 2, "n": [0, 1]})
    heatmap = charts.ChartSpec("heatmap", grid, "hour", "day", "Peak", "Hour", "Day", z="n")
    assert charts.to_plotly(heatmap).data[0].colorbar.dtick == 1
    many = charts.ChartSpec(**{**heatmap.__dict__, "data": grid.with_columns(n=pl.Series([0, 40]))})
    assert charts.to_plotly(many).data[0].colorbar.dtick is None


@pytest.mark.parametrize("kind", ["bar", "stacked_bar", "line", "heatmap"])
def test_every_figure_is_drawn_on_the_white_template(kind: str):
    # Whatever Plotly's default is: Streamlit sets it to its own template when imported.
    import streamlit.elements.plotly_chart  # noqa: F401

    figure = charts.to_plotly(spec(kind, **({"z": "dossiers"} if kind == "heatmap" else {})))
    assert figure.layout.template.layout.plot_bgcolor == "white"
    assert figure.to_plotly_json()["layout"]["template"]["layout"]["paper_bgcolor"] == "white"
