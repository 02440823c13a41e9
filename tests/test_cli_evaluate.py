"""`onestop evaluate` and `onestop pilot set|show|clear` on real database files: the JSON
contract on databases with a known effect, pilots stored and read back by the default views, and
how --pilot combines with --agency."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from onestop.cli import main as cli
from onestop.core import db
from onestop.web import url_state
from tests.known_effect import known_effect_db, known_effect_rows

DRAWS = "999"  # the command's default 9,999 only narrows the interval's Monte Carlo error
MEASURE_KEYS = [
    "measure",
    "pilot_before",
    "pilot_during",
    "others_before",
    "others_during",
    "did",
    "ci_low",
    "ci_high",
    "method",
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _known(tmp_path: Path, effect: float, seed: int, **options) -> Path:
    path = tmp_path / f"known{seed}.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(seed), effect, **options))
    return path


# --- onestop evaluate -------------------------------------------------------------------------


@pytest.mark.parametrize(("effect", "seed"), [(0.0, 11), (0.10, 12)])
def test_evaluate_json_recovers_a_known_effect(
    tmp_path: Path, capsys, effect: float, seed: int
) -> None:
    path = _known(tmp_path, effect, seed)
    code, out, err = run(
        capsys, "evaluate", "--db", str(path), "--format", "json", "--draws", DRAWS
    )
    assert code == 0 and err == ""
    result = json.loads(out)
    assert list(result) == ["pilot", "before", "during", "measures"]
    assert result["before"] == ["2022-01-01", "2022-12-31"]
    assert result["during"] == ["2023-01-01", "2023-12-31"]
    assert [a["code"] for a in result["pilot"]["agencies"]] == [f"A{i:02d}" for i in range(1, 7)]
    names = [m["measure"] for m in result["measures"]]
    assert names == [
        "early_share",
        "late_share",
        "mean_processing_days",
        "supplement_share",
        "online_share",
        "digitised_share",
        "dossiers_per_staffer_day",
    ]
    for measure in result["measures"]:
        assert list(measure) == MEASURE_KEYS
    late = next(m for m in result["measures"] if m["measure"] == "late_share")
    truth = -effect
    assert 0 <= late["pilot_before"] <= 1 and 0 <= late["others_during"] <= 1  # fractions
    assert late["did"] == pytest.approx(truth, abs=0.025)
    assert late["ci_low"] <= truth <= late["ci_high"]
    assert late["ci_high"] - late["ci_low"] < 0.12
    assert late["method"] == "wild_cluster_restricted_bootstrap"
    # These databases do not say whether a dossier was digitised: no value, no interval.
    digitised = next(m for m in result["measures"] if m["measure"] == "digitised_share")
    assert digitised["did"] is None and digitised["method"] == "none"


def test_evaluate_table_reads_the_effect_in_words(tmp_path: Path, capsys) -> None:
    path = _known(tmp_path, 0.10, 12)
    code, out, _ = run(capsys, "evaluate", "--db", str(path), "--lang", "en", "--draws", DRAWS)
    assert code == 0
    assert "6 pilot agencies against 8 others" in out
    assert "Share late: relative to the other agencies, at the pilot agencies it fell by" in out
    code, out, _ = run(capsys, "evaluate", "--db", str(path), "--draws", DRAWS)
    assert "Tỉ lệ" in out or "Khoảng tin cậy 95%" in out  # Vietnamese by default


def test_evaluate_takes_a_chosen_before_period(tmp_path: Path, capsys) -> None:
    path = _known(tmp_path, 0.0, 13)
    argv = ["evaluate", "--db", str(path), "--format", "json", "--draws", DRAWS]
    code, out, _ = run(capsys, *argv, "--before-from", "2022-07-01", "--before-to", "2022-12-31")
    assert code == 0
    assert json.loads(out)["before"] == ["2022-07-01", "2022-12-31"]
    code, _, err = run(capsys, *argv, "--before-from", "2022-07-01", "--before-to", "2023-02-01")
    assert code == 2
    assert err.startswith("onestop: The period before the pilot must end before the pilot starts")


def test_evaluate_without_a_baseline_says_what_is_missing(tmp_path: Path, capsys) -> None:
    rows = [
        row
        for row in known_effect_rows(np.random.default_rng(14), 0.0)
        if not (row["agency_id"] <= 6 and row["received_at"].year == 2022)  # type: ignore[union-attr,operator]
    ]
    path = tmp_path / "nobase.duckdb"
    known_effect_db(path, rows)
    code, out, err = run(capsys, "evaluate", "--db", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out)["measures"] == []
    assert "there is no baseline to compare with" in err
    _, table, _ = run(capsys, "evaluate", "--db", str(path), "--lang", "en")
    assert "there is no baseline to compare with" in table


def test_evaluate_without_a_pilot_says_how_to_define_one(tmp_path: Path, capsys) -> None:
    path = _known(tmp_path, 0.0, 15)
    assert run(capsys, "pilot", "clear", "--db", str(path))[0] == 0
    code, out, err = run(capsys, "evaluate", "--db", str(path))
    assert code == 2 and out == ""
    assert "defines no pilot" in err and "onestop pilot set" in err


# --- onestop pilot ------------------------------------------------------------------------------


def _catalog(path: Path) -> url_state.Catalog:
    store = db.Store(path)
    try:
        return url_state.build_catalog(store.query)
    finally:
        store.close()


def test_pilot_set_show_clear_and_the_default_view_follows(tmp_path: Path, capsys) -> None:
    path = _known(tmp_path, 0.0, 16)
    code, out, err = run(
        capsys,
        "pilot",
        "set",
        "--db",
        str(path),
        "--agency",
        "a07",
        "SỞ 8",
        "--agency",
        "so 9",
        "--from",
        "2022-07-01",
        "--to",
        "2023-06-30",
        "--name",
        "Bưu điện, đợt 2",
    )
    assert code == 0, err
    assert "Bưu điện, đợt 2" in out and "A07" in out and "A09" in out
    code, out, _ = run(capsys, "pilot", "show", "--db", str(path), "--format", "json")
    assert json.loads(out) == {
        "name": "Bưu điện, đợt 2",
        "start": "2022-07-01",
        "end": "2023-06-30",
        "agencies": [
            {"code": "A07", "name": "Sở 7"},
            {"code": "A08", "name": "Sở 8"},
            {"code": "A09", "name": "Sở 9"},
        ],
    }
    catalog = _catalog(path)
    assert catalog.default_period == (dt.date(2022, 7, 1), dt.date(2023, 6, 30))
    assert catalog.pilot_agency_ids == (7, 8, 9)
    # The evaluation follows too: the three agencies, before = the year before 2022-07-01.
    _, out, _ = run(capsys, "evaluate", "--db", str(path), "--format", "json", "--draws", DRAWS)
    assert json.loads(out)["before"] == ["2021-07-01", "2022-06-30"]

    assert run(capsys, "pilot", "clear", "--db", str(path))[0] == 0
    code, out, _ = run(capsys, "pilot", "show", "--db", str(path))
    assert code == 0 and out.startswith("No pilot is defined")
    catalog = _catalog(path)
    assert catalog.pilot_agency_ids == ()
    assert catalog.default_period == catalog.data_span  # every agency over the data's span


def test_an_open_pilot_is_shown_as_ongoing(tmp_path: Path, capsys) -> None:
    path = _known(tmp_path, 0.0, 17)
    code, _, _ = run(
        capsys, "pilot", "set", "--db", str(path), "--agency", "A01", "--from", "2023-01-01"
    )
    assert code == 0
    _, out, _ = run(capsys, "pilot", "show", "--db", str(path), "--format", "json")
    shown = json.loads(out)
    assert shown["end"] is None and shown["name"] == "Thí điểm từ 01/01/2023"
    _, text, _ = run(capsys, "pilot", "show", "--db", str(path))
    assert "2023-01-01 to ongoing" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--agency", "nowhere", "--from", "2023-01-01"], "No agency is named or coded 'nowhere'"),
        (["--agency", "A01", "--from", "2023-01-01", "--name", " "], "must not be empty"),
        (["--agency", "A01", "--from", "2023-01-01", "--to", "2022-01-01"], "--from must not be"),
    ],
)
def test_a_pilot_that_cannot_be_stored_is_refused_in_one_sentence(
    tmp_path: Path, capsys, arguments: list[str], message: str
) -> None:
    path = _known(tmp_path, 0.0, 18)
    before = path.read_bytes()
    code, out, err = run(capsys, "pilot", "set", "--db", str(path), *arguments)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1
    assert path.read_bytes() == before  # nothing lost


def test_pilot_on_a_missing_database_names_it(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "pilot", "show", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2 and "no such database" in err


# --- --pilot with --agency --------------------------------------------------------------------


def test_pilot_and_agency_together_take_both(demo_db: Path, capsys) -> None:
    year = ["--from", "2023-01-01", "--to", "2023-12-31", "--format", "json"]
    base = ["report", "--db", str(demo_db), *year]

    def agencies(*extra: str) -> set[str]:
        code, out, _ = run(capsys, *base, *extra)
        assert code == 0
        return {row["agency"] for row in json.loads(out)["rows"]}

    pilot = agencies("--pilot")
    alone = agencies("--agency", "SYT")
    assert len(pilot) == 6 and alone == {"Sở Y tế"}
    assert agencies("--pilot", "--agency", "SYT") == pilot | alone  # a union, as --help says
    for command in ("report", "staffing"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "with --agency, added to them" in help_text or "are added to them" in help_text
