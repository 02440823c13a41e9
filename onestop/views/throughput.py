"""Lưu lượng / Throughput: dossiers in and out per day, week or month, and the backlog between.

Pure transforms of `queries/dossier_flow_by_period.sql` and chart specs whose titles state the
finding. The page only picks the grain and places the charts.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from onestop.core import i18n
from onestop.core.charts import CHANNEL_COLOURS, SERIES_COLOURS, ChartSpec
from onestop.core.codes import CHANNELS

# The only grains the flow query accepts: a whitelist, since the unit ends up in date_trunc.
GRAINS = {"day": "day", "week": "week", "month": "month"}
CHANNEL_ORDER = ["online", "in_person", "postal"]  # legend order: the main channel first
DEFAULT_GRAIN = "month"


def grain_param(grain: str) -> str:
    """The date_trunc unit for a grain chosen in the UI; ValueError for anything else."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {sorted(GRAINS)}")
    return GRAINS[grain]


def date_format(grain: str, lang: str) -> str:
    """The d3 format of a period on an axis: months without the day."""
    if grain == "month":
        return "%m/%Y" if lang == "vi" else "%b %Y"
    return i18n.d3_date_format(lang)


def period_label(start: dt.date, grain: str, lang: str) -> str:
    """A period in words for a title: 'tháng 01/2023', 'tuần từ 02/01/2023', '02/01/2023'."""
    if grain == "month":
        month = start.strftime("%m/%Y") if lang == "vi" else start.strftime("%B %Y")
        return i18n.t("throughput.month_label", lang, month=month)
    if grain == "week":
        return i18n.t("throughput.week_label", lang, start=i18n.format_date(start, lang))
    return i18n.format_date(start, lang)


def with_channel_names(flow: pl.DataFrame) -> pl.DataFrame:
    """The flow with channel codes replaced by their names (online, in_person, postal)."""
    names = pl.DataFrame(
        {"channel": list(CHANNELS), "channel_name": list(CHANNELS.values())},
        schema={"channel": flow.schema["channel"], "channel_name": pl.String},
    )
    return (
        flow.join(names, on="channel", how="left")
        .drop("channel")
        .rename({"channel_name": "channel"})
    )


def totals_by_period(flow: pl.DataFrame) -> pl.DataFrame:
    """One row per period: received, resolved and carried over, summed over channels."""
    return (
        flow.group_by("period_start")
        .agg(pl.col("received", "resolved", "carried_over").sum())
        .sort("period_start")
    )


def backlog_by_period(flow: pl.DataFrame) -> pl.DataFrame:
    """In progress at the end of each period: carried over + received so far − resolved so far.

    At the end of the report period this equals Biểu 06 col 11.
    """
    return totals_by_period(flow).select(
        "period_start",
        (
            pl.col("carried_over").cum_sum()
            + pl.col("received").cum_sum()
            - pl.col("resolved").cum_sum()
        ).alias("in_progress"),
    )


def cumulative_by_period(flow: pl.DataFrame) -> pl.DataFrame:
    """Long frame: cumulative received (carry-over included) and resolved, per period."""
    totals = totals_by_period(flow)
    wide = totals.select(
        "period_start",
        (pl.col("carried_over") + pl.col("received")).cum_sum().alias("received"),
        pl.col("resolved").cum_sum().alias("resolved"),
    )
    return wide.unpivot(
        index="period_start",
        on=["received", "resolved"],
        variable_name="series",
        value_name="dossiers",
    ).sort("period_start", "series")


def _channel_spec(flow: pl.DataFrame, measure: str, grain: str, lang: str, title: str) -> ChartSpec:
    named = (
        with_channel_names(flow)
        .select("period_start", "channel", measure)
        .sort(pl.col("channel").replace_strict(CHANNEL_ORDER, list(range(3))), "period_start")
    )
    return ChartSpec(
        kind="stacked_bar",
        data=named,
        x="period_start",
        y=measure,
        title=title,
        x_label=i18n.t(f"throughput.axis_{grain}", lang),
        y_label=i18n.t("throughput.axis_dossiers", lang),
        series="channel",
        series_labels={name: i18n.t(f"filters.channel_{name}", lang) for name in CHANNELS.values()},
        colours=CHANNEL_COLOURS,
        x_date_format=date_format(grain, lang),
    )


def received_spec(flow: pl.DataFrame, grain: str, lang: str) -> ChartSpec:
    """Received per period, stacked by channel; the title gives the mean and the busiest period."""
    totals = totals_by_period(flow)
    peak = totals.sort("received", "period_start", descending=[True, False]).row(0, named=True)
    title = i18n.t(
        f"throughput.received_title_{grain}",
        lang,
        mean=i18n.format_int(totals["received"].mean(), lang),
        peak=period_label(peak["period_start"], grain, lang),
        peak_count=i18n.format_int(peak["received"], lang),
    )
    return _channel_spec(flow, "received", grain, lang, title)


def resolved_spec(flow: pl.DataFrame, grain: str, lang: str) -> ChartSpec:
    """Resolved per period, stacked by channel; the title compares it with what came in."""
    totals = totals_by_period(flow)
    received, resolved = int(totals["received"].sum()), int(totals["resolved"].sum())
    title = i18n.t(
        f"throughput.resolved_title_{grain}",
        lang,
        mean=i18n.format_int(totals["resolved"].mean(), lang),
        resolved=i18n.format_int(resolved, lang),
        share=i18n.format_share(resolved / received if received else None, lang),
    )
    return _channel_spec(flow, "resolved", grain, lang, title)


def backlog_spec(flow: pl.DataFrame, grain: str, lang: str) -> ChartSpec:
    """The in-progress backlog at the end of each period; the title gives its end and its peak."""
    backlog = backlog_by_period(flow)
    peak = backlog.sort("in_progress", "period_start", descending=[True, False]).row(0, named=True)
    title = i18n.t(
        "throughput.backlog_title",
        lang,
        end=i18n.format_int(backlog["in_progress"][-1], lang),
        peak=i18n.format_int(peak["in_progress"], lang),
        when=period_label(peak["period_start"], grain, lang),
    )
    return ChartSpec(
        kind="area",
        data=backlog,
        x="period_start",
        y="in_progress",
        title=title,
        x_label=i18n.t(f"throughput.axis_{grain}", lang),
        y_label=i18n.t("throughput.axis_in_progress", lang),
        colours={},
        x_date_format=date_format(grain, lang),
    )


def cumulative_spec(flow: pl.DataFrame, grain: str, lang: str) -> ChartSpec:
    """Cumulative received vs resolved; the title gives the gap (what is still in progress)."""
    cumulative = cumulative_by_period(flow)
    last = cumulative.filter(pl.col("period_start") == pl.col("period_start").max())
    values = dict(zip(last["series"], last["dossiers"], strict=True))
    title = i18n.t(
        "throughput.cumulative_title",
        lang,
        received=i18n.format_int(values["received"], lang),
        resolved=i18n.format_int(values["resolved"], lang),
        gap=i18n.format_int(values["received"] - values["resolved"], lang),
    )
    return ChartSpec(
        kind="line",
        data=cumulative,
        x="period_start",
        y="dossiers",
        title=title,
        x_label=i18n.t(f"throughput.axis_{grain}", lang),
        y_label=i18n.t("throughput.axis_dossiers_cumulative", lang),
        series="series",
        series_labels={
            "received": i18n.t("throughput.series_received", lang),
            "resolved": i18n.t("throughput.series_resolved", lang),
        },
        colours={"received": SERIES_COLOURS[0], "resolved": SERIES_COLOURS[2]},
        x_date_format=date_format(grain, lang),
    )
