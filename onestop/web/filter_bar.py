"""The shared sidebar filter, kept in the URL so that a copied link opens the same view.

Inside a run the filter has one form, DossierFilter (ids and codes as the queries take them).
A run parses the URL once (url_state.parse: a link's codes to ids), seeds the widgets from it
when the link or the page changed, reads the widgets back into a DossierFilter, keeps that in
session state and writes the URL once (url_state.to_params: ids to a link's codes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
import streamlit as st

from onestop.core import codes, i18n
from onestop.core.codes import CHANNELS, RECEIVERS
from onestop.core.filters import DossierFilter
from onestop.web import url_state, widgets
from onestop.web.session import page_switched, query

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
# The last filter shown. It restores the view when a page switch arrives without parameters and
# tells a user's widget change (the URL then says what it holds) from a new link.
_APPLIED = "_filter_applied"


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
    applied: DossierFilter | None = st.session_state.get(_APPLIED)
    if raw or applied is None:
        wanted, notices = url_state.parse(raw, catalog)  # the run's one parse
    else:
        wanted, notices = applied, []  # a page switch that dropped the parameters
    for notice in notices:
        st.toast(i18n.t(f"filters.notice_{notice.reason}", lang, param=notice.param), icon="⚠️")
    widgets_missing = any(key not in st.session_state for key in FILTER_WIDGET_KEYS)
    # A period kept from before an import may lie outside the new data's bounds.
    stale_dates = not _within(st.session_state.get(DATES_KEY, ()), catalog.date_bounds())
    if page_switched("_filter_page") or widgets_missing or wanted != applied or stale_dates:
        _seed_widgets(wanted, catalog)
    widgets.relabel_choices((PERIOD_KEY, CHANNELS_KEY, RECEIVER_KEY), lang, "filter")
    chosen = _filter_widgets(lang, catalog, wanted)
    st.session_state[_APPLIED] = chosen
    _write_url(url_state.to_params(chosen, catalog))  # the run's one write
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
        [codes.ONLINE, codes.IN_PERSON, codes.POSTAL],  # most used first
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
        select_all=False,  # its English "Select all" has no translation; none = all
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
        select_all=False,  # its English "Select all" has no translation; none = all
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
        select_all=False,  # its English "Select all" has no translation; none = all
        help=i18n.t("filters.procedures_help", lang),
    )
