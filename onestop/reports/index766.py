"""Decision 766/QĐ-TTg (2022): the service-index indicators a dossier store can compute.

Each indicator is defined once here, its value read from onestop.core.metrics, its points estimated
from the decision's thresholds. Sources and assumptions (also in the page's tooltips):
- 2.1 on-time rate: the decision gives the timeliness group 20 points for on-time processing
  ("đạt tỷ lệ về xử lý hồ sơ đúng hạn thì được tối đa 20 điểm"); onestop ASSUMES the points are
  linear in the rate, 20 at 100%.
- 2.2 mean processing time: the national portal's specification shows it per procedure only;
  onestop ASSUMES it earns no separate points and shows it without a score.
- 3.3 online share and 4.2 digitised share: full points from 50% and 80%, rate × maximum /
  threshold below (the portal's specification). The indicators' own maxima are not in our
  sources, so only the share of the maximum is given.
- 5.4 satisfaction: at most 6 of the 18 satisfaction points, full from 90%; the data has no
  ratings or complaints, so it is reported as not available, never estimated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from onestop.core import i18n, metrics
from onestop.core.calendar import public_holidays
from onestop.core.filters import DossierFilter
from onestop.reports.form06 import FORM06_COUNTS

# Counts the 766 indicators need beyond Biểu 06, from queries/index766_by_procedure.sql.
EXTRA_COUNTS = (
    "received_in_period",
    "received_digitised",
    "received_digitisation_known",
    "resolved_timed",
    "working_days_total",
)
FIRST_HOLIDAY_YEAR = 2000


@dataclass(frozen=True)
class Indicator:
    """One indicator: the measure that gives its value and how the decision scores it."""

    code: str
    measure: str | None  # None when the data cannot give it
    full_at: float | None  # the value earning full points; None when not scored
    max_points: float | None  # None when the decision's maximum is not known to onestop

    @property
    def key(self) -> str:
        """The indicator's code as a name: 2.1 → 2_1."""
        return self.code.replace(".", "_")


INDICATORS: list[Indicator] = [
    Indicator("2.1", "timely_rate", 1.0, 20.0),
    Indicator("2.2", "mean_processing_days", None, None),
    Indicator("3.3", "online_share", 0.5, None),
    Indicator("4.2", "digitised_share", 0.8, None),
    Indicator("5.4", None, 0.9, 6.0),
]


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value for one set of counts, and the points it would earn."""

    indicator: Indicator
    value: float | None
    points_share: float | None  # the fraction of the indicator's maximum points earned
    points: float | None


def points_share(indicator: Indicator, value: float | None) -> float | None:
    """The fraction of maximum points: value / threshold, capped at 1; None when not scored."""
    if value is None or indicator.full_at is None:
        return None
    return min(1.0, value / indicator.full_at)


def evaluate(counts: Mapping[str, int]) -> list[IndicatorValue]:
    """Every indicator's value and points for Biểu 06 counts plus EXTRA_COUNTS."""
    values = []
    for indicator in INDICATORS:
        value = metrics.compute(indicator.measure, counts) if indicator.measure else None
        share = points_share(indicator, value)
        earned = (
            share * indicator.max_points if share is not None and indicator.max_points else None
        )
        values.append(IndicatorValue(indicator, value, share, earned))
    return values


def query_params(dossier_filter: DossierFilter) -> dict[str, Any]:
    """Parameters of index766_by_procedure: the filter's, plus Vietnam's public holidays."""
    holidays = public_holidays(FIRST_HOLIDAY_YEAR, dossier_filter.date_to.year + 1)
    return {**dossier_filter.params(), "holidays": sorted(holidays)}


def agency_counts(form06_rows: pl.DataFrame, procedure_rows: pl.DataFrame) -> pl.DataFrame:
    """One row per agency: its Biểu 06 counts and the extra counts, summed over its rows (Int64
    already: db turns DuckDB's Decimal sums into Int64 for every query)."""
    form = form06_rows.group_by("agency", "agency_code").agg(
        pl.col(name).sum() for name in FORM06_COUNTS
    )
    extra = procedure_rows.group_by("agency_code").agg(pl.col(name).sum() for name in EXTRA_COUNTS)
    return (
        form.join(extra, on="agency_code", how="left")
        .with_columns(pl.col(name).fill_null(0) for name in EXTRA_COUNTS)
        .sort("agency")
    )


def total_counts(form06_rows: pl.DataFrame, procedure_rows: pl.DataFrame) -> dict[str, int]:
    """The counts over every row of both queries."""
    names = [*FORM06_COUNTS, *EXTRA_COUNTS]
    frames = {
        **{n: form06_rows for n in FORM06_COUNTS},
        **{n: procedure_rows for n in EXTRA_COUNTS},
    }
    return {name: int(frames[name][name].sum()) if frames[name].height else 0 for name in names}


def per_agency(form06_rows: pl.DataFrame, procedure_rows: pl.DataFrame) -> pl.DataFrame:
    """One row per agency: each indicator's value (`value_2_1`) and points share (`share_2_1`)."""
    rows = []
    for counts in agency_counts(form06_rows, procedure_rows).iter_rows(named=True):
        row: dict[str, Any] = {"agency": counts["agency"], "agency_code": counts["agency_code"]}
        for result in evaluate(counts):
            row[f"value_{result.indicator.key}"] = result.value
            row[f"share_{result.indicator.key}"] = result.points_share
        rows.append(row)
    schema: dict[str, Any] = {"agency": pl.String, "agency_code": pl.String}
    for indicator in INDICATORS:
        schema[f"value_{indicator.key}"] = pl.Float64
        schema[f"share_{indicator.key}"] = pl.Float64
    return pl.DataFrame(rows, schema=schema, orient="row")


def procedure_times(procedure_rows: pl.DataFrame) -> pl.DataFrame:
    """Indicator 2.2 per procedure: resolved dossiers timed and their mean working days."""
    return (
        procedure_rows.filter(pl.col("resolved_timed") > 0)
        .with_columns(metrics.expression("mean_processing_days").alias("mean_days"))
        .select(
            "agency", "procedure_code", "procedure", "legal_days", "resolved_timed", "mean_days"
        )
        .sort("agency", "procedure_code")
    )


# --- how the page shows them ------------------------------------------------------------------


def format_value(result: IndicatorValue, lang: str) -> str:
    """The value as the page shows it: a share, working days, or "not available"."""
    if result.indicator.measure is None:
        return i18n.t("index766.not_available", lang)
    if result.value is None:
        return i18n.t("index766.no_value", lang)
    if metrics.MEASURES[result.indicator.measure].kind == "days":
        days = i18n.format_decimal(result.value, lang, 1)
        return i18n.t("index766.days", lang, days=days)
    return i18n.format_share(result.value, lang)


def format_points(result: IndicatorValue, lang: str) -> str:
    """The points line under a value: earned / maximum, share of the maximum, or why none."""
    indicator = result.indicator
    if indicator.measure is None:
        return i18n.t("index766.not_available_detail", lang)
    if result.points is not None and indicator.max_points is not None:
        earned = i18n.format_decimal(result.points, lang, 1)
        maximum = i18n.format_decimal(indicator.max_points, lang, 0)
        return i18n.t("index766.points", lang, earned=earned, maximum=maximum)
    if result.points_share is not None:
        return i18n.t(
            "index766.points_share", lang, share=i18n.format_share(result.points_share, lang)
        )
    if indicator.full_at is None:
        return i18n.t("index766.no_points", lang)
    return "—"


def per_agency_display(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The per-agency frame as labelled text columns: each value, then its points if scored."""
    columns = {i18n.t("index766.col_agency", lang): frame["agency"].to_list()}
    for indicator in INDICATORS:
        if indicator.measure is None:
            continue
        results = [
            IndicatorValue(indicator, value, share, None)
            for value, share in zip(
                frame[f"value_{indicator.key}"], frame[f"share_{indicator.key}"], strict=True
            )
        ]
        label = i18n.t(f"index766.short_{indicator.key}", lang)
        columns[label] = [format_value(result, lang) for result in results]
        if indicator.full_at is None:
            continue
        if indicator.max_points is not None:
            maximum = i18n.format_decimal(indicator.max_points, lang, 0)
            header = i18n.t("index766.col_points", lang, code=indicator.code, maximum=maximum)
            columns[header] = [
                i18n.format_decimal(_times(r.points_share, indicator.max_points), lang, 1)
                for r in results
            ]
        else:
            header = i18n.t("index766.col_points_share", lang, code=indicator.code)
            columns[header] = [i18n.format_share(r.points_share, lang) for r in results]
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def _times(share: float | None, maximum: float) -> float | None:
    return share * maximum if share is not None else None


def procedure_display(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Indicator 2.2 per procedure, with labelled columns and localised numbers."""
    return pl.DataFrame(
        {
            i18n.t("index766.col_agency", lang): frame["agency"],
            i18n.t("index766.col_procedure", lang): frame["procedure"],
            i18n.t("index766.col_legal_days", lang): [
                i18n.format_int(days, lang) for days in frame["legal_days"]
            ],
            i18n.t("index766.col_resolved", lang): [
                i18n.format_int(count, lang) for count in frame["resolved_timed"]
            ],
            i18n.t("index766.col_mean_days", lang): [
                i18n.format_decimal(days, lang, 1) for days in frame["mean_days"]
            ],
        }
    )
