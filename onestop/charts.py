"""Charts described once, rendered anywhere.

A ChartSpec says what to show (data, kind, columns, labels, number format); renderers turn it
into a Plotly figure for the dashboard and, later, a native PowerPoint chart or an HTML report.
Pages build specs with pure functions and never assemble figures themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import plotly.graph_objects as go
import polars as pl

from onestop import i18n

ChartKind = Literal["bar", "stacked_bar", "line", "area", "heatmap", "histogram"]
ValueFormat = Literal["count", "share", "decimal"]

# One colour per timeliness class on every page (Okabe–Ito: safe for colour-blind readers).
TIMELINESS_COLOURS = {
    "resolved_early": "#009E73",
    "resolved_on_time": "#56B4E9",
    "resolved_late": "#D55E00",
    "in_progress_within_deadline": "#F0E442",
    "in_progress_overdue": "#CC79A7",
}
CHANNEL_COLOURS = {"online": "#0072B2", "in_person": "#E69F00", "postal": "#999999"}
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


@dataclass(frozen=True)
class ChartSpec:
    """Everything a renderer needs: tidy data and what each column means."""

    kind: ChartKind
    data: pl.DataFrame
    x: str
    y: str
    title: str
    x_label: str
    y_label: str
    series: str | None = None  # column whose values become separate series
    series_labels: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)
    value_format: ValueFormat = "count"
    horizontal: bool = False
    z: str | None = None  # heatmap cell values
    x_date_format: str | None = None  # d3 format of a date x axis (default: the language's date)


def _tick_format(value_format: ValueFormat) -> str:
    return {"count": ",d", "share": ".0%", "decimal": ",.1f"}[value_format]


def _hover_format(value_format: ValueFormat) -> str:
    return {"count": ",d", "share": ".1%", "decimal": ",.1f"}[value_format]


def to_plotly(spec: ChartSpec, lang: str = i18n.DEFAULT_LANGUAGE) -> go.Figure:
    """A Plotly figure for a spec, with the language's number and date formats."""
    figure = go.Figure()
    is_date_axis = spec.data.schema.get(spec.x) in (pl.Date, pl.Datetime)
    date_format = spec.x_date_format or i18n.d3_date_format(lang)
    if spec.kind == "heatmap":
        _add_heatmap(figure, spec)
    else:
        # Hovers need the format too: Plotly's default shows English month names.
        _add_series(figure, spec, date_format if is_date_axis else None)
    value_axis = {"title": spec.y_label, "tickformat": _tick_format(spec.value_format)}
    category_axis: dict = {"title": spec.x_label}
    if is_date_axis:
        category_axis["tickformat"] = date_format
    figure.update_layout(
        title={"text": spec.title, "font": {"size": 20}},
        separators=i18n.plotly_separators(lang),
        barmode="stack" if spec.kind == "stacked_bar" else "group",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
        margin={"t": 90, "l": 10, "r": 10, "b": 10},
        font={"size": 15, "family": "Noto Sans, Arial, sans-serif"},
        hoverlabel={"font_size": 15},
        xaxis=value_axis if spec.horizontal else category_axis,
        yaxis=category_axis if spec.horizontal else value_axis,
        template="plotly_white",
    )
    if spec.kind != "heatmap" and spec.horizontal:
        figure.update_yaxes(autorange="reversed")
    return figure


def _series_values(spec: ChartSpec) -> list:
    if spec.series is None:
        return [None]
    return spec.data[spec.series].unique(maintain_order=True).to_list()


def _add_series(figure: go.Figure, spec: ChartSpec, date_format: str | None = None) -> None:
    hover_value = f"%{{{'x' if spec.horizontal else 'y'}:{_hover_format(spec.value_format)}}}"
    category = "y" if spec.horizontal else "x"
    hover_category = f"%{{{category}|{date_format}}}" if date_format else f"%{{{category}}}"
    for index, value in enumerate(_series_values(spec)):
        rows = spec.data if value is None else spec.data.filter(pl.col(spec.series) == value)
        name = spec.series_labels.get(str(value), str(value)) if value is not None else spec.y_label
        colour = spec.colours.get(str(value), SERIES_COLOURS[index % len(SERIES_COLOURS)])
        xs, ys = rows[spec.x].to_list(), rows[spec.y].to_list()
        if spec.horizontal:
            xs, ys = ys, xs
        hover = f"{name}<br>{hover_category}: {hover_value}<extra></extra>"
        if spec.kind in ("bar", "stacked_bar"):
            trace = go.Bar(
                x=xs,
                y=ys,
                name=name,
                marker_color=colour,
                hovertemplate=hover,
                orientation="h" if spec.horizontal else "v",
            )
        elif spec.kind == "histogram":
            trace = go.Bar(x=xs, y=ys, name=name, marker_color=colour, hovertemplate=hover)
        else:
            trace = go.Scatter(
                x=xs,
                y=ys,
                name=name,
                mode="lines",
                line={"color": colour, "width": 3},
                fill="tozeroy" if spec.kind == "area" else None,
                hovertemplate=hover,
            )
        figure.add_trace(trace)


def _add_heatmap(figure: go.Figure, spec: ChartSpec) -> None:
    if spec.z is None:
        raise ValueError("a heatmap needs z")
    pivot = spec.data.pivot(on=spec.x, index=spec.y, values=spec.z, sort_columns=True)
    columns = [c for c in pivot.columns if c != spec.y]
    cell = f"%{{z:{_hover_format(spec.value_format)}}}"
    figure.add_trace(
        go.Heatmap(
            z=pivot.select(columns).to_numpy(),
            x=columns,
            y=pivot[spec.y].to_list(),
            colorscale="Blues",
            hovertemplate=f"%{{y}} · %{{x}}: {cell}<extra></extra>",
        )
    )
