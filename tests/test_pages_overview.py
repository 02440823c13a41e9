"""The overview page on the demo database, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import page_path


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ONESTOP_DB", str(demo_db))

    def start(lang: str | None = None) -> AppTest:
        at = AppTest.from_file(page_path("overview.py"), default_timeout=60)
        if lang:
            at.query_params["lang"] = lang
        return at.run()

    return start


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_headline_figures_in_vietnamese(app) -> None:
    at = app()
    assert not at.exception
    shown = _metrics(at)
    assert shown["Tiếp nhận"] == "1.700"
    assert shown["Tỷ lệ trực tuyến"] == "98,2%"
    assert shown["Đã giải quyết"] == "1.668"
    assert (shown["Trước hạn"], shown["Đúng hạn"], shown["Quá hạn"]) == ("1.479", "168", "21")
    assert shown["Đang giải quyết"] == "32"
    assert any("badge[:material/science: Dữ liệu minh họa]" in md.value for md in at.markdown)
    summary = " ".join(md.value for md in at.markdown)
    assert "tiếp nhận 1.700 hồ sơ, trong đó 1.669 hồ sơ trực tuyến (98,2%)" in summary


def test_headline_figures_in_english(app) -> None:
    at = app("en")
    assert not at.exception
    shown = _metrics(at)
    assert shown["Received"] == "1,700"
    assert shown["Online share"] == "98.2%"
    assert shown["Late"] == "21"
    assert at.title[0].value == "Overview"


def test_missing_database_gives_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESTOP_DB", str(tmp_path / "absent.duckdb"))
    at = AppTest.from_file(page_path("overview.py"), default_timeout=60).run()
    assert not at.exception
    assert "onestop demo" in at.warning[0].value


ANALYSIS_PAGES = [
    "overview.py",
    "throughput.py",
    "timeliness.py",
    "agency_load.py",
    "staffing.py",
    "report.py",
]


@pytest.mark.parametrize("page", ANALYSIS_PAGES)
def test_empty_database_gives_a_message_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """A new store, or one whose every imported row was rejected, has nothing to count."""
    from onestop.core import db

    empty = tmp_path / "empty.duckdb"
    db.connect_for_writing(empty).close()
    monkeypatch.setenv("ONESTOP_DB", str(empty))
    at = AppTest.from_file(page_path(page), default_timeout=60).run()
    assert not at.exception
    assert "chưa có hồ sơ" in at.info[0].value


def test_receiver_filter_is_ignored_when_the_data_names_no_receivers(
    small_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported exports carry no receiving staff; receiver=postal must not empty the page."""
    from tests.fixtures import dossier

    path = small_db([dossier("A-1", received_by=None), dossier("A-2", received_by=None)])
    monkeypatch.setenv("ONESTOP_DB", str(path))
    at = AppTest.from_file(page_path("overview.py"), default_timeout=60)
    at.query_params.update(
        {"from": "2023-03-01", "to": "2023-03-31", "agency": "all", "receiver": "postal"}
    )
    at.run()
    assert not at.exception
    assert _metrics(at)["Tiếp nhận"] == "2"
