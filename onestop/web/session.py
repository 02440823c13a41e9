"""What every page needs from the session: the language, the store and its cached queries, and
the page header. Pages call these instead of touching Streamlit state or the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import polars as pl
import streamlit as st

from onestop.core import db, i18n
from onestop.core.db import DatabaseError, Store
from onestop.web.routing import route_through_dashboard

LANG_PARAM = "lang"
LANGUAGE_KEY = "ui_language"
_LANGUAGE_CHOSEN = "_language_chosen"


def page_switched(marker: str) -> bool:
    """True on the first run of a page (per marker): Streamlit 1.67 then drops the URL's
    parameters and resets the widgets, so the callers restore both from session state."""
    path = urlparse(st.context.url or "").path
    switched = st.session_state.get(marker) != path
    st.session_state[marker] = path
    return switched


def language() -> str:
    """The UI language: the `lang` URL parameter when valid, else this session's, else Vietnamese.

    Streamlit 1.67 drops the URL parameters when the user switches pages in the sidebar, so the
    chosen language is also kept in session state and written back to the URL.
    """
    route_through_dashboard()
    fallback = st.session_state.get(_LANGUAGE_CHOSEN, i18n.DEFAULT_LANGUAGE)
    value = st.query_params.get(LANG_PARAM, fallback)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def _remember_language(chosen: str) -> None:
    """Keep the chosen language for the session and in the URL (absent for the default)."""
    st.session_state[_LANGUAGE_CHOSEN] = chosen
    if chosen == i18n.DEFAULT_LANGUAGE:
        st.query_params.pop(LANG_PARAM, None)
    else:
        st.query_params[LANG_PARAM] = chosen


def _on_language_switched() -> None:
    """Runs before the script (a widget callback), so that every word of the run that follows,
    the switch's own label and the filter bar included, is already in the new language.
    Clicking the chosen option again clears a segmented control: the language stays."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen not in i18n.LANGUAGES:
        chosen = st.session_state.get(_LANGUAGE_CHOSEN, i18n.DEFAULT_LANGUAGE)
        st.session_state[LANGUAGE_KEY] = chosen
    _remember_language(chosen)


def language_switch() -> str:
    """A sidebar switch between Vietnamese and English, kept in the URL."""
    current = language()
    # A page switch resets widgets, and a link may name another language: the URL wins.
    if st.session_state.get(LANGUAGE_KEY) != current:
        st.session_state[LANGUAGE_KEY] = current
    st.sidebar.segmented_control(
        i18n.t("app.language", current),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
        key=LANGUAGE_KEY,
        persist_state="session",
        on_change=_on_language_switched,
    )
    _remember_language(current)
    return current


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(db.resolve_db_path(path))


def store() -> Store:
    """The dashboard's read-only store for the configured database file."""
    return _store(str(db.resolve_db_path()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, signature: tuple, name: str, params: tuple) -> pl.DataFrame:
    return _store(path).query(name, dict(params))


def query(name: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """Run a named query, cached by its parameters and by the database file's version."""
    current = store()
    frozen = db.params_key(params or {})
    thawed = tuple((k, list(v) if isinstance(v, tuple) else v) for k, v in frozen)
    return _cached(str(current.path), current.signature(), name, thawed)


def page_header(title_key: str, lang: str) -> bool:
    """Title, demo badge and database check; False (with a message shown) when there is no data."""
    st.title(i18n.t(title_key, lang))
    try:
        status = query("data_status")
    except DatabaseError:
        st.warning(i18n.t("app.no_database", lang))
        return False
    if status["received_dossiers"][0] == 0:
        # A new store, or an import whose every row was rejected: nothing to count yet.
        st.info(i18n.t("app.no_dossiers", lang))
        return False
    if status["demo_dossiers"][0] > 0:
        st.badge(
            i18n.t("app.demo_badge", lang),
            icon=":material/science:",
            color="orange",
            help=i18n.t("app.demo_badge_help", lang),
        )
    return True
