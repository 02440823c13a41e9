"""The evaluation as a table: labelled text columns for the page, plain text for the terminal."""

from __future__ import annotations

import json

import polars as pl

from onestop.core import i18n, metrics
from onestop.core.text import terminal_text
from onestop.evaluation import readings
from onestop.evaluation.compare import Evaluation, MeasureComparison

COLUMNS = (
    "measure",
    "pilot_before",
    "pilot_during",
    "others_before",
    "others_during",
    "did",
    "interval",
    "pre_trend",
)


def _signed(measure: str, value: float | None, lang: str) -> str:
    """A signed change in short units: +4,9 điểm %, −1,0 ngày, +5,7."""
    if value is None:
        return "—"
    kind = metrics.MEASURES[measure].kind
    unit = kind if kind in ("share", "days") else "rate"
    number = readings.number_text(measure, value, lang)
    return i18n.t(f"evaluation.short_{unit}", lang, value=readings.sign(value, number) + number)


def _pre_trend(comparison: MeasureComparison, lang: str) -> str:
    if comparison.pre_trend.includes_zero is None:
        return i18n.t("evaluation.pre_trend_unknown", lang)
    key = "evaluation.pre_trend_differ" if comparison.caution else "evaluation.pre_trend_parallel"
    return i18n.t(key, lang)


def row_texts(comparison: MeasureComparison, lang: str) -> list[str]:
    """One measure's cells: its name, the four values, the DiD (in points for shares) and its
    interval, and the pre-trend verdict."""
    measure = comparison.measure
    did = comparison.did
    interval = (
        i18n.t(
            "evaluation.interval_range",
            lang,
            low=_signed(measure, did.low, lang).split(" ")[0],
            high=_signed(measure, did.high, lang),
        )
        if did.has_interval
        else "—"
    )
    return [
        readings.label(measure, lang),
        *(readings.value_text(measure, getattr(comparison, cell), lang) for cell in readings.CELLS),
        _signed(measure, did.value, lang),
        interval,
        _pre_trend(comparison, lang),
    ]


def comparison_frame(evaluation: Evaluation, lang: str) -> pl.DataFrame:
    """The comparison as the page shows it and downloads it: one row per measure, text cells."""
    headers = [i18n.t(f"evaluation.col_{column}", lang) for column in COLUMNS]
    rows = [row_texts(comparison, lang) for comparison in evaluation.measures]
    return pl.DataFrame(rows, schema={header: pl.String for header in headers}, orient="row")


def to_json(evaluation: Evaluation) -> str:
    """The JSON of `onestop evaluate --format json`."""
    return json.dumps(evaluation.as_json(), ensure_ascii=False, indent=2) + "\n"


def to_table(evaluation: Evaluation, lang: str) -> str:
    """A plain-text table for the terminal, then every reading, caution and what is missing."""
    clusters = next((m.did.clusters for m in evaluation.measures if m.did.has_interval), None)
    title = i18n.t(
        "evaluation.table_title",
        lang,
        name=terminal_text(evaluation.pilot.name),
        agencies=len(evaluation.pilot.agency_ids),
        others=clusters[0] if clusters else 0,
    )
    lines = [title, readings.design_sentence(evaluation, lang), ""]
    if evaluation.missing:
        return "\n".join(lines + readings.missing_sentences(evaluation, lang)) + "\n"
    header = [i18n.t(f"evaluation.col_{column}", lang) for column in COLUMNS]
    body = [row_texts(comparison, lang) for comparison in evaluation.measures]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def render(line: list[str]) -> str:
        cells = [
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    lines += [render(header), "-" * len(render(header)), *map(render, body), ""]
    for comparison in evaluation.measures:
        lines.append(f"- {readings.reading(comparison, lang)}")
        note = readings.caution(comparison, lang) or readings.pre_trend_note(comparison, lang)
        if note:
            lines.append(f"  {note}")
    lines += ["", readings.method_sentence(evaluation, lang)]
    return "\n".join(lines) + "\n"
