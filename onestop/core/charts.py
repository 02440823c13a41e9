"""Charts described once, rendered anywhere.

A ChartSpec says what to show (data, kind, columns, labels, number format); renderers turn it
into a Plotly figure for the dashboard and, later, a native PowerPoint chart or an HTML report.
Pages build specs with pure functions and never assemble figures themselves.

A spec holds plain text: agency, field, procedure and staff names come from imported files, so
the Plotly renderer escapes every label it writes (Plotly reads a subset of HTML in titles, tick
labels, legends and hovers, `<a href>` included) and inserts no label into a hover template.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Literal

# Plotly imports pandas lazily inside its validators; two sessions drawing their first chart at
# once then race on a half-imported module ("partially initialized module 'pandas'"). Importing
# it here, before any session thread draws, removes the race.
import pandas  # noqa: F401
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from onestop.core import i18n
from onestop.core.text import html_literal

# Plotly's white template cut to the trace types we draw: naming "plotly_white" made Plotly copy
# and validate its defaults for all 24 trace types on every figure (twice the time). Passed on
# each figure, not set as Plotly's default: Streamlit sets that default to its own template.
_WHITE = pio.templates["plotly_white"]
TEMPLATE = go.layout.Template(
    layout=_WHITE.layout, data={kind: _WHITE.data[kind] for kind in ("bar", "scatter", "heatmap")}
)

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
TITLE_WIDTH = 80  # characters per title line at 20 px on a half-width projector slide
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


@dataclass(frozen=True)
class Guide:
    """A reference line across a chart: a target (value axis) or a marker (category axis)."""

    axis: Literal["value", "category"]
    at: object  # a value on that axis
    label: str
    colour: str = "#555555"
    below: bool = False  # the label under a horizontal line (two close lines keep apart)
    position: str | None = None  # Plotly's annotation_position, when the default would collide


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
    z_label: str | None = None  # heatmap colour-bar title
    show_values: bool = False  # print each bar's or cell's value on it
    x_period: Literal["day", "month"] = "day"  # how a date x axis is labelled
    height: int | None = None  # pixels; tall charts for many categories
    x_date_format: str | None = None  # d3 format of a date x axis (overrides x_period)
    x_marker: tuple[object, str] | None = None  # a dashed vertical line at x, with its label
    guides: tuple[Guide, ...] = ()  # target lines and markers, drawn dashed and labelled


def _tick_format(value_format: ValueFormat) -> str:
    return {"count": ",d", "share": ".0%", "decimal": ",.1f"}[value_format]


def _hover_format(value_format: ValueFormat) -> str:
    return {"count": ",d", "share": ".1%", "decimal": ",.1f"}[value_format]


def to_plotly(spec: ChartSpec, lang: str = i18n.DEFAULT_LANGUAGE) -> go.Figure:
    """A Plotly figure for a spec, with the language's number and date formats."""
    figure = go.Figure()
    if spec.kind == "heatmap":
        _add_heatmap(figure, spec)
    else:
        is_date_axis = spec.data.schema.get(spec.x) in (pl.Date, pl.Datetime)
        # Hovers need the format too: Plotly's default shows English month names.
        _add_series(figure, spec, _date_format(spec, lang) if is_date_axis else None)
    value_axis = {
        "title": html_literal(spec.y_label),
        "tickformat": _tick_format(spec.value_format),
    }
    if spec.kind != "heatmap" and spec.value_format == "count" and _largest_value(spec) < 10:
        # Plotly would put ticks at 0.5 steps and print them rounded: 0, 1, 1, 2, 2.
        value_axis["dtick"] = 1
    category_axis = _category_axis(spec, lang)
    # Plotly never wraps titles; a finding stated in a long sentence would be cut off.
    title_lines = textwrap.wrap(spec.title, TITLE_WIDTH) or [""]
    if spec.kind == "heatmap":
        # The first row of the data goes on top, as in a table.
        value_axis = {
            "title": html_literal(spec.y_label),
            "type": "category",
            "autorange": "reversed",
        }
    figure.update_layout(
        title={"text": "<br>".join(map(html_literal, title_lines)), "font": {"size": 20}},
        separators=i18n.plotly_separators(lang),
        barmode="stack" if spec.kind == "stacked_bar" else "group",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
        margin={"t": 66 + 26 * len(title_lines), "l": 10, "r": 10, "b": 10},
        font={"size": 15, "family": "Noto Sans, Arial, sans-serif"},
        hoverlabel={"font_size": 15},
        template=TEMPLATE,
        xaxis=value_axis if spec.horizontal else category_axis,
        yaxis=category_axis if spec.horizontal else value_axis,
        uniformtext={"minsize": 13, "mode": "hide"},
    )
    if spec.height is not None:
        figure.update_layout(height=spec.height)
    if spec.x_marker is not None:
        _add_marker(figure, *spec.x_marker)
    for guide in spec.guides:
        _add_guide(figure, guide, spec.horizontal)
    if spec.kind != "heatmap" and spec.horizontal:
        figure.update_yaxes(autorange="reversed")
    return figure


def _add_marker(figure: go.Figure, x: object, label: str) -> None:
    # A shape and an annotation, not add_vline(annotation_text=…): that one averages the x
    # values to place its text and fails on a date axis.
    figure.add_shape(
        type="line",
        x0=x,
        x1=x,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"color": "#444444", "width": 2, "dash": "dash"},
    )
    figure.add_annotation(
        x=x,
        y=1,
        xref="x",
        yref="paper",
        text=html_literal(label),
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font={"size": 14, "color": "#444444"},
        bgcolor="rgba(255,255,255,0.8)",
    )


def _add_guide(figure: go.Figure, guide: Guide, horizontal: bool) -> None:
    """A dashed line with its label (escaped: labels may carry names from the data)."""
    across = (guide.axis == "value") != horizontal  # a horizontal line
    at = html_literal(guide.at) if isinstance(guide.at, str) else guide.at
    line = {"line_dash": "dash", "line_color": guide.colour, "line_width": 2}
    label = {
        "annotation_text": html_literal(guide.label),
        "annotation_font_color": guide.colour,
        "annotation_bgcolor": "rgba(255,255,255,0.8)",
    }
    if across:
        where = guide.position or ("bottom left" if guide.below else "top left")
        figure.add_hline(y=at, annotation_position=where, **line, **label)
    else:
        # At the foot of the plot by default: the top is the legend's.
        where = guide.position or "bottom right"
        figure.add_vline(x=at, annotation_position=where, **line, **label)


def _largest_value(spec: ChartSpec) -> float:
    """The tallest bar or point the value axis must reach (stacked series add up)."""
    if spec.data.is_empty():
        return 0.0
    if spec.kind == "stacked_bar":
        return float(spec.data.group_by(spec.x).agg(pl.col(spec.y).sum())[spec.y].max())
    return float(spec.data[spec.y].max())


def _date_format(spec: ChartSpec, lang: str) -> str:
    """The d3 format for a date x axis: the spec's own, else by period, in the language."""
    if spec.x_date_format:
        return spec.x_date_format
    return i18n.d3_month_format(lang) if spec.x_period == "month" else i18n.d3_date_format(lang)


def _category_axis(spec: ChartSpec, lang: str) -> dict:
    """The x (category) axis: dates in the language's format, other categories in data order."""
    axis: dict = {"title": html_literal(spec.x_label)}
    dtype = spec.data.schema.get(spec.x)
    if dtype in (pl.Date, pl.Datetime):
        date_format = _date_format(spec, lang)
        axis.update(tickformat=date_format, hoverformat=date_format)
        if spec.x_period == "month":
            axis["dtick"] = "M1"
    elif spec.kind == "heatmap" or dtype == pl.String:
        # The spec's row order is the chart's order (Plotly would otherwise order categories
        # by first appearance across traces, which scrambles stacked series).
        axis.update(
            type="category",
            categoryorder="array",
            categoryarray=_labels(
                spec.data[spec.x].cast(pl.String).unique(maintain_order=True).to_list()
            ),
        )
    return axis


def _labels(values: list) -> list:
    """Category values that Plotly shows verbatim: text escaped, numbers and dates unchanged."""
    return [html_literal(value) if isinstance(value, str) else value for value in values]


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
        xs, ys = _labels(rows[spec.x].to_list()), rows[spec.y].to_list()
        if spec.horizontal:
            xs, ys = ys, xs
        # The trace's name is looked up, not pasted in: a name holding `%{y}` stays text.
        hover = f"%{{fullData.name}}<br>{hover_category}: {hover_value}<extra></extra>"
        name = html_literal(name)
        if spec.kind in ("bar", "stacked_bar"):
            trace = go.Bar(
                x=xs,
                y=ys,
                name=name,
                marker_color=colour,
                hovertemplate=hover,
                orientation="h" if spec.horizontal else "v",
                texttemplate=hover_value if spec.show_values else None,
                textposition="inside" if spec.show_values else None,
                insidetextanchor="middle",
            )
        elif spec.kind == "histogram":
            trace = go.Bar(x=xs, y=ys, name=name, marker_color=colour, hovertemplate=hover)
        else:
            trace = go.Scatter(
                x=xs,
                y=ys,
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 3},
                fill="tozeroy" if spec.kind == "area" else None,
                hovertemplate=hover,
            )
        figure.add_trace(trace)


def _add_heatmap(figure: go.Figure, spec: ChartSpec) -> None:
    if spec.z is None:
        raise ValueError("a heatmap needs z")
    # Rows and columns keep the order of the spec's data (e.g. Monday first, 7 h first).
    frame = spec.data.with_columns(pl.col(spec.x).cast(pl.String))
    pivot = frame.pivot(on=spec.x, index=spec.y, values=spec.z, sort_columns=False)
    columns = [c for c in pivot.columns if c != spec.y]
    cell = f"%{{z:{_hover_format(spec.value_format)}}}"
    colorbar = {
        "title": {"text": html_literal(spec.z_label or "")},
        "tickformat": _tick_format(spec.value_format),
    }
    if spec.value_format == "count" and (spec.data[spec.z].max() or 0) < 10:
        colorbar["dtick"] = 1  # as on value axes: 0.2 steps would print 0, 0, 0, 1, 1, 1
    figure.add_trace(
        go.Heatmap(
            z=pivot.select(columns).to_numpy(),
            x=_labels(columns),
            y=_labels(pivot[spec.y].cast(pl.String).to_list()),
            colorscale="Blues",
            hovertemplate=f"%{{y}} · %{{x}}: {cell}<extra></extra>",
            texttemplate=cell if spec.show_values else None,
            textfont={"size": 14},
            colorbar=colorbar,
        )
    )
