"""Import rules for values: the plausible date window, the official wordings, unknown values
summed up for a mapping (JSON, text snippet, Import page), formulas kept out of the rejects
file, and the database file's permissions kept through the atomic swap."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import tomllib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop import importing as importer
from onestop.cli import main as cli
from onestop.core import db
from onestop.core.text import markdown_literal
from tests.fixtures import FAMILY_A, ROOT, row_a, write_csv

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
TODAY = dt.date(2024, 6, 15)

# The national portal's ten status names (../shared/DOMAIN.md §2), as real exports spell them.
OFFICIAL_STATUS_NAMES = {
    "Mới đăng ký": 1,
    "Được tiếp nhận": 2,
    "Không được tiếp nhận": 3,
    "Đang xử lý": 4,
    "Yêu cầu bổ sung giấy tờ": 5,
    "Yêu cầu thực hiện nghĩa vụ tài chính": 6,
    "Công dân yêu cầu rút hồ sơ": 7,
    "Dừng xử lý": 8,
    "Đã xử lý xong": 9,
    "Đã trả kết quả": 10,
}
PROVINCIAL_WORDINGS = {
    ("status", "Chờ bổ sung"): 5,
    ("status", "Đã trả kết quả cho công dân"): 10,
    ("channel", "Bưu điện"): 3,
    ("channel", "Qua dịch vụ bưu chính công ích"): 3,
    ("channel", "Trực tuyến"): 2,
    ("channel", "Trực tiếp"): 1,
}


def prepared_rows(tmp_path: Path, rows: list[dict], today: dt.date = TODAY) -> importer.Prepared:
    source = write_csv(tmp_path / "a.csv", rows, FAMILY_A)
    return importer.load_export(source, importer.load_aliases(), today=today)


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "reason", "column"),
    [
        (
            {"NgayTiepNhan": "19991231235959", "NgayNopHoSo": ""},
            "date_out_of_range",
            "NgayTiepNhan",
        ),
        ({"NgayTiepNhan": "20240616080000"}, "date_out_of_range", "NgayTiepNhan"),  # after today
        ({"NgayNopHoSo": "20240616080000"}, "date_out_of_range", "NgayNopHoSo"),
        ({"NgayHenTra": "20290616080000"}, "date_out_of_range", "NgayHenTra"),  # > 5 years on
        ({"NgayKetThucXuLy": "29990101000000"}, "date_out_of_range", "NgayKetThucXuLy"),
        ({"NgayTra": "00010101000000"}, "date_out_of_range", "NgayTra"),
        ({"NgayTuChoi": "18991231000000"}, "date_out_of_range", "NgayTuChoi"),
        ({"NgayTiepNhan": "01/03/23"}, "date_two_digit_year", "NgayTiepNhan"),
        ({"NgayTiepNhan": "01/03/23 08:00"}, "date_two_digit_year", "NgayTiepNhan"),
        ({"NgayTiepNhan": "23-03-01"}, "date_two_digit_year", "NgayTiepNhan"),
        ({"NgayTiepNhan": "2023031"}, "date_invalid", "NgayTiepNhan"),  # 7 digits
        ({"NgayTiepNhan": "2023030109000"}, "date_invalid", "NgayTiepNhan"),  # 13 digits
        ({"NgayTiepNhan": "01/03/12023"}, "date_invalid", "NgayTiepNhan"),
    ],
)
def test_implausible_dates_are_rejected(
    tmp_path: Path, values: dict, reason: str, column: str
) -> None:
    prepared = prepared_rows(tmp_path, [row_a(**values)])
    assert prepared.valid.height == 0
    assert prepared.rejects.select("column", "reason_code").row(0) == (column, reason)


@pytest.mark.parametrize(
    "values",
    [
        {"NgayNopHoSo": "20000101000000", "NgayTiepNhan": "20000101000000", "NgayHenTra": ""},
        {"NgayTiepNhan": "20240615235959", "NgayHenTra": "20290615000000", "TrangThaiHoSo": "4"},
        {"NgayTiepNhan": "2023-03-01T09:00:00", "NgayTra": "2023-03-06 10:00:00.5"},
    ],
    ids=["first-day", "import-day-and-five-years", "iso-t"],
)
def test_dates_at_the_edges_of_the_window_are_accepted(tmp_path: Path, values: dict) -> None:
    values.setdefault("NgayKetThucXuLy", "")
    if values.get("TrangThaiHoSo") == "4":
        values["NgayTra"] = ""
    prepared = prepared_rows(tmp_path, [row_a(**values)])
    assert prepared.rejects.height == 0, prepared.rejects.to_dicts()


def test_the_window_moves_with_the_import_day(tmp_path: Path) -> None:
    dates = {"NgayNopHoSo": "", "NgayHenTra": "", "NgayKetThucXuLy": "", "NgayTra": ""}
    row = row_a(NgayTiepNhan="20240616080000", TrangThaiHoSo="4", **dates)
    assert prepared_rows(tmp_path, [row], today=TODAY).rejects.height == 1
    assert prepared_rows(tmp_path, [row], today=TODAY + dt.timedelta(days=1)).rejects.height == 0


# --- wordings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "code"), OFFICIAL_STATUS_NAMES.items())
def test_every_official_status_name_is_built_in(tmp_path: Path, name: str, code: int) -> None:
    aliases = importer.load_aliases()
    assert aliases.status[importer.value_key(name)] == code
    assert aliases.status[importer.value_key(name.upper())] == code


@pytest.mark.parametrize(("kind_value", "code"), PROVINCIAL_WORDINGS.items())
def test_provincial_wordings_are_built_in(kind_value: tuple[str, str], code: int) -> None:
    kind, value = kind_value
    assert getattr(importer.load_aliases(), kind)[importer.value_key(value)] == code


def test_a_real_export_with_official_wordings_loses_no_row(tmp_path: Path) -> None:
    rows = [
        row_a("S5", TrangThaiHoSo="Yêu cầu bổ sung giấy tờ", NgayKetThucXuLy="", NgayTra=""),
        row_a("P3", KenhThucHien="Bưu điện"),
        row_a("F10", TrangThaiHoSo="１０"),  # fullwidth digits, as some systems write them
    ]
    prepared = prepared_rows(tmp_path, rows)
    assert prepared.rejects.height == 0
    assert prepared.valid.select("code", "status_code", "channel_code").rows() == [
        ("S5", 5, 2),
        ("P3", 10, 3),
        ("F10", 10, 2),
    ]


# --- unknown values ------------------------------------------------------------------------------


def test_unknown_values_are_summed_up_in_the_json(tmp_path: Path, capsys) -> None:
    rows = [
        row_a("U1", TrangThaiHoSo="Xong rồi"),
        row_a("U2", TrangThaiHoSo="Xong rồi"),
        row_a("U3", KenhThucHien="Fax"),
        row_a("U4", TrangThaiHoSo='Chờ "ký"', KenhThucHien="Fax"),
        row_a("OK"),
    ]
    source = write_csv(tmp_path / "a.csv", rows, FAMILY_A)
    args = ["import", str(source), "--db", str(tmp_path / "t.duckdb"), "--format", "json"]
    assert cli.main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["unknown_values"] == {
        "status": {"Xong rồi": 2, 'Chờ "ký"': 1},
        "channel": {"Fax": 2},
    }
    assert summary["rejected"] == 4
    assert summary["files"][0]["unknown_values"] == summary["unknown_values"]


def test_the_text_output_prints_a_mapping_snippet_that_works_once_filled_in(
    tmp_path: Path, capsys
) -> None:
    rows = [row_a("U1", TrangThaiHoSo="Xong rồi"), row_a("U2", KenhThucHien='Fax "cũ"\\')]
    source = write_csv(tmp_path / "a.csv", rows, FAMILY_A)
    database = tmp_path / "t.duckdb"
    assert cli.main(["import", str(source), "--db", str(database)]) == 0
    out = capsys.readouterr().out
    snippet = out[out.index("[status]") :]
    assert tomllib.loads(snippet) == {"status": {"Xong rồi": 0}, "channel": {'Fax "cũ"\\': 0}}
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(snippet, encoding="utf-8")
    assert cli.main(["import", str(source), "--db", str(database), "--mapping", str(mapping)]) == 2
    assert "'Xong rồi' of [status] must be a code from 1 to 10" in capsys.readouterr().err
    filled = snippet.replace('"Xong rồi" = 0', '"Xong rồi" = 9').replace("= 0", "= 3")
    mapping.write_text(filled, encoding="utf-8")
    assert cli.main(["import", str(source), "--db", str(database), "--mapping", str(mapping)]) == 0
    assert "2 inserted" in capsys.readouterr().out


@given(
    st.dictionaries(
        st.text(st.characters(exclude_categories=("Cs",)), min_size=1).filter(str.strip),
        st.integers(1, 10),
        max_size=5,
    )
)
def test_mapping_files_written_for_chosen_values_read_back_the_same(chosen: dict) -> None:
    text = importer.mapping_toml({"status": chosen})
    names = importer.check_mapping(tomllib.loads(text), "written")
    assert names.values["status"] == chosen


# --- files written -------------------------------------------------------------------------------


def test_the_rejects_file_keeps_formulas_as_text(tmp_path: Path) -> None:
    rows = [row_a('=HYPERLINK("http://x")', TrangThaiHoSo="=1+1"), row_a("B", TrangThaiHoSo="@x")]
    source = write_csv(tmp_path / "a.csv", rows, FAMILY_A)
    rejects = tmp_path / "r.csv"
    importer.import_files([source], tmp_path / "t.duckdb", rejects=rejects)
    report = pl.read_csv(rejects, infer_schema=False)
    assert report["value"].to_list() == ["'=1+1", "'@x"]


def test_an_import_keeps_a_private_database_private(tmp_path: Path) -> None:
    database = tmp_path / "t.duckdb"
    importer.import_files([write_csv(tmp_path / "a.csv", [row_a("A")], FAMILY_A)], database)
    os.chmod(database, 0o600)
    importer.import_files([write_csv(tmp_path / "b.csv", [row_a("B")], FAMILY_A)], database)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert db.Store(database).query("data_status")["dossiers"][0] == 2


def test_a_rejects_path_that_cannot_be_written_stops_before_the_database(
    tmp_path: Path, capsys
) -> None:
    database = tmp_path / "t.duckdb"
    source = write_csv(tmp_path / "a.csv", [row_a("A"), row_a("B", TrangThaiHoSo="x")], FAMILY_A)
    folder = tmp_path / "folder"
    folder.mkdir()
    code = cli.main(["import", str(source), "--db", str(database), "--rejects", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("onestop: ") and err.count("\n") == 1
    assert str(folder) in err
    assert not database.exists()


# --- the Import page -----------------------------------------------------------------------------


def _page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(db.DB_ENV_VAR, str(tmp_path / "t.duckdb"))
    return AppTest.from_file(str(ROOT / "pages" / "import_data.py"), default_timeout=60).run()


def _upload(page, name: str, data: bytes, key: str = "import_upload"):
    return page.file_uploader(key=key).set_value((name, data, "text/csv")).run()


def test_the_page_maps_unknown_values_before_confirming(tmp_path: Path, monkeypatch) -> None:
    page = _upload(
        _page(tmp_path, monkeypatch), "map.csv", (HOSTILE / "map_target.csv").read_bytes()
    )
    assert not page.exception
    assert [metric.value for metric in page.metric] == ["1", "0", "1"]
    shown = " ".join(str(frame.value) for frame in page.dataframe)
    assert "Xong roi" in shown and "Fax" in shown and "PIIMAP" not in shown
    status, channel = page.selectbox
    assert "Xong roi" in status.label and "1 dòng" in status.label
    status.set_value(9).run()
    channel.set_value(1).run()
    assert [metric.value for metric in page.metric] == ["1", "1", "0"]
    assert page.get("download_button")  # the mapping, for the next import
    page.button(key="import_confirm").click().run()
    assert not page.exception
    stored = db.Store(tmp_path / "t.duckdb").query("data_status")
    assert stored["dossiers"][0] == 1


def test_the_page_uses_a_saved_mapping_file(tmp_path: Path, monkeypatch) -> None:
    page = _page(tmp_path, monkeypatch)
    mapping = importer.mapping_toml({"status": {"Xong roi": 9}, "channel": {"Fax": 1}})
    page.file_uploader(key="import_mapping").set_value(
        ("saved.toml", mapping.encode("utf-8"), "application/toml")
    )
    page = _upload(page, "map.csv", (HOSTILE / "map_target.csv").read_bytes())
    assert not page.exception
    assert [metric.value for metric in page.metric] == ["1", "1", "0"]
    assert not page.selectbox


@pytest.mark.parametrize("name", ["xss.csv", "formula.csv", "lookalike.csv", "pii_ragged.csv"])
def test_the_page_shows_hostile_files_as_text(tmp_path: Path, monkeypatch, name: str) -> None:
    page = _upload(_page(tmp_path, monkeypatch), name, (HOSTILE / name).read_bytes())
    assert not page.exception
    texts = [element.value for element in [*page.markdown, *page.caption, *page.subheader]]
    labels = [box.label for box in page.selectbox]  # Markdown: values in them are escaped
    for text in [*texts, *labels]:
        assert "<script" not in text and "<a href" not in text and "<img" not in text
    if name == "formula.csv":
        assert any("\\=HYPERLINK\\(" in label for label in labels)
    page.button(key="import_confirm").click().run()
    assert not page.exception and page.success


def test_the_page_shows_the_normalised_code_count(tmp_path: Path, monkeypatch) -> None:
    page = _upload(_page(tmp_path, monkeypatch), "l.csv", (HOSTILE / "lookalike.csv").read_bytes())
    assert any("9 mã hồ sơ đã được chuẩn hóa" in caption.value for caption in page.caption)


@pytest.mark.parametrize(
    "name", ["**bold** [x](javascript:alert(1)).csv", "<img src=x onerror=alert(1)>.csv", "..csv"]
)
def test_an_uploaded_file_name_is_never_markup(tmp_path: Path, monkeypatch, name: str) -> None:
    page = _upload(_page(tmp_path, monkeypatch), name, b"")
    assert not page.exception
    message = page.error[0].value
    assert "không có dữ liệu" in message
    assert message.startswith(markdown_literal(name))
    assert not re.search(r"(?<!\\)[<>*\[\]()`_]", message)  # every markup character escaped
    assert "onestop-upload-" not in message  # the temporary path is never shown


def test_every_rejection_reason_is_explained_in_both_languages() -> None:
    from onestop.core import i18n

    for reason in importer.reasons():
        texts = i18n.catalogue()[f"import.reason.{reason}"]
        assert texts["vi"].strip() and texts["en"].strip(), reason
    assert {"row_shape", "date_out_of_range", "date_two_digit_year"} <= set(importer.reasons())
