"""What the staffing page draws: waits and utilisation against staff, both models."""

from __future__ import annotations

import math

import polars as pl

from onestop.core.charts import ChartSpec
from onestop.core.i18n import t
from onestop.staffing.answer import not_negative, threshold_share, wait_target
from onestop.staffing.models import ServiceTarget


def scenario_frame(scenarios: list[dict]) -> pl.DataFrame:
    """One row per staff level and model: the figures the table and charts show."""
    rows = []
    for result in scenarios:
        for model, figures in (("simulation", result), ("erlang-c", result.get("erlang_c"))):
            if figures is None:
                continue
            rows.append(
                {
                    "staff": result["staff"],
                    "model": model,
                    "utilisation": _plain(figures["utilisation"]),
                    "p_wait": _plain(figures["p_wait"]),
                    "mean_wait_min": _plain(figures["mean_wait_min"]),
                    "p_wait_over_15": _plain(figures["p_wait_over_15"]),
                    "p95_wait_min": _plain(figures["p95_wait_min"]),
                    "meets_target": figures["meets_target"],
                }
            )
    return pl.DataFrame(rows)


def _plain(value: float) -> float | None:
    """A figure for the table and charts: None (shown as a dash) when unbounded or missing."""
    if value is None or not math.isfinite(value):
        return None
    return not_negative(value)


def staffing_charts(scenarios: list[dict], target: ServiceTarget, lang: str) -> list:
    """Wait and utilisation against staff count, both models, as chart specs."""
    frame = scenario_frame(scenarios)
    waits = pl.concat(
        [
            frame.select("staff", value="mean_wait_min", series=pl.format("{}_mean", "model")),
            frame.filter(pl.col("model") == "simulation").select(
                "staff", value="p95_wait_min", series=pl.lit("simulation_p95")
            ),
        ]
    ).with_columns(pl.col("staff").cast(pl.String))
    busy = frame.select(pl.col("staff").cast(pl.String), "model", value="utilisation").with_columns(
        series=pl.col("model")
    )
    labels = {
        key: t(f"staffing.series_{key.replace('-', '_')}", lang)
        for key in ("simulation_mean", "erlang-c_mean", "simulation_p95", "simulation", "erlang-c")
    }
    return [
        ChartSpec(
            "line",
            waits,
            "staff",
            "value",
            t("staffing.chart_wait", lang, wait=wait_target(target, lang)),
            t("staffing.column_staff", lang),
            t("staffing.axis_minutes", lang),
            series="series",
            series_labels=labels,
            value_format="decimal",
        ),
        ChartSpec(
            "line",
            busy.drop("model"),
            "staff",
            "value",
            t(
                "staffing.chart_utilisation",
                lang,
                limit=threshold_share(target.max_utilisation, lang),
            ),
            t("staffing.column_staff", lang),
            t("staffing.column_utilisation", lang),
            series="series",
            series_labels=labels,
            value_format="share",
        ),
    ]
