"""The meeting pack on the dashboard: deck and report downloads with the current filters,
downloads for people, and presentation mode (one chart at a time, large, no sidebar).

Everything shown comes from onestop.sections, the same builders the deck and the HTML report
use, so what is projected is what is downloaded.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st

from onestop.core import charts, i18n
from onestop.core.charts import ChartSpec
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.meeting import deck, downloads, html, sections
from onestop.meeting.content import build_content, describe_filter
from onestop.reports.form06_html import form06_table_html
from onestop.web import session

PRESENT_PARAM = "present"
STEP_PARAM = "step"
PRESENT_KEY = "present_mode"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROJECTOR_FONT = 22  # chart text in presentation mode, read from the back of a meeting room
PROJECTOR_HEIGHT = 600  # pixels: with the heading and the step buttons, fits a 1600×900 screen
CAPTION_HEIGHT = 45  # pixels a chart gives up for each sentence read under it beyond the first
WIDE_TABLE = 7  # columns from which a table's text is smaller, so its rows fit the screen


class CachedSource:
    """The dashboard's cached queries as a sections.Source."""

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame:
        return session.query(name, params)


Before = tuple[dt.date, dt.date] | None  # the pilot evaluation's period before (None: default)


def page_tools(
    section_key: str, chosen: DossierFilter, lang: str, evaluation_before: Before = None
) -> None:
    """What every page offers for a meeting, after its filters: the deck and report of the
    current filters, and the switch into presentation mode. In presentation mode the meeting
    pack is shown one chart at a time, from this page's first, and the page stops here."""
    meeting_downloads(chosen, lang, evaluation_before)
    present_toggle(lang)
    present(section_key, chosen, lang, evaluation_before)


# --- the deck and the report, built when the button is clicked ---------------------------------


def _file_stem(chosen: DossierFilter, lang: str) -> str:
    return i18n.t(
        "deck.file_stem", lang, start=chosen.date_from.isoformat(), end=chosen.date_to.isoformat()
    )


def meeting_downloads(chosen: DossierFilter, lang: str, evaluation_before: Before = None) -> None:
    """Sidebar buttons for the deck and the HTML report of the current filters.

    The files are built only when a button is clicked (Streamlit runs the callable on its own
    thread, outside the script run), from the database file itself.
    """
    store = session.store()

    def content():
        return build_content(_fresh(store), chosen, lang, evaluation_before=evaluation_before)

    def deck_bytes() -> bytes:
        return deck.build_deck(content()).data

    def html_bytes() -> bytes:
        return html.build_html(content()).encode("utf-8")

    stem = _file_stem(chosen, lang)
    st.sidebar.download_button(
        i18n.t("deck.download", lang),
        deck_bytes,
        file_name=f"{stem}.pptx",
        mime=PPTX_MIME,
        key="meeting_deck",
        help=i18n.t("deck.download_help", lang),
        icon=":material/slideshow:",
        on_click="ignore",
        width="stretch",
    )
    st.sidebar.download_button(
        i18n.t("deck.download_html", lang),
        html_bytes,
        file_name=f"{stem}.html",
        mime="text/html",
        key="meeting_html",
        help=i18n.t("deck.download_html_help", lang),
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
    )


def _fresh(store: Store) -> Store:
    # The download runs on another thread while the page may query: its own connection.
    return Store(store.path)


# --- downloads for people -----------------------------------------------------------------------


def filter_context(chosen: DossierFilter, lang: str) -> str:
    """The period and filters in one line, for the title rows of downloads."""
    lines = describe_filter(
        chosen,
        session.query("agencies"),
        session.query("fields"),
        session.query("procedures"),
        lang,
    )
    return " · ".join(
        value if index == 0 else f"{label}: {value}" for index, (label, value) in enumerate(lines)
    )


def is_demo() -> bool:
    """Whether the data holds demo dossiers (downloads then say so)."""
    return bool(session.query("data_status")["demo_dossiers"][0])


def people_downloads(table: downloads.PeopleTable, key: str, chosen: DossierFilter, lang: str):
    """CSV and Excel buttons for a table made for people. The files are written when clicked
    (a callable, as the deck's): writing every chart's workbook on every run took a fifth of a
    page's run."""
    stem = downloads.file_stem(table.name, chosen.date_from, chosen.date_to)
    csv_column, xlsx_column, _ = st.columns([1, 1, 4])
    csv_column.download_button(
        i18n.t("app.download_csv", lang),
        functools.partial(downloads.csv_bytes, table),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    xlsx_column.download_button(
        i18n.t("app.download_xlsx", lang),
        functools.partial(downloads.xlsx_bytes, table, lang),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def chart_downloads(spec: ChartSpec, key: str, chosen: DossierFilter, lang: str) -> None:
    table = downloads.for_chart(spec, key, lang, filter_context(chosen, lang), is_demo())
    people_downloads(table, key, chosen, lang)


def table_downloads(
    frame: pl.DataFrame,
    key: str,
    labels: Mapping[str, str],
    chosen: DossierFilter,
    lang: str,
    shares: tuple[str, ...] = (),
    decimals: Mapping[str, int] | None = None,
) -> None:
    context = filter_context(chosen, lang)
    table = downloads.for_table(frame, key, labels, lang, context, is_demo(), shares, decimals)
    people_downloads(table, key, chosen, lang)


# --- presentation mode --------------------------------------------------------------------------


def presenting() -> bool:
    """Whether the page is in presentation mode (`?present=1`, or the sidebar toggle)."""
    return st.query_params.get(PRESENT_PARAM) == "1"


def present_toggle(lang: str) -> None:
    """The sidebar switch into presentation mode, kept in the URL so a link opens in it.

    Without a step the pack opens at this page's first chart (see `present`)."""

    def switch() -> None:
        if st.session_state.get(PRESENT_KEY):
            st.query_params[PRESENT_PARAM] = "1"
            st.query_params.pop(STEP_PARAM, None)

    st.session_state[PRESENT_KEY] = presenting()
    st.sidebar.toggle(
        i18n.t("present.toggle", lang),
        key=PRESENT_KEY,
        on_change=switch,
        help=i18n.t("present.toggle_help", lang),
    )


_PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { max-width: 100% !important;
  padding-top: 1.2rem !important; padding-left: 2.5rem !important;
  padding-right: 2.5rem !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.45rem !important; }
[data-testid="stMetricValue"], [data-testid="stMain"] [data-testid="stMetricValue"] p {
  font-size: 3.4rem !important; font-weight: 700; line-height: 1.2; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1.35rem !important; }
.form06 { font-size: 1.05rem !important; }
[data-testid="stMain"] [data-testid="stHeading"]:has(h1) { display: none !important; }
.onestop-kicker { color: #0072b2; font-weight: 700; font-size: 1.5rem; }
.st-key-present_wide_table [data-testid="stTable"] th,
.st-key-present_wide_table [data-testid="stTable"] td,
.st-key-present_wide_table [data-testid="stTable"] p { font-size: 1.15rem !important; }
</style>
"""


@st.cache_data(show_spinner=False, max_entries=64)
def _section(
    key: str, chosen: DossierFilter, lang: str, signature: tuple, evaluation_before: Before
) -> sections.Section | None:
    context = sections.Context(CachedSource(), chosen, lang, evaluation_before)
    return sections.section(key, context)


@dataclass(frozen=True)
class PackStep:
    """One step of the whole meeting pack: the page (section) it belongs to and its slide."""

    section_key: str
    slide: sections.Slide


def pack_steps(
    chosen: DossierFilter, lang: str, evaluation_before: Before = None
) -> list[PackStep]:
    """Every page's charts, figures and tables in the deck's order, as one list of steps."""
    signature = session.store().signature()
    form_heading = i18n.t("report.form_heading", lang)
    steps = []
    for entry in sections.SECTIONS:
        section = _section(entry.key, chosen, lang, signature, evaluation_before)
        if section is None or not section.blocks:
            continue
        steps += [PackStep(entry.key, slide) for slide in sections.slides(section, form_heading)]
    return steps


def _step(steps: list[PackStep], section_key: str) -> int:
    """The step the URL asks for (1-based, over the whole pack), within the pack; without one,
    this page's first step (the first one when the page has none)."""
    asked = st.query_params.get(STEP_PARAM)
    if asked is None:
        found = [i for i, step in enumerate(steps, start=1) if step.section_key == section_key]
        return found[0] if found else 1
    try:
        step = int(asked)
    except ValueError:
        step = 1
    return min(max(step, 1), max(len(steps), 1))


def _go(step: int) -> None:
    st.query_params[STEP_PARAM] = str(step)


def _leave() -> None:
    st.query_params.pop(PRESENT_PARAM, None)
    st.query_params.pop(STEP_PARAM, None)
    st.session_state[PRESENT_KEY] = False


def projector_figure(spec: ChartSpec, lang: str, captions: int = 1):
    """The chart as the page draws it, with text large enough for a projector, and room under
    it for the sentences that read it (the step buttons stay on the screen)."""
    figure = charts.to_plotly(spec, lang)
    # Streamlit's chart theme sizes axis and legend text itself: each is set here explicitly.
    text = {"size": PROJECTOR_FONT}
    figure.update_layout(
        font=text,
        title={"font": {"size": PROJECTOR_FONT + 8}},
        legend={"font": text},
        hoverlabel={"font_size": PROJECTOR_FONT},
        height=max(spec.height or 0, PROJECTOR_HEIGHT) - CAPTION_HEIGHT * max(captions - 1, 0),
    )
    figure.update_xaxes(tickfont=text, title_font=text)
    figure.update_yaxes(tickfont=text, title_font=text)
    if spec.kind == "heatmap":
        figure.update_traces(textfont={"size": PROJECTOR_FONT - 4})
    return figure


def present(
    section_key: str, chosen: DossierFilter, lang: str, evaluation_before: Before = None
) -> None:
    """Presentation mode, if asked for: the whole meeting pack one step at a time (every page's
    charts in the deck's order; Next on a page's last chart goes to the next page's first),
    then stop the page. The URL's `step` counts over the whole pack."""
    if not presenting():
        return
    st.html(_PROJECTOR_CSS)
    with st.spinner(i18n.t("present.loading", lang)):
        steps = pack_steps(chosen, lang, evaluation_before)
    if not steps:
        st.info(i18n.t("deck.section_empty", lang))
    else:
        step = _step(steps, section_key)
        if st.query_params.get(STEP_PARAM) != str(step):
            st.query_params[STEP_PARAM] = str(step)  # the link names the step shown
        current = steps[step - 1].slide
        st.html(f'<div class="onestop-kicker">{_escape(current.kicker)}</div>')
        _show_block(current.block, lang, step, len(current.captions))
        for caption in current.captions:
            st.markdown(_markdown(caption))
        _navigation(step, len(steps), lang)
    st.stop()


def _navigation(step: int, count: int, lang: str) -> None:
    back, where, forward, leave = st.columns([1, 1, 1, 1], vertical_alignment="center")
    back.button(
        i18n.t("present.previous", lang),
        key="present_previous",
        on_click=_go,
        args=(step - 1,),
        disabled=step <= 1,
        shortcut="Left",
        icon=":material/arrow_back:",
        width="stretch",
    )
    where.markdown(i18n.t("present.position", lang, step=step, count=count))
    forward.button(
        i18n.t("present.next", lang),
        key="present_next",
        on_click=_go,
        args=(step + 1,),
        disabled=step >= count,
        shortcut="Right",
        icon=":material/arrow_forward:",
        width="stretch",
        type="primary",
    )
    leave.button(
        i18n.t("present.leave", lang),
        key="present_leave",
        on_click=_leave,
        shortcut="Esc",
        icon=":material/close:",
        width="stretch",
    )


def _show_block(block, lang: str, step: int, captions: int = 1) -> None:
    if isinstance(block, sections.Figures):
        st.subheader(i18n.t("deck.figures_heading", lang))
        for start in range(0, len(block.items), 4):
            for column, figure in zip(st.columns(4), block.items[start : start + 4], strict=False):
                column.metric(figure.label, figure.value, delta=figure.delta, border=True)
    elif isinstance(block, sections.Chart):
        st.plotly_chart(
            projector_figure(block.spec, lang, captions),
            key=f"present_chart_{step}",
            config={"displaylogo": False},
        )
    elif isinstance(block, sections.Table):
        st.subheader(block.title)
        # A static table: its text takes the projector's size (a data grid draws on a canvas).
        # Its cells are Markdown there: text from the data ("+ Sở Tài chính") is escaped.
        rows = [[_markdown(cell) for cell in row] for row in block.text_rows(lang)]
        headers = [_markdown(header) for header in block.headers()]
        wide = len(headers) >= WIDE_TABLE
        with st.container(key="present_wide_table" if wide else "present_table"):
            st.table(pl.DataFrame(rows, schema=headers, orient="row"), hide_index=True)
    elif isinstance(block, sections.Form06Table):
        st.subheader(i18n.t("report.form_heading", lang))
        st.html(form06_table_html(block.form, lang))


def _escape(text: str) -> str:
    from onestop.core.text import html_literal

    return html_literal(text)


def _markdown(text: str) -> str:
    from onestop.core.text import markdown_literal

    return markdown_literal(text)
