"""A chart's numbers as categories and series: what a native PowerPoint chart holds and what a
person's download shows, both read off the same ChartSpec the screen draws.

Categories are text in the language (dates as the chart's axis writes them: 05/2023 or
May 2023); each series is a name in the language and one value per category (None where the
chart has no point). A heatmap reads as rows (its y) by columns (its x), as it is drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from onestop.core import i18n
from onestop.core.charts import ChartSpec


@dataclass(frozen=True)
class Series:
    """One series of a chart: its key in the data, its name in the language, its values."""

    key: str | None
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class ChartSeries:
    """A chart as a category axis and the series drawn against it."""

    category_label: str
    categories: list[str]
    series: list[Series]


def date_format(spec: ChartSpec, lang: str) -> str:
    """The strftime format of a date axis: the spec's own, else by period, in the language.

    The d3 formats the charts use (%d/%m/%Y, %m/%Y, %b %Y, %Y-%m-%d) read the same in strftime.
    """
    if spec.x_date_format:
        return spec.x_date_format
    return i18n.d3_month_format(lang) if spec.x_period == "month" else i18n.d3_date_format(lang)


def category_text(value: object, spec: ChartSpec, lang: str) -> str:
    """A category as the chart's axis shows it."""
    if isinstance(value, dt.date):
        return value.strftime(date_format(spec, lang))
    if value is None:
        return "—"
    if isinstance(value, float):
        # A volume factor such as 2.8284271247461903 reads 2,83 (vi) or 2.83 (en).
        text = i18n.format_decimal(value, lang, 2)
        decimal = "," if lang == "vi" else "."
        return text.rstrip("0").rstrip(decimal) if decimal in text else text
    return str(value)


def category_keys(spec: ChartSpec) -> list:
    """The x values in the order the screen shows them: numbers and dates ascending (Plotly
    draws them on a continuous axis), text in the spec's row order."""
    keys = spec.data[spec.x].unique(maintain_order=True)
    dtype = spec.data.schema[spec.x]
    if dtype.is_numeric() or dtype.is_temporal():
        keys = keys.sort()
    return keys.to_list()


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if number == number else None  # NaN reads as no point


def chart_series(spec: ChartSpec, lang: str) -> ChartSeries:
    """The categories and series of a chart, in the order the screen draws them."""
    if spec.kind == "heatmap":
        return _heatmap_series(spec, lang)
    keys = category_keys(spec)
    categories = [category_text(key, spec, lang) for key in keys]
    if spec.series is None:
        values = dict(zip(spec.data[spec.x].to_list(), spec.data[spec.y].to_list(), strict=True))
        only = Series(None, spec.y_label, [_number(values.get(key)) for key in keys])
        return ChartSeries(spec.x_label, categories, [only])
    found = []
    for name in spec.data[spec.series].unique(maintain_order=True).to_list():
        rows = spec.data.filter(pl.col(spec.series) == name)
        values = dict(zip(rows[spec.x].to_list(), rows[spec.y].to_list(), strict=True))
        label = spec.series_labels.get(str(name), str(name))
        found.append(Series(str(name), label, [_number(values.get(key)) for key in keys]))
    return ChartSeries(spec.x_label, categories, found)


def _heatmap_series(spec: ChartSpec, lang: str) -> ChartSeries:
    if spec.z is None:
        raise ValueError("a heatmap needs z")
    rows = spec.data[spec.y].unique(maintain_order=True).to_list()
    columns = spec.data[spec.x].unique(maintain_order=True).to_list()
    cells = {
        (row, column): value
        for row, column, value in spec.data.select(spec.y, spec.x, spec.z).iter_rows()
    }
    series = [
        Series(
            category_text(column, spec, lang),
            category_text(column, spec, lang),
            [_number(cells.get((row, column))) for row in rows],
        )
        for column in columns
    ]
    return ChartSeries(spec.y_label, [category_text(row, spec, lang) for row in rows], series)


def chart_frame(spec: ChartSpec, lang: str) -> pl.DataFrame:
    """The chart as a table for people: the category column, then one column per series.

    Headers are the chart's own words in the language; series names that repeat (two staff
    of the same name) get a number so that no column is lost.
    """
    drawn = chart_series(spec, lang)
    columns: dict[str, list] = {drawn.category_label: drawn.categories}
    for series in drawn.series:
        name, number = series.name, 2
        while name in columns:
            name, number = f"{series.name} ({number})", number + 1
        columns[name] = series.values
    schema = {name: pl.String if index == 0 else pl.Float64 for index, name in enumerate(columns)}
    frame = pl.DataFrame(columns, schema=schema)
    if spec.value_format == "count" and all(
        value is None or float(value).is_integer()
        for series in drawn.series
        for value in series.values
    ):
        frame = frame.with_columns(pl.exclude(drawn.category_label).cast(pl.Int64))
    return frame
