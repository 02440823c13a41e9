"""onestop import: formats, header families, each rejection reason, upsert accounting, personal
data never stored, and safety beside a running dashboard (kill mid-import, import while reading)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop import importing as importer
from onestop.cli import main as cli
from onestop.core import db
from tests.fixtures import (
    FAMILY_A,
    FAMILY_B,
    PERSONAL,
    ROOT,
    dossier,
    row_a,
    row_b,
    write_csv,
)

SAMPLES = ROOT / "data" / "samples"


def write_xlsx(path: Path, rows: list[dict], date_cells: bool, titles: list[str] = ()) -> Path:
    """Family-B workbook; with date_cells, dates are real Excel dates instead of text."""
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    stamp = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    headers = list(rows[0])
    for number, title in enumerate(titles):
        sheet.write(number, 0, title)
    sheet.write_row(len(titles), 0, headers)
    for number, row in enumerate(rows, start=len(titles) + 1):
        for column, name in enumerate(headers):
            value = row[name]
            if date_cells and name.startswith("Ngày") and _as_datetime(str(value)):
                sheet.write_datetime(number, column, _as_datetime(str(value)), stamp)
            else:
                sheet.write(number, column, value)
    workbook.close()
    return path


def _as_datetime(text: str) -> dt.datetime | None:
    """The date a text names, or None (such cells stay text, as typos do in real workbooks)."""
    for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def run_import(*files: Path, database: Path, rejects: Path | None = None) -> dict:
    summary = importer.import_files(list(files), database, rejects=rejects)
    return summary.to_dict()


def dossiers(path: Path) -> pl.DataFrame:
    con = db.connect_read_only(path)
    try:
        return db.read_table(con, "dossiers", "code")
    finally:
        con.close()


def assert_accounted(result: dict) -> None:
    parts = result["inserted"] + result["updated"] + result["unchanged"] + result["rejected"]
    assert parts == result["rows_read"]


# --- formats and header families ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "bom", "newline"),
    [(",", False, "\n"), (";", False, "\n"), (",", True, "\r\n"), (";", True, "\r\n")],
)
def test_family_a_csv_variants_import_the_same_dossier(
    tmp_path: Path, delimiter: str, bom: bool, newline: str
) -> None:
    source = write_csv(tmp_path / "a.csv", [row_a()], FAMILY_A, delimiter, bom, newline)
    result = run_import(source, database=tmp_path / "t.duckdb")
    assert (result["rows_read"], result["inserted"], result["rejected"]) == (1, 1, 0)
    stored = dossiers(tmp_path / "t.duckdb").row(0, named=True)
    assert stored["code"] == "STP-230301-0001"
    assert stored["status"] == 10 and stored["channel"] == 2
    assert stored["received_at"] == dt.datetime(2023, 3, 1, 9, 0)
    assert stored["returned_at"] == dt.datetime(2023, 3, 6, 10, 0)
    assert stored["is_demo"] is False


def test_family_b_csv_with_names_and_headers_in_any_spelling(tmp_path: Path) -> None:
    rows = [row_b(), row_b("SXD-230601-0002", **{"Kênh nộp": "", "Trạng thái": "ĐÃ TRẢ KẾT QUẢ"})]
    rows[1]["Ngày kết thúc xử lý"] = "05/06/2023 10:00"
    shuffled = list(reversed(FAMILY_B))
    renamed = {"Ngày tiếp nhận": "  NGAY TIEP NHAN ", "Đơn vị xử lý": "don vi xu ly"}
    headers = [renamed.get(name, name) for name in shuffled] + ["Ghi chú"]
    for row in rows:
        for old, new in renamed.items():
            row[new] = row.pop(old)
    result = run_import(write_csv(tmp_path / "b.csv", rows, headers), database=tmp_path / "t.db")
    assert (result["inserted"], result["rejected"]) == (2, 0)
    stored = dossiers(tmp_path / "t.db")
    assert stored["channel"].to_list() == [2, 1]  # an empty channel means in person
    assert stored["status"].to_list() == [4, 10]
    assert stored["received_at"].to_list() == [dt.datetime(2023, 6, 1, 8, 30)] * 2
    assert stored["due_at"][0] == dt.datetime(2023, 6, 15, 17, 0)


@pytest.mark.parametrize("date_cells", [True, False], ids=["date-cells", "text-dates"])
def test_xlsx_with_date_cells_or_text_dates(tmp_path: Path, date_cells: bool) -> None:
    rows = [row_b(), row_b("SXD-230602-0002", **{"Ngày tiếp nhận": "02/06/2023"})]
    source = write_xlsx(tmp_path / "b.xlsx", rows, date_cells)
    result = run_import(source, database=tmp_path / "t.duckdb")
    assert (result["inserted"], result["rejected"]) == (2, 0)
    stored = dossiers(tmp_path / "t.duckdb")
    assert stored["received_at"].to_list() == [
        dt.datetime(2023, 6, 1, 8, 30),
        dt.datetime(2023, 6, 2, 0, 0),
    ]
    assert stored["due_at"][0] == dt.datetime(2023, 6, 15, 17, 0)


def test_xlsx_with_title_rows_and_numeric_cells(tmp_path: Path) -> None:
    titles = ["BÁO CÁO TÌNH HÌNH TIẾP NHẬN HỒ SƠ", "Từ ngày 01/06/2023 đến ngày 30/06/2023"]
    rows = [
        row_b(**{"Trạng thái": 10, "Kênh nộp": 3, "Ngày trả kết quả": "05/06/2023 10:00"}),
        row_b("SXD-2", **{"Ngày tiếp nhận": "31/04/2023"}),
    ]
    source = write_xlsx(tmp_path / "b.xlsx", rows, date_cells=True, titles=titles)
    result = run_import(source, database=tmp_path / "t.duckdb")
    assert (result["rows_read"], result["inserted"], result["rejected"]) == (2, 1, 1)
    stored = dossiers(tmp_path / "t.duckdb").row(0, named=True)
    assert (stored["status"], stored["channel"]) == (10, 3)
    report = pl.read_csv(tmp_path / "b.rejects.csv", infer_schema=False)
    assert report["row"].to_list() == ["5"]  # two titles, the header on row 3, data from row 4


def test_reference_rows_are_reused_by_code_then_folded_name(small_db) -> None:
    path = small_db([])  # agencies STP "Sở Tư pháp", SXD "Sở Xây dựng"; fields HT, XD
    source = write_csv(
        path.with_name("a.csv"),
        [
            row_a("X-1", DonViXuLy="SỞ TƯ PHÁP", MaLinhVuc="HT"),
            row_a("X-2", DonViXuLy="sxd", MaLinhVuc="", TenLinhVuc="xay dung"),
            row_a("X-3", DonViXuLy="Sở Y tế", MaLinhVuc="YT", TenLinhVuc="Y tế"),
        ],
        FAMILY_A,
    )
    run_import(source, database=path)
    con = db.connect_read_only(path)
    try:
        agencies = db.read_table(con, "agencies", "agency_id")
        fields = db.read_table(con, "fields", "field_id")
    finally:
        con.close()
    assert agencies["name"].to_list() == ["Sở Tư pháp", "Sở Xây dựng", "Sở Y tế"]
    assert agencies["agency_id"].to_list() == [1, 2, 3]
    assert fields["code"].to_list() == ["HT", "XD", "YT"]
    stored = dossiers(path)
    assert stored["agency_id"].to_list() == [1, 2, 3]
    assert stored["field_id"].to_list() == [1, 2, 3]


# --- rejections ---------------------------------------------------------------------------------

REJECTIONS = [
    ("code_missing", "MaHoSo", {"MaHoSo": ""}),
    ("status_missing", "TrangThaiHoSo", {"TrangThaiHoSo": ""}),
    ("status_unknown", "TrangThaiHoSo", {"TrangThaiHoSo": "11"}),
    ("status_unknown", "TrangThaiHoSo", {"TrangThaiHoSo": "Đã nhận"}),
    ("channel_unknown", "KenhThucHien", {"KenhThucHien": "4"}),
    ("agency_missing", "DonViXuLy", {"DonViXuLy": "  "}),
    ("date_invalid", "NgayTiepNhan", {"NgayTiepNhan": "20230431090000"}),
    ("date_invalid", "NgayHenTra", {"NgayHenTra": "2023-13-01"}),
    ("date_invalid", "NgayNopHoSo", {"NgayNopHoSo": "hôm qua"}),
    ("received_missing", "NgayTiepNhan", {"NgayTiepNhan": ""}),
    ("date_before_received", "NgayHenTra", {"NgayHenTra": "20230228235959"}),
    ("date_before_received", "NgayKetThucXuLy", {"NgayKetThucXuLy": "20230228100000"}),
    ("date_before_received", "NgayTra", {"NgayTra": "20230201100000"}),
    ("end_missing", "NgayKetThucXuLy", {"NgayKetThucXuLy": "", "NgayTra": ""}),
    (
        "end_missing",
        "NgayKetThucXuLy",
        {"TrangThaiHoSo": "7", "NgayKetThucXuLy": "", "NgayTra": ""},
    ),
]


@pytest.mark.parametrize(("reason", "column", "values"), REJECTIONS)
def test_each_rejection_reason(tmp_path: Path, reason: str, column: str, values: dict) -> None:
    rows = [row_a("OK-1"), row_a("BAD-1", **values)]
    source = write_csv(tmp_path / "a.csv", rows, FAMILY_A)
    rejects = tmp_path / "rejects.csv"
    result = run_import(source, database=tmp_path / "t.duckdb", rejects=rejects)
    assert (result["inserted"], result["rejected"]) == (1, 1)
    report = pl.read_csv(rejects, infer_schema=False)
    assert report.select("row", "column", "reason_code").row(0) == ("3", column, reason)
    assert report["value"][0] == (values[column].strip() or None)
    assert report["reason_vi"][0] and report["reason_en"][0]
    assert dossiers(tmp_path / "t.duckdb")["code"].to_list() == ["OK-1"]


@pytest.mark.parametrize(
    "values",
    [
        {"TrangThaiHoSo": "1", "NgayTiepNhan": "", "NgayHenTra": "", "NgayKetThucXuLy": ""},
        {"TrangThaiHoSo": "3", "NgayTiepNhan": "", "NgayHenTra": "", "NgayKetThucXuLy": ""},
        {"NgayHenTra": "20230301000000"},  # same calendar day, earlier hour: allowed
        {"TrangThaiHoSo": "9", "NgayKetThucXuLy": "", "NgayTra": "20230306100000"},
        {"KenhThucHien": "Bưu chính công ích"},
    ],
)
def test_edge_rows_that_are_accepted(tmp_path: Path, values: dict) -> None:
    source = write_csv(tmp_path / "a.csv", [row_a(**values)], FAMILY_A)
    result = run_import(source, database=tmp_path / "t.duckdb")
    assert (result["inserted"], result["rejected"]) == (1, 0)


def test_family_b_rejections_name_the_file_header(tmp_path: Path) -> None:
    rows = [row_b(), row_b("SXD-2", **{"Ngày tiếp nhận": "31/04/2023 08:00"})]
    source = write_xlsx(tmp_path / "b.xlsx", rows, date_cells=False)
    run_import(source, database=tmp_path / "t.duckdb")
    report = pl.read_csv(tmp_path / "b.rejects.csv", infer_schema=False)
    assert report.select("row", "column", "value", "reason_code").row(0) == (
        "3",
        "Ngày tiếp nhận",
        "31/04/2023 08:00",
        "date_invalid",
    )


@pytest.mark.parametrize("missing", ["MaHoSo", "NgayTiepNhan", "TrangThaiHoSo", "DonViXuLy"])
def test_a_file_without_a_required_column_is_refused(tmp_path: Path, missing: str) -> None:
    headers = [name for name in FAMILY_A if name != missing]
    source = write_csv(tmp_path / "a.csv", [row_a()], headers)
    code = cli.main(["import", str(source), "--db", str(tmp_path / "t.duckdb")])
    assert code != 0
    assert not (tmp_path / "t.duckdb").exists()
    with pytest.raises(importer.ImportFileError) as refused:
        importer.load_export(source, importer.load_aliases())
    assert "lacks required columns" in str(refused.value)
    assert "thiếu cột bắt buộc" in refused.value.message("vi")


def test_unreadable_files_give_one_sentence(tmp_path: Path, capsys) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("MaHoSo,NgayTiepNhan,TrangThaiHoSo,DonViXuLy\nX,é,1,Sé\n".encode("cp1258"))
    for source in (latin, tmp_path / "absent.csv"):
        assert cli.main(["import", str(source), "--db", str(tmp_path / "t.duckdb")]) == 2
        message = capsys.readouterr().err.strip()
        assert message.startswith("onestop: ") and "\n" not in message


# --- upsert accounting --------------------------------------------------------------------------


def test_upsert_accounting_and_reimport_is_all_unchanged(tmp_path: Path) -> None:
    database = tmp_path / "t.duckdb"
    first = write_csv(tmp_path / "first.csv", [row_a("A-1"), row_a("A-2")], FAMILY_A)
    assert run_import(first, database=database)["inserted"] == 2
    second_rows = [
        row_a("A-1"),  # same as stored: unchanged
        row_a("A-2", TrangThaiHoSo="9", NgayTra=""),  # changed: updated
        row_a("A-3", TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra=""),  # superseded below
        row_a("A-3", TrangThaiHoSo="5", NgayKetThucXuLy="", NgayTra=""),  # new: inserted
        row_a("", TrangThaiHoSo="4"),  # rejected
    ]
    second = write_csv(tmp_path / "second.csv", second_rows, FAMILY_A)
    result = run_import(second, database=database)
    assert {key: result[key] for key in ("inserted", "updated", "unchanged", "rejected")} == {
        "inserted": 1,
        "updated": 1,
        "unchanged": 2,  # A-1, and the superseded first A-3 row
        "rejected": 1,
    }
    assert result["superseded"] == 1
    assert_accounted(result)
    stored = dossiers(database)
    assert dict(zip(stored["code"], stored["status"], strict=True)) == {
        "A-1": 10,
        "A-2": 9,
        "A-3": 5,
    }
    again = run_import(second, database=database)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 4)


def test_the_first_real_import_removes_the_demo(demo_db: Path, tmp_path: Path) -> None:
    """Real dossiers never share a database with invented ones (nor their agencies or pilot)."""
    import shutil

    path = tmp_path / "demo_then_real.duckdb"
    shutil.copy(demo_db, path)
    demo_count = db.Store(path).query("data_status")["demo_dossiers"][0]
    result = run_import(write_csv(tmp_path / "a.csv", [row_a("REAL-1")], FAMILY_A), database=path)
    assert result["demo_removed"] == demo_count > 0
    assert result["inserted"] == 1
    store = db.Store(path)
    assert store.query("data_status").row(0, named=True)["dossiers"] == 1
    assert store.query("pilot_definition").is_empty()
    assert store.query("agencies")["name"].to_list() == [row_a("REAL-1")["DonViXuLy"]]
    again = run_import(write_csv(tmp_path / "b.csv", [row_a("REAL-2")], FAMILY_A), database=path)
    assert again["demo_removed"] == 0 and again["inserted"] == 1


def test_an_update_keeps_columns_the_export_lacks(small_db) -> None:
    path = small_db([dossier("A-1", status=4, ended_at=None, returned_at=None)])
    result = run_import(write_csv(path.with_name("a.csv"), [row_a("A-1")], FAMILY_A), database=path)
    assert result["updated"] == 1
    assert dossiers(path)["status"].to_list() == [10]
    assert dossiers(path)["received_by"].to_list() == [1]


def test_samples_import_and_reimport(tmp_path: Path) -> None:
    sources = sorted(SAMPLES.glob("ho_so_*.*"))
    sources = [path for path in sources if not path.name.endswith(".rejects.csv")]
    assert len(sources) == 2
    rejects = tmp_path / "rejects.csv"
    first = importer.import_files(sources, tmp_path / "t.duckdb", rejects=rejects).to_dict()
    assert first["inserted"] > 40 and first["rejected"] >= 6
    assert_accounted(first)
    second = importer.import_files(sources, tmp_path / "t.duckdb", rejects=rejects).to_dict()
    assert second["unchanged"] == first["rows_read"] - first["rejected"]


def test_json_summary_on_stdout(tmp_path: Path, capsys) -> None:
    source = write_csv(tmp_path / "a.csv", [row_a(), row_a("B-1", TrangThaiHoSo="x")], FAMILY_A)
    code = cli.main(["import", str(source), "--db", str(tmp_path / "t.duckdb"), "--format", "json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {
        k: summary[k] for k in ("rows_read", "inserted", "updated", "unchanged", "rejected")
    } == {
        "rows_read": 2,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }


def test_a_mapping_file_adds_header_and_value_names(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\ncode = ["Số biên nhận"]\n[status]\n9 = ["Xong"]\n')
    rows = [row_a(TrangThaiHoSo="xong", NgayTra="")]
    rows[0]["Số biên nhận"] = rows[0].pop("MaHoSo")
    headers = ["Số biên nhận", *FAMILY_A[1:]]
    source = write_csv(tmp_path / "a.csv", rows, headers)
    summary = importer.import_files([source], tmp_path / "t.duckdb", mapping=mapping)
    assert summary.totals()["inserted"] == 1
    assert dossiers(tmp_path / "t.duckdb")["status"].to_list() == [9]


# --- personal data ------------------------------------------------------------------------------


def test_personal_data_is_never_stored(tmp_path: Path) -> None:
    database = tmp_path / "t.duckdb"
    run_import(write_csv(tmp_path / "a.csv", [row_a()], FAMILY_A), database=database)
    run_import(write_xlsx(tmp_path / "b.xlsx", [row_b()], date_cells=True), database=database)
    con = db.connect_read_only(database)
    try:
        found = []
        for table in db.table_names(con):
            frame = con.sql(f'select * from "{table}"').pl()
            for name, dtype in frame.schema.items():
                if dtype == pl.String:
                    values = " | ".join(frame[name].drop_nulls().to_list())
                    found += [v for v in PERSONAL.values() if v in values]
        assert found == []
        assert dossiers(database).height == 2
    finally:
        con.close()


# --- property: malformed rows never crash and are always accounted for --------------------------

_cell = st.one_of(
    st.just(""),
    st.text(alphabet="0123456789/: -abcđĐ,;\"'", max_size=16),
    st.sampled_from(["1", "2", "3", "7", "9", "10", "Trực tuyến", "Đã trả kết quả", "31/04/2023"]),
    st.sampled_from(["20230301090000", "20230230090000", "01/03/2023 09:00", "2023-03-01"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.fixed_dictionaries({name: _cell for name in FAMILY_A}), min_size=1, max_size=12
    )
)
def test_malformed_rows_are_accounted_for(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    database = tmp_path / "prop.duckdb"
    source = write_csv(tmp_path / "prop.csv", rows, FAMILY_A, delimiter=";")
    for _ in range(2):
        result = run_import(source, database=database, rejects=tmp_path / "prop.rejects.csv")
        assert result["rows_read"] + result["blank_rows"] == len(rows)  # blank rows are skipped
        assert_accounted(result)
    assert result["inserted"] == result["updated"] == 0


# --- beside a running dashboard -----------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def test_a_killed_import_leaves_the_old_database_intact(tmp_path: Path) -> None:
    database = tmp_path / "t.duckdb"
    run_import(write_csv(tmp_path / "old.csv", [row_a("OLD-1")], FAMILY_A), database=database)
    before = dossiers(database)
    source = write_csv(tmp_path / "new.csv", [row_a(f"NEW-{n}") for n in range(50)], FAMILY_A)
    process = subprocess.Popen(
        [sys.executable, "-m", "onestop.cli", "import", str(source), "--db", str(database)],
        env=_env(**{importer.PAUSE_ENV_VAR: "60"}),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline().strip() == "import paused"  # new rows are in the copy now
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    after = dossiers(database)
    assert after.equals(before)
    # The next import cleans the copy the killed one left and works.
    result = run_import(source, database=database)
    assert result["inserted"] == 50
    assert list(tmp_path.glob(".t.duckdb.*")) == []


READER = """
import sys, time
from pathlib import Path
from onestop.core import db
path, mode, stop = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
# "hold": one connection kept open throughout; "store": the dashboard's reopening Store.
held = db.connect_read_only(path) if mode == "hold" else db.Store(path)
deadline = time.time() + 60
while time.time() < deadline and not stop.exists():
    con = held if mode == "hold" else held.connection()
    count = con.sql("select count(*) from dossiers").fetchall()[0][0]
    print(count, flush=True)
    if mode == "store" and count > 1:
        break
    time.sleep(0.02)
"""


def test_import_while_reader_processes_are_querying(tmp_path: Path) -> None:
    database = tmp_path / "t.duckdb"
    stop = tmp_path / "stop"
    run_import(write_csv(tmp_path / "old.csv", [row_a("OLD-1")], FAMILY_A), database=database)
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, str(database), mode, str(stop)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mode in ("hold", "store")
    }
    for reader in readers.values():
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "1"  # both hold the file open now
    source = write_csv(tmp_path / "new.csv", [row_a(f"NEW-{n}") for n in range(20)], FAMILY_A)
    result = run_import(source, database=database)
    assert result["inserted"] == 20
    store_out, store_err = readers["store"].communicate(timeout=60)
    stop.touch()
    hold_out, hold_err = readers["hold"].communicate(timeout=60)
    assert (readers["store"].returncode, store_err) == (0, "")
    assert (readers["hold"].returncode, hold_err) == (0, "")  # no lock error on either side
    assert store_out.split()[-1] == "21"  # the Store saw the new file after reopening
    assert set(hold_out.split()) == {"1"}  # the held connection kept reading the old one


def test_demo_writes_through_the_shared_atomic_helper(tmp_path: Path) -> None:
    from onestop import demo

    database = tmp_path / "t.duckdb"
    run_import(write_csv(tmp_path / "a.csv", [row_a("IMPORTED-1")], FAMILY_A), database=database)
    demo.build_demo(database, total=2_000)
    codes = dossiers(database)["code"]
    assert "IMPORTED-1" not in codes.to_list() and codes.len() > 1_000
    time.sleep(0)  # nothing left behind beside the file
    assert list(tmp_path.glob(".t.duckdb.*")) == []


def test_import_page_runs_and_asks_for_a_file(tmp_path: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(db.DB_ENV_VAR, str(tmp_path / "t.duckdb"))
    page = AppTest.from_file(str(ROOT / "pages" / "import_data.py")).run()
    assert not page.exception
    assert page.title[0].value == "Nhập dữ liệu"


def test_preview_shows_recognised_columns_only(tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "b.xlsx", [row_b()], date_cells=True)
    prepared = importer.load_export(source, importer.load_aliases())
    roles = dict(zip(prepared.mapping["header"], prepared.mapping["role"], strict=True))
    assert roles["Chủ hồ sơ"] == roles["Số CCCD"] == roles["Người tiếp nhận"] == "personal"
    assert roles["Ngày tiếp nhận"] == "field"
    assert "Mã hồ sơ" in prepared.preview.columns
    assert not set(PERSONAL) & set(prepared.preview.columns)


def test_import_page_previews_checks_and_imports(tmp_path: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    database = tmp_path / "t.duckdb"
    monkeypatch.setenv(db.DB_ENV_VAR, str(database))
    source = write_csv(tmp_path / "a.csv", [row_a(), row_a("BAD", TrangThaiHoSo="99")], FAMILY_A)
    page = AppTest.from_file(str(ROOT / "pages" / "import_data.py"), default_timeout=60).run()
    page.file_uploader(key="import_upload").set_value(("a.csv", source.read_bytes(), "text/csv"))
    page.run()
    assert not page.exception
    shown = " ".join(str(frame.value) for frame in page.dataframe)
    assert "MaHoSo" in shown and PERSONAL["ChuHoSo"] not in shown
    assert [metric.value for metric in page.metric] == ["2", "1", "1"]
    assert not database.exists()
    page.button(key="import_confirm").click().run()
    assert not page.exception
    assert "1" in page.success[0].value
    assert dossiers(database)["code"].to_list() == ["STP-230301-0001"]


def test_with_sign_in_only_listed_importers_may_import(tmp_path: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ONESTOP_DB", str(tmp_path / "t.duckdb"))
    page = AppTest.from_file(str(ROOT / "pages" / "import_data.py"))
    page.secrets["auth"] = {"client_id": "x"}
    page.secrets["onestop"] = {"importers": ["chuyenvien@example.gov.vn"]}
    page.run()
    assert not page.exception
    assert "không được phép nhập dữ liệu" in page.warning[0].value
    assert not page.get("file_uploader")
