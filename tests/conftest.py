"""Shared fixtures: small real DuckDB files built from given rows, the demo database, and for the
browser tests a served dashboard and headless Chromium. The builders themselves live in
tests/fixtures.py, the browser helpers in tests/browser.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from onestop import demo
from tests.browser import launched_chromium, serving
from tests.fixtures import build_small_db


@pytest.fixture
def small_db(tmp_path: Path) -> Callable[[list[dict[str, object]]], Path]:
    """Build a small database from dossier rows; returns its path."""
    counter = iter(range(1_000))

    def build(dossiers: list[dict[str, object]]) -> Path:
        return build_small_db(tmp_path / f"small{next(counter)}.duckdb", dossiers)

    return build


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo database, built once per test session."""
    path = tmp_path_factory.mktemp("demo") / "onestop.duckdb"
    demo.build_demo(path)
    return path


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served over the demo database, for one test module."""
    with serving(demo_db, tmp_path_factory.mktemp("e2e") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Headless Chromium, for one test module."""
    with launched_chromium() as chromium:
        yield chromium
