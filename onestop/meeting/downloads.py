"""Downloads made for people: the headers and category labels of the page's language, a sheet
named for its content, a title row with the period and filters, and a demo mark.

A chart's download is the chart as drawn (chart_table.chart_frame: "Tháng | Trực tuyến | Trực
tiếp | …", never `period_start, channel, received` or `online/in_person`); a table's download is
its columns under their on-screen headings. Text cells keep the house rules of onestop.exports:
a CSV cell starting like a formula gets a `'`, an XLSX text cell is always a string.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
import xlsxwriter

from onestop.core import i18n
from onestop.core.chart_table import chart_frame
from onestop.core.charts import ChartSpec
from onestop.core.exports import WORKBOOK_OPTIONS
from onestop.core.text import csv_cell, fold

SHEET_NAME_LIMIT = 31  # Excel's limit
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class PeopleTable:
    """A table ready for people: headings in the language and how each column is written."""

    name: str  # the content's name in the language: the sheet's name and the file's stem
    frame: pl.DataFrame  # columns already named in the language
    title_lines: tuple[str, ...]  # above the table: what it is, the period and filters, demo
    shares: frozenset[str] = field(default_factory=frozenset)
    decimals: Mapping[str, int] = field(default_factory=dict)


def content_name(key: str, lang: str, fallback: str) -> str:
    """The short name of a chart or table (`downloads.name_<key>`), else the fallback."""
    full_key = f"downloads.name_{key}"
    return i18n.t(full_key, lang) if full_key in i18n.catalogue() else fallback


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    cleaned = " ".join(_SHEET_FORBIDDEN.sub(" ", name).split()).strip("'") or "Sheet"
    return cleaned[:SHEET_NAME_LIMIT].rstrip()


def file_stem(name: str, date_from: dt.date, date_to: dt.date) -> str:
    """An ASCII file name for a download: `tiep-nhan-theo-ky_2023-01-01_2023-12-31`."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "onestop"
    return f"{slug[:60]}_{date_from.isoformat()}_{date_to.isoformat()}"


def title_lines(name: str, context: str, is_demo: bool, lang: str) -> tuple[str, ...]:
    """The lines above a table: its name, the period and filters, and the demo mark."""
    lines = [name, context]
    if is_demo:
        lines.append(i18n.t("deck.demo_note", lang))
    return tuple(lines)


def for_chart(spec: ChartSpec, key: str, lang: str, context: str, is_demo: bool) -> PeopleTable:
    """A chart's figures as drawn, under the chart's own words."""
    name = content_name(key, lang, spec.y_label)
    frame = chart_frame(spec, lang)
    shares = frozenset(frame.columns[1:]) if spec.value_format == "share" else frozenset()
    decimals = {column: 1 for column in frame.columns[1:]} if spec.value_format == "decimal" else {}
    return PeopleTable(
        name, frame, (*title_lines(name, context, is_demo, lang), spec.title), shares, decimals
    )


def for_table(
    frame: pl.DataFrame,
    key: str,
    labels: Mapping[str, str],
    lang: str,
    context: str,
    is_demo: bool,
    shares: tuple[str, ...] = (),
    decimals: Mapping[str, int] | None = None,
) -> PeopleTable:
    """A table's columns under their on-screen headings; yes/no written as words."""
    name = content_name(key, lang, key)
    yes, no = i18n.t("staffing.yes", lang), i18n.t("staffing.no", lang)
    readable = frame.with_columns(
        pl.col(column).replace_strict({True: yes, False: no}, return_dtype=pl.String)
        for column, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )
    renamed = _unique_names([labels.get(column, column) for column in frame.columns])
    readable = readable.rename(dict(zip(frame.columns, renamed, strict=True)))
    lookup = dict(zip(frame.columns, renamed, strict=True))
    return PeopleTable(
        name,
        readable,
        title_lines(name, context, is_demo, lang),
        frozenset(lookup[column] for column in shares if column in lookup),
        {lookup[column]: digits for column, digits in (decimals or {}).items() if column in lookup},
    )


def _unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name} ({count + 1})")
    return unique


def csv_bytes(table: PeopleTable) -> bytes:
    """UTF-8 CSV with a BOM: the title lines, a blank line, then the header and the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in table.title_lines:
        writer.writerow([csv_cell(line)])
    writer.writerow([])
    writer.writerow([csv_cell(column) for column in table.frame.columns])
    for row in table.frame.iter_rows():
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def xlsx_bytes(table: PeopleTable, lang: str) -> bytes:
    """One sheet named for the content: title rows, then a header row and typed cells."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet(sheet_name(table.name))
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "line": workbook.add_format({"italic": True}),
        "demo": workbook.add_format({"italic": True, "font_color": "#7A3E00"}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#E8EFF7", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "count": workbook.add_format({"num_format": "#,##0", "border": 1}),
        "share": workbook.add_format({"num_format": "0.0%", "border": 1}),
        "decimal1": workbook.add_format({"num_format": "#,##0.0", "border": 1}),
        "decimal2": workbook.add_format({"num_format": "#,##0.00", "border": 1}),
        "date": workbook.add_format(
            {"num_format": "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd", "border": 1}
        ),
        "text": workbook.add_format({"border": 1}),
    }
    demo_line = i18n.t("deck.demo_note", lang)
    for row, line in enumerate(table.title_lines):
        style = "title" if row == 0 else "demo" if line == demo_line else "line"
        sheet.write_string(row, 0, line, formats[style])
    header_row = len(table.title_lines) + 1
    widths = []
    for column, name in enumerate(table.frame.columns):
        sheet.write_string(header_row, column, name, formats["header"])
        style = _column_style(table, name)
        values = table.frame[name].to_list()
        for offset, value in enumerate(values, start=1):
            _write_cell(sheet, header_row + offset, column, value, formats[style], formats)
        longest = max([len(name), *(len(str(value)) for value in values[:500])])
        widths.append(min(max(longest + 2, 8), 60))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(header_row + 1, 1)
    if table.frame.width:
        sheet.autofilter(header_row, 0, header_row + table.frame.height, table.frame.width - 1)
    workbook.close()
    return buffer.getvalue()


def _column_style(table: PeopleTable, name: str) -> str:
    dtype = table.frame.schema[name]
    if name in table.shares:
        return "share"
    if name in table.decimals:
        return "decimal1" if table.decimals[name] <= 1 else "decimal2"
    if dtype.is_integer():
        return "count"
    if dtype.is_float():
        return "decimal2"
    if dtype.is_temporal():
        return "date"
    return "text"


def _write_cell(sheet, row: int, column: int, value: object, style, formats: dict) -> None:
    if value is None:
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        sheet.write_string(row, column, str(value), formats["text"])
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(row, column, value, style)
    else:
        sheet.write_string(row, column, str(value), formats["text"])
