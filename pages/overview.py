"""Tổng quan / Overview: the period's headline figures and a summary in the report's words."""

import streamlit as st

from onestop import i18n, metrics, report, ui

lang = ui.language()
if not ui.page_header("page.overview", lang):
    st.stop()
chosen = ui.current_filter(lang)

counts = report.Form06(chosen, ui.query("form06_rows", chosen.params())).total
if counts["received_total"] == 0:
    st.info(i18n.t("app.no_data", lang))
    st.stop()


def show(key: str) -> str:
    value = metrics.compute(key, counts)
    if metrics.MEASURES[key].kind == "share":
        return i18n.format_share(value, lang)
    return i18n.format_int(value, lang)


cards = [
    "received_total",
    "received_online",
    "online_share",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
]
for row_start in range(0, len(cards), 4):
    for column, key in zip(st.columns(4), cards[row_start : row_start + 4], strict=False):
        column.metric(
            i18n.t(f"measure.{key}", lang),
            show(key),
            help=i18n.t(f"measure_help.{key}", lang),
            border=True,
        )

st.markdown(
    i18n.t(
        "overview.summary",
        lang,
        start=i18n.format_date(chosen.date_from, lang),
        end=i18n.format_date(chosen.date_to, lang),
        received=show("received_total"),
        online=show("received_online"),
        online_share=show("online_share"),
        resolved=show("resolved_total"),
        early=show("resolved_early"),
        on_time=show("resolved_on_time"),
        late=show("resolved_late"),
        in_progress=show("in_progress_total"),
    )
)
if counts["carried_over"]:
    carried = i18n.format_int(counts["carried_over"], lang)
    st.caption(i18n.t("overview.carried_over_note", lang, carried=carried))
