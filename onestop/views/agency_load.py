"""Who carries the counter's load: dossiers per agency, breadth per staffer, busy hours, daily rate.

Pure functions from query results (queries/receptions_*.sql) to tidy frames, finding-stating
titles and chart specs. Working days come from onestop.core.calendar, computed here in Python.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from onestop.core import codes, i18n
from onestop.core.calendar import month_end, working_days
from onestop.core.charts import ChartSpec

FIRST_HOUR, LAST_HOUR = 7, 17  # counters open 7:30–17:00; the 17 h column catches late closes
# Monday to Friday are always shown; a weekend day only when it has data.
WORKDAYS = tuple(range(codes.MONDAY, codes.FRIDAY + 1))
TOP_STAFFERS = 8  # lines beyond this are unreadable on a projector; the download has them all


def _bar_height(rows: int) -> int:
    return max(380, 140 + 46 * rows)


def agency_shares(frame: pl.DataFrame) -> pl.DataFrame:
    """Each agency's dossiers and share of all received, largest first."""
    total = frame["dossiers"].sum()
    return frame.with_columns(share=pl.col("dossiers") / total if total else pl.lit(None)).sort(
        ["dossiers", "agency"], descending=[True, False]
    )


def agency_chart(shares: pl.DataFrame, lang: str) -> ChartSpec:
    """Horizontal bars of dossiers per agency, titled with the largest agency's share."""
    top = shares.row(0, named=True)
    return ChartSpec(
        kind="bar",
        data=shares,
        x="agency",
        y="dossiers",
        title=i18n.t(
            "agency_load.agency_title",
            lang,
            agency=top["agency"],
            share=i18n.format_share(top["share"], lang, digits=0),
        ),
        x_label=i18n.t("agency_load.agency_axis", lang),
        y_label=i18n.t("agency_load.dossiers_axis", lang),
        horizontal=True,
        show_values=True,
        height=_bar_height(shares.height),
    )


def staffer_breadth_chart(staffers: pl.DataFrame, lang: str) -> ChartSpec:
    """Horizontal bars of distinct procedures per receiving staffer (the widest first)."""
    ordered = staffers.sort(["procedures", "staffer"], descending=[True, False]).head(15)
    widest = ordered.row(0, named=True)
    return ChartSpec(
        kind="bar",
        data=ordered.select("staffer", "procedures", "fields", "agencies", "dossiers"),
        x="staffer",
        y="procedures",
        title=i18n.t(
            "agency_load.breadth_title",
            lang,
            staffer=widest["staffer"],
            procedures=i18n.format_int(widest["procedures"], lang),
            fields=i18n.format_int(widest["fields"], lang),
            agencies=i18n.format_int(widest["agencies"], lang),
        ),
        x_label=i18n.t("agency_load.staffer_axis", lang),
        y_label=i18n.t("agency_load.procedures_axis", lang),
        horizontal=True,
        show_values=True,
        height=_bar_height(ordered.height),
    )


def hour_label(hour: int) -> str:
    """An hour of the day as a column heading: 7 → 7:00."""
    return f"{hour}:00"


def weekday_hour_grid(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Every weekday × hour cell from 7 to 17 h (zeros filled), weekday names in the language."""
    weekdays = sorted(set(WORKDAYS) | set(frame["weekday"].unique().to_list()))
    grid = pl.DataFrame(
        [(day, hour) for day in weekdays for hour in range(FIRST_HOUR, LAST_HOUR + 1)],
        schema={"weekday": pl.Int32, "hour": pl.Int32},
        orient="row",
    )
    return (
        grid.join(
            frame.cast({"weekday": pl.Int32, "hour": pl.Int32}), on=["weekday", "hour"], how="left"
        )
        .with_columns(pl.col("dossiers").fill_null(0))
        .with_columns(
            day=pl.col("weekday").replace_strict(
                {day: i18n.t(f"agency_load.weekday_{day}", lang) for day in codes.WEEKDAYS}
            ),
            time=pl.col("hour").map_elements(hour_label, return_dtype=pl.String),
        )
        .select("weekday", "day", "hour", "time", "dossiers")
    )


def receptions_outside_hours(frame: pl.DataFrame) -> int:
    """Receptions before 7 h or from 18 h on, which the heatmap leaves out."""
    outside = frame.filter((pl.col("hour") < FIRST_HOUR) | (pl.col("hour") > LAST_HOUR))
    return int(outside["dossiers"].sum())


def heatmap_chart(grid: pl.DataFrame, lang: str) -> ChartSpec:
    """Weekday × hour heatmap of receptions, titled with the busiest hour."""
    peak = grid.sort(["dossiers", "weekday", "hour"], descending=[True, False, False]).row(
        0, named=True
    )
    return ChartSpec(
        kind="heatmap",
        data=grid.select("day", "time", "dossiers"),
        x="time",
        y="day",
        z="dossiers",
        z_label=i18n.t("agency_load.dossiers_axis", lang),
        title=i18n.t(
            "agency_load.heatmap_title",
            lang,
            day=peak["day"],
            start=hour_label(peak["hour"]),
            end=hour_label(peak["hour"] + 1),
            dossiers=i18n.format_int(peak["dossiers"], lang),
        ),
        x_label=i18n.t("agency_load.hour_axis", lang),
        y_label=i18n.t("agency_load.weekday_axis", lang),
        show_values=True,
        height=140 + 60 * grid["day"].n_unique(),
    )


def month_working_days(months: list[dt.date], date_from: dt.date, date_to: dt.date) -> list[int]:
    """Working days of each month that fall inside [date_from, date_to]."""
    counts = []
    for month in months:
        start, end = max(month, date_from), min(month_end(month), date_to)
        counts.append(int(np.size(working_days(start, end))) if start <= end else 0)
    return counts


def per_working_day(frame: pl.DataFrame, date_from: dt.date, date_to: dt.date) -> pl.DataFrame:
    """Each staffer's dossiers per working day, month by month, within the period."""
    months = frame["month"].unique().sort().to_list()
    calendar = pl.DataFrame(
        {"month": months, "working_days": month_working_days(months, date_from, date_to)},
        schema={"month": pl.Date, "working_days": pl.Int64},
    )
    return (
        frame.join(calendar, on="month")
        .with_columns(
            per_working_day=pl.when(pl.col("working_days") > 0).then(
                pl.col("dossiers") / pl.col("working_days")
            )
        )
        .sort("staffer", "month")
    )


def busiest_staffers(rates: pl.DataFrame, top: int = TOP_STAFFERS) -> pl.DataFrame:
    """The rows of the `top` staffers with the most dossiers, busiest first."""
    ranking = (
        rates.group_by("staffer")
        .agg(pl.col("dossiers").sum().alias("total"))
        .sort(["total", "staffer"], descending=[True, False])
        .head(top)
        .with_row_index("rank")
    )
    return rates.join(ranking, on="staffer").sort("rank", "month").drop("rank", "total")


def per_working_day_title(rates: pl.DataFrame, lang: str) -> str:
    """The busiest staffer's average daily load over the period and their peak month."""
    busiest = busiest_staffers(rates, top=1)
    days = busiest["working_days"].sum()
    average = busiest["dossiers"].sum() / days if days else None
    peak = busiest.sort("per_working_day", descending=True, nulls_last=True).row(0, named=True)
    return i18n.t(
        "agency_load.rate_title",
        lang,
        staffer=peak["staffer"],
        average=i18n.format_decimal(average, lang),
        peak=i18n.format_decimal(peak["per_working_day"], lang),
        month=i18n.format_month(peak["month"], lang),
    )


def per_working_day_chart(rates: pl.DataFrame, lang: str) -> ChartSpec:
    """Lines of dossiers per working day by month, one per busiest staffer."""
    shown = busiest_staffers(rates)
    return ChartSpec(
        kind="line",
        data=shown.select("staffer", "month", "dossiers", "working_days", "per_working_day"),
        x="month",
        y="per_working_day",
        title=per_working_day_title(rates, lang),
        x_label=i18n.t("agency_load.month_axis", lang),
        y_label=i18n.t("agency_load.rate_axis", lang),
        series="staffer",
        value_format="decimal",
        x_period="month",
        height=500,
    )


def staffer_table(staffers: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The staffer breadth rows with the organisation named in the language."""
    names = {org: i18n.t(f"agency_load.organisation_{org}", lang) for org in ("postal", "agency")}
    return staffers.with_columns(
        organisation=pl.col("organisation").replace_strict(names, default="—")
    )
