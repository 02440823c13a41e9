"""The bytes of the CSV and Excel files users download: data a spreadsheet shows, never runs.

Agency, field, procedure and staff names come from imported files. In CSV a text cell starting
with `=`, `+`, `-`, `@`, tab or CR is a formula to Excel, so it gets a leading `'` (text.csv_safe).
In XLSX every text cell is written as a string, so `=1+1` stays text as written, and no text
becomes a hyperlink.
"""

from __future__ import annotations

import io

import polars as pl
import polars.selectors as cs
import xlsxwriter

from onestop.core.text import csv_safe

# The options polars uses for a workbook it creates, plus no automatic hyperlinks; spelled out
# here so that the guarantee does not rest on another library's defaults.
WORKBOOK_OPTIONS = {
    "in_memory": True,  # no temporary files; the downloads are small
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
    "default_date_format": "yyyy-mm-dd",
}


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Categorical columns as plain text, so that the text rules reach them too."""
    return frame.with_columns(cs.categorical().cast(pl.String), cs.enum().cast(pl.String))


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as UTF-8 CSV with a BOM (so Excel reads Vietnamese), formula cells quoted."""
    return csv_safe(_as_text(frame)).write_csv().encode("utf-8-sig")


def xlsx_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as an .xlsx workbook: numbers as numbers, every text cell a string."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    _as_text(frame).write_excel(workbook, autofit=True)
    workbook.close()
    return buffer.getvalue()
