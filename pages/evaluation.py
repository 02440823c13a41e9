"""Đánh giá thí điểm / Pilot evaluation: the pilot agencies before and during the pilot against
the other agencies over the same months (difference-in-differences, 95% intervals)."""

import datetime as dt

import streamlit as st

from onestop.core import i18n
from onestop.core.filters import pilot_filter
from onestop.core.text import markdown_literal
from onestop.evaluation import compare, output, readings
from onestop.evaluation.charts import monthly_chart
from onestop.evaluation.compare import PeriodError
from onestop.web import evaluation_link, meeting, session, show

BEFORE_KEY = "evaluation_before"
APPLIED_KEY = "_evaluation_before_applied"  # the link parameters of the period last shown

lang = session.language()
if not session.page_header("evaluation.page_title", lang):
    st.stop()
st.caption(i18n.t("evaluation.intro", lang))
store = session.store()


@st.cache_data(show_spinner=False, max_entries=16)
def _evaluation(
    path: str, signature: tuple, before_from: dt.date, before_to: dt.date
) -> compare.Evaluation:
    # The bootstrap takes seconds: one run per database version and period before.
    pilot = compare.load_pilot(store)
    assert pilot is not None  # checked by the page before calling
    return compare.evaluate(store, pilot, before_from, before_to)


pilot = compare.load_pilot(store)
if pilot is None:
    st.info(i18n.t("evaluation.no_pilot", lang))
    st.stop()
st.markdown(
    i18n.t(
        "evaluation.pilot_line",
        lang,
        name=markdown_literal(pilot.name),
        agencies=markdown_literal(", ".join(pilot.agency_names) or "—"),
    )
)
last_day = session.query("data_status")["last_received_on"][0]
try:
    default_before, during = compare.choose_periods(pilot, last_day)
except PeriodError as error:
    st.error(readings.period_error(error, lang))
    st.stop()
bounds = evaluation_link.picker_bounds(default_before, pilot.end)
# The period before is kept in the link; Streamlit drops the link on a page switch, so the last
# period shown is restored from session state then (as the sidebar filters are).
raw = {name: st.query_params.get_all(name) for name in evaluation_link.PARAMS}
raw = {name: values for name, values in raw.items() if values}
applied = st.session_state.get(APPLIED_KEY)
wanted, notices = evaluation_link.parse(raw or applied or {}, during, default_before, bounds)
for notice in notices:
    st.toast(i18n.t(f"filters.notice_{notice.reason}", lang, param=notice.param), icon="⚠️")
if BEFORE_KEY not in st.session_state or applied != evaluation_link.to_params(
    wanted, default_before
):
    st.session_state[BEFORE_KEY] = (wanted.start, wanted.end)  # a new link: the picker follows
chosen = st.date_input(
    i18n.t("evaluation.before_label", lang),
    min_value=bounds[0],
    max_value=bounds[1],
    format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD",
    help=i18n.t("evaluation.before_help", lang),
    key=BEFORE_KEY,
)
if not isinstance(chosen, tuple) or len(chosen) != 2:
    st.info(i18n.t("evaluation.before_incomplete", lang))
    st.stop()
# The meeting pack from this page: the pilot's agencies over the pilot's period (as
# `onestop deck --pilot`), evaluated against the period before shown here (link or picker).
meeting.page_tools(
    "evaluation",
    pilot_filter(session.query("pilot_definition"), session.query("agencies")),
    lang,
    evaluation_before=tuple(chosen),
)
params = evaluation_link.to_params(compare.Period(*chosen), default_before)
st.session_state[APPLIED_KEY] = params
for name in evaluation_link.PARAMS:
    if st.query_params.get_all(name) != params.get(name, []):
        if name in params:
            st.query_params[name] = params[name]
        else:
            st.query_params.pop(name, None)
try:
    with st.spinner(i18n.t("evaluation.computing", lang)):
        evaluation = _evaluation(str(store.path), store.signature(), *chosen)
except PeriodError as error:
    st.error(readings.period_error(error, lang))
    st.stop()

st.caption(readings.design_sentence(evaluation, lang))
if evaluation.missing:
    # What is missing, instead of charts with nothing in them.
    for sentence in readings.missing_sentences(evaluation, lang):
        st.warning(sentence)
    st.stop()

st.subheader(i18n.t("evaluation.summary_heading", lang))
table = output.comparison_frame(evaluation, lang)
# A static table: its eight text columns wrap to the page's width instead of scrolling.
st.table(table.to_pandas().set_index(table.columns[0]))
show.downloads(table, "pilot_evaluation", lang)

st.subheader(i18n.t("evaluation.monthly_heading", lang))
tabs = st.tabs([readings.label(m.measure, lang) for m in evaluation.measures])
for tab, comparison in zip(tabs, evaluation.measures, strict=True):
    with tab:
        st.markdown(markdown_literal(readings.reading(comparison, lang)))
        warning = readings.caution(comparison, lang)
        if warning:
            st.warning(markdown_literal(warning), icon=":material/warning:")
        else:
            note = readings.pre_trend_note(comparison, lang)
            if note:
                st.caption(markdown_literal(note))
        spec = monthly_chart(evaluation, comparison.measure, lang)
        if spec.data["value"].is_not_null().any():
            show.show_chart(spec, f"evaluation_{comparison.measure}", lang)

st.caption(readings.method_sentence(evaluation, lang))
