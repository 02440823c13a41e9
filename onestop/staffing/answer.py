"""The answer to "is one postal staffer enough?": every figure as a sentence in the user's
language, the whole answer for the page and the command, and the command's text table.
"""

from __future__ import annotations

import math

import polars as pl

from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.core.i18n import format_date, format_decimal, format_int, format_share, t
from onestop.core.text import markdown_literal
from onestop.staffing.load import (
    MeasuredLoad,
    breadth_by_staffer,
    breadth_comparison,
    has_load,
    measure_load,
)
from onestop.staffing.models import MAX_STAFF, Question, ServiceTarget, evaluate

# --- sentences ------------------------------------------------------------------------------
#
# Every figure in a sentence is shown on the side of its threshold that the verdict says it is
# (89.6% that falls short of 90% is written 89%, not 90%), tiny negatives from floating point
# are written 0, missing figures as words, and English counts take their singular at 1.


def _counted(noun: str, number: str, lang: str) -> str:
    """`1 staffer`, `2 staff`: a number with its noun in the right form (Vietnamese has one)."""
    return t(f"staffing.{noun}_{'one' if number == '1' else 'other'}", lang, n=number)


def _number(value: float, lang: str, digits: int) -> str:
    """A number with `digits` decimals, never `-0`."""
    shown = round(value, digits)
    return format_decimal(0.0 if shown == 0 else shown, lang, digits)


def _digits(value: float, most: int = 2) -> int:
    """The fewest decimals (up to `most`) that show a value exactly: 15 → 0, 7.5 → 1."""
    for digits in range(most + 1):
        scaled = value * 10**digits
        if abs(scaled - round(scaled)) < 1e-6:
            return digits
    return most


def minutes_phrase(value: float | None, lang: str, digits: int = 1) -> str:
    """`6.2 minutes`, `1 minute`, `no data`; waits are never negative."""
    if value is None or math.isnan(value):
        return t("staffing.no_data", lang)
    if math.isinf(value):
        return t("staffing.minutes_unbounded", lang)
    return _counted("minutes", _number(max(value, 0.0), lang, digits), lang)


def wait_target(target: ServiceTarget, lang: str) -> str:
    return minutes_phrase(target.wait_min, lang, _digits(target.wait_min, 1))


def _percent(value: float, lang: str, digits: int) -> str:
    return f"{_number(value * 100, lang, digits)}%"


def threshold_share(threshold: float, lang: str) -> str:
    """A target share as written in sentences: exactly (90%, 92.5%)."""
    return _percent(threshold, lang, _digits(threshold * 100))


def share_beside(value: float, threshold: float, at_least: bool, lang: str) -> str:
    """A share written on the side of `threshold` the verdict puts it (at_least: ≥, else <).

    Shown with the threshold's decimals; a share strictly between 0 and 1 is never written as
    0% or 100%.
    """
    digits = _digits(threshold * 100)
    step = 10.0**-digits
    limit = round(threshold * 100, digits)
    shown = round(value * 100, digits)
    shown = max(shown, limit) if at_least else min(shown, limit - step)
    if 0.0 < value < 1.0:
        bounded = min(max(shown, step), 100.0 - step)
        if (bounded >= limit) == at_least:  # never at the cost of the verdict's side
            shown = bounded
    return f"{_number(max(shown, 0.0), lang, digits)}%"


def verdict_sentence(verdict: str, target: ServiceTarget, lang: str) -> str:
    """The closing words of a scenario's sentence for its verdict."""
    return t(
        f"staffing.verdict_{verdict}",
        lang,
        share=threshold_share(target.share_within, lang),
        wait=wait_target(target, lang),
        limit=threshold_share(target.max_utilisation, lang),
    )


def _citizens(result: dict) -> float:
    return float(result.get("citizens_per_day", result.get("citizens", 1.0)) or 0.0)


def scenario_sentence(result: dict, target: ServiceTarget, lang: str) -> str:
    """A plain sentence for one scenario in the user's language, written from one verdict."""
    verdict = target.verdict(result)
    staff = format_int(result["staff"], lang)
    values = {
        "staff": _counted("staff", staff, lang),
        "who": _counted("who", staff, lang),
        "utilisation": share_beside(
            result["utilisation"], target.max_utilisation, not target.busy_met(result), lang
        ),
        "backlog": minutes_phrase(result.get("desk_backlog_min", 0.0), lang),
        "overtime": minutes_phrase(result.get("overtime_min", 0.0), lang),
        "verdict": verdict_sentence(verdict, target, lang),
    }
    if _citizens(result) <= 0:
        return t("staffing.scenario_sentence_no_citizens", lang, **values)
    if result.get("runaway"):
        # More work than the staff could do round the clock: no figure but the load's share.
        return t("staffing.scenario_sentence_runaway", lang, **values)
    return t(
        "staffing.scenario_sentence",
        lang,
        within=share_beside(
            1.0 - result["p_wait_over_target"],
            target.share_within,
            target.waits_met(result),
            lang,
        ),
        wait=wait_target(target, lang),
        mean=minutes_phrase(result["mean_wait_min"], lang),
        p95=minutes_phrase(result["p95_wait_min"], lang),
        **values,
    )


def unbounded_note(scenarios: list[dict], lang: str) -> str | None:
    """Which staff levels the wait chart leaves out because a wait there has no bound."""
    levels = [
        result["staff"]
        for result in scenarios
        # The series drawn: the simulation's mean and 95th percentile, Erlang C's mean.
        if not all(
            math.isfinite(value)
            for value in (
                result["mean_wait_min"],
                result["p95_wait_min"],
                (result.get("erlang_c") or {}).get("mean_wait_min", 0.0),
            )
        )
    ]
    if not levels:
        return None
    staff = _counted("staff", ", ".join(format_int(level, lang) for level in levels), lang)
    return t("staffing.chart_unbounded", lang, staff=staff)


def answer_sentence(enough: int | None, target: ServiceTarget, lang: str) -> str:
    """The answer to the question in the title."""
    values = {
        "share": threshold_share(target.share_within, lang),
        "wait": wait_target(target, lang),
        "limit": threshold_share(target.max_utilisation, lang),
    }
    if enough is None:
        most = _counted("staff", format_int(MAX_STAFF, lang), lang)
        return t("staffing.answer_none", lang, most=most, **values)
    if enough == 1:
        return t("staffing.answer_one", lang, **values)
    return t("staffing.answer_other", lang, staff=format_int(enough, lang), **values)


def source_sentence(measured: MeasuredLoad, lang: str) -> str:
    """Where the load and the service minutes came from."""
    return " ".join(
        [
            t(f"staffing.source_arrivals_{measured.arrivals_source}", lang),
            t(f"staffing.source_service_{measured.service_source}", lang),
        ]
    )


def _per_month(noun: str, value: float, lang: str) -> str:
    digits = 0 if value >= 10 else _digits(round(value, 1), 1)
    return _counted(noun, _number(value, lang, digits), lang)


def breadth_sentence(comparison: dict[str, float | None], lang: str) -> str:
    """How many procedures and fields the postal staffer handles against the agencies' staff."""
    values = {}
    present = []
    for organisation in ("postal", "agency"):
        procedures = comparison[f"{organisation}_procedures"]
        fields = comparison[f"{organisation}_fields"]
        if procedures is None or fields is None:
            continue
        present.append(organisation)
        values[f"{organisation}_procedures"] = _per_month("procedures", procedures, lang)
        values[f"{organisation}_fields"] = _per_month("fields", fields, lang)
    case = {("postal", "agency"): "both", ("postal",): "postal_only", ("agency",): "agency_only"}
    return t(f"staffing.breadth_{case.get(tuple(present), 'none')}", lang, **values)


def scope_sentence(
    question: Question, agencies: pl.DataFrame, lang: str, markdown: bool = False
) -> str:
    """Whose load, over which period, with which what-ifs: agency names escaped for Markdown."""
    period = {
        "start": format_date(question.filter.date_from, lang),
        "end": format_date(question.filter.date_to, lang),
    }
    if question.filter.every_agency:
        parts = [t("staffing.scope_every", lang, **period)]
    else:
        chosen = format_int(len(question.filter.agency_ids), lang)
        parts = [
            t("staffing.scope_chosen", lang, agencies=_counted("agencies", chosen, lang), **period)
        ]
    if question.added_agency_ids:
        named = dict(zip(agencies["agency_id"], agencies["name"], strict=True))
        names = [str(named.get(agency_id, agency_id)) for agency_id in question.added_agency_ids]
        if markdown:
            names = [markdown_literal(name) for name in names]
        count = _counted("agencies", format_int(len(names), lang), lang)
        parts.append(t("staffing.scope_added", lang, agencies=count, names=", ".join(names)))
    growth = question.growth_pct
    shown = _number(abs(growth), lang, _digits(abs(growth), 1))
    if round(abs(growth), 1) > 0:
        direction = "up" if growth > 0 else "down"
        parts.append(t(f"staffing.scope_growth_{direction}", lang, growth=f"{shown}%"))
    return " ".join(parts)


# --- the answer -----------------------------------------------------------------------------


def answer(store: Store, question: Question, lang: str, markdown: bool = False) -> dict:
    """Everything the page and the command show for a question.

    With markdown=True, text the data supplies (agency names) is escaped for st.markdown.
    """
    measured = measure_load(store, question.load_filter(), question.task_minutes)
    evaluated = evaluate(measured, question)
    for result in evaluated["scenarios"]:
        result["sentence"] = scenario_sentence(result, question.target, lang)
    breadth_filter = DossierFilter(question.filter.date_from, question.filter.date_to)
    breadth = breadth_by_staffer(store.query("staffer_breadth_by_month", breadth_filter.params()))
    comparison = breadth_comparison(breadth)
    loaded = has_load(measured)
    return {
        "period": [question.filter.date_from.isoformat(), question.filter.date_to.isoformat()],
        "agency_ids": list(question.filter.agency_ids),
        "added_agency_ids": list(question.added_agency_ids),
        "growth_pct": question.growth_pct,
        "scope": {
            "sentence": scope_sentence(question, store.query("agencies"), lang, markdown),
        },
        "source": {
            "arrivals": measured.arrivals_source,
            "service": measured.service_source,
            "sentence": source_sentence(measured, lang),
        },
        "task_minutes": measured.task_minutes,
        "service_cv": measured.service_cv,
        "citizens_per_day": float(measured.load.arrivals.sum() / 5.0),
        "desk_tasks_per_day": float(measured.load.desk_tasks.sum() / 5.0),
        "has_load": loaded,
        "scenarios": evaluated["scenarios"],
        "smallest_staff": evaluated["smallest_staff"],
        "answer": answer_sentence(evaluated["smallest_staff"], question.target, lang)
        if loaded
        else t("staffing.answer_no_load", lang),
        "breadth": comparison | {"sentence": breadth_sentence(comparison, lang)},
    }


def json_ready(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    return value


def not_negative(value: float) -> float:
    """Waits and shares cannot be negative: floating-point dust below 0 becomes 0."""
    return value if value > 0 else 0.0


# --- the command's table ----------------------------------------------------------------------


TABLE_COLUMNS = (
    ("staff", "d"),
    ("utilisation", "%"),
    ("p_wait", "%"),
    ("mean_wait_min", "f"),
    ("p_wait_over_15", "%"),
    ("p95_wait_min", "f"),
    ("desk_backlog_min", "f"),
    ("overtime_min", "f"),
    ("meets_target", "b"),
)


def to_table(result: dict, lang: str) -> str:
    """Scenarios as an aligned text table followed by the sentences."""
    header = [t(f"staffing.column_{name}", lang) for name, _ in TABLE_COLUMNS]
    rows = []
    for scenario_result in result["scenarios"]:
        row = []
        for name, kind in TABLE_COLUMNS:
            value = scenario_result.get(name)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                row.append("—")
            elif kind == "%":
                row.append(format_share(not_negative(value), lang))
            elif kind == "f":
                row.append("∞" if math.isinf(value) else _number(max(value, 0.0), lang, 1))
            elif kind == "b":
                row.append(t("staffing.yes" if value else "staffing.no", lang))
            else:
                row.append(format_int(value, lang))
        rows.append(row)
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
             for line in [header, *rows]]  # fmt: skip
    for scenario_result in result["scenarios"]:
        if "sentence" in scenario_result:
            lines.append(scenario_result["sentence"])
    for key in ("scope", "source", "breadth"):
        if key in result:
            lines.append(result[key]["sentence"])
    if "answer" in result:
        lines.append(result["answer"])
    return "\n".join(lines) + "\n"
