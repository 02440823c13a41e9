"""Router: page configuration, optional sign-in and navigation. Each page file runs on its own.

The chosen page runs inside page_guard: an unexpected error is logged on the server and the
user reads one sentence in their language (details are hidden by .streamlit/config.toml too).
"""

import streamlit as st

from onestop.core.i18n import t
from onestop.web import auth, page_guard, session

st.set_page_config(page_title="onestop", page_icon=":material/account_balance:", layout="wide")
lang = session.language_switch()
auth.require_login(lang)

navigation = st.navigation(
    {
        t("app.section_analysis", lang): [
            st.Page(
                "pages/overview.py",
                title=t("page.overview", lang),
                icon=":material/dashboard:",
                default=True,
            ),
            st.Page(
                "pages/throughput.py",
                title=t("page.throughput", lang),
                icon=":material/swap_vert:",
            ),
            st.Page(
                "pages/timeliness.py",
                title=t("timeliness.page_title", lang),
                icon=":material/timer:",
            ),
            st.Page(
                "pages/agency_load.py",
                title=t("agency_load.page_title", lang),
                icon=":material/domain:",
            ),
            st.Page(
                "pages/staffing.py",
                title=t("staffing.page_title", lang),
                icon=":material/groups:",
            ),
        ],
        t("app.section_reports", lang): [
            st.Page("pages/report.py", title=t("report.page_title", lang), icon=":material/table:"),
        ],
        t("app.section_data", lang): [
            st.Page(
                "pages/import_data.py",
                title=t("import.page.title", lang),
                icon=":material/upload_file:",
            ),
        ],
    }
)
page_guard.run(navigation, lang)
