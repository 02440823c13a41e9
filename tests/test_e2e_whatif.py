"""In a real browser: a what-if chosen on the staffing page goes into the link, and the link opens
the same scenario in a fresh browser; the overview's verdict links to the staffing page with its
filters. The server and browser helpers are those of tests/test_e2e.py (no sleeps: every action
waits for the run it triggers)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from onestop.core.i18n import t
from tests.browser import (
    SCREENSHOTS,
    new_page,
    open_page,
    wait_for_run,
)

pytestmark = pytest.mark.e2e

ADDED = "Sở Tài nguyên và Môi trường"  # the demo's agency whose load flips the answer
ALERTS = (
    '[data-testid="stMain"] [data-testid^="stAlertContent"] [data-testid="stMarkdownContainer"]'
)
CAPTIONS = '[data-testid="stMain"] [data-testid="stCaptionContainer"]'


def _scenario(page) -> dict:
    """What the page says about its scenario: every alert and caption of the main area."""
    return {
        "alerts": page.locator(ALERTS).all_inner_texts(),
        "captions": page.locator(CAPTIONS).all_inner_texts(),
        "chips": page.locator('[data-testid="stSidebar"] [data-baseweb="tag"]').all_inner_texts(),
    }


def _no_error(page, where: str) -> None:
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:500]}"


def test_a_what_if_link_reopens_the_same_scenario_in_a_fresh_browser(server: str, browser):
    page = new_page(browser, viewport={"width": 1400, "height": 3600})
    open_page(page, f"{server}/staffing")
    _no_error(page, "staffing")
    alone = _scenario(page)["alerts"][0]
    assert alone.startswith("Một nhân viên bưu điện là đủ cho 6 cơ quan")
    # Add the seventh agency in the sidebar's what-ifs.
    label = t("staffing.add_agencies", "vi")
    field = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text=label
    )
    field.locator("input").click()
    option = page.get_by_role("option", name=ADDED, exact=True)
    wait_for_run(page, option.click, "adding an agency in the what-ifs")
    page.keyboard.press("Escape")
    _no_error(page, "staffing with an added agency")
    assert parse_qs(urlsplit(page.url).query)["add"] == ["STNMT"]
    chosen = _scenario(page)
    assert chosen["alerts"][0].startswith("Một nhân viên bưu điện là không đủ cho 7 cơ quan")
    assert any(ADDED in caption for caption in chosen["captions"])
    page.screenshot(path=str(SCREENSHOTS / "staffing-what-if-vi.png"), full_page=True)
    # The copied link, in a browser that never saw this session, shows the same scenario.
    fresh = new_page(browser, viewport={"width": 1400, "height": 3600})
    open_page(fresh, page.url)
    _no_error(fresh, "what-if link in a fresh browser")
    assert _scenario(fresh) == chosen
    assert parse_qs(urlsplit(fresh.url).query)["add"] == ["STNMT"]
    fresh.screenshot(path=str(SCREENSHOTS / "staffing-what-if-link-vi.png"), full_page=True)
    fresh.close()
    page.close()


def test_the_overview_verdict_links_to_the_staffing_page_with_its_filters(server, browser):
    page = new_page(browser, viewport={"width": 1400, "height": 2400})
    open_page(page, f"{server}/?lang=en&agency=STNMT&agency=STP")
    _no_error(page, "overview")
    verdict = page.locator(ALERTS).first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "overview-verdict-en.png"), full_page=True)
    link = page.get_by_text(t("verdict.link", "en"), exact=True)
    wait_for_run(page, link.click, "following the verdict's link")
    _no_error(page, "staffing from the overview")
    assert urlsplit(page.url).path.endswith("/staffing")
    params = parse_qs(urlsplit(page.url).query)
    assert params["agency"] == ["STNMT", "STP"] and params["lang"] == ["en"]
    assert page.locator(ALERTS).first.inner_text() == verdict
    page.close()
