"""In a real browser: hostile names drawn as text, no Deploy button, a friendly error page.

The server and browser helpers are those of tests/browser.py; screenshots go to the same folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onestop.core import db, i18n
from tests.browser import SCREENSHOTS, new_page, open_page, serving
from tests.fixtures import LINK, build_hostile_db

pytestmark = pytest.mark.e2e

PROBE = """() => ({
  chartLinks: document.querySelectorAll('.js-plotly-plot svg a').length,
  chartTexts: [...document.querySelectorAll('.js-plotly-plot svg text')].map(t => t.textContent),
  tableLinks: document.querySelectorAll('[data-testid="stHtml"] a').length,
  scriptRan: window.__xss !== undefined,
  deployButtons: document.querySelectorAll('[data-testid="stAppDeployButton"]').length,
})"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile_browser")
    with serving(build_hostile_db(folder / "hostile.duckdb"), folder / "server.log") as url:
        yield url


def _open(browser, url: str, name: str, ready: str) -> dict:
    """What the page shows once the run has finished and the `ready` element is drawn."""
    page = new_page(browser, viewport={"width": 1400, "height": 2400})
    open_page(page, url)
    page.wait_for_selector(ready, timeout=60_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    found = page.evaluate(PROBE)
    page.close()
    return found


CHART_TEXT = ".js-plotly-plot svg text"


@pytest.mark.parametrize(
    ("slug", "ready"),
    [
        ("agency_load", CHART_TEXT),
        ("timeliness", CHART_TEXT),
        ("report", '[data-testid="stHtml"] table'),
    ],
)
def test_hostile_names_are_drawn_as_text(hostile_server: str, browser, slug, ready) -> None:
    found = _open(browser, f"{hostile_server}/{slug}", f"hostile-{slug}-vi", ready)
    assert found["chartLinks"] == 0
    assert found["tableLinks"] == 0
    assert not found["scriptRan"]
    if slug != "report":
        assert LINK in found["chartTexts"]  # a tick label showing the tag as written


def test_users_get_no_deploy_button(hostile_server: str, browser) -> None:
    found = _open(browser, hostile_server, "viewer-toolbar-vi", '[data-testid="stToolbar"]')
    assert found["deployButtons"] == 0


def test_a_failing_page_shows_the_friendly_sentence(browser, tmp_path: Path) -> None:
    damaged = build_hostile_db(tmp_path / "damaged.duckdb")
    con = db.connect_for_writing(damaged)
    con.execute("drop table fields")
    con.close()
    with serving(damaged, tmp_path / "server.log") as url:
        page = new_page(browser, viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/?lang=en")
        page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=60_000)
        page.screenshot(path=str(SCREENSHOTS / "unexpected-error-en.png"), full_page=True)
        alerts = page.locator('[data-testid="stAlertContentError"]')
        assert alerts.count() == 1
        assert i18n.t("app.unexpected_error", "en") in alerts.first.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "fields" not in page.locator('[data-testid="stMain"]').inner_text()
        page.close()
