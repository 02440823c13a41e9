"""Every file we write opens in a spreadsheet as data: no formula, no hyperlink, no markup.

The frames are the ones the pages offer for download, read from the hostile database; the bytes
come from the same builders the pages call (core.exports, reports.form06, reports.form06_xlsx).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from onestop.cli import main as cli
from onestop.core import exports, i18n
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.core.text import markdown_literal
from onestop.reports import form06 as report
from onestop.reports.form06_xlsx import form06_to_xlsx
from tests.fixtures import (
    AT,
    BOLD,
    FORMULA,
    HOSTILE_TEXTS,
    LINK,
    MARKDOWN,
    MINUS,
    PLUS,
    SCRIPT,
    TAB,
    build_hostile_db,
)

PERIOD = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 6, 30))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Downloads offered by the pages (name of the query, as the page calls it).
DOWNLOADED_QUERIES = [
    "receptions_by_agency",
    "receptions_by_staffer",
    "resolved_timeliness_by_procedure_month",
    "resolved_days_late",
    "index766_by_procedure",
    "form06_rows",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store(build_hostile_db(tmp_path_factory.mktemp("hostile") / "hostile.duckdb"))


def downloaded(store: Store, name: str) -> pl.DataFrame:
    params = PERIOD.params()
    if name == "index766_by_procedure":
        from onestop.reports import index766

        params = index766.query_params(PERIOD)
    return store.query(name, params)


def overdue(store: Store) -> pl.DataFrame:
    return store.query("overdue_dossiers_in_progress", {**PERIOD.params(), "order_by": "due_on"})


def cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def assert_formula_free(text: str) -> list[list[str]]:
    """Every cell that starts like a formula is a plain number (e.g. -3 days); returns the rows."""
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                float(cell)  # raises for text such as =HYPERLINK(...)
    return rows


def assert_text_cells_are_strings(data: bytes) -> list[object]:
    """No cell of the workbook is a formula or a hyperlink; returns every cell's value."""
    values = []
    for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                assert cell.hyperlink is None, (cell.coordinate, cell.value)
                values.append(cell.value)
    return values


@pytest.mark.parametrize("name", DOWNLOADED_QUERIES)
def test_csv_downloads_quote_formula_cells(store: Store, name: str) -> None:
    frame = downloaded(store, name)
    data = exports.csv_bytes(frame)
    assert data.startswith("\ufeff".encode())
    rows = assert_formula_free(data.decode("utf-8-sig"))
    assert len(rows) == frame.height + 1


def test_the_overdue_list_download_quotes_formula_names(store: Store) -> None:
    frame = overdue(store)
    assert FORMULA in frame["agency"].to_list() and TAB in frame["procedure"].to_list()
    text = exports.csv_bytes(frame).decode("utf-8-sig")
    assert_formula_free(text)
    assert {f"'{FORMULA}", f"'{TAB}", f"'{AT}", f"'{MINUS}", LINK} <= cells(text)


def test_csv_keeps_the_text_after_the_quote() -> None:
    frame = pl.DataFrame({"name": [FORMULA, PLUS, "Sở Tư pháp", None], "n": [-3, 1, 2, 3]})
    rows = assert_formula_free(exports.csv_bytes(frame).decode("utf-8-sig"))
    assert rows[1:] == [[f"'{FORMULA}", "-3"], [f"'{PLUS}", "1"], ["Sở Tư pháp", "2"], ["", "3"]]


def test_csv_reaches_categorical_columns() -> None:
    frame = pl.DataFrame({"name": pl.Series([FORMULA], dtype=pl.Categorical)})
    assert cells(exports.csv_bytes(frame).decode("utf-8-sig")) == {"name", f"'{FORMULA}"}


@pytest.mark.parametrize("name", DOWNLOADED_QUERIES)
def test_xlsx_downloads_keep_text_as_strings(store: Store, name: str) -> None:
    assert_text_cells_are_strings(exports.xlsx_bytes(downloaded(store, name)))


def test_xlsx_formula_and_link_cells_stay_text_as_written() -> None:
    frame = pl.DataFrame(
        {
            "name": ["=1+1", FORMULA, "https://evil.example/x", PLUS, LINK],
            "dossiers": [1, 2, 3, 4, 5],
            "received_on": [dt.date(2023, 1, day) for day in range(1, 6)],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(frame))).active
    assert [cell.data_type for cell in sheet["A"][1:]] == ["s"] * 5
    assert [cell.value for cell in sheet["A"][1:]] == frame["name"].to_list()
    assert [cell.value for cell in sheet["B"][1:]] == [1, 2, 3, 4, 5]
    assert sheet["C2"].is_date
    assert_text_cells_are_strings(exports.xlsx_bytes(frame))


def test_form06_csv_quotes_formula_agency_and_field_names(store: Store) -> None:
    form = report.build_form06(store, PERIOD)
    rows = assert_formula_free(report.to_csv(form))
    assert [row[:2] for row in rows[1:]] == [
        [LINK, MARKDOWN],
        [SCRIPT, BOLD],
        [f"'{FORMULA}", f"'{PLUS}"],
        ["TOTAL", ""],
    ]


def test_form06_xlsx_keeps_hostile_names_as_strings(store: Store) -> None:
    form = report.build_form06(store, PERIOD)
    values = assert_text_cells_are_strings(form06_to_xlsx(form, "vi"))
    for hostile in (LINK, SCRIPT, FORMULA, MARKDOWN, PLUS):
        assert hostile in values


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "table", "json"])
def test_cli_report_files_are_formula_free(store: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"bieu06.{fmt}"
    argv = ["report", "--db", str(store.path), "--from", "2023-01-01", "--to", "2023-06-30"]
    assert cli.main([*argv, "--format", fmt, "--out", str(out)]) == 0
    if fmt == "xlsx":
        assert_text_cells_are_strings(out.read_bytes())
    elif fmt == "csv":
        text = out.read_text(encoding="utf-8")
        assert_formula_free(text)
        assert {f"'{FORMULA}", f"'{PLUS}"} <= cells(text)
    elif fmt == "json":  # data for a program: the names exactly as stored
        rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
        assert [row["agency"] for row in rows] == [LINK, SCRIPT, FORMULA]
    else:  # text for a terminal: no spreadsheet reads it
        assert FORMULA in out.read_text(encoding="utf-8")


def test_terminal_table_shows_control_characters_instead_of_obeying_them(store: Store) -> None:
    form = report.build_form06(store, PERIOD)
    hostile = report.Form06(
        form.filter, form.rows.with_columns(agency=pl.lit("\x1b[2J\x1b[31mRED\r\x07"))
    )
    table = report.to_table(hostile)
    assert "\x1b" not in table and "\r" not in table and "\x07" not in table
    assert "\\x1b[2J\\x1b[31mRED\\x0d\\x07" in table


def test_identity_failures_show_names_as_text(store: Store) -> None:
    form = report.build_form06(store, PERIOD)
    broken = report.Form06(form.filter, form.rows.with_columns(pl.col("received_total") + 1))
    listed = report.identity_failures_markdown(broken, "vi")
    count = len(broken.identity_failures("vi"))
    assert listed.startswith(i18n.t("report.identities_fail", "vi", count=count))
    for hostile in HOSTILE_TEXTS:
        assert hostile not in listed
    assert markdown_literal(LINK) in listed and markdown_literal(MARKDOWN) in listed
    assert report.identity_failures_markdown(form, "vi") == ""
