"""End to end: a real server, every page in headless Chromium, a filter change, no error.

Screenshots land in artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def page_slugs() -> list[str]:
    """URL paths of the routed pages in navigation order; the default (first) page is the root."""
    routed = re.findall(r'"pages/(\w+)\.py"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))
    return ["", *list(dict.fromkeys(routed))[1:]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(database: Path, log: Path) -> Iterator[str]:
    """The dashboard on a free local port over one database file, stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "ONESTOP_DB": str(database)}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.5)
            else:
                pytest.fail(f"the dashboard did not start within 60 s: {log.read_text()[-2000:]}")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(demo_db, tmp_path_factory.mktemp("e2e") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(1_000)


def _assert_no_error(page, where: str) -> None:
    errors = page.locator(
        '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'
    )
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:500]}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders_without_error(server: str, browser, lang: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside its own container, so a tall window is what captures a whole page.
    page = browser.new_page(viewport={"width": 1400, "height": 3200})
    # Deep links first: on a fresh server the first request must still go through the router.
    for slug in reversed(page_slugs()):
        page.goto(f"{server}/{slug}?lang={lang}")
        _settle(page)
        _assert_no_error(page, slug)
        assert page.locator("h1").count() >= 1, slug
        switch = page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True)
        assert switch.count() == 1, f"{slug} was not routed through dashboard.py"
        name = slug or "overview"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)
    page.close()


def test_switching_language_changes_the_page(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    _settle(page)
    assert "Tổng quan" in page.locator("h1").first.inner_text()
    switch = page.get_by_text("English", exact=True)
    try:
        switch.click(timeout=15_000)
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / "overview-switch-failed.png"), full_page=True)
        raise
    _settle(page)
    _assert_no_error(page, "overview after switching language")
    assert "Overview" in page.locator("h1").first.inner_text()
    assert "lang=en" in page.url
    page.screenshot(path=str(SCREENSHOTS / "overview-switched-en.png"), full_page=True)
    page.close()


def test_changing_a_filter_updates_the_page_and_the_link(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server}/timeliness")
    _settle(page)
    page.get_by_text("Trực tiếp", exact=True).first.click()
    _settle(page)
    _assert_no_error(page, "timeliness after choosing the in-person channel")
    assert "channel=in_person" in page.url
    page.screenshot(path=str(SCREENSHOTS / "timeliness-in-person-vi.png"), full_page=True)
    # The copied link opens the same view in a fresh tab.
    shared = browser.new_page(viewport={"width": 1400, "height": 1600})
    shared.goto(page.url)
    _settle(shared)
    _assert_no_error(shared, "shared link")
    assert "channel=in_person" in shared.url
    shared.close()
    page.close()


def test_importing_a_sample_through_the_page(browser, demo_db: Path, tmp_path: Path) -> None:
    """Upload, preview, confirm: the new data shows on the next page without a restart."""
    database = tmp_path / "imported.duckdb"
    shutil.copy(demo_db, database)
    with serving(database, tmp_path / "server.log") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.goto(f"{url}/import_data")
        _settle(page)
        sample = ROOT / "data" / "samples" / "ho_so_dvc_quoc_gia.csv"
        page.locator('input[type="file"]').set_input_files(str(sample))
        _settle(page)
        _assert_no_error(page, "import preview")
        page.get_by_role("button", name="Xác nhận nhập vào cơ sở dữ liệu").click()
        _settle(page)
        _assert_no_error(page, "import confirmed")
        page.screenshot(path=str(SCREENSHOTS / "import_data-done-vi.png"), full_page=True)
        assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 1
        page.goto(url)
        _settle(page)
        _assert_no_error(page, "overview after the import")
        assert page.get_by_text("Dữ liệu minh họa").count() == 0  # the demo made way
        page.close()
