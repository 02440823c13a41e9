"""Streamlit widgets in the page's language where Streamlit itself speaks only English.

- `decimal_input`: a number shown and typed the language's way (98,2 in Vietnamese), where
  st.number_input would show "98.2" (its format is printf's, always with a dot).
- `uploader_texts`: the file uploader's button and size line ("Upload", "200MB per file") in
  the language. Streamlit has no option for them, so a style rule scoped to the widget's key
  hides its text and shows ours; the widget keeps working as before if Streamlit renames its
  parts (the English text then simply shows again).
- Multiselects of the filter bar pass `select_all=False`: choosing nothing already means all,
  and Streamlit's English "Select all" entry cannot be translated.
"""

from __future__ import annotations

import streamlit as st

from onestop.core import i18n
from onestop.core.text import markdown_literal

UPLOAD_LIMIT_MB = 200  # Streamlit's default server.maxUploadSize


def decimal_input(
    label: str,
    value: float,
    *,
    lang: str,
    key: str,
    bounds: tuple[float, float] | None = None,
    digits: int = 1,
    help: str | None = None,
    container=st,
) -> float:
    """A number typed the language's way; anything else keeps the last good value, with one
    sentence saying what was wrong."""
    good_key, seed_key = f"_{key}_value", f"_{key}_seed"
    if st.session_state.get(seed_key) != (value, lang):
        # First run, or the figure behind the box changed (another period measured): the box
        # shows the new figure, as st.number_input does when its value changes.
        st.session_state[seed_key] = (value, lang)
        st.session_state[good_key] = float(value)
        st.session_state[key] = typed(value, lang, digits)
    text = container.text_input(label, key=key, help=help)
    parsed = i18n.parse_decimal(text, lang)
    problem = None
    if parsed is None:
        problem = i18n.t("inputs.not_a_number", lang, text=markdown_literal(text))
    elif bounds is not None and not bounds[0] <= parsed <= bounds[1]:
        low, high = (i18n.format_decimal(bound, lang, digits) for bound in bounds)
        problem = i18n.t("inputs.out_of_range", lang, low=low, high=high)
    if problem is not None:
        kept = i18n.format_decimal(st.session_state[good_key], lang, digits)
        container.error(f"{problem} {i18n.t('inputs.kept', lang, value=kept)}")
        return st.session_state[good_key]
    st.session_state[good_key] = parsed
    return parsed


def relabel_choices(keys: tuple[str, ...], lang: str, marker: str) -> None:
    """After a language switch, choice widgets (select boxes, pills, segmented controls) show
    their chosen option in the new language.

    Streamlit's browser side keeps the chosen option as the text it was shown in (its wire
    value) and redraws it so until the value is set again: the first run in a new language
    sets each widget's value to itself, which sends the option in the new words. Call before
    drawing the widgets; `marker` names the group (each group remembers its own language).
    """
    shown = f"_{marker}_language"
    if st.session_state.get(shown) not in (None, lang):
        for key in keys:
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state[shown] = lang


def reseed(key: str) -> None:
    """Make the decimal box with this key show its value afresh on the next draw (a new link
    asked for a value, whatever was typed before)."""
    st.session_state.pop(f"_{key}_seed", None)


def digits_for(value: float, most: int = 2) -> int:
    """The decimals a value needs, at least one and at most `most`: 15 → 1 (15,0), 7.5 → 1
    (7,5), 15.25 → 2 (15,25)."""
    for digits in range(1, most):
        if round(value, digits) == round(value, most):
            return digits
    return most


def typed(value: float, lang: str, digits: int = 1) -> str:
    """A number as one types it in the language: 98,2 or 1700,5 (no thousands dot, which would
    read as a decimal point to a reader of English)."""
    shown = i18n.format_decimal(value, lang, digits)
    return shown.replace(".", "") if lang == "vi" else shown.replace(",", "")


def _css_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def uploader_texts(key: str, types: list[str], lang: str) -> None:
    """The uploader with this key shows its button and size line in the language."""
    if lang == "en":
        return
    button = i18n.t("inputs.upload_button", lang)
    limit = i18n.t(
        "inputs.upload_limit", lang, size=UPLOAD_LIMIT_MB, types=", ".join(t.upper() for t in types)
    )
    scope = f".st-key-{key}"
    st.html(
        f"""<style>
{scope} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
{scope} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
{scope} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after
  {{ content: {_css_text(button)}; font-size: 1rem; }}
{scope} [data-testid="stFileUploaderDropzoneInstructions"] span::after
  {{ content: {_css_text(limit)}; font-size: 0.875rem; }}
</style>"""
    )
