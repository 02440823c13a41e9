"""Nhân lực / Staffing: is one postal staffer enough? Measured load, two models, what-ifs."""

import polars as pl
import streamlit as st

from onestop import staffing
from onestop.core import i18n
from onestop.staffing.simulation import SimulationSettings
from onestop.web import filter_bar, session, show

lang = session.language()
if not session.page_header("staffing.page_title", lang):
    st.stop()
st.caption(i18n.t("staffing.intro", lang))
chosen = filter_bar.current_filter(lang)
store = session.store()
agencies = session.query("agencies")


@st.cache_data(show_spinner=False, max_entries=64)
def _measured(signature: tuple, flt, overrides: tuple) -> staffing.MeasuredLoad:
    return staffing.measure_load(store, flt, dict(overrides))


@st.cache_data(show_spinner=False, max_entries=64)
def _answer(signature: tuple, question: staffing.Question, lang: str) -> dict:
    # Sentences go to st.markdown: names from the data are escaped there.
    return staffing.answer(store, question, lang, markdown=True)


def _bounds_holding(value: float, usual: tuple[float, float]) -> tuple[float, float]:
    """The usual bounds, widened to hold a measured figure: tickets served in seconds or in hours
    happen, and a number outside its bounds makes Streamlit raise."""
    return min(usual[0], value), max(usual[1], value)


signature = store.signature()
with st.sidebar.expander(i18n.t("staffing.what_ifs", lang), expanded=True):
    staff = st.multiselect(
        i18n.t("staffing.staff_levels", lang),
        [1, 2, 3, 4],
        default=[1, 2, 3, 4],
        placeholder=i18n.t("staffing.staff_levels_placeholder", lang),
        key="staff",
    )
    outside = agencies.filter(~pl.col("agency_id").is_in(list(chosen.agency_ids)))
    names = dict(zip(outside["agency_id"], outside["name"], strict=True))
    added = st.multiselect(
        i18n.t("staffing.add_agencies", lang),
        outside["agency_id"].to_list(),
        format_func=lambda agency_id: names.get(agency_id, str(agency_id)),
        placeholder=i18n.t("staffing.add_agencies_placeholder", lang),
        key="add_agencies",
    )
    growth = st.slider(i18n.t("staffing.growth", lang), -50, 200, 0, step=5, key="growth")

base = _measured(signature, chosen, ())
measured_minutes = {
    task: max(round(base.task_minutes[task], 1), 0.1) for task in staffing.DEFAULT_TASK_MINUTES
}
with st.sidebar.expander(i18n.t("staffing.task_minutes", lang)):
    minutes = {
        task: st.number_input(
            i18n.t(f"staffing.task_{task}", lang),
            *_bounds_holding(measured_minutes[task], staffing.TASK_MINUTES_RANGE),
            value=measured_minutes[task],
            step=0.5,
            key=f"minutes_{task}",
        )
        for task in staffing.DEFAULT_TASK_MINUTES
    }
target, settings = staffing.ServiceTarget(), SimulationSettings()
with st.sidebar.expander(i18n.t("staffing.target", lang)):
    share = st.slider(
        i18n.t("staffing.target_share", lang), 0.5, 0.99, target.share_within, key="share"
    )
    wait = st.number_input(
        i18n.t("staffing.target_wait", lang),
        *staffing.TARGET_WAIT_RANGE,
        target.wait_min,
        key="wait",
    )
    limit = st.slider(
        i18n.t("staffing.max_utilisation", lang), 0.5, 1.0, target.max_utilisation, key="limit"
    )
    days = st.select_slider(
        i18n.t("staffing.days", lang), [50, 100, 200, 400], settings.days, key="days"
    )
    seed = st.number_input(i18n.t("staffing.seed", lang), 0, 10_000, settings.seed, key="seed")

if not staff:
    st.stop()
changed = {task: value for task, value in minutes.items() if value != measured_minutes[task]}
question = staffing.Question(
    chosen,
    tuple(sorted(staff)),
    tuple(added),
    float(growth),
    changed,
    staffing.ServiceTarget(share, wait, limit),
    SimulationSettings(days=days, seed=int(seed), target_wait_min=wait),
)
with st.spinner():
    result = _answer(signature, question, lang)

enough = result["smallest_staff"]
if not result["has_load"]:
    st.info(result["answer"])
else:
    (st.success if enough == 1 else st.warning)(result["answer"])
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
show.show_chart(wait_chart, "staffing_wait", lang)
if note := staffing.unbounded_note(result["scenarios"], lang):
    st.caption(note)
show.show_chart(busy_chart, "staffing_utilisation", lang)

st.subheader(i18n.t("staffing.scenarios", lang))
for scenario in result["scenarios"]:
    st.markdown(f"- {scenario['sentence']}")
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
)

st.subheader(i18n.t("staffing.breadth", lang))
st.markdown(result["breadth"]["sentence"])
