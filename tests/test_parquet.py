"""`onestop export-parquet` and counting over the export: the same SQL and rule macro over a
hive-partitioned Parquet folder give exactly what the database file gives."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from onestop.cli import bench
from onestop.cli.main import main
from onestop.core import db
from onestop.core.filters import DossierFilter
from onestop.reports import index766


@pytest.fixture(scope="module")
def exported(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet") / "export"
    assert main(["export-parquet", "--db", str(demo_db), "--out", str(folder)]) == 0
    return folder


def test_the_export_is_partitioned_by_year_and_agency(exported: Path, demo_db: Path) -> None:
    years = sorted(path.name for path in (exported / "dossiers").iterdir())
    # never received (status 3): the standard Hive partition for a null value
    assert years == ["year=2022", "year=2023", "year=__HIVE_DEFAULT_PARTITION__"]
    agencies = {path.name for path in (exported / "dossiers" / "year=2023").iterdir()}
    assert "agency_id=1" in agencies and len(agencies) == 14
    assert (exported / "counter_visits" / "year=2023").is_dir()
    assert (exported / "agencies.parquet").is_file()
    store, parquet = db.Store(demo_db, use_rollups=False), db.ParquetStore(str(exported))
    assert parquet.query("data_status").equals(store.query("data_status"))


def _report(*args: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["report", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_report_over_the_folder_is_the_report_over_the_file(
    exported: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for period in (["--from", "2023-01-01", "--to", "2023-12-31", "--pilot"],
                   ["--from", "2022-03-15", "--to", "2023-08-20"]):  # fmt: skip
        from_file = _report("--db", str(demo_db), *period, capsys=capsys)
        from_folder = _report("--parquet", str(exported), *period, capsys=capsys)
        assert from_folder == from_file
    assert from_file["total"]["carried_over"] > 0  # the second period starts mid-stream


def test_every_question_over_the_folder_matches_the_file(exported: Path, demo_db: Path) -> None:
    flt = DossierFilter(dt.date(2022, 11, 10), dt.date(2023, 6, 5), channels=(1, 2))
    store, parquet = db.Store(demo_db, use_rollups=False), db.ParquetStore(str(exported))
    for name in db.query_names():
        params = bench.query_params(name, flt)
        if name == "index766_by_procedure":
            params = index766.query_params(flt)
        expected, answered = store.query(name, params), parquet.query(name, params)
        keys = [column for column, dtype in expected.schema.items() if not dtype.is_float()]
        assert_frame_equal(expected.sort(keys), answered.sort(keys), check_dtypes=False), name


def test_an_export_never_mixes_into_a_folder_in_use(
    exported: Path, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export-parquet", "--db", str(demo_db), "--out", str(exported)]) == 2
    assert "not an empty folder" in capsys.readouterr().err


def test_a_missing_folder_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    code = main(["report", "--parquet", str(missing), "--from", "2023-01-01", "--to", "2023-01-31"])
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert "No Parquet export at" in error and "\n" not in error
