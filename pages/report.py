"""Báo cáo / Report: Biểu 06 for the chosen period, its files, the 766 index, a published check."""

import streamlit as st

from onestop.core import i18n, published
from onestop.reports import form06, index766
from onestop.reports.form06_html import comparison_html, form06_table_html
from onestop.reports.form06_xlsx import form06_to_xlsx
from onestop.web import filter_bar, session, show

lang = session.language()
if not session.page_header("report.page_title", lang):
    st.stop()
chosen = filter_bar.current_filter(lang)
form = form06.Form06(chosen, session.query("form06_rows", chosen.params()))
start = i18n.format_date(chosen.date_from, lang)
end = i18n.format_date(chosen.date_to, lang)

# --- Biểu 06 ----------------------------------------------------------------------------------
st.subheader(i18n.t("report.form_heading", lang))
st.caption(f"{i18n.t('report.period', lang, start=start, end=end)} · {i18n.t('report.unit', lang)}")
if form.rows.height == 0:
    st.info(i18n.t("report.no_rows", lang))
    st.stop()
st.html(form06_table_html(form, lang))

failures = form06.identity_failures_markdown(form, lang)
if failures:
    st.error(failures)
else:
    st.success(i18n.t("report.identities_hold", lang), icon=":material/check_circle:")

stem = i18n.t(
    "report.file_stem",
    lang,
    start=chosen.date_from.isoformat(),
    end=chosen.date_to.isoformat(),
)
xlsx_column, csv_column, _ = st.columns([1, 1, 2])
xlsx_column.download_button(
    i18n.t("report.download_xlsx", lang),
    form06_to_xlsx(form, lang),
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="report_xlsx",
    icon=":material/download:",
)
csv_column.download_button(
    i18n.t("report.download_csv", lang),
    form06.to_csv(form).encode("utf-8-sig"),  # the BOM lets Excel read Vietnamese text
    file_name=f"{stem}.csv",
    mime="text/csv",
    key="report_csv",
    icon=":material/download:",
)

# --- Decision 766 indicators ------------------------------------------------------------------
st.subheader(i18n.t("index766.heading", lang))
st.caption(i18n.t("index766.intro", lang))
procedures = session.query("index766_by_procedure", index766.query_params(chosen))
results = index766.evaluate(index766.total_counts(form.rows, procedures))
columns = [*st.columns(3), *st.columns(3)]
for column, result in zip(columns, results, strict=False):
    key = result.indicator.key
    column.metric(
        i18n.t(f"index766.name_{key}", lang),
        index766.format_value(result, lang),
        help=i18n.t(f"index766.help_{key}", lang),
        border=True,
    )
    column.caption(index766.format_points(result, lang))

st.markdown(f"**{i18n.t('index766.per_agency', lang)}**")
per_agency = index766.per_agency(form.rows, procedures)
st.dataframe(
    index766.per_agency_display(per_agency, lang), hide_index=True, key="index766_per_agency"
)
show.downloads(per_agency, "index766_per_agency", lang)
with st.expander(i18n.t("index766.per_procedure", lang)):
    per_procedure = index766.procedure_times(procedures)
    st.dataframe(
        index766.procedure_display(per_procedure, lang),
        hide_index=True,
        key="index766_per_procedure",
    )
    show.downloads(per_procedure, "index766_per_procedure", lang)

# --- checking a published summary ---------------------------------------------------------------
st.subheader(i18n.t("report.check_heading", lang))
st.caption(i18n.t("report.check_intro", lang))
defaults = published.PILOT_REPORT
with st.form("published_check"):
    entered = {}
    items = [*published.PUBLISHED_COUNTS, "online_share"]
    columns = [column for _ in range(0, len(items), 4) for column in st.columns(4)]
    for column, item in zip(columns, items, strict=False):
        share = item == "online_share"
        entered[item] = column.number_input(
            i18n.t(f"report.item_{item}", lang),
            min_value=0.0 if share else 0,
            max_value=100.0 if share else None,
            value=getattr(defaults, item),
            step=0.1 if share else 1,
            format="%.1f" if share else "%d",
            key=f"check_{item}",
        )
    st.form_submit_button(i18n.t("report.check_submit", lang), key="check_submit")

comparison = published.compare_published(published.PublishedSummary(**entered), form.total)
gaps = comparison.filter(~comparison["matches"]).height
if gaps:
    st.warning(i18n.t("report.check_gaps", lang, count=gaps), icon=":material/warning:")
else:
    st.success(i18n.t("report.check_all_match", lang), icon=":material/check_circle:")
st.html(comparison_html(comparison, lang))
