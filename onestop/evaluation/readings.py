"""The evaluation in words: a plain reading per measure, the pre-trend caution, what is missing.

Every sentence says the size of the change in the measure's own unit (percentage points,
working days, dossiers per staffer per day), the group values it comes from, and whether its
95% interval includes zero — in which case the data cannot tell the change from no change.
"""

from __future__ import annotations

import datetime as dt

from onestop.core import i18n, metrics
from onestop.evaluation import bootstrap
from onestop.evaluation.compare import (
    MIN_PRE_TREND_MONTHS,
    Evaluation,
    MeasureComparison,
    PeriodError,
)

CELLS = ("pilot_before", "pilot_during", "others_before", "others_during")


def label(measure: str, lang: str) -> str:
    """The measure's name, as every page names it."""
    return i18n.t(f"measure.{measure}", lang)


def _kind(measure: str) -> str:
    return metrics.MEASURES[measure].kind


def value_text(measure: str, value: float | None, lang: str) -> str:
    """A group's value: 98,2%, 5,8 ngày or 6,8 (dossiers per staffer per day)."""
    if value is None:
        return "—"
    kind = _kind(measure)
    if kind == "share":
        return i18n.format_share(value, lang)
    if kind == "days":
        return i18n.t("evaluation.value_days", lang, value=i18n.format_decimal(value, lang))
    return i18n.format_decimal(value, lang)


def number_text(measure: str, magnitude: float, lang: str, digits: int = 1) -> str:
    """A change's size without its unit: shares in percentage points."""
    scale = 100.0 if _kind(measure) == "share" else 1.0
    return i18n.format_decimal(abs(magnitude) * scale, lang, digits)


def amount_text(measure: str, magnitude: float, lang: str, digits: int = 1) -> str:
    """A change's size with its unit: 3,3 điểm phần trăm, 1,0 ngày làm việc, …"""
    unit = {"share": "share", "days": "days"}.get(_kind(measure), "rate")
    number = number_text(measure, magnitude, lang, digits)
    return i18n.t(f"evaluation.amount_{unit}", lang, value=number)


def _digits(measure: str, *values: float) -> int:
    """One decimal, or two when one decimal would show a non-zero bound as 0,0."""
    scale = 100.0 if _kind(measure) == "share" else 1.0
    smallest = min((abs(v) * scale for v in values if v != 0), default=1.0)
    return 1 if smallest >= 0.05 else 2


def change_text(measure: str, did: float, lang: str, digits: int = 1) -> str:
    """'giảm 3,3 điểm phần trăm' / 'it rose by 1.0 working days' / no change."""
    if round(abs(did) * (100.0 if _kind(measure) == "share" else 1.0), digits) == 0:
        return i18n.t("evaluation.change_none", lang)
    key = "evaluation.change_fell" if did < 0 else "evaluation.change_rose"
    return i18n.t(key, lang, amount=amount_text(measure, did, lang, digits))


def interval_text(measure: str, estimate: bootstrap.Estimate, lang: str) -> str:
    """The 95% interval in words, saying plainly when it includes zero."""
    if estimate.low is None or estimate.high is None:
        return i18n.t("evaluation.interval_none", lang)
    low, high = estimate.low, estimate.high
    digits = _digits(measure, low, high)
    if estimate.includes_zero:
        return i18n.t(
            "evaluation.interval_zero",
            lang,
            fall=amount_text(measure, low, lang, digits),
            rise=amount_text(measure, high, lang, digits),
        )
    near, far = (high, low) if high < 0 else (low, high)
    key = "evaluation.interval_fall" if high < 0 else "evaluation.interval_rise"
    return i18n.t(
        key,
        lang,
        near=number_text(measure, near, lang, digits),
        far=amount_text(measure, far, lang, digits),
    )


def reading(comparison: MeasureComparison, lang: str) -> str:
    """The measure's plain reading: the change relative to the others, then its interval."""
    measure = comparison.measure
    values = {cell: getattr(comparison, cell) for cell in CELLS}
    if comparison.did.value is None:
        missing = [
            i18n.t(f"evaluation.cell_{cell}", lang) for cell in CELLS if values[cell] is None
        ]
        return i18n.t(
            "evaluation.not_comparable",
            lang,
            measure=label(measure, lang),
            cells=i18n.t("evaluation.list_separator", lang).join(missing),
        )
    sentence = i18n.t(
        "evaluation.reading",
        lang,
        measure=label(measure, lang),
        change=change_text(measure, comparison.did.value, lang),
        **{cell: value_text(measure, value, lang) for cell, value in values.items()},
    )
    return f"{sentence} {interval_text(measure, comparison.did, lang)}"


def caution(comparison: MeasureComparison, lang: str) -> str | None:
    """The pre-trend caution when the groups already drifted apart; None otherwise."""
    trend = comparison.pre_trend
    if not comparison.caution or trend.value is None or trend.low is None or trend.high is None:
        return None
    measure = comparison.measure
    digits = _digits(measure, trend.value, trend.low, trend.high)
    return i18n.t(
        "evaluation.caution",
        lang,
        direction=i18n.t(
            "evaluation.drift_fell" if trend.value < 0 else "evaluation.drift_rose", lang
        ),
        amount=amount_text(measure, trend.value, lang, digits),
        low=_signed(measure, trend.low, lang, digits),
        high=_signed(measure, trend.high, lang, digits),
        projected=_signed_amount(measure, comparison.projected_drift or 0.0, lang),
        did=_signed_amount(measure, comparison.did.value or 0.0, lang),
    )


def sign(value: float, shown: str) -> str:
    """The sign to write before `shown` (value's size as printed): none when it reads as 0."""
    if not any(ch in "123456789" for ch in shown):
        return ""
    return "−" if value < 0 else "+"


def _signed_amount(measure: str, value: float, lang: str, digits: int = 1) -> str:
    """+1,2 điểm phần trăm, −0,8 working days: a signed change with its unit."""
    text = number_text(measure, value, lang, digits)
    return sign(value, text) + amount_text(measure, value, lang, digits)


def _signed(measure: str, value: float, lang: str, digits: int) -> str:
    text = number_text(measure, value, lang, digits)
    return sign(value, text) + text


def pre_trend_note(comparison: MeasureComparison, lang: str) -> str | None:
    """Why the pre-trend check could not be made, or that it found parallel trends."""
    trend = comparison.pre_trend
    if trend.value is None:
        return i18n.t(
            "evaluation.no_pre_trend",
            lang,
            months=MIN_PRE_TREND_MONTHS,
            found=comparison.pre_trend_months,
        )
    if comparison.caution or not trend.has_interval:
        return None
    measure = comparison.measure
    digits = _digits(measure, trend.value)
    slope = _signed_amount(measure, trend.value, lang, digits)
    return i18n.t("evaluation.pre_trend_ok", lang, slope=slope)


def missing_sentences(evaluation: Evaluation, lang: str) -> list[str]:
    """What the data lack for the comparison, one sentence each, with the periods' dates."""
    sentences = []
    for key in evaluation.missing:
        period = evaluation.during if key.endswith("_during") else evaluation.before
        sentences.append(
            i18n.t(
                key,
                lang,
                **(
                    {
                        "start": i18n.format_date(period.start, lang),
                        "end": i18n.format_date(period.end, lang),
                    }
                    if key.endswith(("_before", "_during"))
                    else {}
                ),
            )
        )
    return sentences


def design_sentence(evaluation: Evaluation, lang: str) -> str:
    """What is compared with what, with the two periods' dates."""
    dates = {
        "before_start": evaluation.before.start,
        "before_end": evaluation.before.end,
        "during_start": evaluation.during.start,
        "during_end": evaluation.during.end,
    }
    return i18n.t(
        "evaluation.design",
        lang,
        **{name: i18n.format_date(day, lang) for name, day in dates.items()},
    )


def method_sentence(evaluation: Evaluation, lang: str, draws: int = bootstrap.DRAWS) -> str:
    """How the intervals are computed, with the number of agencies in each group."""
    clusters = next((m.did.clusters for m in evaluation.measures if m.did.has_interval), (0, 0))
    return i18n.t(
        "evaluation.method",
        lang,
        pilot=clusters[1],
        others=clusters[0],
        draws=i18n.format_int(draws, lang),
    )


def period_error(error: PeriodError, lang: str) -> str:
    """A PeriodError as one sentence, dates in the language's format."""
    values = {
        name: i18n.format_date(value, lang) if isinstance(value, dt.date) else value
        for name, value in error.values.items()
    }
    return i18n.t(error.key, lang, **values)
