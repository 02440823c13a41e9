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
from onestop.web import meeting, session, show

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
# The meeting pack from this page: the pilot's agencies over the pilot's period (as
# `onestop deck --pilot`), its evaluation over the period before chosen below (the widget's
# value is already in session state when the script reruns).
picked = st.session_state.get("evaluation_before")
meeting.page_tools(
    "evaluation",
    pilot_filter(session.query("pilot_definition"), session.query("agencies")),
    lang,
    evaluation_before=tuple(picked) if isinstance(picked, tuple) and len(picked) == 2 else None,
)

last_day = session.query("data_status")["last_received_on"][0]
try:
    default_before, _ = compare.choose_periods(pilot, last_day)
except PeriodError as error:
    st.error(readings.period_error(error, lang))
    st.stop()
chosen = st.date_input(
    i18n.t("evaluation.before_label", lang),
    value=(default_before.start, default_before.end),
    min_value=min(default_before.start, dt.date(2000, 1, 1)),
    max_value=max(pilot.end, default_before.end),
    format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD",
    help=i18n.t("evaluation.before_help", lang),
    key="evaluation_before",
)
if not isinstance(chosen, tuple) or len(chosen) != 2:
    st.info(i18n.t("evaluation.before_incomplete", lang))
    st.stop()
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
