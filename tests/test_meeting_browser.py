"""Presentation mode in a real browser: no sidebar, one large chart, the arrow key steps on."""

from __future__ import annotations

from pathlib import Path

import pytest

from onestop.core import db
from onestop.core.filters import pilot_filter
from onestop.core.i18n import t
from onestop.meeting import sections
from tests.browser import (
    SCREENSHOTS,
    new_page,
    open_page,
    wait_for_run,
)
from tests.browser import (
    assert_no_error as _assert_no_error,
)


def pack_positions(demo_db: Path, key: str) -> tuple[list[int], int]:
    """One page's 1-based steps in the whole meeting pack, and the pack's length."""
    store = db.Store(demo_db)
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    pack = [
        section.key
        for section in sections.build_sections(sections.Context(store, chosen, "vi"))
        for _ in sections.slides(section, t("report.form_heading", "vi"))
    ]
    return [number for number, found in enumerate(pack, start=1) if found == key], len(pack)


@pytest.mark.e2e
def test_presentation_mode_hides_the_sidebar_and_steps_with_the_arrow_key(
    server: str, browser, demo_db: Path
) -> None:
    throughput, count = pack_positions(demo_db, "throughput")
    first = throughput[0]
    page = new_page(browser, viewport={"width": 1600, "height": 900})
    # Without a step the pack opens at the page's first chart; the counter runs over the pack.
    open_page(page, f"{server}/throughput?present=1")
    _assert_no_error(page, "presentation mode")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() == 1
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 1400  # the chart fills the projector's width
    assert page.get_by_text(f"{first} / {count}").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "present-throughput-1.png"))

    first_title = page.locator(".gtitle").first.text_content()
    wait_for_run(page, lambda: page.keyboard.press("ArrowRight"), "the next step")
    assert page.get_by_text(f"{first + 1} / {count}").count() == 1
    assert f"step={first + 1}" in page.url
    assert page.locator(".gtitle").first.text_content() != first_title
    page.screenshot(path=str(SCREENSHOTS / "present-throughput-2.png"))

    leave = page.get_by_role("button", name=t("present.leave", "vi"))
    wait_for_run(page, leave.click, "leaving presentation mode")
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert "present" not in page.url
    page.close()
