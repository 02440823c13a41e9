"""Optional sign-in (st.login) and who may replace the data, from .streamlit/secrets.toml."""

from __future__ import annotations

import streamlit as st

from onestop.core import i18n


def auth_configured() -> bool:
    """Whether `.streamlit/secrets.toml` has an `[auth]` table (sign-in is then required)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False


def may_import() -> bool:
    """Who may replace the data: anyone when the app runs open for local use; with sign-in,
    only the e-mail addresses listed as `importers` under `[onestop]` in secrets.toml."""
    if not auth_configured():
        return True
    allowed = st.secrets.get("onestop", {}).get("importers", [])
    return bool(st.user.get("is_logged_in")) and st.user.get("email") in allowed


def require_login(lang: str) -> None:
    """With `[auth]` configured, stop here until the user signs in; without it, do nothing."""
    if not auth_configured():
        return
    if st.user.is_logged_in:
        st.sidebar.button(i18n.t("auth.sign_out", lang), key="sign_out", on_click=st.logout)
        return
    st.title(i18n.t("app.title", lang))
    st.info(i18n.t("auth.needed", lang))
    st.button(i18n.t("auth.sign_in", lang), key="sign_in", on_click=st.login, type="primary")
    st.stop()
