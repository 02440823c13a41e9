"""The Import page's pilot settings: which agencies took part and from when to when, stored
with the data through the atomic swap (onestop.evaluation.pilots), as `onestop pilot set|clear`
does."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from onestop.core import db, i18n
from onestop.core.db import DatabaseError, Store
from onestop.core.text import markdown_literal
from onestop.evaluation import pilots
from onestop.evaluation.pilots import PilotDefinition, PilotError
from onestop.web import session

# Widget keys, stable for tests.
AGENCIES_KEY = "pilot_agencies"
START_KEY = "pilot_start"
ONGOING_KEY = "pilot_ongoing"
END_KEY = "pilot_end"
NAME_KEY = "pilot_name"
SAVE_KEY = "pilot_save"
CLEAR_KEY = "pilot_clear"
_NOTICE = "_pilot_notice"  # the sentence to show after the rerun that follows a change
EARLIEST = dt.date(2000, 1, 1)  # the importer's plausible dates start here too
LATEST = dt.date(2100, 12, 31)


def _error_text(error: PilotError, lang: str) -> str:
    values = {
        name: i18n.format_date(value, lang) if isinstance(value, dt.date) else value
        for name, value in error.values.items()
    }
    return i18n.t(error.key, lang, **values)


def picker_bounds(pilot: dict | None) -> tuple[dt.date, dt.date]:
    """EARLIEST to LATEST, widened to hold the stored pilot's dates: a pilot stored outside them
    (through another tool, or by a stray date) must show, not make Streamlit raise."""
    stored = [pilot[name] for name in ("start_date", "end_date") if pilot and pilot[name]]
    return min([EARLIEST, *stored]), max([LATEST, *stored])


def _current(store: Store) -> tuple[dict | None, pl.DataFrame]:
    definition = store.query("pilot_definition")
    agencies = store.query("agencies")
    return (definition.row(0, named=True) if definition.height else None), agencies


def show(lang: str) -> None:
    """The settings section: the stored pilot, a form to replace it, a button to clear it."""
    path = db.resolve_db_path()
    store = session.store()
    try:
        pilot, agencies = _current(store)
    except DatabaseError:
        return  # no database yet: the pilot is set after the first import
    notice = st.session_state.pop(_NOTICE, None)
    with st.expander(i18n.t("pilot.settings_heading", lang), expanded=notice is not None):
        if notice:
            st.success(i18n.t(notice, lang))
        if pilot is None:
            st.caption(i18n.t("pilot.settings_none", lang))
        else:
            members = agencies.filter(pl.col("is_pilot"))["name"].to_list()
            end = (
                i18n.t("pilot.ongoing", lang)
                if pilot["is_ongoing"]
                else i18n.format_date(pilot["end_date"], lang)
            )
            st.markdown(
                i18n.t(
                    "pilot.settings_current",
                    lang,
                    name=markdown_literal(pilot["name"]),
                    start=i18n.format_date(pilot["start_date"], lang),
                    end=end,
                    agencies=markdown_literal(", ".join(members)),
                )
            )
        names = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
        date_format = "DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"
        earliest, latest = picker_bounds(pilot)
        with st.form("pilot_form", border=False):
            chosen = st.multiselect(
                i18n.t("pilot.agencies_label", lang),
                agencies["agency_id"].to_list(),
                default=agencies.filter(pl.col("is_pilot"))["agency_id"].to_list(),
                format_func=lambda agency_id: names.get(agency_id, str(agency_id)),
                key=AGENCIES_KEY,
                select_all=False,  # Streamlit's "Select all" stays English
            )
            start_column, end_column = st.columns(2)
            start = start_column.date_input(
                i18n.t("pilot.start_label", lang),
                value=pilot["start_date"] if pilot else None,
                min_value=earliest,
                max_value=latest,
                format=date_format,
                key=START_KEY,
            )
            end = end_column.date_input(
                i18n.t("pilot.end_label", lang),
                value=pilot["end_date"] if pilot and not pilot["is_ongoing"] else None,
                min_value=earliest,
                max_value=latest,
                format=date_format,
                help=i18n.t("pilot.end_help", lang),
                key=END_KEY,
            )
            name = st.text_input(
                i18n.t("pilot.name_label", lang),
                value=pilot["name"] if pilot else "",
                max_chars=pilots.NAME_LIMIT,
                placeholder=i18n.t("pilot.name_placeholder", lang),
                key=NAME_KEY,
            )
            saved = st.form_submit_button(i18n.t("pilot.save", lang), type="primary", key=SAVE_KEY)
        if saved:
            _save(path, chosen, start, end, name, lang)
        if pilot is not None and st.button(i18n.t("pilot.clear", lang), key=CLEAR_KEY):
            _store_change(lambda: pilots.clear_pilot(path), "pilot.cleared", lang)


def _store_change(change, notice: str, lang: str) -> None:
    """Make the change, then show the page again with it (and say so); one sentence if the file
    cannot be written — the swap did not happen, so nothing is lost."""
    try:
        change()
    except (DatabaseError, OSError) as error:
        detail = markdown_literal(" ".join(str(error).split()))
        st.error(i18n.t("pilot.error_store", lang, detail=detail))
        return
    st.session_state[_NOTICE] = notice
    st.rerun()


def _save(
    path, chosen: list[int], start: dt.date | None, end: dt.date | None, name: str, lang: str
) -> None:
    if start is None:
        st.error(i18n.t("pilot.error_no_start", lang))
        return
    if not name.strip():
        name = i18n.t("pilot.default_name", lang, start=i18n.format_date(start, lang))
    try:
        definition = PilotDefinition(name, start, end, tuple(sorted(chosen)))
    except PilotError as error:
        st.error(_error_text(error, lang))
        return
    _store_change(lambda: pilots.set_pilot(path, definition), "pilot.saved", lang)
