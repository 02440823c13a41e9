"""Tổng quan / Overview: the headline cards, their change against the previous period and trend.

Pure functions over Biểu 06 counts; every value comes from the measures in onestop/core/metrics.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import polars as pl

from onestop.core import i18n, metrics

# The cards in reading order, and whether a rise is good news (arrow colours follow it).
CARDS: dict[str, Literal["normal", "inverse", "off"]] = {
    "received_total": "off",
    "online_share": "normal",
    "resolved_total": "normal",
    "resolved_early": "normal",
    "resolved_on_time": "off",
    "resolved_late": "inverse",
    "in_progress_total": "off",
    "in_progress_overdue": "inverse",
}


def card_value(key: str, counts: Mapping[str, int], lang: str) -> str:
    """A measure formatted for a card: 1.700 or 98,2% in Vietnamese."""
    value = metrics.compute(key, counts)
    if metrics.MEASURES[key].kind == "share":
        return i18n.format_share(value, lang)
    return i18n.format_int(value, lang)


def card_delta(
    key: str, counts: Mapping[str, int], previous: Mapping[str, int] | None, lang: str
) -> str | None:
    """The change against the previous period, signed ('+12', '-3', '+1,2 điểm %'); None if none."""
    if previous is None or previous["received_total"] == 0:
        return None
    now, before = metrics.compute(key, counts), metrics.compute(key, previous)
    if now is None or before is None:
        return None
    change = now - before
    sign = "-" if change < 0 else "+"
    if metrics.MEASURES[key].kind == "share":
        points = i18n.format_decimal(abs(change) * 100, lang)
        return sign + i18n.t("overview.points", lang, value=points)
    return sign + i18n.format_int(abs(change), lang)


def card_trend(key: str, monthly: pl.DataFrame) -> list[float] | None:
    """The measure for each month of the period (None values as 0), or None for a single month."""
    if monthly.height < 2:
        return None
    values = [metrics.compute(key, row) for row in monthly.iter_rows(named=True)]
    return [0.0 if value is None else float(value) for value in values]
