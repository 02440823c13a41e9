"""Tải theo cơ quan / Agency load: who receives how much, how broad, when, and per working day."""

import streamlit as st

from onestop.core import i18n
from onestop.views import agency_load
from onestop.web import filter_bar, session, show

lang = session.language()
if not session.page_header("agency_load.page_title", lang):
    st.stop()
chosen = filter_bar.current_filter(lang)
params = chosen.params()
st.caption(i18n.t("agency_load.intro", lang))

agencies = session.query("receptions_by_agency", params)
if agencies.is_empty():
    st.info(i18n.t("app.no_data", lang))
    st.stop()


def labels(names: list[str]) -> dict[str, str]:
    """Translated column headings."""
    return {name: i18n.t(f"agency_load.col_{name}", lang) for name in names}


shares = agency_load.agency_shares(agencies)
show.show_chart(agency_load.agency_chart(shares, lang), "agency_dossiers", lang)
show.show_table(
    shares,
    "agency_load_agencies",
    lang,
    labels(["agency", "agency_code", "dossiers", "share", "procedures", "fields"]),
    shares=("share",),
)

st.subheader(i18n.t("agency_load.breadth_heading", lang))
staffers = agency_load.staffer_table(session.query("receptions_by_staffer", params), lang)
show.show_chart(agency_load.staffer_breadth_chart(staffers, lang), "staffer_breadth", lang)
show.show_table(
    staffers,
    "agency_load_staffers",
    lang,
    labels(["staffer", "organisation", "dossiers", "agencies", "procedures", "fields"]),
)

st.subheader(i18n.t("agency_load.heatmap_heading", lang))
by_hour = session.query("receptions_by_weekday_hour", params)
grid = agency_load.weekday_hour_grid(by_hour, lang)
show.show_chart(agency_load.heatmap_chart(grid, lang), "receptions_weekday_hour", lang)
outside = agency_load.receptions_outside_hours(by_hour)
if outside:
    st.caption(i18n.t("agency_load.outside_hours", lang, count=i18n.format_int(outside, lang)))

st.subheader(i18n.t("agency_load.rate_heading", lang))
monthly = session.query("receptions_by_staffer_month", params)
rates = agency_load.per_working_day(monthly, chosen.date_from, chosen.date_to)
show.show_chart(agency_load.per_working_day_chart(rates, lang), "staffer_per_working_day", lang)
st.caption(i18n.t("agency_load.rate_caption", lang, top=agency_load.TOP_STAFFERS))
