"""The command line: report formats, agency selection and one-sentence errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from onestop.cli import main as cli
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report

YEAR = ["--from", "2023-01-01", "--to", "2023-12-31"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_and_json_agree(demo_db: Path, capsys) -> None:
    _, as_json, _ = run(capsys, "report", "--db", str(demo_db), *YEAR, "--format", "json")
    _, as_csv, _ = run(capsys, "report", "--db", str(demo_db), *YEAR, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    total = json.loads(as_json)["total"]
    assert rows[-1]["agency"] == "TOTAL"
    assert {key: int(rows[-1][key]) for key in report.FORM06_COUNTS} == total
    assert len(rows) - 1 == len(json.loads(as_json)["rows"])


def test_table_format_ends_with_the_total(demo_db: Path, capsys) -> None:
    code, out, _ = run(capsys, "report", "--db", str(demo_db), *YEAR, "--pilot")
    assert code == 0
    assert out.splitlines()[-1].split()[:4] == ["TOTAL", "1700", "1669", "31"]


def test_agency_by_code_or_name_without_accents(demo_db: Path, capsys) -> None:
    _, by_code, _ = run(
        capsys, "report", "--db", str(demo_db), *YEAR, "--agency", "stp", "--format", "json"
    )
    _, by_name, _ = run(
        capsys, "report", "--db", str(demo_db), *YEAR, "--agency", "so tu phap", "--format", "json"
    )
    assert json.loads(by_code) == json.loads(by_name)
    assert {row["agency"] for row in json.loads(by_code)["rows"]} == {"Sở Tư pháp"}


def test_out_writes_a_file(demo_db: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "form.json"
    code, stdout, _ = run(
        capsys, "report", "--db", str(demo_db), *YEAR, "--format", "json", "--out", str(out)
    )
    assert code == 0 and stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["total"]["received_total"] > 1700


def test_identities_hold_on_the_demo(demo_db: Path) -> None:
    for year in (2022, 2023):
        chosen = DossierFilter(dt.date(year, 1, 1), dt.date(year, 12, 31))
        form = report.build_form06(Store(demo_db), chosen)
        assert form.identity_failures() == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--db", "{missing}", *YEAR], "no such database"),
        (["report", "--db", "{garbage}", *YEAR], "not a DuckDB database"),
        (["report", "--db", "{demo}", *YEAR, "--agency", "Sở Không Có"], "no agency named"),
        (["report", "--db", "{demo}", "--from", "2023-12-31", "--to", "2023-01-01"], "--from"),
    ],
)
def test_errors_are_one_sentence(demo_db: Path, tmp_path: Path, capsys, argv, message) -> None:
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_text("not a database")
    paths = {"missing": tmp_path / "none.duckdb", "garbage": garbage, "demo": demo_db}
    argv = [arg.format(**paths) for arg in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_date_is_rejected_by_the_parser(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["report", "--from", "2023-02-30", "--to", "2023-03-01"])
    assert exit_info.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_a_command_imports_only_its_own_module() -> None:
    """`onestop demo` need not wait a second for the bench, the deck and the charts to import;
    `onestop --help` lists every command, so it does import them."""
    heavy = ("onestop.cli.bench", "onestop.meeting.deck", "plotly", "pptx")
    check = (
        "import sys; from onestop.cli.main import build_parser; build_parser({}); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )

    def imported(command: str | None) -> list[str]:
        script = check.format(repr(command))
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        return json.loads(result.stdout.replace("'", '"'))

    assert imported("demo") == []
    assert imported(None) == sorted(heavy)


def test_db_comes_from_the_environment(demo_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "onestop.cli", "report", *YEAR, "--pilot", "--format", "json"],
        env={"ONESTOP_DB": str(demo_db), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout)["total"]["received_total"] == 1700


def test_demo_refuses_to_replace_imported_data(tmp_path: Path, capsys) -> None:
    from tests.fixtures import build_small_db, dossier

    path = build_small_db(tmp_path / "real.duckdb", [dossier("REAL-1")])
    code, _, err = run(capsys, "demo", "--db", str(path), "--dossiers", "4000")
    assert code == 2 and "1 imported dossiers" in err
    assert Store(path).query("data_status")["dossiers"][0] == 1
    code, out, _ = run(capsys, "demo", "--db", str(path), "--dossiers", "4000", "--force")
    assert code == 0 and "Demo database written" in out
    assert Store(path).query("data_status")["demo_dossiers"][0] == 4000


def test_migrate_brings_an_old_file_up_to_date(tmp_path: Path, capsys) -> None:
    from onestop.core import db

    path = tmp_path / "old.duckdb"
    con = db.connect_for_writing(path)
    # Pretend the file was written by version 1 of the schema.
    con.execute("delete from schema_version where version > 1")
    con.execute("drop index staff_name_is_unique")
    con.close()
    code, out, _ = run(capsys, "migrate", "--db", str(path))
    latest = max(number for number, _ in db.schema_versions())
    assert code == 0 and f"schema version {latest} (was 1)" in out
    con = db.connect_read_only(path)
    assert db.current_schema_version(con) == latest
    con.close()
    code, out, _ = run(capsys, "migrate", "--db", str(path))
    assert f"(was {latest})" in out
