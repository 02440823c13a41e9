"""Supplied text is written as text: no formulas in CSV cells, no markup in Markdown or HTML."""

from __future__ import annotations

import io

import polars as pl
import pytest

from onestop.core.text import csv_cell, csv_safe, fold, html_literal, markdown_literal


def test_fold_ignores_case_accents_and_spaces() -> None:
    assert fold("  NGÀY   TIẾP NHẬN ") == "ngay tiep nhan"
    assert fold("Đơn vị") == "don vi"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Sở Tư pháp", "Sở Tư pháp"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cell_neutralises_formulas(value: str, written: str) -> None:
    assert csv_cell(value) == written


def test_csv_safe_touches_only_text_columns() -> None:
    frame = pl.DataFrame({"name": ["=1+1", "ok", None], "count": [-1, 2, 3]})
    safe = csv_safe(frame)
    assert safe["name"].to_list() == ["'=1+1", "ok", None]
    assert safe["count"].to_list() == [-1, 2, 3]
    text = safe.write_csv()
    read_back = pl.read_csv(io.StringIO(text))
    assert not any(str(cell).startswith(("=", "+", "@")) for cell in read_back["name"].drop_nulls())


@pytest.mark.parametrize(
    "hostile",
    [
        "[click](javascript:alert(1))",
        "**bold** _it_ `code`",
        ":red[alert] :material/warning:",
        "$x^2$",
        "<b>html</b>",
        "# heading\n- item",
    ],
)
def test_markdown_literal_escapes_every_markup_character(hostile: str) -> None:
    escaped = markdown_literal(hostile)
    assert "\n" not in escaped
    for special in "[]()*_`:$<>#":
        assert special not in escaped.replace(f"\\{special}", "")


def test_html_literal_escapes_tags_and_quotes() -> None:
    assert html_literal('<a href="x">y</a>') == "&lt;a href=&#34;x&#34;&gt;y&lt;/a&gt;"
