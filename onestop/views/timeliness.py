"""Timeliness of resolved dossiers: shares before, on and after the due date, and overdue lists.

Pure functions from query results (queries/resolved_*.sql, overdue_dossiers_in_progress.sql) to
tidy frames, finding-stating titles and chart specs. The counting rules stay in SQL.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from onestop.core import charts, i18n, metrics
from onestop.core.charts import ChartSpec

# The three classes of a resolved dossier (Biểu 06 columns 8, 9, 10), in reading order, and
# the measure that gives each one's share of the resolved dossiers.
CLASS_SHARES = {
    "resolved_early": "early_share",
    "resolved_on_time": "on_time_share",
    "resolved_late": "late_share",
}
RESOLVED_CLASSES = tuple(CLASS_SHARES)
Dimension = Literal["agency", "field", "procedure", "month"]
DIMENSIONS: tuple[Dimension, ...] = ("agency", "field", "procedure", "month")

# The overdue list's sort choices: the only values `$order_by` may take (the SQL knows each).
OVERDUE_ORDERS = ("days_overdue", "due_on", "agency", "procedure", "code")
OVERDUE_COLUMNS = ("code", "procedure", "agency", "due_on", "days_overdue")


def timeliness_shares(frame: pl.DataFrame, by: Dimension, top: int | None = None) -> pl.DataFrame:
    """One row per group and class: resolved dossiers and their share of the group's total.

    Groups are months in order, or the `top` largest groups with the highest late share first.
    """
    totals = (
        frame.group_by(by)
        .agg(pl.col(name).sum() for name in RESOLVED_CLASSES)
        .with_columns(resolved_total=pl.sum_horizontal(RESOLVED_CLASSES))
        .filter(pl.col("resolved_total") > 0)
        .with_columns(metrics.expression(measure) for measure in CLASS_SHARES.values())
    )
    if top is not None:
        totals = totals.sort(["resolved_total", by], descending=[True, False]).head(top)
    if by == "month":
        totals = totals.sort(by)
    else:
        totals = totals.sort(["late_share", "resolved_total", by], descending=[True, True, False])
    order = totals.select(by).with_row_index("group_order")
    classes = pl.DataFrame(
        {
            "timeliness": RESOLVED_CLASSES,
            "measure": list(CLASS_SHARES.values()),
            "class_order": range(len(RESOLVED_CLASSES)),
        },
        schema_overrides={"class_order": pl.UInt32},
    )
    dossiers = totals.unpivot(
        index=[by, "resolved_total"],
        on=list(RESOLVED_CLASSES),
        variable_name="timeliness",
        value_name="dossiers",
    )
    shares = totals.unpivot(
        index=by, on=list(CLASS_SHARES.values()), variable_name="measure", value_name="share"
    )
    return (
        dossiers.join(classes, on="timeliness")
        .join(shares, on=[by, "measure"])
        .join(order, on=by)
        .sort("group_order", "class_order")
        .select(by, "timeliness", "dossiers", resolved=pl.col("resolved_total"), share="share")
    )


def _group_text(value: object, by: Dimension, lang: str) -> str:
    return i18n.format_month(value, lang) if by == "month" else str(value)  # type: ignore[arg-type]


def shares_title(shares: pl.DataFrame, by: Dimension, lang: str) -> str:
    """A title stating the finding: where the late share is highest, or that nothing was late."""
    late = shares.filter(pl.col("timeliness") == "resolved_late")
    if late.is_empty() or late["dossiers"].sum() == 0:
        early = shares.filter(pl.col("timeliness") == "resolved_early")
        counts = {
            "resolved_early": early["dossiers"].sum(),
            "resolved_total": early["resolved"].sum(),
        }
        overall = metrics.compute("early_share", counts) or 0.0  # nothing resolved: 0%
        return i18n.t("timeliness.title_no_late", lang, share=i18n.format_share(overall, lang))
    worst = late.sort(["share", "dossiers"], descending=True).row(0, named=True)
    return i18n.t(
        f"timeliness.title_worst_{by}",
        lang,
        group=_group_text(worst[by], by, lang),
        share=i18n.format_share(worst["share"], lang),
        late=i18n.format_int(worst["dossiers"], lang),
    )


def class_labels(lang: str) -> dict[str, str]:
    """Legend names of the timeliness classes, the same words as the overview's cards."""
    return {name: i18n.t(f"measure.{name}", lang) for name in RESOLVED_CLASSES}


def shares_chart(shares: pl.DataFrame, by: Dimension, lang: str) -> ChartSpec:
    """Stacked 100% bars of the classes: horizontal per agency/field/procedure, by month upright."""
    groups = shares[by].n_unique()
    return ChartSpec(
        kind="stacked_bar",
        data=shares,
        x=by,
        y="share",
        title=shares_title(shares, by, lang),
        x_label=i18n.t(f"timeliness.dimension_{by}", lang),
        y_label=i18n.t("timeliness.share_axis", lang),
        series="timeliness",
        series_labels=class_labels(lang),
        colours=charts.TIMELINESS_COLOURS,
        value_format="share",
        horizontal=by != "month",
        show_values=True,
        x_period="month",
        height=max(420, 150 + 46 * groups) if by != "month" else 520,
    )


def days_late_title(frame: pl.DataFrame, lang: str) -> str:
    """How early the early dossiers and how late the late ones were, on average."""
    early = frame.filter(pl.col("timeliness") == "resolved_early")
    late = frame.filter(pl.col("timeliness") == "resolved_late")

    def mean_days(rows: pl.DataFrame) -> float | None:
        count = rows["dossiers"].sum()
        return abs((rows["days_late"] * rows["dossiers"]).sum() / count) if count else None

    early_days, late_days = mean_days(early), mean_days(late)
    if late_days is None:
        return i18n.t(
            "timeliness.days_title_no_late", lang, early=i18n.format_decimal(early_days, lang)
        )
    return i18n.t(
        "timeliness.days_title",
        lang,
        early=i18n.format_decimal(early_days, lang),
        late=i18n.format_decimal(late_days, lang),
    )


def days_late_chart(frame: pl.DataFrame, lang: str) -> ChartSpec:
    """A histogram of days from due date to end date, each bar coloured by its class."""
    return ChartSpec(
        kind="stacked_bar",
        data=frame,
        x="days_late",
        y="dossiers",
        title=days_late_title(frame, lang),
        x_label=i18n.t("timeliness.days_axis", lang),
        y_label=i18n.t("timeliness.dossiers_axis", lang),
        series="timeliness",
        series_labels=class_labels(lang),
        colours=charts.TIMELINESS_COLOURS,
        height=480,
    )


def overdue_order(choice: str) -> str:
    """The `$order_by` value for a sort choice; anything outside the whitelist is refused."""
    if choice not in OVERDUE_ORDERS:
        raise ValueError(f"unknown sort order {choice!r}")
    return choice


def overdue_labels(lang: str) -> dict[str, str]:
    """Column headings of the overdue list."""
    return {name: i18n.t(f"timeliness.overdue_{name}", lang) for name in OVERDUE_COLUMNS}
