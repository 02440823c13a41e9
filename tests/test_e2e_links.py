"""End to end: a link whose query string Streamlit ignores as too large is announced.

Streamlit drops every parameter of a link with more than 1000 of them before the script runs,
so only the page's probe in the browser can tell; this checks the probe and its toast.
"""

from __future__ import annotations

import pytest

from onestop.core import i18n
from onestop.web import url_state

pytestmark = pytest.mark.e2e


def _toasts(page) -> list[str]:
    page.wait_for_selector('[data-testid="stToast"]', timeout=60_000)
    return [toast.inner_text() for toast in page.locator('[data-testid="stToast"]').all()]


def test_a_link_streamlit_drops_is_announced(server: str, browser) -> None:
    query = "&".join(f"procedure=x{n}" for n in range(url_state.STREAMLIT_MAX_FIELDS + 1))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?{query}")
    limit = i18n.format_int(url_state.STREAMLIT_MAX_FIELDS, "vi")
    expected = i18n.t("filters.notice_link_dropped", "vi", limit=limit)
    assert any(expected in text for text in _toasts(page))
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_a_long_link_within_the_limits_is_read(server: str, browser) -> None:
    """At the limit the parameters reach the page: unknown codes get their own notice."""
    fields = url_state.STREAMLIT_MAX_FIELDS
    query = "&".join(f"procedure=x{n}" for n in range(fields))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/?{query}")
    texts = _toasts(page)
    assert any(i18n.t("filters.notice_unknown", "vi", param="procedure") in t for t in texts)
    limit = i18n.format_int(url_state.STREAMLIT_MAX_FIELDS, "vi")
    dropped = i18n.t("filters.notice_link_dropped", "vi", limit=limit)
    assert not any(dropped in text for text in texts)
    page.close()
