"""Presentation mode in a real browser: no sidebar, one large chart, the arrow key steps on."""

from __future__ import annotations

import pytest

from onestop.core.i18n import t
from tests.browser import (
    SCREENSHOTS,
    new_page,
    open_page,
    wait_for_run,
)
from tests.browser import (
    assert_no_error as _assert_no_error,
)


@pytest.mark.e2e
def test_presentation_mode_hides_the_sidebar_and_steps_with_the_arrow_key(
    server: str,
    browser,
) -> None:
    page = new_page(browser, viewport={"width": 1600, "height": 900})
    open_page(page, f"{server}/throughput?present=1&step=1")
    _assert_no_error(page, "presentation mode")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() == 1
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 1400  # the chart fills the projector's width
    assert page.get_by_text("1 / 4").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "present-throughput-1.png"))

    first_title = page.locator(".gtitle").first.text_content()
    wait_for_run(page, lambda: page.keyboard.press("ArrowRight"), "the next step")
    assert page.get_by_text("2 / 4").count() == 1
    assert "step=2" in page.url
    assert page.locator(".gtitle").first.text_content() != first_title
    page.screenshot(path=str(SCREENSHOTS / "present-throughput-2.png"))

    leave = page.get_by_role("button", name=t("present.leave", "vi"))
    wait_for_run(page, leave.click, "leaving presentation mode")
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert "present" not in page.url
    page.close()
