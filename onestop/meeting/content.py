"""The meeting pack's content for one filter: title information, the verdict, headline figures,
one section per page, and the footer every slide and printed page carries.

`build_content` assembles it from the sections registry (onestop.sections), so the deck, the
HTML report and the pages show the same charts built by the same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from onestop.core import i18n
from onestop.core.filters import CHANNELS, DossierFilter
from onestop.meeting import sections
from onestop.meeting.sections import Context, Figures, Section, Source, Verdict

SHOWN_CODES = 8  # codes listed in a filter line before "…": a footer must fit on one line


@dataclass(frozen=True)
class ReportContent:
    """Everything a meeting-pack renderer needs, in the language it was built in."""

    lang: str
    filter: DossierFilter
    title: str
    centre: str
    period: str
    filters: tuple[tuple[str, str], ...]  # (label, value) lines for the title slide
    data_date: str
    is_demo: bool
    verdict: Verdict | None
    sections: tuple[Section, ...]
    footer: str
    made_on: dt.date
    pilot: str | None = None  # the pilot's name when the filter is the pilot's agencies

    @property
    def figures(self) -> Figures | None:
        """The headline figures (the overview's cards), when the period has any dossier."""
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Figures):
                    return block
        return None

    def text(self, key: str, **values: object) -> str:
        return i18n.t(key, self.lang, **values)


def _codes_text(codes: list[str], lang: str) -> str:
    shown = ", ".join(codes[:SHOWN_CODES])
    return shown + (", …" if len(codes) > SHOWN_CODES else "")


def _chosen_codes(frame: pl.DataFrame, id_column: str, ids: tuple[int, ...]) -> list[str]:
    return frame.filter(pl.col(id_column).is_in(list(ids))).sort("code")["code"].to_list()


def describe_filter(
    chosen: DossierFilter,
    agencies: pl.DataFrame,
    fields: pl.DataFrame,
    procedures: pl.DataFrame,
    lang: str,
) -> list[tuple[str, str]]:
    """The filter in words, one (label, value) per choice: period, agencies, channels, …

    Agencies equal to the pilot's read "6 cơ quan thí điểm: STP, SXD, …"; an empty choice reads
    as "all"; fields, procedures and the receiver appear only when chosen.
    """
    lines = [
        (
            i18n.t("deck.filter_period", lang),
            i18n.t(
                "deck.period_value",
                lang,
                start=i18n.format_date(chosen.date_from, lang),
                end=i18n.format_date(chosen.date_to, lang),
            ),
        )
    ]
    pilot_ids = set(agencies.filter(pl.col("is_pilot"))["agency_id"].to_list())
    if not chosen.agency_ids:
        agency_text = i18n.t("filters.all_agencies", lang)
    else:
        codes = _codes_text(_chosen_codes(agencies, "agency_id", chosen.agency_ids), lang)
        key = "deck.pilot_agencies" if set(chosen.agency_ids) == pilot_ids else "deck.agencies"
        agency_text = i18n.t(key, lang, count=len(chosen.agency_ids), codes=codes)
    lines.append((i18n.t("filters.agencies", lang), agency_text))
    channels = (
        ", ".join(i18n.t(f"filters.channel_{CHANNELS[code]}", lang) for code in chosen.channels)
        if chosen.channels
        else i18n.t("deck.all_channels", lang)
    )
    lines.append((i18n.t("filters.channel", lang), channels))
    for ids, frame, id_column, label in (
        (chosen.field_ids, fields, "field_id", "filters.fields"),
        (chosen.procedure_ids, procedures, "procedure_id", "filters.procedures"),
    ):
        if ids:
            codes = _codes_text(_chosen_codes(frame, id_column, ids), lang)
            lines.append((i18n.t(label, lang), f"{len(ids)}: {codes}"))
    if chosen.receiver is not None:
        lines.append(
            (i18n.t("filters.receiver", lang), i18n.t(f"filters.receiver_{chosen.receiver}", lang))
        )
    return lines


def footer_text(filters: list[tuple[str, str]], data_date: str, is_demo: bool, lang: str) -> str:
    """One line for every slide and printed page: period, filters and source."""
    parts = [
        value if index == 0 else f"{label}: {value}" for index, (label, value) in enumerate(filters)
    ]
    source = i18n.t("deck.source", lang, date=data_date)
    if is_demo:
        source += " · " + i18n.t("app.demo_badge", lang)
    return " · ".join([*parts, source])


def build_content(
    source: Source,
    chosen: DossierFilter,
    lang: str,
    centre: str | None = None,
    only: tuple[str, ...] | None = None,
    made_on: dt.date | None = None,
    evaluation_before: tuple[dt.date, dt.date] | None = None,
) -> ReportContent:
    """The meeting pack for a filter: every registered section with something to show (the
    pilot evaluation over `evaluation_before`, else its default period before)."""
    context = Context(source, chosen, lang, evaluation_before)
    status = context.query_plain("data_status")
    is_demo = bool(status["demo_dossiers"][0])
    data_date = i18n.format_date(status["last_received_on"][0], lang)
    filters = describe_filter(
        chosen,
        context.query_plain("agencies"),
        context.query_plain("fields"),
        context.query_plain("procedures"),
        lang,
    )
    pilot = context.query_plain("pilot_definition")
    return ReportContent(
        lang=lang,
        filter=chosen,
        title=i18n.t("deck.title", lang),
        centre=centre or i18n.t("deck.centre", lang),
        period=filters[0][1],
        filters=tuple(filters),
        data_date=data_date,
        is_demo=is_demo,
        verdict=sections.verdict(context) if only is None or "staffing" in only else None,
        sections=tuple(sections.build_sections(context, only)),
        footer=footer_text(filters, data_date, is_demo, lang),
        made_on=made_on or dt.date.today(),
        pilot=_pilot_name(pilot, context.query_plain("agencies"), chosen),
    )


def _pilot_name(pilot: pl.DataFrame, agencies: pl.DataFrame, chosen: DossierFilter) -> str | None:
    """The pilot's name when the filter looks at exactly the pilot's agencies."""
    if pilot.height == 0 or not chosen.agency_ids:
        return None
    pilot_ids = set(agencies.filter(pl.col("is_pilot"))["agency_id"].to_list())
    return pilot["name"][0] if set(chosen.agency_ids) == pilot_ids else None
