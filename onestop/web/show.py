"""Showing results: charts from their specs, tables with numbers written the language's way, and
every chart's and table's data as CSV and XLSX downloads.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import streamlit as st

from onestop.core import charts, exports, i18n
from onestop.core.charts import ChartSpec
from onestop.core.filters import DossierFilter
from onestop.web import meeting


def downloads(frame: pl.DataFrame, name: str, lang: str) -> None:
    """CSV and XLSX download buttons for a frame (a chart's data or a table), formula-free."""
    csv_column, xlsx_column, _ = st.columns([1, 1, 4])
    csv_column.download_button(
        i18n.t("app.download_csv", lang),
        exports.csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{name}_csv",
        icon=":material/download:",
    )
    xlsx_column.download_button(
        i18n.t("app.download_xlsx", lang),
        exports.xlsx_bytes(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{name}_xlsx",
        icon=":material/download:",
    )


def show_chart(spec: ChartSpec, name: str, lang: str, chosen: DossierFilter | None = None) -> None:
    """A chart from its spec, with PNG export in its toolbar and its data as CSV/XLSX (made for
    people, with the filter's period and names in a title row, when `chosen` is given)."""
    st.plotly_chart(
        charts.to_plotly(spec, lang),
        key=f"{name}_chart",
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        },
    )
    if chosen is None:
        downloads(spec.data, name, lang)
    else:
        meeting.chart_downloads(spec, name, chosen, lang)


def show_table(
    frame: pl.DataFrame,
    key: str,
    lang: str,
    labels: Mapping[str, str],
    shares: tuple[str, ...] = (),
    decimals: Mapping[str, int] | None = None,
    chosen: DossierFilter | None = None,
) -> None:
    """A sortable table with numbers written the language's way (1.700; 98,2%) and downloads
    (made for people, under the on-screen headings, when `chosen` is given).

    The numbers stay numbers underneath, so clicking a header sorts by value, not by text.
    """
    decimals = decimals or {}

    def formatter(name: str, dtype: pl.DataType):
        if name in shares:
            return lambda value: i18n.format_share(value, lang)
        if name in decimals:
            return lambda value: i18n.format_decimal(value, lang, decimals[name])
        if dtype.is_integer():
            return lambda value: i18n.format_int(value, lang)
        if dtype.is_float():
            return lambda value: i18n.format_decimal(value, lang, 2)
        return None

    formats = {
        name: fmt
        for name, dtype in frame.schema.items()
        if (fmt := formatter(name, dtype)) is not None
    }
    # Streamlit's grid draws a missing number as "None" whatever the Styler says: a column with
    # gaps is shown as its formatted text (sorting it sorts text; the downloads keep numbers).
    gaps = [name for name in formats if frame[name].null_count()]
    shown = frame.with_columns(
        *(
            pl.col(name).map_elements(formats[name], return_dtype=pl.String).fill_null("—")
            for name in gaps
        ),
        pl.col(pl.String).fill_null("—"),
    )
    styled = shown.to_pandas().style.format(
        {name: fmt for name, fmt in formats.items() if name not in gaps}, na_rep="—"
    )
    st.dataframe(
        styled,
        key=key,
        hide_index=True,
        column_config={name: labels.get(name, name) for name in frame.columns},
    )
    if chosen is None:
        downloads(frame, key, lang)
    else:
        meeting.table_downloads(frame, key, labels, chosen, lang, shares, decimals)
