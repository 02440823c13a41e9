"""Project-wide promises: every query is tested and runs on the demo; every page is routed;
every UI string exists in both languages and every key the code uses is defined."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from onestop.cli import bench
from onestop.core import db, i18n
from onestop.core.filters import DossierFilter

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("name", db.query_names())
def test_every_query_runs_on_the_demo(demo_db: Path, name: str) -> None:
    import datetime as dt

    params = bench.query_params(name, DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    missing = db.parameters_of(db.sql_text(name)) - params.keys()
    assert not missing, f"add values for {sorted(missing)} to bench.QUERY_EXTRA_PARAMETERS"
    db.Store(demo_db).query(name, params)


@pytest.mark.parametrize("name", db.query_names())
def test_every_query_has_a_test(name: str) -> None:
    tests = [p for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_meta.py"]
    assert any(f'"{name}"' in p.read_text(encoding="utf-8") for p in tests), name


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_page_is_in_the_navigation(page: Path) -> None:
    assert f'"pages/{page.name}"' in (ROOT / "dashboard.py").read_text(encoding="utf-8")


def test_every_string_has_both_languages() -> None:
    for key, texts in i18n.catalogue().items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key
        placeholders = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in texts.items()}
        assert placeholders["vi"] == placeholders["en"], key


def _literal_keys(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "t"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            keys.add(node.args[0].value)
    return keys


def test_every_key_used_in_code_is_defined() -> None:
    files = [*PAGES, ROOT / "dashboard.py", *(ROOT / "onestop").rglob("*.py")]
    used = set().union(*(_literal_keys(path) for path in files))
    assert used - i18n.catalogue().keys() == set()


def test_only_db_module_imports_duckdb() -> None:
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in [*(ROOT / "onestop").rglob("*.py"), *PAGES, ROOT / "dashboard.py"]
        if path.name != "db.py" and re.search(r"^\s*(import|from) duckdb", path.read_text(), re.M)
    ]
    assert offenders == []


def test_bench_times_every_query_and_maps_pages(demo_db: Path) -> None:
    import datetime as dt

    timings = bench.time_queries(demo_db, DossierFilter(dt.date(2022, 1, 1), dt.date(2023, 12, 31)))
    assert set(timings) == set(db.query_names())
    pages = bench.queries_by_page()
    assert {page.stem for page in PAGES} == set(pages)
    assert "form06_rows" in pages["report"]
    assert "overdue_dossiers_in_progress" in pages["timeliness"]
