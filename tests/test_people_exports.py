"""Downloads for people: headers and labels in the language, a named sheet, a title row."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import polars as pl

from onestop.core.charts import ChartSpec
from onestop.meeting import downloads
from onestop.views import throughput

FLOW = pl.DataFrame(
    {
        "period_start": [dt.date(2023, 1, 1), dt.date(2023, 2, 1)] * 3,
        "channel": [2, 2, 1, 1, 3, 3],
        "received": [140, 150, 2, 1, 0, 3],
        "resolved": [100, 160, 2, 1, 0, 3],
        "carried_over": [0, 0, 0, 0, 0, 0],
    },
    schema_overrides={"channel": pl.Int8},
)
CONTEXT = "01/01/2023 – 28/02/2023 · Cơ quan: Tất cả cơ quan"


def received_table(lang: str) -> downloads.PeopleTable:
    spec = throughput.received_spec(FLOW, "month", lang)
    return downloads.for_chart(spec, "throughput_received", lang, CONTEXT, is_demo=True)


def test_chart_download_speaks_vietnamese():
    table = received_table("vi")
    assert table.frame.columns == ["Tháng", "Trực tuyến", "Trực tiếp", "Bưu chính công ích"]
    assert table.frame.row(0) == ("01/2023", 140, 2, 0)
    text = downloads.csv_bytes(table).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Hồ sơ tiếp nhận theo kỳ"]
    assert lines[1] == [CONTEXT]
    assert lines[2][0].startswith("Dữ liệu minh họa")
    assert ["Tháng", "Trực tuyến", "Trực tiếp", "Bưu chính công ích"] in lines
    for code in ("period_start", "channel", "received", "online", "in_person"):
        assert code not in text


def test_chart_download_xlsx_names_its_sheet_and_keeps_numbers():
    workbook = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(received_table("vi"), "vi")))
    assert workbook.sheetnames == ["Hồ sơ tiếp nhận theo kỳ"]
    sheet = workbook.active
    assert sheet["A1"].value == "Hồ sơ tiếp nhận theo kỳ"
    assert sheet["A2"].value == CONTEXT
    assert sheet["A3"].value.startswith("Dữ liệu minh họa")
    header = [cell.value for cell in sheet[6]]
    assert header == ["Tháng", "Trực tuyến", "Trực tiếp", "Bưu chính công ích"]
    assert [cell.value for cell in sheet[7]] == ["01/2023", 140, 2, 0]
    assert sheet["B7"].number_format == "#,##0"


def test_english_download_speaks_english():
    table = received_table("en")
    assert table.frame.columns == ["Month", "Online", "In person", "Public postal service"]
    assert table.frame["Month"].to_list() == ["Jan 2023", "Feb 2023"]


def test_table_download_uses_headings_words_and_formats():
    frame = pl.DataFrame(
        {
            "staff": [1, 2],
            "model": ["Mô phỏng", "Erlang C"],
            "utilisation": [0.194, 0.097],
            "meets_target": [True, False],
        }
    )
    labels = {"staff": "Nhân viên", "model": "Mô hình", "utilisation": "Mức bận",
              "meets_target": "Đạt mục tiêu"}  # fmt: skip
    table = downloads.for_table(
        frame, "staffing_scenarios", labels, "vi", CONTEXT, False, shares=("utilisation",)
    )
    assert table.frame.columns == ["Nhân viên", "Mô hình", "Mức bận", "Đạt mục tiêu"]
    assert table.frame["Đạt mục tiêu"].to_list() == ["đạt", "không"]
    sheet = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(table, "vi"))).active
    assert sheet.title == "Các phương án nhân lực"
    assert sheet["C5"].number_format == "0.0%"
    assert sheet["C5"].value == 0.194


def test_supplied_text_stays_text():
    frame = pl.DataFrame({"agency": ['=HYPERLINK("http://x")', "@SUM(A1)"], "dossiers": [1, 2]})
    table = downloads.for_table(frame, "agency_load_agencies", {}, "vi", "=1+1", False)
    text = downloads.csv_bytes(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'=1+1" in text
    sheet = openpyxl.load_workbook(io.BytesIO(downloads.xlsx_bytes(table, "vi"))).active
    assert sheet["A5"].value == '=HYPERLINK("http://x")'
    assert sheet["A5"].data_type == "s"


def test_sheet_names_and_file_stems_are_safe():
    assert downloads.sheet_name("Tỷ lệ [đúng hạn]: 2023/2024?") == "Tỷ lệ đúng hạn 2023 2024"
    assert len(downloads.sheet_name("x" * 80)) == 31
    stem = downloads.file_stem(
        "Hồ sơ tiếp nhận theo kỳ", dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    )
    assert stem == "ho-so-tiep-nhan-theo-ky_2023-01-01_2023-12-31"


def test_heatmap_download_is_the_grid_as_drawn():
    data = pl.DataFrame(
        {
            "day": ["Thứ Hai", "Thứ Hai", "Thứ Ba", "Thứ Ba"],
            "time": ["7:00", "8:00", "7:00", "8:00"],
            "dossiers": [1, 9, 0, 4],
        }
    )
    spec = ChartSpec("heatmap", data, "time", "day", "t", "Giờ", "Thứ", z="dossiers")
    table = downloads.for_chart(spec, "receptions_weekday_hour", "vi", CONTEXT, False)
    assert table.frame.columns == ["Thứ", "7:00", "8:00"]
    assert table.frame.rows() == [("Thứ Hai", 1, 9), ("Thứ Ba", 0, 4)]


def test_form06_workbook_marks_demo_data_and_lists_its_agencies(demo_db):
    from onestop.core import db
    from onestop.core.filters import pilot_filter
    from onestop.reports import form06 as report
    from onestop.reports.form06_xlsx import NOTE_ROW, form06_to_xlsx

    store = db.Store(demo_db)
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    form = report.build_form06(store, chosen)
    data = form06_to_xlsx(form, "vi", is_demo=True, filters="6 cơ quan thí điểm")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    lines = sheet.cell(NOTE_ROW + 1, 1).value.split("\n")
    assert lines[0].startswith("Dữ liệu minh họa")
    assert lines[1].startswith("Cơ quan trong biểu (6): ")
    for name in form.agency_subtotals()["agency"]:
        assert name in lines[1]
    assert lines[2] == "Bộ lọc: 6 cơ quan thí điểm"
    real = openpyxl.load_workbook(io.BytesIO(form06_to_xlsx(form, "vi"))).active
    assert not real.cell(NOTE_ROW + 1, 1).value.startswith("Dữ liệu minh họa")
