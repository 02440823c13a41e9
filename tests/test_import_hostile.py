"""The hostile corpus (tests/data/hostile, copied from ../shared/hostile): every file gives one
sentence or rows with reasons, the accounting adds up, a failure leaves the database as it was,
nothing personal is stored or echoed, and no mapping file makes the command line crash."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop import importing as importer
from onestop.cli import main as cli
from onestop.core import db

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
CORPUS = sorted(path for path in HOSTILE.iterdir() if path.is_file())
MAPS = sorted((HOSTILE / "maps").iterdir())

# What each file must give: the error's key (exit 2, one sentence), or
# (rows read, rows accepted = inserted + updated + unchanged, rows rejected, blank rows skipped).
EXPECTED: dict[str, str | tuple[int, int, int, int]] = {
    "README.md": "missing_columns",
    "blank_lines.csv": (2, 2, 0, 5),
    "blank_rows.xlsx": (4, 2, 2, 4),
    "cols200.csv": (50, 50, 0, 0),
    "cp1258.csv": "not_utf8",
    "cr_min.csv": (1, 1, 0, 0),
    "cr_only.csv": (2, 2, 0, 0),
    "csv_named.xlsx": "not_excel",
    "date_0001.csv": (1, 0, 1, 0),
    "date_1900.csv": (1, 0, 1, 0),
    "date_2999.csv": (1, 0, 1, 0),
    "dates.csv": (16, 4, 12, 0),
    "dup_existing.csv": (1, 1, 0, 0),
    "dup_headers.csv": (1, 1, 0, 0),
    "dups.csv": (5, 4, 1, 0),
    "empty.csv": "empty_file",
    "empty.xlsx": "empty_file",
    "formfeed_header.csv": (1, 1, 0, 0),
    "formula.csv": (21, 14, 7, 0),
    "garbage.csv": "not_utf8",
    "garbage_after_header.csv": "not_utf8",
    "header_only.csv": (0, 0, 0, 0),
    "header_only.xlsx": (0, 0, 0, 0),
    "junkzip.xlsx": "not_excel",
    "late_nonutf8.csv": "not_utf8",
    "lookalike.csv": (11, 11, 0, 0),
    "map_t_channel.csv": (1, 0, 1, 0),
    "map_t_status.csv": (1, 0, 1, 0),
    "map_target.csv": (1, 0, 1, 0),
    "missing_col.csv": "missing_columns",
    "multi_a.csv": (1, 1, 0, 0),
    "multi_b.csv": (1, 1, 0, 0),
    "nfd_headers.csv": (5, 5, 0, 0),
    "nfd_values.csv": (3, 3, 0, 0),
    "noext": (5, 4, 1, 0),
    "nul.csv": (3, 2, 1, 0),
    "nul_header.csv": "missing_columns",
    "order.csv": (9, 5, 4, 0),
    "pii.csv": (6, 5, 1, 0),
    "pii.xlsx": (5, 5, 0, 0),
    "pii_ragged.csv": (3, 1, 2, 0),
    "pii_shift.csv": (2, 1, 1, 0),
    "pii_shift2.csv": (1, 0, 1, 0),
    "quoted_nl_header.csv": (1, 1, 0, 0),
    "ragged.csv": (2, 0, 2, 0),
    "randombytes.xlsx": "not_excel",
    "semicolon.csv": (1, 1, 0, 0),
    "status.csv": (11, 5, 6, 0),
    "u2028_header.csv": "missing_columns",
    "utf16.csv": "not_utf8",
    "xlsx_types.xlsx": (8, 3, 5, 0),
    "xss.csv": (45, 45, 0, 0),
}
# Distinctive strings in the personal columns of pii*.csv/xlsx and ragged.csv.
PERSONAL_MARKERS = ("zqxwvu", "0999111", "0999888", "0999777", "0988777", "079099")


def test_the_corpus_copy_is_complete() -> None:
    assert {path.name for path in CORPUS} == set(EXPECTED)


@pytest.fixture
def base_db(tmp_path: Path) -> Path:
    """A database holding one imported dossier, to see that a failure leaves it untouched."""
    source = tmp_path / "base.csv"
    source.write_text(
        "MaHoSo,NgayTiepNhan,TrangThaiHoSo,DonViXuLy\nBASE-1,20230301080000,4,Sở Tư pháp\n",
        encoding="utf-8",
    )
    database = tmp_path / "base.duckdb"
    importer.import_files([source], database)
    return database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("source", CORPUS, ids=[path.name for path in CORPUS])
def test_every_hostile_file_gives_one_sentence_or_rows_with_reasons(
    source: Path, base_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = EXPECTED[source.name]
    rejects = tmp_path / "rejects.csv"
    before = _digest(base_db)
    args = ["import", str(source), "--db", str(base_db), "--rejects", str(rejects)]
    code = cli.main([*args, "--format", "json"])
    out, err = capsys.readouterr()
    if isinstance(expected, str):
        assert code == 2
        assert out == ""
        assert err.startswith("onestop: ") and err.count("\n") == 1, err
        assert "Traceback" not in err
        assert _digest(base_db) == before  # the database is unchanged on failure
        with pytest.raises(importer.ImportFileError) as refused:
            importer.load_export(source, importer.load_aliases())
        assert refused.value.key == expected
        return
    assert code == 0, err
    summary = json.loads(out)
    accepted = summary["inserted"] + summary["updated"] + summary["unchanged"]
    assert summary["rows_read"] == accepted + summary["rejected"]
    assert (summary["rows_read"], accepted, summary["rejected"], summary["blank_rows"]) == expected
    if summary["rejected"]:
        report = pl.read_csv(rejects, infer_schema=False)
        assert report.height == summary["rejected"]
        assert set(report["reason_code"]) <= set(importer.reasons())
        assert report["reason_vi"].str.len_chars().min() > 0
        assert report["reason_en"].str.len_chars().min() > 0
        # Nothing a file supplies reaches the rejects file as a spreadsheet formula.
        for column in report.columns:
            cells = report[column].drop_nulls()
            assert not cells.str.contains(r"^[=+\-@\t\r]").any(), column
    else:
        assert not rejects.exists()


@pytest.mark.parametrize("mapping", MAPS, ids=[path.name for path in MAPS])
def test_every_malformed_mapping_file_gives_one_sentence(
    mapping: Path, base_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(base_db)
    args = ["import", str(HOSTILE / "map_target.csv"), "--db", str(base_db)]
    code = cli.main([*args, "--mapping", str(mapping)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("onestop: ") and err.count("\n") == 1, err
    assert "mapping" in err and mapping.name in err  # names the argument and the file
    assert _digest(base_db) == before


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("[1]", "mapping_not_table"),
        ('{"columns": null}', "mapping_section_type"),
        ('{"columns": {"code": "So ho so"}}', "mapping_names_type"),
        ('{"columns": {"code": [1, null]}}', "mapping_names_type"),
        ('{"columns": {"code": [""]}}', "mapping_names_type"),
        ('{"status": {"99": ["Xong"]}}', "mapping_code"),
        ('{"status": {"0": ["Xong"]}}', "mapping_code"),
        ('{"status": {"Xong": 11}}', "mapping_code"),
        ('{"status": {"Xong": true}}', "mapping_code"),
        ('{"status": {"Xong": "9"}}', "mapping_code"),
        ('{"channel": {"4": ["Fax"]}}', "mapping_code"),
        ('{"owner": {}}', "mapping_unknown_section"),
        ('{"personal": {"names": ["x"]}}', "mapping_unknown_section"),
        ('{"columns": {"owner": ["Chu ho so"]}}', "mapping_unknown_field"),
        ('{"columns": {"agency": ["Số CCCD"]}}', "mapping_personal_field"),
        (
            '{"columns": {"code": ["Số biên nhận"]}, "personal": {"columns": ["số biên nhận"]}}',
            "mapping_personal_field",
        ),
        ("[" * 200_000 + "]" * 200_000, "mapping_too_deep"),
        ("{", "mapping_unreadable"),
    ],
)
def test_mapping_checks_name_the_problem(tmp_path: Path, content: str, key: str) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(content, encoding="utf-8")
    with pytest.raises(importer.ImportFileError) as refused:
        importer.load_aliases(mapping)
    assert refused.value.key == key
    assert str(mapping) in str(refused.value) and "\n" not in str(refused.value)


def test_a_mapping_may_name_codes_either_way(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[status]\n9 = ["Xong roi"]\n[channel]\n"Fax" = 1\n', encoding="utf-8")
    summary = importer.import_files(
        [HOSTILE / "map_target.csv"], tmp_path / "t.duckdb", mapping=mapping
    ).to_dict()
    assert (summary["inserted"], summary["rejected"]) == (1, 0)
    stored = db.Store(tmp_path / "t.duckdb").query("data_status")
    assert stored["dossiers"][0] == 1


# --- personal data and ragged rows ---------------------------------------------------------------

PERSONAL_FILES = ["pii.csv", "pii.xlsx", "pii_ragged.csv", "pii_shift.csv", "pii_shift2.csv"]


def test_no_personal_text_is_stored_echoed_or_previewed(tmp_path: Path) -> None:
    database = tmp_path / "t.duckdb"
    rejects = tmp_path / "rejects.csv"
    sources = [HOSTILE / name for name in [*PERSONAL_FILES, "ragged.csv"]]
    summary = importer.import_files(sources, database, rejects=rejects).to_dict()
    assert summary["rows_read"] == sum(
        summary[key] for key in ("inserted", "updated", "unchanged", "rejected")
    )
    found = []
    con = db.connect_read_only(database)
    try:
        for table in db.table_names(con):
            frame = con.sql(f'select * from "{table}"').pl()
            for name, dtype in frame.schema.items():
                if dtype == pl.String:
                    text = " ".join(frame[name].drop_nulls().to_list()).casefold()
                    found += [(table, name, m) for m in PERSONAL_MARKERS if m in text]
    finally:
        con.close()
    assert found == []
    assert not [m for m in PERSONAL_MARKERS if m in rejects.read_text(encoding="utf-8").casefold()]
    for source in sources:
        prepared = importer.load_export(source, importer.load_aliases())
        shown = " ".join(
            str(value) for row in prepared.preview.iter_rows() for value in row
        ).casefold()
        assert not [m for m in PERSONAL_MARKERS if m in shown], source.name


def test_ragged_rows_are_rejected_whole_without_their_cells(tmp_path: Path) -> None:
    summary = importer.import_files(
        [HOSTILE / "pii_shift.csv"], tmp_path / "t.duckdb", rejects=tmp_path / "r.csv"
    ).to_dict()
    assert (summary["inserted"], summary["rejected"]) == (1, 1)
    report = pl.read_csv(tmp_path / "r.csv", infer_schema=False)
    assert report.select("row", "column", "value", "reason_code").row(0) == (
        "2",
        None,
        None,
        "row_shape",
    )
    agencies = db.Store(tmp_path / "t.duckdb").query("agencies")["name"].to_list()
    assert agencies == ["So Tu phap"]  # not " Phuong Zqxwvu PIIADDRSTORED"


@pytest.mark.parametrize(
    ("rows", "shapes"),
    [
        # a trailing empty extra cell is still a shifted row; blank rows are skipped
        (["1,2,3,4", "1,2,3,4,", "1,2,3", "", " , ,,", '"x,y",2,3,4'], [True, False, False, True]),
        # quoted separators and doubled quotes do not count
        (['"1,""2"",3",x,y,z', '"q""",",",z,w', '"a",b,"c""d",e'], [True, True, True]),
        # a quoted line break: records are counted, not lines
        (['"1\n2",x,y,z', "3,4,5", "5,6,7,8"], [True, False, True]),
    ],
    ids=["trailing-empty", "quoted", "line-break"],
)
def test_each_record_is_checked_against_the_header(
    tmp_path: Path, rows: list[str], shapes: list[bool]
) -> None:
    source = tmp_path / "s.csv"
    header = "MaHoSo,NgayTiepNhan,TrangThaiHoSo,DonViXuLy"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    export = importer.read_export(source, importer.load_aliases())
    assert export.frame["shape_ok"].to_list() == shapes
    assert export.frame.filter(~pl.col("shape_ok"))["code"].null_count() == shapes.count(False)


# --- codes, dates, XLSX row numbers ------------------------------------------------------------


def test_look_alike_codes_are_one_dossier(tmp_path: Path) -> None:
    prepared = importer.load_export(HOSTILE / "lookalike.csv", importer.load_aliases())
    assert prepared.codes_normalised == 9  # all but LOOK-1 itself and the lower-case look-1
    assert sorted(prepared.valid["code"].unique()) == ["LOOK-1", "look-1"]  # case is kept
    summary = importer.import_files([HOSTILE / "lookalike.csv"], tmp_path / "t.duckdb")
    assert summary.totals()["inserted"] == 2
    assert summary.to_dict()["codes_normalised"] == 9


def test_xlsx_rows_are_numbered_as_in_the_sheet(tmp_path: Path) -> None:
    prepared = importer.load_export(HOSTILE / "blank_rows.xlsx", importer.load_aliases())
    assert prepared.blank_rows == 4
    assert sorted(prepared.valid["row"]) == [3, 5]
    assert prepared.rejects["row"].to_list() == [7, 10]


def test_xlsx_rows_below_empty_top_rows_keep_their_sheet_numbers(tmp_path: Path) -> None:
    """Calamine starts a sheet at its first used row; reported rows still count from row 1."""
    import xlsxwriter

    path = tmp_path / "offset.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(2, 1, ["Mã hồ sơ", "Ngày tiếp nhận", "Trạng thái", "Đơn vị xử lý"])
    sheet.write_row(3, 1, ["OFF-1", "01/03/2023", "4", "Sở Tư pháp"])
    sheet.write_row(5, 1, ["OFF-2", "31/02/2023", "4", "Sở Tư pháp"])
    workbook.close()
    prepared = importer.load_export(path, importer.load_aliases())
    assert (prepared.valid["row"].to_list(), prepared.rejects["row"].to_list()) == ([4], [6])
    assert prepared.blank_rows == 1


def test_dates_out_of_range_and_two_digit_years(tmp_path: Path) -> None:
    prepared = importer.load_export(HOSTILE / "dates.csv", importer.load_aliases())
    reasons = dict(zip(prepared.rejects["value"], prepared.rejects["reason_code"], strict=True))
    assert reasons["01/01/1900"] == reasons["01/01/2999"] == "date_out_of_range"
    assert reasons["0001-01-01"] == "date_out_of_range"
    assert reasons["01/03/23"] == "date_two_digit_year"
    assert reasons["45000"] == reasons["20230231080000"] == "date_invalid"
    accepted = prepared.valid.select("code", "received_at_parsed").rows()
    assert sorted(accepted) == sorted(
        [
            ("DATE-1", dt.datetime(2024, 2, 29)),
            ("DATE-10", dt.datetime(2023, 3, 1, 8)),
            ("DATE-12", dt.datetime(2023, 3, 1)),
            ("DATE-14", dt.datetime(2023, 3, 1)),
        ]
    )


_cell = st.text(alphabet="ab ,;\"\n\r\t'=Đđ", max_size=6)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_cell, min_size=0, max_size=6), min_size=1, max_size=8),
    separator=st.sampled_from([",", ";"]),
    line_end=st.sampled_from(["\r\n", "\n"]),
)
def test_row_shapes_agree_with_what_a_csv_writer_wrote(
    tmp_path: Path, rows: list[list[str]], separator: str, line_end: str
) -> None:
    """Whatever the cells hold (quotes, separators, line breaks), a row is of the header's shape
    exactly when it was written with as many cells as the header has."""
    header = ["MaHoSo", "NgayTiepNhan", "TrangThaiHoSo", "DonViXuLy"]
    if line_end == "\n":
        # The csv module then leaves a lone CR unquoted, which readers split differently.
        rows = [[cell.replace("\r", "") for cell in row] for row in rows]
    source = tmp_path / "p.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=separator, lineterminator=line_end)
        writer.writerow(header)
        writer.writerows(rows)
    export = importer.read_export(source, importer.load_aliases())
    written = [row for row in rows if "".join(row).strip()]
    assert export.frame["shape_ok"].to_list() == [len(row) == len(header) for row in written]
    assert export.blank_rows == len(rows) - len(written)
