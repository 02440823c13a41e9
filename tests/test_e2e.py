"""End to end: a real server, every page in headless Chromium, a filter change, no error.

Screenshots land in artifacts/screenshots/ for a person to look at. How a run is waited for,
without sleeping: tests/browser.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onestop.core.i18n import t
from tests.browser import (
    SCREENSHOTS,
    assert_no_error,
    new_page,
    open_page,
    page_slugs,
    run_event,
    serving,
    wait_for_run,
)
from tests.fixtures import ROOT


def test_run_events_are_read_from_streamlit_messages() -> None:
    """Guards the one internal the browser tests read: Streamlit's websocket messages."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started, finished, other = ForwardMsg(), ForwardMsg(), ForwardMsg()
    started.new_session.page_script_hash = "overview"
    other.session_status_changed.script_is_running = True

    def ended(status: int) -> bytes:
        finished.script_finished = status
        return finished.SerializeToString()

    assert run_event(started.SerializeToString()) == "started"
    assert run_event(ended(ForwardMsg.FINISHED_SUCCESSFULLY)) == "finished"
    assert run_event(ended(ForwardMsg.FINISHED_WITH_COMPILE_ERROR)) == "finished"
    assert run_event(ended(ForwardMsg.FINISHED_EARLY_FOR_RERUN)) == "rerun"
    assert run_event(other.SerializeToString()) is None
    assert run_event("text frame") is None


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders_without_error(server: str, browser, lang: str) -> None:
    # Streamlit scrolls inside its own container, so a tall window is what captures a whole page.
    page = new_page(browser, viewport={"width": 1400, "height": 3200})
    # Deep links first: on a fresh server the first request must still go through the router.
    for slug in reversed(page_slugs()):
        open_page(page, f"{server}/{slug}?lang={lang}")
        assert_no_error(page, slug)
        assert page.locator("h1").count() >= 1, slug
        switch = page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True)
        assert switch.count() == 1, f"{slug} was not routed through dashboard.py"
        name = slug or "overview"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)
    page.close()


@pytest.mark.e2e
def test_a_first_deep_link_keeps_its_language_and_filters(
    browser, demo_db: Path, tmp_path: Path
) -> None:
    """The first request to a fresh server runs the page bare and is rerouted through
    dashboard.py; the rerun must keep the link's parameters."""
    database = tmp_path / "fresh.duckdb"
    shutil.copy(demo_db, database)
    with serving(database, tmp_path / "server.log") as url:
        page = new_page(browser, viewport={"width": 1400, "height": 1600})
        open_page(page, f"{url}/timeliness?lang=en&channel=in_person")
        assert_no_error(page, "first deep link")
        assert page.locator("h1").first.inner_text() == t("timeliness.page_title", "en")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("English", exact=True).count() == 1, "not routed"
        assert sidebar.get_by_text(t("filters.channel_in_person", "en"), exact=True).count() == 1
        assert "lang=en" in page.url and "channel=in_person" in page.url
        page.close()


@pytest.mark.e2e
def test_switching_language_changes_the_page(server: str, browser) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 1000})
    open_page(page, server)
    assert "Tổng quan" in page.locator("h1").first.inner_text()
    switch = page.get_by_text("English", exact=True)
    wait_for_run(page, switch.click, "switching to English")
    assert_no_error(page, "overview after switching language")
    assert "Overview" in page.locator("h1").first.inner_text()
    assert "lang=en" in page.url
    page.screenshot(path=str(SCREENSHOTS / "overview-switched-en.png"), full_page=True)
    page.close()


@pytest.mark.e2e
def test_changing_a_filter_updates_the_page_and_the_link(server: str, browser) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 1600})
    open_page(page, f"{server}/timeliness")
    in_person = page.get_by_text("Trực tiếp", exact=True).first
    wait_for_run(page, in_person.click, "choosing the in-person channel")
    assert_no_error(page, "timeliness after choosing the in-person channel")
    assert "channel=in_person" in page.url
    page.screenshot(path=str(SCREENSHOTS / "timeliness-in-person-vi.png"), full_page=True)
    # The copied link opens the same view in a fresh tab.
    shared = new_page(browser, viewport={"width": 1400, "height": 1600})
    open_page(shared, page.url)
    assert_no_error(shared, "shared link")
    assert "channel=in_person" in shared.url
    shared.close()
    page.close()


@pytest.mark.e2e
def test_importing_a_sample_through_the_page(browser, demo_db: Path, tmp_path: Path) -> None:
    """Upload, preview, confirm: the new data shows on the next page without a restart."""
    database = tmp_path / "imported.duckdb"
    shutil.copy(demo_db, database)
    with serving(database, tmp_path / "server.log") as url:
        page = new_page(browser, viewport={"width": 1400, "height": 2400})
        open_page(page, f"{url}/import_data")
        sample = ROOT / "data" / "samples" / "ho_so_dvc_quoc_gia.csv"
        upload = page.locator('.st-key-import_upload input[type="file"]')
        wait_for_run(page, lambda: upload.set_input_files(str(sample)), "uploading a sample")
        assert_no_error(page, "import preview")
        confirm = page.get_by_role("button", name="Xác nhận nhập vào cơ sở dữ liệu")
        wait_for_run(page, confirm.click, "confirming the import")
        assert_no_error(page, "import confirmed")
        page.screenshot(path=str(SCREENSHOTS / "import_data-done-vi.png"), full_page=True)
        assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 1
        open_page(page, url)
        assert_no_error(page, "overview after the import")
        assert page.get_by_text("Dữ liệu minh họa").count() == 0  # the demo made way
        page.close()


@pytest.mark.e2e
def test_chart_downloads_are_written_when_clicked(server: str, browser, tmp_path: Path) -> None:
    """CSV and Excel files are made on the click (a callable), not on every run of the page:
    the browser still receives the chart's table with its title row, in Vietnamese."""
    import openpyxl

    page = new_page(browser, viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    open_page(page, f"{server}/timeliness")
    files = {}
    for kind in ("csv", "xlsx"):
        button = page.get_by_role("button", name=t(f"app.download_{kind}", "vi")).first
        with page.expect_download(timeout=120_000) as waiting:
            button.click()
        files[kind] = tmp_path / waiting.value.suggested_filename
        waiting.value.save_as(files[kind])
    assert files["csv"].suffix == ".csv" and files["xlsx"].suffix == ".xlsx"
    text = files["csv"].read_text(encoding="utf-8-sig")
    assert len(text.splitlines()) > 3 and "/2023" in text.splitlines()[1]  # period, title rows
    sheet = openpyxl.load_workbook(files["xlsx"]).active
    assert sheet.max_row > 3 and sheet.title != "Sheet1"
    assert_no_error(page, "timeliness after two downloads")
    page.close()
