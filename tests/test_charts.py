"""Chart specs render to Plotly figures with the language's formats and readable axes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from onestop import charts


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
