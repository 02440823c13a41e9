"""Streamlit glue shared by every page: language, the store, cached queries, page header.

Pages call these instead of touching Streamlit state or the database themselves.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import polars as pl
import streamlit as st

from onestop import charts, db, exports, i18n, url_state
from onestop.charts import ChartSpec
from onestop.db import DatabaseError, Store
from onestop.filters import CHANNELS, RECEIVERS, DossierFilter

LANG_PARAM = "lang"
LANGUAGE_KEY = "ui_language"
_LANGUAGE_CHOSEN = "_language_chosen"


def _page_switched(marker: str) -> bool:
    """True on the first run of a page (per marker): Streamlit 1.67 then drops the URL's
    parameters and resets the widgets, so the callers restore both from session state."""
    path = urlparse(st.context.url or "").path
    switched = st.session_state.get(marker) != path
    st.session_state[marker] = path
    return switched


def _route_through_dashboard() -> None:
    """Make a deep link's first run go through dashboard.py's st.navigation.

    Streamlit treats a `pages/` folder as a legacy multipage app until st.navigation has run
    once in the process, so a link such as /timeliness opened first on a fresh server runs the
    page bare (no language switch, a menu of file names). A page run without dashboard.py on the
    call stack is such a run: leaving that mode and rerunning routes it through the dashboard.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

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


def language() -> str:
    """The UI language: the `lang` URL parameter when valid, else this session's, else Vietnamese.

    Streamlit 1.67 drops the URL parameters when the user switches pages in the sidebar, so the
    chosen language is also kept in session state and written back to the URL.
    """
    _route_through_dashboard()
    fallback = st.session_state.get(_LANGUAGE_CHOSEN, i18n.DEFAULT_LANGUAGE)
    value = st.query_params.get(LANG_PARAM, fallback)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def language_switch() -> str:
    """A sidebar switch between Vietnamese and English, kept in the URL."""
    current = language()
    if _page_switched("_language_page") or LANGUAGE_KEY not in st.session_state:
        st.session_state[LANGUAGE_KEY] = current
    chosen = st.sidebar.segmented_control(
        i18n.t("app.language", current),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
        key=LANGUAGE_KEY,
        persist_state="session",
    )
    chosen = chosen or current
    st.session_state[_LANGUAGE_CHOSEN] = chosen
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


# Widget keys of the filter bar, stable for tests and browser checks.
PERIOD_KEY = "filter_period"
DATES_KEY = "filter_dates"
AGENCIES_KEY = "filter_agencies"
CHANNELS_KEY = "filter_channels"
FIELDS_KEY = "filter_fields"
PROCEDURES_KEY = "filter_procedures"
RECEIVER_KEY = "filter_receiver"
FILTER_WIDGET_KEYS = (
    PERIOD_KEY,
    DATES_KEY,
    AGENCIES_KEY,
    CHANNELS_KEY,
    FIELDS_KEY,
    PROCEDURES_KEY,
    RECEIVER_KEY,
)
# The canonical URL parameters of the last filter shown. It restores the view when a page
# switch arrives without parameters and tells a user's widget change from a new link.
_APPLIED_PARAMS = "_filter_applied_params"


def filter_catalog() -> url_state.Catalog:
    """The codes a link may name and the default view, from the current database."""
    return url_state.build_catalog(query)


def _url_params() -> dict[str, list[str]]:
    return {
        name: st.query_params.get_all(name)
        for name in url_state.PARAMS
        if st.query_params.get_all(name)
    }


def _seed_widgets(chosen: DossierFilter, catalog: url_state.Catalog) -> None:
    period = (chosen.date_from, chosen.date_to)
    st.session_state[PERIOD_KEY] = url_state.matching_preset(period, catalog)
    st.session_state[DATES_KEY] = period
    st.session_state[AGENCIES_KEY] = list(chosen.agency_ids)
    st.session_state[CHANNELS_KEY] = list(chosen.channels)
    st.session_state[FIELDS_KEY] = list(chosen.field_ids)
    st.session_state[PROCEDURES_KEY] = list(chosen.procedure_ids)
    st.session_state[RECEIVER_KEY] = chosen.receiver


def _on_preset(catalog: url_state.Catalog) -> None:
    period = url_state.preset_period(st.session_state[PERIOD_KEY], catalog)
    if period is not None:
        st.session_state[DATES_KEY] = period


def _on_dates(catalog: url_state.Catalog) -> None:
    dates = st.session_state[DATES_KEY]
    if len(dates) == 2:
        st.session_state[PERIOD_KEY] = url_state.matching_preset(tuple(dates), catalog)


def _on_pilot_agencies(catalog: url_state.Catalog) -> None:
    st.session_state[AGENCIES_KEY] = list(catalog.pilot_agency_ids)


def _on_reset(catalog: url_state.Catalog) -> None:
    _seed_widgets(catalog.default_filter(), catalog)


def _write_url(params: dict[str, list[str]]) -> None:
    """Make the address bar show params, touching only the parameters that differ."""
    for name in url_state.PARAMS:
        wanted = params.get(name, [])
        if st.query_params.get_all(name) == wanted:
            continue
        if wanted:
            st.query_params[name] = wanted
        else:
            st.query_params.pop(name, None)


# Runs in the browser: reports an address whose query string Streamlit ignored as too large.
_LINK_PROBE_JS = """
export default function ({ data, setTriggerValue }) {
    const query = window.location.search.replace(/^\\?/, "");
    const fields = query ? query.split("&").length : 0;
    if (fields > data.max_fields || query.length > data.max_length) {
        setTriggerValue("dropped", fields);
    }
}
"""


def _link_was_dropped() -> bool:
    """Whether the address bar holds more parameters than Streamlit passes to the script.

    Streamlit then drops every parameter before the script runs (url_state.STREAMLIT_MAX_*),
    so only the browser can tell; a small component reports it once per page load.
    """
    probe = st.components.v2.component("onestop_link_probe", js=_LINK_PROBE_JS)
    with st.sidebar:
        result = probe(
            data={
                "max_fields": url_state.STREAMLIT_MAX_FIELDS,
                "max_length": url_state.STREAMLIT_MAX_LENGTH,
            },
            key="filter_link_probe",
            on_dropped_change=lambda: None,
        )
    return bool(result.dropped)


def current_filter(lang: str) -> DossierFilter:
    """The shared sidebar filters, kept in the URL so that a copied link opens the same view."""
    if _link_was_dropped():
        st.toast(
            i18n.t(
                "filters.notice_link_dropped",
                lang,
                limit=i18n.format_int(url_state.STREAMLIT_MAX_FIELDS, lang),
            ),
            icon="⚠️",
        )
    catalog = filter_catalog()
    raw = _url_params()
    if not raw and _APPLIED_PARAMS in st.session_state:
        raw = st.session_state[_APPLIED_PARAMS]  # a page switch that dropped the parameters
    wanted, notices = url_state.parse(raw, catalog)
    for notice in notices:
        st.toast(i18n.t(f"filters.notice_{notice.reason}", lang, param=notice.param), icon="⚠️")
    widgets_missing = any(key not in st.session_state for key in FILTER_WIDGET_KEYS)
    url_changed = st.session_state.get(_APPLIED_PARAMS) != url_state.to_params(wanted, catalog)
    # A period kept from before an import may lie outside the new data's bounds.
    stale_dates = not _within(st.session_state.get(DATES_KEY, ()), catalog.date_bounds())
    if _page_switched("_filter_page") or widgets_missing or url_changed or stale_dates:
        _seed_widgets(wanted, catalog)
    chosen = _filter_widgets(lang, catalog, wanted)
    applied = url_state.to_params(chosen, catalog)
    st.session_state[_APPLIED_PARAMS] = applied
    _write_url(applied)
    return chosen


def _within(dates: Sequence[dt.date], bounds: tuple[dt.date, dt.date]) -> bool:
    return all(bounds[0] <= day <= bounds[1] for day in dates)


def _filter_widgets(
    lang: str, catalog: url_state.Catalog, fallback: DossierFilter
) -> DossierFilter:
    sidebar = st.sidebar
    sidebar.header(i18n.t("filters.title", lang))
    sidebar.selectbox(
        i18n.t("filters.period", lang),
        url_state.PRESETS,
        format_func=lambda preset: i18n.t(f"filters.preset_{preset}", lang),
        key=PERIOD_KEY,
        persist_state="session",
        on_change=_on_preset,
        args=(catalog,),
    )
    earliest, latest = catalog.date_bounds()
    dates = sidebar.date_input(
        i18n.t("filters.dates", lang),
        min_value=earliest,
        max_value=latest,
        format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD",
        key=DATES_KEY,
        persist_state="session",
        on_change=_on_dates,
        args=(catalog,),
    )
    # While a range is half picked the widget holds one date: keep the last full period.
    period = tuple(dates) if len(dates) == 2 else (fallback.date_from, fallback.date_to)
    sidebar.caption(
        i18n.t(
            "filters.anchor_caption",
            lang,
            latest=i18n.format_date(catalog.latest_received, lang),
        )
    )
    agency_ids = _agency_widgets(lang, catalog)
    channels = sidebar.pills(
        i18n.t("filters.channel", lang),
        [2, 1, 3],
        selection_mode="multi",
        format_func=lambda code: i18n.t(f"filters.channel_{CHANNELS[code]}", lang),
        key=CHANNELS_KEY,
        persist_state="session",
    )
    field_ids = _field_widget(lang, agency_ids)
    procedure_ids = _procedure_widget(lang, agency_ids)
    # Exports from one-stop systems rarely name the receiving staff: without that, the choice
    # would silently empty every page, so it is shown disabled with the reason.
    receivers_known = query("data_status")["dossiers_with_receiver"][0] > 0
    receiver = sidebar.segmented_control(
        i18n.t("filters.receiver", lang),
        list(RECEIVERS),
        format_func=lambda value: i18n.t(f"filters.receiver_{value}", lang),
        key=RECEIVER_KEY,
        persist_state="session",
        disabled=not receivers_known,
        help=i18n.t(
            "filters.receiver_help" if receivers_known else "filters.receiver_unknown", lang
        ),
    )
    if not receivers_known:
        receiver = None
    sidebar.button(
        i18n.t("filters.reset", lang),
        key="filter_reset",
        on_click=_on_reset,
        args=(catalog,),
        icon=":material/restart_alt:",
    )
    return DossierFilter(
        period[0],
        period[1],
        tuple(sorted(agency_ids)),
        tuple(sorted(channels)),
        tuple(sorted(field_ids)),
        tuple(sorted(procedure_ids)),
        receiver,
    )


def _agency_widgets(lang: str, catalog: url_state.Catalog) -> list[int]:
    agencies = query("agencies")
    names = dict(
        zip(agencies["agency_id"], agencies["code"] + " — " + agencies["name"], strict=True)
    )
    chosen = st.sidebar.multiselect(
        i18n.t("filters.agencies", lang),
        list(names),
        format_func=lambda agency_id: names.get(agency_id, str(agency_id)),
        placeholder=i18n.t("filters.all_agencies", lang),
        key=AGENCIES_KEY,
        persist_state="session",
    )
    if catalog.pilot_agency_ids:
        st.sidebar.button(
            i18n.t("filters.pilot_agencies", lang),
            key="filter_pilot_agencies",
            on_click=_on_pilot_agencies,
            args=(catalog,),
            icon=":material/local_post_office:",
            type="tertiary",
        )
    return chosen


def _options_for(frame: pl.DataFrame, id_column: str, agency_ids: list[int], key: str) -> list:
    """The choices of the chosen agencies, plus whatever is already chosen."""
    selected = set(st.session_state.get(key) or [])
    if agency_ids:
        frame = frame.filter(
            pl.col("agency_id").is_in(agency_ids) | pl.col(id_column).is_in(list(selected))
        )
    return frame[id_column].to_list()


def _field_widget(lang: str, agency_ids: list[int]) -> list[int]:
    fields = query("fields")
    labels = dict(
        zip(
            fields["field_id"],
            fields["name"] + " (" + fields["agency_code"].fill_null("—") + ")",
            strict=True,
        )
    )
    return st.sidebar.multiselect(
        i18n.t("filters.fields", lang),
        _options_for(fields, "field_id", agency_ids, FIELDS_KEY),
        format_func=lambda field_id: labels.get(field_id, str(field_id)),
        placeholder=i18n.t("filters.all_fields", lang),
        key=FIELDS_KEY,
        persist_state="session",
    )


def _procedure_widget(lang: str, agency_ids: list[int]) -> list[int]:
    procedures = query("procedures")
    labels = dict(
        zip(
            procedures["procedure_id"], procedures["code"] + " · " + procedures["name"], strict=True
        )
    )
    return st.sidebar.multiselect(
        i18n.t("filters.procedures", lang),
        _options_for(procedures, "procedure_id", agency_ids, PROCEDURES_KEY),
        format_func=lambda procedure_id: labels.get(procedure_id, str(procedure_id)),
        placeholder=i18n.t("filters.all_procedures", lang),
        key=PROCEDURES_KEY,
        persist_state="session",
        help=i18n.t("filters.procedures_help", lang),
    )


def downloads(frame: pl.DataFrame, name: str, lang: str) -> None:
    """CSV and XLSX download buttons for a frame (a chart's data or a table), formula-free."""
    csv_column, xlsx_column, _ = st.columns([1, 1, 4])
    csv_column.download_button(
        i18n.t("app.download_csv", lang),
        exports.csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{name}_csv",
        icon=":material/download:",
    )
    xlsx_column.download_button(
        i18n.t("app.download_xlsx", lang),
        exports.xlsx_bytes(frame),
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


def auth_configured() -> bool:
    """Whether `.streamlit/secrets.toml` has an `[auth]` table (sign-in is then required)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def may_import() -> bool:
    """Who may replace the data: anyone when the app runs open for local use; with sign-in,
    only the e-mail addresses listed as `importers` under `[onestop]` in secrets.toml."""
    if not auth_configured():
        return True
    allowed = st.secrets.get("onestop", {}).get("importers", [])
    return bool(st.user.get("is_logged_in")) and st.user.get("email") in allowed


def require_login(lang: str) -> None:
    """With `[auth]` configured, stop here until the user signs in; without it, do nothing."""
    if not auth_configured():
        return
    if st.user.is_logged_in:
        st.sidebar.button(i18n.t("auth.sign_out", lang), key="sign_out", on_click=st.logout)
        return
    st.title(i18n.t("app.title", lang))
    st.info(i18n.t("auth.needed", lang))
    st.button(i18n.t("auth.sign_in", lang), key="sign_in", on_click=st.login, type="primary")
    st.stop()


def show_table(
    frame: pl.DataFrame,
    key: str,
    lang: str,
    labels: Mapping[str, str],
    shares: tuple[str, ...] = (),
    decimals: Mapping[str, int] | None = None,
) -> None:
    """A sortable table with numbers written the language's way (1.700; 98,2%) and downloads.

    The numbers stay numbers underneath, so clicking a header sorts by value, not by text.
    """
    decimals = decimals or {}

    def formatter(name: str, dtype: pl.DataType):
        if name in shares:
            return lambda value: i18n.format_share(value, lang)
        if name in decimals:
            return lambda value: i18n.format_decimal(value, lang, decimals[name])
        if dtype.is_integer():
            return lambda value: i18n.format_int(value, lang)
        if dtype.is_float():
            return lambda value: i18n.format_decimal(value, lang, 2)
        return None

    formats = {
        name: fmt
        for name, dtype in frame.schema.items()
        if (fmt := formatter(name, dtype)) is not None
    }
    styled = frame.to_pandas().style.format(formats, na_rep="—")
    st.dataframe(
        styled,
        key=key,
        hide_index=True,
        column_config={name: labels.get(name, name) for name in frame.columns},
    )
    downloads(frame, key, lang)
