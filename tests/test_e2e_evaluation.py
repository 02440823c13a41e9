"""The pilot evaluation page in headless Chromium: every measure's tab draws its monthly chart
with the pilot start marked, and the page shows no error (screenshots for a person to look at)."""

from __future__ import annotations

import pytest

from onestop.core import i18n
from onestop.evaluation import compare
from tests.browser import SCREENSHOTS, assert_no_error, new_page, open_page

pytestmark = pytest.mark.e2e


def test_each_measure_tab_draws_its_chart_with_the_pilot_start(server: str, browser) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 2600})
    open_page(page, f"{server}/evaluation")
    assert_no_error(page, "evaluation")
    marker = i18n.t("evaluation.chart_start", "vi", date="01/01/2023")
    tabs = page.get_by_role("tab")
    assert tabs.count() == len(compare.EVALUATED)
    for index, measure in enumerate(compare.EVALUATED):
        tab = tabs.nth(index)
        tab.click()  # tabs switch in the browser: no script run to wait for
        chart = page.locator('[data-testid="stPlotlyChart"]:visible')
        chart.first.wait_for()
        assert chart.first.get_by_text(marker).count() == 1, measure
        title = i18n.t("evaluation.chart_title", "vi", measure=i18n.t(f"measure.{measure}", "vi"))
        assert chart.first.get_by_text(title).count() == 1, measure
    page.screenshot(path=str(SCREENSHOTS / "evaluation-last-tab-vi.png"), full_page=True)
    page.close()
