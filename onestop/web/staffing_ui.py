"""Streamlit glue for the staffing verdict, the what-ifs kept in the link, and the capacity section.

The overview and the staffing page ask the same cached question for the same filters, so the
verdict on one is the verdict on the other (and the second page opens without recomputing).
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from onestop import staffing
from onestop.core import i18n
from onestop.core.filters import DossierFilter
from onestop.core.i18n import t
from onestop.meeting import sections
from onestop.staffing import MeasuredLoad, Question, capacity, capacity_report, verdict
from onestop.web import filter_bar, session, show, url_state, whatif, widgets
from onestop.web.whatif import WhatIf

STAFFING_PAGE = "pages/staffing.py"
STAFFING_SLUG = "staffing"  # the page's URL path, from its file name
# Widget keys of the what-ifs, stable for tests and browser checks.
STAFF_KEY = "staff"
ADDED_KEY = "add_agencies"
GROWTH_KEY = "growth"
SHARE_KEY = "share"
WAIT_KEY = "wait"
LIMIT_KEY = "limit"
CAPACITY_STAFF_KEY = "capacity_staff"
WHATIF_KEYS = (STAFF_KEY, ADDED_KEY, GROWTH_KEY, SHARE_KEY, WAIT_KEY, LIMIT_KEY, CAPACITY_STAFF_KEY)
_APPLIED = "_whatif_applied_params"


# --- cached answers, shared by the pages ---------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=64)
def _measured(path: str, signature: tuple, flt: DossierFilter, overrides: tuple) -> MeasuredLoad:
    return staffing.measure_load(session.store(), flt, dict(overrides))


def measured(flt: DossierFilter) -> MeasuredLoad:
    """The filter's load with the measured minutes (no overrides), cached per database version."""
    store = session.store()
    return _measured(str(store.path), store.signature(), flt, ())


@st.cache_data(show_spinner=False, max_entries=64)
def _answer(path: str, signature: tuple, question: Question, lang: str) -> dict:
    # Sentences go to st.markdown: names from the data are escaped there.
    return staffing.answer(session.store(), question, lang, markdown=True)


def answer(question: Question, lang: str) -> dict:
    """The staffing answer for a question, cached per database version and language."""
    store = session.store()
    return _answer(str(store.path), store.signature(), question, lang)


@st.cache_data(show_spinner=False, max_entries=32)
def _capacity(path: str, signature: tuple, question: Question, staff: int) -> capacity.Capacity:
    return capacity.capacity(session.store(), question, staff)


@st.cache_data(show_spinner=False, max_entries=32)
def _breadth(path: str, signature: tuple, question: Question, agency_ids: tuple) -> pl.DataFrame:
    return capacity.breadth_steps(session.store(), question, agency_ids)


def default_question(chosen: DossierFilter) -> Question:
    """The question the staffing page asks when its link holds no what-ifs."""
    base = measured(chosen)
    return WhatIf().question(chosen, whatif.changed_minutes(base, whatif.shown_minutes(base)))


def verdict_of(question: Question, result: dict, lang: str) -> verdict.Verdict:
    """The finding for a question's answer (the agencies counted as the load counts them)."""
    agencies = question.load_filter().agency_ids
    return verdict.verdict(result, question.target, len(agencies) or None, lang)


# --- the verdict ---------------------------------------------------------------------------------


def show_verdict(found: verdict.Verdict, no_load_box: bool = True) -> None:
    """The finding in a box coloured by its kind, and the figures behind it as cards.

    Without load there is nothing to find: said in a box where it is the page's news (the
    staffing page), as plain text where the page has its own message for empty filters.
    """
    if found.kind == "no_load" and not no_load_box:
        st.markdown(found.sentence)
        return
    box = {"one": st.success, "more": st.warning, "none": st.error, "no_load": st.info}[found.kind]
    box(found.sentence, icon=":material/groups:")
    if found.figures:
        for column, figure in zip(st.columns(len(found.figures)), found.figures, strict=True):
            column.metric(figure.label, figure.value, help=figure.help, border=True)


def staffing_link(chosen: DossierFilter, lang: str) -> None:
    """A link to the staffing page with the same filters (and language)."""
    params = url_state.to_params(chosen, filter_bar.filter_catalog())
    if lang != i18n.DEFAULT_LANGUAGE:
        params[session.LANG_PARAM] = [lang]
    label = t("verdict.link", lang)
    try:
        st.page_link(STAFFING_PAGE, label=label, icon=":material/groups:", query_params=params)
    except StreamlitPageNotFoundError:
        # Streamlit links only to pages st.navigation knows: a page run on its own (AppTest)
        # links by address instead.
        query = urlencode(params, doseq=True)
        st.markdown(f"[{label}]({STAFFING_SLUG}{'?' + query if query else ''})")


def overview_verdict(chosen: DossierFilter, lang: str) -> verdict.Verdict:
    """The staffing verdict for the filters, first thing on the overview."""
    question = default_question(chosen)
    with st.spinner(t("verdict.title", lang)):
        result = answer(question, lang)
    found = verdict_of(question, result, lang)
    with st.container(border=True, key="staffing_verdict"):
        st.subheader(t("verdict.title", lang))
        show_verdict(found, no_load_box=False)
        st.caption(t("verdict.model", lang))
        staffing_link(chosen, lang)
    return found


# --- the what-ifs, kept in the link -------------------------------------------------------------


def _agency_codes() -> dict[str, int]:
    agencies = session.query("agencies")
    return dict(zip(agencies["code"].to_list(), agencies["agency_id"].to_list(), strict=True))


def _url_whatifs() -> dict[str, list[str]]:
    return {
        name: st.query_params.get_all(name)
        for name in whatif.PARAMS
        if st.query_params.get_all(name)
    }


def _seed(scenario: WhatIf) -> None:
    st.session_state[STAFF_KEY] = list(scenario.staff)
    st.session_state[ADDED_KEY] = list(scenario.added_agency_ids)
    st.session_state[GROWTH_KEY] = int(scenario.growth_pct)
    st.session_state[SHARE_KEY] = scenario.target.share_within
    widgets.reseed(WAIT_KEY)  # a decimal box: it shows the link's wait on its next draw
    st.session_state[LIMIT_KEY] = scenario.target.max_utilisation
    st.session_state[CAPACITY_STAFF_KEY] = scenario.capacity_staff


def wanted_whatifs(chosen: DossierFilter, lang: str) -> WhatIf:
    """The scenario the link asks for; the widgets start from it when the link is new.

    A page switch resets Streamlit's widgets and drops the link's parameters: the staffing page
    then opens on the default scenario, the one the overview's verdict describes.
    """
    codes = _agency_codes()
    wanted, notices = whatif.parse(_url_whatifs(), codes, chosen.agency_ids)
    for notice in notices:
        st.toast(t(f"whatif.notice_{notice.reason}", lang, param=notice.param), icon="⚠️")
    params = whatif.to_params(wanted, codes)
    missing = any(key not in st.session_state for key in WHATIF_KEYS)
    if missing or st.session_state.get(_APPLIED) != params:
        _seed(wanted)
    # Agencies the filter now covers cannot be added any more (nor shown by the widget).
    outside = set(session.query("agencies")["agency_id"].to_list()) - set(chosen.agency_ids)
    if not chosen.agency_ids:
        outside = set()
    st.session_state[ADDED_KEY] = [a for a in st.session_state[ADDED_KEY] if a in outside]
    return wanted


def write_whatifs(scenario: WhatIf) -> None:
    """Make the address bar hold the scenario, touching only the what-if parameters."""
    params = whatif.to_params(scenario, _agency_codes())
    st.session_state[_APPLIED] = params
    for name in whatif.PARAMS:
        value = params.get(name, [])
        if st.query_params.get_all(name) == value:
            continue
        if value:
            st.query_params[name] = value
        else:
            st.query_params.pop(name, None)


def whatif_widgets(chosen: DossierFilter, lang: str) -> WhatIf:
    """The sidebar's what-ifs (staff levels, added agencies, growth, target), seeded from the link.

    The capacity staff count is read later, by its own widget in the capacity section.
    """
    wanted = wanted_whatifs(chosen, lang)
    agencies = session.query("agencies")
    outside = agencies.filter(~pl.col("agency_id").is_in(list(chosen.agency_ids)))
    if not chosen.agency_ids:
        outside = outside.clear()
    names = dict(zip(outside["agency_id"], outside["name"], strict=True))
    with st.sidebar.expander(t("staffing.what_ifs", lang), expanded=True):
        staff = st.multiselect(
            t("staffing.staff_levels", lang),
            list(whatif.STAFF_OPTIONS),
            placeholder=t("staffing.staff_levels_placeholder", lang),
            key=STAFF_KEY,
            select_all=False,  # Streamlit's "Select all" stays English
        )
        added = st.multiselect(
            t("staffing.add_agencies", lang),
            outside["agency_id"].to_list(),
            format_func=lambda agency_id: names.get(agency_id, str(agency_id)),
            placeholder=t("staffing.add_agencies_placeholder", lang),
            key=ADDED_KEY,
            select_all=False,  # Streamlit's "Select all" stays English
        )
        low, high, step = whatif.GROWTH_SLIDER
        growth = st.slider(t("staffing.growth", lang), low, high, step=step, key=GROWTH_KEY)
        st.caption(t("whatif.link", lang))
    with st.sidebar.expander(t("staffing.target", lang)):
        share = st.slider(
            t("staffing.target_share", lang),
            whatif.SHARE_SLIDER[0],
            whatif.SHARE_SLIDER[1],
            step=whatif.SHARE_SLIDER[2],
            key=SHARE_KEY,
        )
        # Typed the language's way (7,5 in Vietnamese); the link keeps it as 7.5.
        wanted_wait = wanted.target.wait_min
        wait = widgets.decimal_input(
            t("staffing.target_wait", lang),
            wanted_wait,
            lang=lang,
            key=WAIT_KEY,
            bounds=(whatif.WAIT_INPUT[0], whatif.WAIT_INPUT[1]),
            digits=widgets.digits_for(wanted_wait),
        )
        limit = st.slider(
            t("staffing.max_utilisation", lang),
            whatif.BUSY_SLIDER[0],
            whatif.BUSY_SLIDER[1],
            step=whatif.BUSY_SLIDER[2],
            key=LIMIT_KEY,
        )
    # Sliders hand back floats such as 0.9100000000000001: the link and the target hold 0.91.
    target = staffing.ServiceTarget(round(share, 2), round(wait, 2), round(limit, 2))
    return WhatIf(
        tuple(sorted(staff)),
        tuple(sorted(added)),
        int(growth),
        target,
        int(st.session_state[CAPACITY_STAFF_KEY]),
    )


# --- how far the staff stretch ------------------------------------------------------------------


def capacity_section(question: Question, scenario: WhatIf, lang: str) -> WhatIf:
    """The capacity answer for a staff count; returns the scenario with that count."""
    st.subheader(t("capacity.title", lang))
    st.caption(t("capacity.intro", lang))
    widgets.relabel_choices((CAPACITY_STAFF_KEY,), lang, "capacity")
    staff = st.selectbox(
        t("capacity.staff", lang),
        list(whatif.STAFF_OPTIONS),
        key=CAPACITY_STAFF_KEY,
        format_func=lambda n: capacity_report.staff_phrase(n, lang),
    )
    store = session.store()
    with st.spinner(t("capacity.title", lang)):
        found = _capacity(str(store.path), store.signature(), question, int(staff))
    names = capacity_report.agency_names_from(session.query("agencies"))
    if not found.has_load:  # the verdict above already says there is no load
        return replace(scenario, capacity_staff=int(staff))
    st.markdown(capacity_report.factor_sentence(found, lang))
    st.markdown(capacity_report.agencies_sentence(found, names, lang, markdown=True))
    for peak in (found.peak_month, found.peak_hour):
        if peak is not None:
            box = st.success if peak.meets else st.warning
            box(capacity_report.peak_sentence(found, peak, lang))
    show.show_chart(capacity_report.factor_chart(found, lang), "capacity_factor", lang)
    if len(found.steps) > 1:
        show.show_chart(
            capacity_report.agencies_chart(found, names, lang), "capacity_agencies", lang
        )
    breadth = _breadth(
        str(store.path),
        store.signature(),
        question,
        tuple(s.agency_id for s in found.steps if s.agency_id is not None),
    )
    table = capacity_report.steps_table(found, breadth, names, lang)
    show.show_table(
        table,
        "capacity_agencies_table",
        lang,
        labels={name: t(capacity_report.COLUMN_KEYS[name], lang) for name in table.columns},
        shares=("within", "busy"),
        decimals=sections.CAPACITY_DECIMALS,
    )
    return replace(scenario, capacity_staff=int(staff))


def which_model(lang: str) -> None:
    """Why the simulation and Erlang C differ, and which one the verdict uses."""
    st.subheader(t("capacity.which_model_title", lang))
    st.markdown(t("capacity.which_model", lang))


def whatif_breadth(question: Question, lang: str) -> None:
    """Breadth a month for today's agencies and after each agency the what-if adds."""
    if not question.added_agency_ids:
        return
    store = session.store()
    base = replace(question, added_agency_ids=())
    breadth = _breadth(str(store.path), store.signature(), base, question.added_agency_ids)
    names = capacity_report.agency_names_from(session.query("agencies"))
    table = capacity_report.breadth_table(breadth, names, lang)
    st.caption(t("capacity.breadth_intro", lang))
    show.show_table(
        table,
        "whatif_breadth",
        lang,
        labels={name: t(capacity_report.COLUMN_KEYS[name], lang) for name in table.columns},
        decimals={name: 1 for name in table.columns if name != "step"},
    )
