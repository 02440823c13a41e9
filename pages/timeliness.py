"""Đúng hạn / Timeliness: resolved dossiers before, on and after the due date; overdue list."""

import streamlit as st

from onestop.core import i18n
from onestop.views import timeliness
from onestop.web import filter_bar, session, show

lang = session.language()
if not session.page_header("timeliness.page_title", lang):
    st.stop()
chosen = filter_bar.current_filter(lang)
params = chosen.params()
st.caption(i18n.t("timeliness.intro", lang))

resolved = session.query("resolved_timeliness_by_procedure_month", params)
if resolved.is_empty():
    st.info(i18n.t("timeliness.no_resolved", lang))
else:
    tabs = st.tabs([i18n.t(f"timeliness.dimension_{by}", lang) for by in timeliness.DIMENSIONS])
    for tab, by in zip(tabs, timeliness.DIMENSIONS, strict=True):
        with tab:
            top = None
            if by == "procedure":
                top = st.slider(
                    i18n.t("timeliness.top_label", lang), 5, 30, 10, key="timeliness_top"
                )
            shares = timeliness.timeliness_shares(resolved, by, top)
            show.show_chart(timeliness.shares_chart(shares, by, lang), f"timeliness_by_{by}", lang)

    st.subheader(i18n.t("timeliness.days_heading", lang))
    days = session.query("resolved_days_late", params)
    show.show_chart(timeliness.days_late_chart(days, lang), "timeliness_days_late", lang)
    st.caption(i18n.t("timeliness.days_caption", lang))

st.subheader(i18n.t("timeliness.overdue_heading", lang))
period_end = i18n.format_date(chosen.date_to, lang)
order = st.selectbox(
    i18n.t("timeliness.sort_label", lang),
    timeliness.OVERDUE_ORDERS,
    format_func=lambda key: i18n.t(f"timeliness.sort_{key}", lang),
    key="timeliness_sort",
)
overdue = session.query(
    "overdue_dossiers_in_progress", {**params, "order_by": timeliness.overdue_order(order)}
)
if overdue.is_empty():
    st.info(i18n.t("timeliness.overdue_none", lang, end=period_end))
else:
    count = i18n.format_int(overdue.height, lang)
    st.caption(i18n.t("timeliness.overdue_caption", lang, count=count, end=period_end))
    labels = timeliness.overdue_labels(lang)
    st.dataframe(
        overdue,
        key="timeliness_overdue",
        hide_index=True,
        column_config={
            "code": st.column_config.TextColumn(labels["code"]),
            "procedure": st.column_config.TextColumn(labels["procedure"], width="large"),
            "agency": st.column_config.TextColumn(labels["agency"]),
            "due_on": st.column_config.DateColumn(
                labels["due_on"], format="DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"
            ),
            "days_overdue": st.column_config.NumberColumn(labels["days_overdue"], format="%d"),
        },
    )
    show.downloads(overdue, "overdue_dossiers", lang)
