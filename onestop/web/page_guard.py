"""Run a page so that an unexpected error reaches the server log, not the user.

Users see one sentence in their language instead of a traceback; the traceback is logged with
the page's path. Streamlit's own control flow (st.stop, st.rerun, st.switch_page) raises
exceptions derived from BaseException, not Exception, so it passes through untouched; tests in
tests/test_escaping_settings.py run each through the guard and fail if a release changes that.
"""

from __future__ import annotations

import logging

import streamlit as st

from onestop.core import i18n

LOGGER_NAME = "onestop.pages"


def _logger() -> logging.Logger:
    """The page-error logger; it prints to stderr, timestamped, unless logging is configured."""
    logger = logging.getLogger(LOGGER_NAME)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    return logger


def run(page: st.Page, lang: str) -> None:
    """Run the page; an exception is logged and replaced by a friendly message."""
    try:
        page.run()
    except Exception:
        _logger().exception("page %s failed", page.url_path or "/")
        st.error(i18n.t("app.unexpected_error", lang), icon=":material/error:")
