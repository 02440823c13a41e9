"""Biểu 06 on a hand-counted database: each column per row and in total, the Excel file, CLI."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from onestop.cli import main as cli
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report
from onestop.reports.form06_xlsx import FIRST_DATA_ROW, form06_to_xlsx
from tests.fixtures import FORM06_PERIOD as PERIOD
from tests.fixtures import build_form06_db

COLUMNS = list(report.FORM06_COUNTS)

# Counted by hand from tests/fixtures.py (the Biểu 06 month), columns 3 to 13.
EXPECTED_ROWS = {
    ("Sở Alpha", "Công chứng"): [5, 3, 2, 0, 0, 0, 0, 0, 5, 3, 2],
    ("Sở Alpha", "Hộ tịch"): [5, 2, 2, 1, 5, 2, 2, 1, 0, 0, 0],
    ("Sở Beta", "Xây dựng"): [4, 2, 1, 1, 3, 0, 2, 1, 1, 0, 1],
}
EXPECTED_TOTAL = [14, 7, 5, 2, 8, 2, 4, 2, 6, 3, 3]
EXPECTED_SUBTOTALS = {
    "Sở Alpha": [10, 5, 4, 1, 5, 2, 2, 1, 5, 3, 2],
    "Sở Beta": [4, 2, 1, 1, 3, 0, 2, 1, 1, 0, 1],
}


@pytest.fixture
def database(tmp_path):
    return build_form06_db(tmp_path / "form06.duckdb")


@pytest.fixture
def form(database):
    store = Store(database)
    yield report.build_form06(store, DossierFilter(*PERIOD))
    store.close()


def test_every_column_of_every_row_matches_the_hand_count(form):
    actual = {
        (row["agency"], row["field"]): [int(row[c]) for c in COLUMNS]
        for row in form.rows.iter_rows(named=True)
    }
    assert actual == EXPECTED_ROWS


def test_total_and_agency_subtotals_match_the_hand_count(form):
    assert list(form.total.values()) == EXPECTED_TOTAL
    subtotals = {
        row["agency"]: [int(row[c]) for c in COLUMNS]
        for row in form.agency_subtotals().iter_rows(named=True)
    }
    assert subtotals == EXPECTED_SUBTOTALS
    assert form.identity_failures() == []


def test_identity_failures_are_reported_per_row_and_in_total(form):
    broken = report.Form06(
        form.filter, form.rows.with_columns(resolved_early=form.rows["resolved_early"] + 1)
    )
    failures = broken.identity_failures()
    # Col 7 = 8 + 9 + 10 fails on each of the three rows and in the total.
    assert len(failures) == 4
    assert all("col 7 = " in failure for failure in failures)
    assert failures[-1].startswith("Total: col 7 = ")
    assert broken.identity_failures("vi")[-1].startswith("Tổng cộng: cột 7 = ")


def test_display_rows_put_each_agency_before_its_fields_and_the_total_last(form):
    lines = report.display_rows(form, "Tổng cộng")
    assert [(line.kind, line.number, line.label) for line in lines] == [
        ("agency", "I", "Sở Alpha"),
        ("field", "1", "Công chứng"),
        ("field", "2", "Hộ tịch"),
        ("agency", "II", "Sở Beta"),
        ("field", "1", "Xây dựng"),
        ("total", "", "Tổng cộng"),
    ]
    assert list(lines[0].counts.values()) == EXPECTED_SUBTOTALS["Sở Alpha"]


def _sheet(form, lang="vi"):
    return openpyxl.load_workbook(io.BytesIO(form06_to_xlsx(form, lang))).active


def test_xlsx_has_the_official_title_period_and_merged_two_level_header(form):
    sheet = _sheet(form)
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert {"A1:M1", "A2:M2", "A3:M3", "A5:A6", "B5:B6", "C5:F5", "G5:J5", "K5:M5"} <= merged
    assert sheet["A1"].value == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert sheet["A2"].value == "Từ ngày 01/03/2023 đến ngày 31/03/2023"
    assert sheet["A3"].value == "Đơn vị tính: Số hồ sơ TTHC"
    assert sheet["C5"].value == "Số hồ sơ nhận giải quyết"
    assert sheet["G5"].value == "Số hồ sơ đã giải quyết"
    assert sheet["K5"].value == "Số hồ sơ đang giải quyết"
    assert [cell.value for cell in sheet[6]][2:] == [
        "Tổng số", "Trực tuyến", "Trực tiếp và dịch vụ bưu chính", "Từ kỳ trước",
        "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn",
        "Tổng số", "Trong hạn", "Quá hạn",
    ]  # fmt: skip
    assert [cell.value for cell in sheet[7]] == [f"({n})" for n in range(1, 14)]


def test_xlsx_rows_are_integers_grouped_by_agency_and_total_equals_the_json_report(
    form, database, capsys
):
    sheet = _sheet(form)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1)]
    assert [row[:2] for row in rows] == [
        ["I", "Sở Alpha"],
        ["1", "Công chứng"],
        ["2", "Hộ tịch"],
        ["II", "Sở Beta"],
        ["1", "Xây dựng"],
        ["", "Tổng cộng"],
    ]
    assert rows[0][2:] == [a + b for a, b in zip(rows[1][2:], rows[2][2:], strict=True)]
    assert all(isinstance(value, int) for row in rows for value in row[2:])
    assert sheet.cell(FIRST_DATA_ROW + 1, 3).number_format == "#,##0"

    argv = ["report", "--db", str(database), "--from", "2023-03-01", "--to", "2023-03-31"]
    assert cli.main([*argv, "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert rows[-1][2:] == [printed["total"][c] for c in COLUMNS] == EXPECTED_TOTAL


def test_xlsx_in_english_labels_the_header_in_english(form):
    sheet = _sheet(form, "en")
    assert sheet["C5"].value == "Dossiers taken in"
    assert sheet.title == "Form 06"


def test_cli_writes_xlsx_with_out_and_refuses_without(database, tmp_path, capsys):
    argv = ["report", "--db", str(database), "--from", "2023-03-01", "--to", "2023-03-31"]
    assert cli.main([*argv, "--format", "xlsx"]) == 2
    assert "--out" in capsys.readouterr().err
    out = tmp_path / "bieu06.xlsx"
    assert cli.main([*argv, "--format", "xlsx", "--out", str(out), "--agency", "SB"]) == 0
    sheet = openpyxl.load_workbook(out).active
    total = [cell.value for cell in sheet[sheet.max_row]]
    assert total[1] == "Tổng cộng"
    assert total[2:] == EXPECTED_SUBTOTALS["Sở Beta"]
