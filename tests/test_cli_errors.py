"""Every user error of the command line: a non-zero exit and one sentence, never a traceback.

Each bad invocation runs through `onestop.cli.main` in-process; a few also run through the
installed console script in a subprocess, to be sure of what a user's terminal shows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from onestop import demo, staffing
from onestop.cli import arguments
from onestop.cli import main as cli
from tests.fixtures import build_small_db, dossier

YEAR = ["--from", "2023-01-01", "--to", "2023-12-31"]
MODEL = ["staffing", "--arrivals-per-hour", "9", "--service-minutes", "10"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A real small database, a folder, a text file, an empty file and paths that are not there.

    Shared by the module: every case is refused before it writes (one test checks that).
    """
    tmp_path = tmp_path_factory.mktemp("cli-errors")
    folder = tmp_path / "a folder"
    folder.mkdir()
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n", encoding="utf-8")
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    return {
        "db": build_small_db(tmp_path / "small.duckdb", [dossier("A-1")]),
        "dir": folder,
        "text": text,
        "empty": empty,
        "missing": tmp_path / "none.duckdb",
        "nofolder": tmp_path / "no such folder" / "out.csv",
        "tmp": tmp_path,
    }


def invoke(argv: list[str], capsys) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one run of the command (argparse exits count too)."""
    try:
        code = cli.main(argv)
    except SystemExit as exit_info:
        code = exit_info.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_sentence(code: int, out: str, err: str, *fragments: str) -> None:
    assert code not in (0, None), (out, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("onestop: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, err)


# Each case: the arguments ({name} filled from `files`), then fragments the sentence must hold.
BAD_DATABASES = [
    (["report", "--db", "{dir}", *YEAR], ["--db", "is a folder", "onestop.duckdb"]),
    (["migrate", "--db", "{dir}"], ["--db", "is a folder"]),
    (["demo", "--db", "{dir}", "--dossiers", "4000"], ["--db", "is a folder"]),
    (["staffing", "--db", "{dir}"], ["--db", "is a folder"]),
    (["bench", "--db", "{dir}", "--only", "queries"], ["--db", "is a folder"]),
    (["import", "{text}", "--db", "{dir}"], ["--db", "is a folder"]),
    (["report", "--db", "{text}", *YEAR], ["--db", "notes.duckdb", "not a DuckDB database"]),
    (["migrate", "--db", "{text}"], ["not a DuckDB database"]),
    (["demo", "--db", "{text}", "--dossiers", "4000"], ["not a DuckDB", "will not overwrite"]),
    (["demo", "--db", "{text}", "--dossiers", "4000", "--force"], ["will not overwrite"]),
    (["staffing", "--db", "{text}"], ["not a DuckDB database"]),
    (["bench", "--db", "{text}", "--only", "queries"], ["not a DuckDB database"]),
    (["import", "{text}", "--db", "{text}"], ["not a DuckDB database", "will not overwrite"]),
    (["report", "--db", "{empty}", *YEAR], ["empty.duckdb", "not a DuckDB database"]),
    (["report", "--db", "{missing}", *YEAR], ["--db", "no such database", "onestop demo"]),
    (["staffing", "--db", "{missing}"], ["no such database"]),
    (["migrate", "--db", "{missing}"], ["no such database"]),
    (["bench", "--db", "{missing}", "--only", "queries"], ["no such database"]),
    (["demo", "--db", "{text}/inside.duckdb"], ["cannot be written", "not a folder"]),
]

BAD_OUTPUTS = [
    (["report", "--db", "{db}", *YEAR, "--out", "{nofolder}"], ["--out", "does not exist"]),
    (
        ["report", "--db", "{db}", *YEAR, "--format", "xlsx", "--out", "{nofolder}"],
        ["--out", "does not exist"],
    ),
    (["report", "--db", "{db}", *YEAR, "--out", "{dir}"], ["--out", "is a folder"]),
    (["report", "--db", "{db}", *YEAR, "--out", "{db}"], ["--out", "database itself"]),
    (["import", "{text}", "--db", "{db}", "--rejects", "{nofolder}"], ["--rejects", "not exist"]),
    (["import", "{text}", "--db", "{db}", "--rejects", "{dir}"], ["--rejects", "is a folder"]),
]

BAD_NUMBERS = [
    (["demo", "--dossiers", "-5"], ["--dossiers", "from 3,280", "'-5'"]),
    (["demo", "--dossiers", "0"], ["--dossiers", "'0'"]),
    (["demo", "--dossiers", "3279"], ["--dossiers"]),
    (["demo", "--dossiers", "1000000000000"], ["--dossiers", "to 20,000,000"]),
    (["demo", "--dossiers", "many"], ["--dossiers", "whole number"]),
    (["demo", "--dossiers", "4000.5"], ["--dossiers", "whole number"]),
    (["demo", "--seed", "-1"], ["--seed", "from 0"]),
    (["demo", "--seed", str(2**32)], ["--seed"]),
    (["staffing", "--growth", "1e9"], ["--growth", "at most", "1,000", "percent"]),
    (["staffing", "--growth", "-100"], ["--growth", "above -100"]),
    (["staffing", "--growth", "-150"], ["--growth"]),
    (["staffing", "--growth", "nan"], ["--growth", "'nan'"]),
    (["staffing", "--growth", "inf"], ["--growth"]),
    (["staffing", "--arrivals-per-hour", "nan", "--service-minutes", "10"], ["--arrivals-per"]),
    (["staffing", "--arrivals-per-hour", "inf", "--service-minutes", "10"], ["--arrivals-per"]),
    (["staffing", "--arrivals-per-hour", "-1", "--service-minutes", "10"], ["--arrivals-per"]),
    (["staffing", "--arrivals-per-hour", "1e6", "--service-minutes", "10"], ["--arrivals-per"]),
    (["staffing", "--arrivals-per-hour", "9", "--service-minutes", "0"], ["--service-minutes"]),
    (["staffing", "--arrivals-per-hour", "9", "--service-minutes", "nan"], ["--service-min"]),
    (["staffing", "--arrivals-per-hour", "9", "--service-minutes", "inf"], ["--service-min"]),
    (["staffing", "--arrivals-per-hour", "9", "--service-minutes", "-3"], ["--service-min"]),
    ([*MODEL, "--staff", "0"], ["--staff", "from 1 to 8"]),
    ([*MODEL, "--staff", "1,9"], ["--staff"]),
    ([*MODEL, "--staff", "one"], ["--staff"]),
    ([*MODEL, "--staff", ","], ["--staff"]),
    ([*MODEL, "--days", "0"], ["--days", "from 1 to 1,000"]),
    ([*MODEL, "--days", "-3"], ["--days"]),
    ([*MODEL, "--days", "1000000000"], ["--days"]),
    ([*MODEL, "--days", "2.5"], ["--days", "whole number"]),
    ([*MODEL, "--replications", "1"], ["--replications", "from 2"]),
    ([*MODEL, "--replications", "1000000000"], ["--replications"]),
    ([*MODEL, "--target-share", "0"], ["--target-share", "above 0"]),
    ([*MODEL, "--target-share", "1.5"], ["--target-share"]),
    ([*MODEL, "--target-share", "nan"], ["--target-share"]),
    ([*MODEL, "--target-wait", "0"], ["--target-wait", "minutes"]),
    ([*MODEL, "--target-wait", "-3"], ["--target-wait"]),
    ([*MODEL, "--target-wait", "nan"], ["--target-wait"]),
    ([*MODEL, "--target-wait", "1e6"], ["--target-wait"]),
    ([*MODEL, "--max-utilisation", "0"], ["--max-utilisation"]),
    ([*MODEL, "--max-utilisation", "2"], ["--max-utilisation"]),
    ([*MODEL, "--max-utilisation", "nan"], ["--max-utilisation"]),
    ([*MODEL, "--service-cv", "-1"], ["--service-cv"]),
    ([*MODEL, "--service-cv", "nan"], ["--service-cv"]),
    ([*MODEL, "--seed", "-1"], ["--seed"]),
    ([*MODEL, "--task-minutes", "submission=nan"], ["--task-minutes", "submission"]),
    ([*MODEL, "--task-minutes", "submission=0"], ["--task-minutes", "submission"]),
    ([*MODEL, "--task-minutes", "submission=inf"], ["--task-minutes"]),
    ([*MODEL, "--task-minutes", "submission="], ["--task-minutes"]),
    ([*MODEL, "--task-minutes", "lunch=5"], ["--task-minutes", "unknown task 'lunch'"]),
    (["staffing", "--arrivals-per-hour", "9"], ["go together"]),
    (["bench", "--dossiers", "-5"], ["--dossiers"]),
    (["bench", "--dossiers", "1000000000000"], ["--dossiers"]),
    (["bench", "--import-rows", "0"], ["--import-rows", "from 1"]),
    (["bench", "--import-rows", "-1"], ["--import-rows"]),
    (["bench", "--import-rows", "1000000000000"], ["--import-rows"]),
    (["bench", "--only", "everything"], ["--only", "queries,staffing,import"]),
    (["bench", "--only", ","], ["--only"]),
    (["report", "--from", "2023-02-30", "--to", "2023-03-01"], ["--from", "not a date"]),
    (["report", "--from", "2023-12-31", "--to", "2023-01-01"], ["--from", "later than --to"]),
]


def _filled(argv: list[str], files: dict[str, Path]) -> list[str]:
    return [arg.format(**{name: str(path) for name, path in files.items()}) for arg in argv]


@pytest.mark.parametrize(("argv", "fragments"), BAD_DATABASES + BAD_OUTPUTS + BAD_NUMBERS)
def test_a_user_error_is_one_sentence(files, capsys, argv, fragments) -> None:
    code, out, err = invoke(_filled(argv, files), capsys)
    assert_one_sentence(code, out, err, *fragments)


def test_nothing_is_written_when_an_argument_is_refused(files, capsys) -> None:
    before = hashlib.sha256(files["db"].read_bytes()).hexdigest()
    for argv in (
        ["demo", "--db", "{db}", "--dossiers", "-5", "--force"],
        ["demo", "--db", "{db}", "--seed", "-1", "--force"],
        ["report", "--db", "{db}", *YEAR, "--out", "{db}"],
    ):
        code, _, _ = invoke(_filled(argv, files), capsys)
        assert code != 0
    assert hashlib.sha256(files["db"].read_bytes()).hexdigest() == before
    assert not files["nofolder"].parent.exists()


def test_the_database_named_by_the_environment_is_named_in_the_sentence(
    files, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("ONESTOP_DB", str(files["dir"]))
    code, out, err = invoke(["report", *YEAR], capsys)
    assert_one_sentence(code, out, err, "$ONESTOP_DB", "is a folder")
    monkeypatch.delenv("ONESTOP_DB")
    monkeypatch.chdir(files["tmp"])
    code, out, err = invoke(["report", *YEAR], capsys)
    assert_one_sentence(code, out, err, "the default --db", "no such database")


def test_a_database_without_a_pilot_asks_for_agencies(files, capsys) -> None:
    code, out, err = invoke(["staffing", "--db", str(files["db"])], capsys)
    assert_one_sentence(code, out, err, "no pilot", "--agency", "STP", "--from")


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--dossiers", str(demo.MIN_DOSSIERS), "--seed", "0"],
        ["demo", "--dossiers", str(demo.MAX_DOSSIERS), "--seed", str(arguments.LARGEST_SEED)],
        ["staffing", "--growth", "-99.5", "--days", "1", "--replications", "100"],
        ["staffing", "--growth", "1000", "--days", "1000", "--target-share", "1"],
        ["staffing", "--arrivals-per-hour", "0", "--service-minutes", "0.5", "--staff", "8"],
        ["staffing", "--arrivals-per-hour", "1000", "--service-minutes", "120"],
        ["staffing", "--target-wait", "1", "--max-utilisation", "1", "--service-cv", "0"],
        ["staffing", "--task-minutes", "submission=120", "--task-minutes", "pickup=0.5"],
        ["bench", "--dossiers", str(demo.MIN_DOSSIERS), "--import-rows", "1", "--only", "import"],
    ],
)
def test_the_edges_of_each_range_are_accepted(argv) -> None:
    args = cli.build_parser().parse_args(argv)
    assert args.command == argv[0]


@pytest.mark.parametrize(
    "command", ["demo", "migrate", "report", "staffing", "capacity", "import", "bench"]
)
def test_help_shows_the_ranges(command, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: onestop {command}")


def test_the_ranges_are_the_pages_ranges() -> None:
    """The page's widgets and the command refuse the same values (one set of bounds)."""
    from onestop.web import whatif

    # The minute boxes keep the command's range unless a measured figure lies beyond it.
    assert whatif.minutes_bounds(15.0) == staffing.TASK_MINUTES_RANGE
    # The what-if widgets (and links) take their bounds from whatif, which takes the command's.
    assert whatif.WAIT_INPUT[:2] == staffing.TARGET_WAIT_RANGE
    low, high, _ = whatif.GROWTH_SLIDER
    assert staffing.GROWTH_RANGE[0] < low and staffing.GROWTH_RANGE[1] >= high


def test_a_demo_larger_than_the_memory_is_refused_before_it_starts() -> None:
    # About 400 MB and 600 bytes a dossier at the peak (measured: 0.9 GB at one million).
    with pytest.raises(cli.UsageError, match=r"needs about 6\.4 GB .* has 2\.0 GB: choose at most"):
        arguments.check_memory_for_demo(10_000_000, memory_bytes=2_000_000_000)
    arguments.check_memory_for_demo(10_000_000, memory_bytes=16_000_000_000)
    assert demo.memory_needed(demo.largest_fitting(2e9)) <= 2e9


# --- through the real console script --------------------------------------------------------


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("onestop")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "onestop.cli"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["report", "--db", "{dir}", *YEAR], "is a folder"),
        (["report", "--db", "{db}", *YEAR, "--out", "{nofolder}"], "does not exist"),
        (["demo", "--db", "{tmp}/new.duckdb", "--dossiers", "-5"], "--dossiers"),
        (["staffing", "--growth", "1e9"], "--growth"),
        (["staffing", "--arrivals-per-hour", "nan", "--service-minutes", "10"], "'nan'"),
    ],
)
def test_the_console_script_prints_one_sentence(files, argv, fragment) -> None:
    result = subprocess.run(
        [*_console_script(), *_filled(argv, files)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ONESTOP_DB": str(files["db"])},
    )
    assert_one_sentence(result.returncode, result.stdout, result.stderr, fragment)
    assert not (files["tmp"] / "new.duckdb").exists()


def _without_root_privileges() -> list[str]:
    """A command prefix under which file permissions apply, also when the tests run as root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads any file")
    dropped = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={dropped}", f"--inh-caps={dropped}"]


def test_an_unreadable_database_is_named(files) -> None:
    locked = files["tmp"] / "locked.duckdb"
    shutil.copyfile(files["db"], locked)
    locked.chmod(0o000)
    try:
        result = subprocess.run(
            [*_without_root_privileges(), *_console_script(), "report", "--db", str(locked), *YEAR],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        locked.chmod(0o600)
    assert_one_sentence(
        result.returncode, result.stdout, result.stderr, "locked.duckdb cannot be read", "denied"
    )
