"""Router: page configuration and navigation only. Each page file runs on its own."""

import streamlit as st

from onestop import ui
from onestop.i18n import t

st.set_page_config(page_title="onestop", page_icon=":material/account_balance:", layout="wide")
lang = ui.language_switch()

navigation = st.navigation(
    {
        t("app.section_analysis", lang): [
            st.Page(
                "pages/overview.py",
                title=t("page.overview", lang),
                icon=":material/dashboard:",
                default=True,
            ),
        ],
        t("app.section_reports", lang): [
            st.Page("pages/report.py", title=t("report.page_title", lang), icon=":material/table:"),
        ],
    }
)
navigation.run()
