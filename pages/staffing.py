"""Nhân lực / Staffing: is one postal staffer enough? Measured load, two models, what-ifs kept in
the link, and how far the staff stretch."""

import polars as pl
import streamlit as st

from onestop import staffing
from onestop.core import i18n
from onestop.staffing.simulation import SimulationSettings
from onestop.web import filter_bar, meeting, session, show, staffing_ui, whatif, widgets

lang = session.language()
if not session.page_header("staffing.page_title", lang):
    st.stop()
st.caption(i18n.t("staffing.intro", lang))
chosen = filter_bar.current_filter(lang)
meeting.page_tools("staffing", chosen, lang)
scenario = staffing_ui.whatif_widgets(chosen, lang)

base = staffing_ui.measured(chosen)
measured_minutes = whatif.shown_minutes(base)
with st.sidebar.expander(i18n.t("staffing.task_minutes", lang)):
    minutes = {
        task: widgets.decimal_input(
            i18n.t(f"staffing.task_{task}", lang),
            measured_minutes[task],
            lang=lang,
            key=f"minutes_{task}",
            bounds=whatif.minutes_bounds(measured_minutes[task]),
        )
        for task in staffing.DEFAULT_TASK_MINUTES
    }
settings = SimulationSettings()
with st.sidebar.expander(i18n.t("whatif.simulation", lang)):
    days = st.select_slider(
        i18n.t("staffing.days", lang), [50, 100, 200, 400], settings.days, key="days"
    )
    seed = st.number_input(i18n.t("staffing.seed", lang), 0, 10_000, settings.seed, key="seed")

if not scenario.staff:
    st.stop()
question = scenario.question(
    chosen,
    whatif.changed_minutes(base, minutes),
    SimulationSettings(days=days, seed=int(seed)),
)
with st.spinner():
    result = staffing_ui.answer(question, lang)

staffing_ui.show_verdict(staffing_ui.verdict_of(question, result, lang))
if result["has_load"]:
    st.caption(result["answer"])  # the target, in words
st.caption(result["scope"]["sentence"])
st.caption(result["source"]["sentence"])
st.caption(
    i18n.t(
        "staffing.model_note",
        lang,
        days=days,
        replications=question.settings.replications,
    )
)

wait_chart, busy_chart = staffing.staffing_charts(result["scenarios"], question.target, lang)
show.show_chart(wait_chart, "staffing_wait", lang, chosen)
if note := staffing.unbounded_note(result["scenarios"], lang):
    st.caption(note)
show.show_chart(busy_chart, "staffing_utilisation", lang, chosen)
staffing_ui.which_model(lang)

st.subheader(i18n.t("staffing.scenarios", lang))
for scenario_result in result["scenarios"]:
    st.markdown(f"- {scenario_result['sentence']}")
table = staffing.scenario_frame(result["scenarios"]).with_columns(
    model=pl.col("model").replace_strict(
        {
            model: i18n.t(f"staffing.model_{model.replace('-', '_')}", lang)
            for model in ("simulation", "erlang-c")
        }
    )
)
show.show_table(
    table,
    "staffing_scenarios",
    lang,
    labels={name: i18n.t(f"staffing.column_{name}", lang) for name in table.columns},
    shares=("utilisation", "p_wait", "p_wait_over_15"),
    decimals={"mean_wait_min": 1, "p95_wait_min": 1},
    chosen=chosen,
)

scenario = staffing_ui.capacity_section(question, scenario, lang)
staffing_ui.write_whatifs(scenario)

st.subheader(i18n.t("staffing.breadth", lang))
st.markdown(result["breadth"]["sentence"])
staffing_ui.whatif_breadth(question, lang)
