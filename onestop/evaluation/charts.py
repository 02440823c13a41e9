"""The evaluation's charts: each measure month by month, one line per group, the pilot start
marked, so a reader sees whether the groups moved alike before and apart after."""

from __future__ import annotations

import polars as pl

from onestop.core import i18n, metrics
from onestop.core.charts import ChartSpec
from onestop.evaluation.compare import GROUPS, Evaluation

GROUP_COLOURS = {"pilot": "#0072B2", "others": "#E69F00"}  # Okabe–Ito, as on every page


def monthly_chart(evaluation: Evaluation, measure: str, lang: str) -> ChartSpec:
    """One measure's monthly value for the pilot agencies and the others, both periods."""
    kind = metrics.MEASURES[measure].kind
    data = (
        evaluation.monthly.filter(pl.col("measure") == measure)
        .select("month", "group", "value")
        .sort("group", "month", descending=[True, False])  # the pilot's line first
    )
    label = i18n.t(f"measure.{measure}", lang)
    start = i18n.format_date(evaluation.during.start, lang)
    return ChartSpec(
        kind="line",
        data=data,
        x="month",
        y="value",
        title=i18n.t("evaluation.chart_title", lang, measure=label),
        x_label=i18n.t("evaluation.chart_month", lang),
        y_label=label + (i18n.t("evaluation.chart_days_unit", lang) if kind == "days" else ""),
        series="group",
        series_labels={group: i18n.t(f"evaluation.group_{group}", lang) for group in GROUPS},
        colours=GROUP_COLOURS,
        value_format="share" if kind == "share" else "decimal",
        x_period="month",
        x_marker=(evaluation.during.start, i18n.t("evaluation.chart_start", lang, date=start)),
    )
