"""Tổng quan / Overview: the period's headline figures, their change and trend, and a summary."""

import streamlit as st

from onestop.core import i18n
from onestop.meeting import sections
from onestop.views import overview
from onestop.web import filter_bar, meeting, session, staffing_ui

lang = session.language()
if not session.page_header("page.overview", lang):
    st.stop()
chosen = filter_bar.current_filter(lang)
meeting.page_tools("overview", chosen, lang)

# The answer the dashboard exists for comes first: is one postal staffer enough? (Or, when the
# filters bring no counter work, that no verdict is possible.)
staffing_ui.overview_verdict(chosen, lang)

# The figures and sentences are the meeting pack's overview section: one description, drawn
# here with the page's extras (help, trend line, colour of the change).
section = sections.overview_section(sections.Context(meeting.CachedSource(), chosen, lang))
if section is None:
    st.info(i18n.t("app.no_data", lang))
    st.stop()
figures = next(block for block in section.blocks if isinstance(block, sections.Figures))
monthly = session.query("form06_counts_by_month", chosen.params())
for row_start in range(0, len(figures.items), 4):
    row = figures.items[row_start : row_start + 4]
    for column, figure in zip(st.columns(4), row, strict=False):
        column.metric(
            figure.label,
            figure.value,
            delta=figure.delta,
            delta_color=overview.CARDS[figure.key],
            help=i18n.t(f"measure_help.{figure.key}", lang),
            border=True,
            chart_data=overview.card_trend(figure.key, monthly),
            chart_type="line",
        )

before = chosen.previous_period()  # None when the period reaches back to the first date
if before is not None and any(figure.delta for figure in figures.items):
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
for block in section.blocks:
    if isinstance(block, sections.Text):
        st.markdown(block.text)
