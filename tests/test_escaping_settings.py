"""Production settings: no developer menu, no error details for users, a friendly sentence.

The guard (onestop.page_guard) must catch a page's errors but let Streamlit's own control flow
through; the pages here are small functions routed by st.navigation, as dashboard.py routes files.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import db, i18n
from onestop.web import page_guard
from tests.fixtures import ROOT, build_hostile_db

CONFIG = ROOT / ".streamlit" / "config.toml"


def _config() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_users_get_the_viewer_toolbar_without_deploy_or_developer_menu():
    assert _config()["client"]["toolbarMode"] == "viewer"


def test_users_see_no_error_details():
    # "none": the browser gets a generic sentence; type, message and traceback go to the console.
    assert _config()["client"]["showErrorDetails"] == "none"


def test_streamlit_itself_reads_these_values():
    """Streamlit parses the file as we meant it (a typo in a key would be ignored silently)."""
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert 'toolbarMode = "viewer"' in shown
    assert 'showErrorDetails = "none"' in shown


# --- the guard around every page -----------------------------------------------------------


def _app(lang: str) -> None:
    """Three pages: one fails, one stops early, one reruns once; the `page` parameter picks."""
    import streamlit as st

    from onestop.web import page_guard

    def failing() -> None:
        st.write("before the failure")
        raise RuntimeError("database password is hunter2 at /srv/onestop/secret.duckdb")

    def stopping() -> None:
        st.write("before the stop")
        st.stop()
        st.write("after the stop")

    def rerunning() -> None:
        st.session_state["runs"] = st.session_state.get("runs", 0) + 1
        if st.session_state["runs"] == 1:
            st.rerun()
        st.write(f"run {st.session_state['runs']}")

    def switching() -> None:
        st.switch_page(pages["rerunning"])

    pages = {
        name: st.Page(function, title=name, url_path=name)
        for name, function in [
            ("failing", failing),
            ("stopping", stopping),
            ("rerunning", rerunning),
            ("switching", switching),
        ]
    }
    wanted = st.query_params.get("page", "failing")
    chosen = st.navigation(
        [pages[wanted], *(page for name, page in pages.items() if name != wanted)]
    )
    page_guard.run(chosen, lang)


def run_guarded(page: str, lang: str = "vi") -> AppTest:
    app = AppTest.from_function(_app, kwargs={"lang": lang}, default_timeout=30)
    app.query_params["page"] = page
    return app.run()


def _everything(app: AppTest) -> str:
    kinds = ("markdown", "error", "exception", "caption", "warning", "info", "code", "json")
    return "\n".join(str(element.value) for kind in kinds for element in app.get(kind))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_failing_page_shows_one_friendly_sentence_in_its_language(lang: str, caplog):
    with caplog.at_level(logging.ERROR, logger=page_guard.LOGGER_NAME):
        app = run_guarded("failing", lang)
    assert not app.exception
    assert [element.value for element in app.error] == [i18n.t("app.unexpected_error", lang)]
    assert "before the failure" in _everything(app)
    assert "hunter2" not in _everything(app)
    # The details are in the server's log, with the traceback.
    (record,) = [r for r in caplog.records if r.name == page_guard.LOGGER_NAME]
    assert record.exc_info is not None and "hunter2" in str(record.exc_info[1])


def test_st_stop_passes_through_the_guard():
    app = run_guarded("stopping")
    assert not app.exception and not app.error
    assert "before the stop" in _everything(app)
    assert "after the stop" not in _everything(app)


def test_st_rerun_passes_through_the_guard():
    app = run_guarded("rerunning")
    assert not app.exception and not app.error
    assert "run 2" in _everything(app)


def test_st_switch_page_passes_through_the_guard():
    app = run_guarded("switching")
    assert not app.exception and not app.error
    assert "run 2" in _everything(app)


# --- the real router -------------------------------------------------------------------------


@pytest.fixture
def damaged_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database file without its `fields` table (a foreign or damaged file)."""
    path = build_hostile_db(tmp_path / "damaged.duckdb")
    con = db.connect_for_writing(path)
    con.execute("drop table fields")
    con.close()
    monkeypatch.setenv("ONESTOP_DB", str(path))
    yield path


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dashboard_shows_the_friendly_sentence_when_a_page_fails(damaged_db: Path, lang: str):
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    if lang == "en":
        app.query_params["lang"] = "en"
    app.run()
    assert not app.exception
    assert [element.value for element in app.error] == [i18n.t("app.unexpected_error", lang)]
    assert "fields" not in _everything(app)
