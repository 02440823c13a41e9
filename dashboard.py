"""Router: page configuration, optional sign-in and navigation. Each page file runs on its own."""

import streamlit as st

from onestop import ui
from onestop.i18n import t

st.set_page_config(page_title="onestop", page_icon=":material/account_balance:", layout="wide")
lang = ui.language_switch()
ui.require_login(lang)

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
        ],
    }
)
navigation.run()
