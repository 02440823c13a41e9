"""The one Streamlit internal onestop relies on: routing a deep link's first run through the
dashboard. tests/test_routing.py fails loudly when a Streamlit release changes what it uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


def route_through_dashboard() -> None:
    """Make a deep link's first run go through dashboard.py's st.navigation.

    Upstream behaviour (Streamlit 1.67, streamlit/runtime/pages_manager.py): the first
    PagesManager of a process sets the class attribute `uses_pages_directory` when a `pages/`
    folder sits beside the main script, and the script runner then runs a URL such as
    /timeliness as a legacy multipage app until st.navigation has run once (navigation.py sets
    the attribute to False). So a link opened first on a fresh server runs the page bare: no
    language switch, a menu of file names. A page run without dashboard.py on the call stack is
    such a run: leaving that mode, as st.navigation would, and rerunning routes it through the
    dashboard.
    """
    ctx = get_script_run_ctx()
    if ctx is None or Path(ctx.pages_manager.main_script_path).name != "dashboard.py":
        return  # a page run on its own, as AppTest does
    frame = sys._getframe()
    while frame is not None:
        if Path(frame.f_code.co_filename).name == "dashboard.py":
            return
        frame = frame.f_back
    PagesManager.uses_pages_directory = False
    st.rerun()
