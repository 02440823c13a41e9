"""Tổng quan / Overview: the period's headline figures, their change and trend, and a summary."""

import streamlit as st

from onestop.core import i18n
from onestop.reports import form06
from onestop.views import overview
from onestop.web import filter_bar, session

lang = session.language()
if not session.page_header("page.overview", lang):
    st.stop()
chosen = filter_bar.current_filter(lang)

counts = form06.Form06(chosen, session.query("form06_rows", chosen.params())).total
if counts["received_total"] == 0:
    st.info(i18n.t("app.no_data", lang))
    st.stop()
before = chosen.previous_period()  # None when the period reaches back to the first date
previous = (
    None
    if before is None
    else form06.Form06(before, session.query("form06_rows", before.params())).total
)
monthly = session.query("form06_counts_by_month", chosen.params())

keys = list(overview.CARDS)
for row_start in range(0, len(keys), 4):
    for column, key in zip(st.columns(4), keys[row_start : row_start + 4], strict=False):
        column.metric(
            i18n.t(f"measure.{key}", lang),
            overview.card_value(key, counts, lang),
            delta=overview.card_delta(key, counts, previous, lang),
            delta_color=overview.CARDS[key],
            help=i18n.t(f"measure_help.{key}", lang),
            border=True,
            chart_data=overview.card_trend(key, monthly),
            chart_type="line",
        )

if before is not None and previous["received_total"]:
    st.caption(
        i18n.t(
            "overview.previous_period",
            lang,
            start=i18n.format_date(before.date_from, lang),
            end=i18n.format_date(before.date_to, lang),
        )
    )
else:
    st.caption(i18n.t("overview.no_previous", lang))


def show(key: str) -> str:
    return overview.card_value(key, counts, lang)


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
