"""Lưu lượng / Throughput: received and resolved per day, week or month, and the backlog."""

import streamlit as st

from onestop.core import i18n
from onestop.views import throughput
from onestop.web import filter_bar, session, show

lang = session.language()
if not session.page_header("page.throughput", lang):
    st.stop()
chosen = filter_bar.current_filter(lang)
st.caption(i18n.t("throughput.intro", lang))

grain = (
    st.segmented_control(
        i18n.t("throughput.grain", lang),
        list(throughput.GRAINS),
        format_func=lambda value: i18n.t(f"throughput.grain_{value}", lang),
        default=throughput.DEFAULT_GRAIN,
        key="throughput_grain",
    )
    or throughput.DEFAULT_GRAIN
)
flow = session.query(
    "dossier_flow_by_period", {**chosen.params(), "grain": throughput.grain_param(grain)}
)
if flow.select("received", "resolved", "carried_over").sum().sum_horizontal()[0] == 0:
    st.info(i18n.t("app.no_data", lang))
    st.stop()

st.subheader(i18n.t("throughput.heading_flow", lang))
show.show_chart(throughput.received_spec(flow, grain, lang), "throughput_received", lang)
show.show_chart(throughput.resolved_spec(flow, grain, lang), "throughput_resolved", lang)
st.subheader(i18n.t("throughput.heading_backlog", lang))
show.show_chart(throughput.backlog_spec(flow, grain, lang), "throughput_backlog", lang)
show.show_chart(throughput.cumulative_spec(flow, grain, lang), "throughput_cumulative", lang)
