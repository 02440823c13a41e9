"""Streamlit glue shared by every page: language, the store, cached queries, page header.

Pages call these instead of touching Streamlit state or the database themselves.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from onestop import charts, db, i18n
from onestop.charts import ChartSpec
from onestop.db import DatabaseError, Store
from onestop.filters import DossierFilter

LANG_PARAM = "lang"


def language() -> str:
    """The UI language: the `lang` URL parameter when valid, else Vietnamese."""
    value = st.query_params.get(LANG_PARAM, i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def language_switch() -> str:
    """A sidebar switch between Vietnamese and English, kept in the URL."""
    current = language()
    chosen = st.sidebar.segmented_control(
        i18n.t("app.language", current),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
        default=current,
        key="ui_language",
    )
    chosen = chosen or current
    if chosen == i18n.DEFAULT_LANGUAGE:
        st.query_params.pop(LANG_PARAM, None)
    else:
        st.query_params[LANG_PARAM] = chosen
    return chosen


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
    frozen = tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (params or {}).items())
    )
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
    if status["demo_dossiers"][0] > 0:
        st.badge(
            i18n.t("app.demo_badge", lang),
            icon=":material/science:",
            color="orange",
            help=i18n.t("app.demo_badge_help", lang),
        )
    return True


def default_filter() -> DossierFilter:
    """The pilot's agencies over the pilot's period; the whole data span when there is no pilot."""
    pilot = query("pilot_definition")
    agencies = query("agencies")
    if pilot.height:
        return DossierFilter(
            pilot["start_date"][0],
            pilot["end_date"][0],
            tuple(agencies.filter(pl.col("is_pilot"))["agency_id"].to_list()),
        )
    status = query("data_status")
    return DossierFilter(status["first_received_on"][0], status["last_received_on"][0])


def current_filter(lang: str) -> DossierFilter:
    """The filter the user chose (for now: the default view, described in the sidebar)."""
    chosen = default_filter()
    st.sidebar.caption(
        i18n.t(
            "filters.period_caption",
            lang,
            start=i18n.format_date(chosen.date_from, lang),
            end=i18n.format_date(chosen.date_to, lang),
        )
    )
    return chosen


def _excel_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_excel(buffer, autofit=True)
    return buffer.getvalue()


def downloads(frame: pl.DataFrame, name: str, lang: str) -> None:
    """CSV and XLSX download buttons for a frame (a chart's data or a table)."""
    csv_column, xlsx_column, _ = st.columns([1, 1, 4])
    csv_column.download_button(
        i18n.t("app.download_csv", lang),
        frame.write_csv().encode("utf-8-sig"),  # the BOM lets Excel read Vietnamese text
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{name}_csv",
        icon=":material/download:",
    )
    xlsx_column.download_button(
        i18n.t("app.download_xlsx", lang),
        _excel_bytes(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{name}_xlsx",
        icon=":material/download:",
    )


def show_chart(spec: ChartSpec, name: str, lang: str) -> None:
    """A chart from its spec, with PNG export in its toolbar and its data as CSV/XLSX."""
    st.plotly_chart(
        charts.to_plotly(spec, lang),
        key=f"{name}_chart",
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        },
    )
    downloads(spec.data, name, lang)
