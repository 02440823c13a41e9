"""The one Streamlit internal onestop uses (onestop/web/routing.py) is still what it was.

If a Streamlit release renames or stops reading PagesManager.uses_pages_directory, a deep link
opened first on a fresh server would again run its page bare; these checks say so at once,
without starting a server (tests/test_e2e.py checks the behaviour itself in a browser).
"""

from __future__ import annotations

import inspect

import streamlit
from streamlit.runtime import pages_manager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

REVISIT = (
    "Streamlit changed what onestop/web/routing.py route_through_dashboard relies on: a deep "
    "link opened first on a fresh server may run its page bare. Re-read pages_manager.py and "
    "navigation.py of this release and adapt that one function."
)


def test_streamlit_is_the_release_the_routing_was_written_for() -> None:
    assert streamlit.__version__.startswith("1.67."), f"{streamlit.__version__}: {REVISIT}"


def test_the_legacy_pages_mode_is_still_a_class_attribute_of_pages_manager() -> None:
    assert "uses_pages_directory" in vars(pages_manager.PagesManager), REVISIT
    # Set once per process from the pages/ folder beside the main script …
    manager = inspect.getsource(pages_manager.PagesManager)
    assert "PagesManager.uses_pages_directory = " in manager, REVISIT
    # … read by the script runner to run a URL as a legacy page …
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner), REVISIT
    # … and switched off by st.navigation, as routing does.
    navigation = inspect.getsource(streamlit.commands.navigation)
    assert "PagesManager.uses_pages_directory = False" in navigation, REVISIT


def _main_script_name() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    st.session_state["main_script"] = str(get_script_run_ctx().pages_manager.main_script_path)


def test_a_script_run_knows_its_main_script() -> None:
    app = AppTest.from_function(_main_script_name).run()
    assert not app.exception
    assert app.session_state["main_script"]
