"""End to end: a real server, every page in headless Chromium, a filter change, no error.

Screenshots land in artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def server(demo_db: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "ONESTOP_DB": str(demo_db)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
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
            pytest.fail("the dashboard did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


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
