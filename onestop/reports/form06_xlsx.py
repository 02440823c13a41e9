"""Biểu 06 as an Excel workbook laid out like the official form (Thông tư 01/2020/TT-VPCP)."""

from __future__ import annotations

import io

import xlsxwriter

from onestop.core import i18n
from onestop.core.exports import WORKBOOK_OPTIONS
from onestop.reports.form06 import FORM06_COUNTS, FORM06_GROUPS, Form06, display_rows

TITLE_ROW = 0
PERIOD_ROW = 1
UNIT_ROW = 2
GROUP_ROW = 4  # first of the two header rows
NUMBER_ROW = 6  # the row of column numbers (1)…(13)
FIRST_DATA_ROW = 7
LAST_COLUMN = 12  # thirteen columns, A to M


def form06_to_xlsx(form: Form06, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The form as .xlsx bytes: title, period, unit, merged two-level header, numbered rows."""
    buffer = io.BytesIO()
    # Agency and field names are written with write_string; the options make any other write
    # of supplied text a string too, never a formula or a hyperlink.
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    formats = _formats(workbook)
    sheet = workbook.add_worksheet(i18n.t("report.sheet_name", lang))
    _write_heading(sheet, formats, form, lang)
    _write_header(sheet, formats, lang)
    row = FIRST_DATA_ROW
    for line in display_rows(form, i18n.t("report.grand_total", lang)):
        text_format, number_format = formats[f"{line.kind}_text"], formats[f"{line.kind}_number"]
        sheet.write_string(row, 0, line.number, formats[f"{line.kind}_centre"])
        sheet.write_string(row, 1, line.label, text_format)
        for column, name in enumerate(FORM06_COUNTS, start=2):
            sheet.write_number(row, column, int(line.counts[name]), number_format)
        row += 1
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 38)
    sheet.set_column(2, LAST_COLUMN, 11)
    sheet.freeze_panes(FIRST_DATA_ROW, 2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(GROUP_ROW, NUMBER_ROW)
    workbook.close()
    return buffer.getvalue()


def _formats(workbook: xlsxwriter.Workbook) -> dict:
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "vcenter"}
    cell = {**base, "border": 1}
    number = {**cell, "num_format": "#,##0", "align": "right"}
    bold = {"bold": True}
    total = {"bold": True, "bg_color": "#F2F2F2", "top": 2}
    return {
        "title": workbook.add_format({**base, "bold": True, "font_size": 13, "align": "center"}),
        "period": workbook.add_format({**base, "italic": True, "align": "center"}),
        "unit": workbook.add_format({**base, "italic": True, "align": "right"}),
        "header": workbook.add_format(
            {**cell, **bold, "align": "center", "text_wrap": True, "bg_color": "#DDEBF7"}
        ),
        "number_row": workbook.add_format({**cell, "italic": True, "align": "center"}),
        "field_text": workbook.add_format({**cell, "text_wrap": True}),
        "field_centre": workbook.add_format({**cell, "align": "center"}),
        "field_number": workbook.add_format(number),
        "agency_text": workbook.add_format({**cell, **bold, "text_wrap": True}),
        "agency_centre": workbook.add_format({**cell, **bold, "align": "center"}),
        "agency_number": workbook.add_format({**number, **bold}),
        "total_text": workbook.add_format({**cell, **total}),
        "total_centre": workbook.add_format({**cell, **total, "align": "center"}),
        "total_number": workbook.add_format({**number, **total}),
    }


def _write_heading(sheet, formats: dict, form: Form06, lang: str) -> None:
    period = i18n.t(
        "report.period",
        lang,
        start=i18n.format_date(form.filter.date_from, lang),
        end=i18n.format_date(form.filter.date_to, lang),
    )
    title, unit = i18n.t("report.title", lang), i18n.t("report.unit", lang)
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, LAST_COLUMN, title, formats["title"])
    sheet.merge_range(PERIOD_ROW, 0, PERIOD_ROW, LAST_COLUMN, period, formats["period"])
    sheet.merge_range(UNIT_ROW, 0, UNIT_ROW, LAST_COLUMN, unit, formats["unit"])
    sheet.set_row(TITLE_ROW, 22)


def _write_header(sheet, formats: dict, lang: str) -> None:
    header = formats["header"]
    sheet.merge_range(GROUP_ROW, 0, GROUP_ROW + 1, 0, i18n.t("report.col_stt", lang), header)
    sheet.merge_range(GROUP_ROW, 1, GROUP_ROW + 1, 1, i18n.t("report.col_field", lang), header)
    column = 2
    for group_key, columns in FORM06_GROUPS:
        last = column + len(columns) - 1
        sheet.merge_range(GROUP_ROW, column, GROUP_ROW, last, i18n.t(group_key, lang), header)
        for offset, (_, label_key) in enumerate(columns):
            sheet.write_string(GROUP_ROW + 1, column + offset, i18n.t(label_key, lang), header)
        column = last + 1
    for number in range(1, LAST_COLUMN + 2):
        sheet.write_string(NUMBER_ROW, number - 1, f"({number})", formats["number_row"])
    sheet.set_row(GROUP_ROW, 30)
    sheet.set_row(GROUP_ROW + 1, 45)
