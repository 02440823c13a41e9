"""A pilot's evaluation: each measure before and during, at the pilot agencies and at the others.

The design is a difference-in-differences: the pilot agencies' change from the period before
the pilot to the pilot period, minus the other agencies' change over the same two periods,
which removes what moved everywhere (a new law, the Tết surge, a software change). Every value
is a measure of core.metrics pooled over a group's agency-months, so the pilot's own figure
for the pilot year is exactly what Biểu 06 says; the interval comes from bootstrap.py. It rests
on the groups having moved alike before the pilot, which the pre-trend check tests on the
monthly series: the slope of the monthly gap between the groups over the period before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from onestop.core import metrics
from onestop.core.calendar import month_end, public_holidays
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.evaluation import bootstrap
from onestop.evaluation.bootstrap import Estimate

# The measures compared, in the order the page, the table and the JSON show them.
EVALUATED: tuple[str, ...] = (
    "early_share",
    "late_share",
    "mean_processing_days",
    "supplement_share",
    "online_share",
    "digitised_share",
    "dossiers_per_staffer_day",
)
QUERY = "measure_counts_by_agency_month"
METHOD = "wild_cluster_restricted_bootstrap"  # the JSON's "method" when there is an interval
NO_METHOD = "none"  # ... and when there is none (fewer than two agencies with data in a group)
MIN_PRE_TREND_MONTHS = 3  # a slope through fewer months says nothing
FIRST_HOLIDAY_YEAR = 2000
GROUPS = ("pilot", "others")
PERIODS = ("before", "during")
# Counts that show a group did something in a period (received or resolved dossiers).
ACTIVITY = ("received_online", "received_in_person_or_postal", "resolved_total")


class PeriodError(ValueError):
    """Periods that cannot be compared; `key` names the sentence in locales/evaluation.toml."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Period:
    """A span of days, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError("evaluation.error_period_order", start=self.start, end=self.end)

    @property
    def days(self) -> int:
        """Calendar days in the period."""
        return (self.end - self.start).days + 1

    def as_json(self) -> list[str]:
        """[from, to] as ISO dates."""
        return [self.start.isoformat(), self.end.isoformat()]


@dataclass(frozen=True)
class Pilot:
    """The pilot evaluated: its name, period and agencies."""

    name: str
    start: dt.date
    end: dt.date
    agency_ids: tuple[int, ...]
    agency_codes: tuple[str, ...] = ()
    agency_names: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The pilot as the JSON output shows it."""
        return {
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "agencies": [
                {"code": code, "name": name}
                for code, name in zip(self.agency_codes, self.agency_names, strict=True)
            ],
        }


def load_pilot(store: Store) -> Pilot | None:
    """The latest pilot defined in the database, or None when there is none."""
    definition = store.query("pilot_definition")
    if definition.height == 0:
        return None
    row = definition.row(0, named=True)
    members = store.query("agencies").filter(pl.col("is_pilot")).sort("code")
    return Pilot(
        name=row["name"],
        start=row["start_date"],
        end=row["end_date"],
        agency_ids=tuple(members["agency_id"].to_list()),
        agency_codes=tuple(members["code"].to_list()),
        agency_names=tuple(members["name"].to_list()),
    )


def default_before(during: Period) -> Period:
    """The period of the same length that ends the day before `during` starts: as many whole
    months when `during` is whole months (so a leap year is compared with a whole year), else
    as many days."""
    end = during.start - dt.timedelta(days=1)
    if during.start.day == 1 and during.end == month_end(during.end):
        months = (during.end.year - during.start.year) * 12 + during.end.month - during.start.month
        first = during.start.year * 12 + during.start.month - 1 - (months + 1)
        return Period(dt.date(first // 12, first % 12 + 1, 1), end)
    return Period(end - dt.timedelta(days=during.days - 1), end)


def before_period(
    during: Period, before_from: dt.date | None = None, before_to: dt.date | None = None
) -> Period:
    """The period before: given, or half given (the other end keeps during's length), or by
    default the same length just before the pilot starts (not checked against the pilot)."""
    length = dt.timedelta(days=during.days - 1)
    if before_from is not None and before_to is not None:
        return Period(before_from, before_to)
    if before_from is not None:
        return Period(before_from, before_from + length)
    if before_to is not None:
        return Period(before_to - length, before_to)
    return default_before(during)


def choose_periods(
    pilot: Pilot,
    last_day: dt.date | None = None,
    before_from: dt.date | None = None,
    before_to: dt.date | None = None,
) -> tuple[Period, Period]:
    """(before, during): during is the pilot's period, cut at the end of the data's last month
    when the pilot runs on past it; before is given, or half given (the other end keeps
    during's length), or by default the same length just before the pilot starts."""
    end = pilot.end
    if last_day is not None and pilot.start <= month_end(last_day) < end:
        end = month_end(last_day)
    during = Period(pilot.start, end)
    before = before_period(during, before_from, before_to)
    if before.end >= during.start:
        raise PeriodError("evaluation.error_before_overlaps", end=before.end, start=during.start)
    return before, during


def query_params(period: Period) -> dict[str, Any]:
    """The agency-month query's parameters for one period: every agency, every dossier."""
    holidays = public_holidays(FIRST_HOLIDAY_YEAR, period.end.year + 1)
    return {**DossierFilter(period.start, period.end).params(), "holidays": sorted(holidays)}


def load_counts(store: Store, before: Period, during: Period) -> pl.DataFrame:
    """The agency-month counts of both periods, each run clipped to its own period."""
    frames = [
        store.query(QUERY, query_params(period)).with_columns(period=pl.lit(name))
        for name, period in zip(PERIODS, (before, during), strict=True)
    ]
    return pl.concat(frames, how="vertical_relaxed")


# --- comparing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureComparison:
    """One measure: each group's value in each period, the difference-in-differences and the
    slope of the monthly gap between the groups before the pilot (per month)."""

    measure: str
    pilot_before: float | None
    pilot_during: float | None
    others_before: float | None
    others_during: float | None
    did: Estimate
    pre_trend: Estimate = field(default_factory=lambda: Estimate(None))
    pre_trend_months: int = 0
    months_apart: float = 12.0  # from the middle of the period before to the middle of during

    @property
    def projected_drift(self) -> float | None:
        """The difference the pre-pilot drift alone would make by the pilot period, had it gone
        on: its slope times the months between the periods' middles (what it adds to the DiD)."""
        if self.pre_trend.value is None:
            return None
        return self.pre_trend.value * self.months_apart

    @property
    def method(self) -> str:
        """How the interval was computed, or NO_METHOD when there is none."""
        return METHOD if self.did.has_interval else NO_METHOD

    @property
    def caution(self) -> bool:
        """The groups already drifted apart before the pilot: the slope's interval excludes 0."""
        return self.pre_trend.includes_zero is False

    def as_json(self) -> dict[str, Any]:
        """The measure as the JSON output shows it (shares as fractions)."""
        return {
            "measure": self.measure,
            "pilot_before": _rounded(self.pilot_before),
            "pilot_during": _rounded(self.pilot_during),
            "others_before": _rounded(self.others_before),
            "others_during": _rounded(self.others_during),
            "did": _rounded(self.did.value),
            "ci_low": _rounded(self.did.low),
            "ci_high": _rounded(self.did.high),
            "method": self.method,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _numerator_denominator(measure: str) -> tuple[pl.Expr, pl.Expr]:
    definition = metrics.MEASURES[measure]
    return (
        pl.sum_horizontal(definition.numerator).cast(pl.Float64),
        pl.sum_horizontal(definition.denominator).cast(pl.Float64),
    )


def _matrices(
    rows: pl.DataFrame, measure: str, cell: str, cells: list[Any], agencies: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """y and n (agencies × cells) for a measure, zeros where an agency has no row."""
    top, bottom = _numerator_denominator(measure)
    sums = (
        rows.with_columns(top.alias("y"), bottom.alias("n"))
        .group_by("agency_id", cell)
        .agg(pl.col("y").sum(), pl.col("n").sum())
    )
    y = np.zeros((len(agencies), len(cells)))
    n = np.zeros_like(y)
    agency_index = {agency: index for index, agency in enumerate(agencies)}
    cell_index = {value: index for index, value in enumerate(cells)}
    for agency, key, top_sum, bottom_sum in sums.iter_rows():
        y[agency_index[agency], cell_index[key]] = top_sum
        n[agency_index[agency], cell_index[key]] = bottom_sum
    return y, n


def _value(ratios: np.ndarray, group: int, cell: int) -> float | None:
    value = ratios[group, cell]
    return None if np.isnan(value) else float(value)


def compare_measure(
    rows: pl.DataFrame,
    measure: str,
    agencies: list[int],
    group: np.ndarray,
    weights: np.ndarray | None = None,
    months_apart: float = 12.0,
) -> MeasureComparison:
    """One measure's comparison from agency-month rows of both periods (column `period`)."""
    y, n = _matrices(rows, measure, "period", list(PERIODS), agencies)
    ratios = bootstrap.pooled_ratios(y, n, group)
    did = bootstrap.contrast(y, n, group, bootstrap.did_coefficients(), weights)
    trend, months = pre_trend(rows, measure, agencies, group, weights)
    return MeasureComparison(
        measure=measure,
        pilot_before=_value(ratios, 1, 0),
        pilot_during=_value(ratios, 1, 1),
        others_before=_value(ratios, 0, 0),
        others_during=_value(ratios, 0, 1),
        did=did,
        pre_trend=trend,
        pre_trend_months=months,
        months_apart=months_apart,
    )


def pre_trend(
    rows: pl.DataFrame,
    measure: str,
    agencies: list[int],
    group: np.ndarray,
    weights: np.ndarray | None = None,
) -> tuple[Estimate, int]:
    """The least-squares slope, per month, of (pilot − others) over the months before the pilot
    in which both groups have a value, and how many months that is."""
    before = rows.filter(pl.col("period") == "before")
    months = sorted(before["month_from"].unique().to_list())
    y, n = _matrices(before, measure, "month_from", months, agencies)
    ratios = bootstrap.pooled_ratios(y, n, group)
    both = ~np.isnan(ratios).any(axis=0)
    if both.sum() < MIN_PRE_TREND_MONTHS:
        return Estimate(None), int(both.sum())
    positions = np.array([month.year * 12 + month.month for month in months])[both]
    coef = bootstrap.slope_coefficients(positions)
    return bootstrap.contrast(y[:, both], n[:, both], group, coef, weights), int(both.sum())


def groups_of(rows: pl.DataFrame, pilot_ids: tuple[int, ...]) -> tuple[list[int], np.ndarray]:
    """The agencies with rows, sorted, and 1 for each pilot agency, 0 for the others."""
    agencies = sorted(rows["agency_id"].unique().to_list())
    return agencies, np.array([int(agency in pilot_ids) for agency in agencies], dtype=int)


def months_between(before: Period, during: Period) -> float:
    """Months from the middle of `before` to the middle of `during`."""
    middle = (during.start - before.start).days + (during.days - before.days) / 2
    return middle / DAYS_PER_MONTH


DAYS_PER_MONTH = 365.25 / 12


def compare(
    rows: pl.DataFrame,
    pilot_ids: tuple[int, ...],
    measures: tuple[str, ...] = EVALUATED,
    draws: int = bootstrap.DRAWS,
    months_apart: float = 12.0,
) -> list[MeasureComparison]:
    """Every measure's comparison; one set of bootstrap weights serves them all."""
    agencies, group = groups_of(rows, pilot_ids)
    weights = bootstrap.webb_weights(draws, len(agencies))
    return [
        compare_measure(rows, measure, agencies, group, weights, months_apart)
        for measure in measures
    ]


def monthly_values(rows: pl.DataFrame, pilot_ids: tuple[int, ...]) -> pl.DataFrame:
    """Each group's value of every measure per month (pooled over its agencies), long form:
    measure, group, period, month (the first day counted in it), value (null when none)."""
    grouped = rows.with_columns(
        group=pl.when(pl.col("agency_id").is_in(list(pilot_ids)))
        .then(pl.lit("pilot"))
        .otherwise(pl.lit("others"))
    )
    numeric = [name for name in rows.columns if name not in _ROW_LABELS]
    sums = grouped.group_by("group", "period", "month_from").agg(pl.col(numeric).sum())
    frames = [
        sums.select(
            pl.lit(measure).alias("measure"),
            "group",
            "period",
            pl.col("month_from").alias("month"),
            metrics.expression(measure).cast(pl.Float64).alias("value"),
        )
        for measure in EVALUATED
    ]
    return pl.concat(frames).sort("measure", "group", "month")


_ROW_LABELS = ("agency_id", "agency_code", "agency", "month", "month_from", "month_to", "period")


# --- what the data lack ----------------------------------------------------------------------


def missing_data(rows: pl.DataFrame, pilot_ids: tuple[int, ...]) -> tuple[str, ...]:
    """What keeps the comparison from being made, as sentence keys (empty when nothing):
    no other agencies at all, or a group with no dossiers in a period."""
    if not pilot_ids:
        return ("evaluation.missing_pilot_agencies",)
    active = rows.filter(pl.sum_horizontal(ACTIVITY) > 0)
    is_pilot = pl.col("agency_id").is_in(list(pilot_ids))
    gaps = []
    if active.filter(~is_pilot).height == 0:
        gaps.append("evaluation.missing_others")
    for group, condition in (("pilot", is_pilot), ("others", ~is_pilot)):
        if group == "others" and gaps:
            continue
        for period in PERIODS:
            if active.filter(condition & (pl.col("period") == period)).height == 0:
                gaps.append(f"evaluation.missing_{group}_{period}")
    return tuple(gaps)


# --- everything together ---------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """The evaluation of one pilot over two periods."""

    pilot: Pilot
    before: Period
    during: Period
    measures: list[MeasureComparison]
    monthly: pl.DataFrame
    missing: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The shape `onestop evaluate --format json` prints."""
        return {
            "pilot": self.pilot.as_json(),
            "before": self.before.as_json(),
            "during": self.during.as_json(),
            "measures": [measure.as_json() for measure in self.measures],
        }


def evaluate_rows(
    rows: pl.DataFrame,
    pilot: Pilot,
    before: Period,
    during: Period,
    draws: int = bootstrap.DRAWS,
) -> Evaluation:
    """The evaluation from agency-month rows already loaded (pure: no database)."""
    missing = missing_data(rows, pilot.agency_ids)
    apart = months_between(before, during)
    measures = [] if missing else compare(rows, pilot.agency_ids, draws=draws, months_apart=apart)
    monthly = monthly_values(rows, pilot.agency_ids) if rows.height else _EMPTY_MONTHLY
    return Evaluation(pilot, before, during, measures, monthly, missing)


_EMPTY_MONTHLY = pl.DataFrame(
    schema={
        "measure": pl.String,
        "group": pl.String,
        "period": pl.String,
        "month": pl.Date,
        "value": pl.Float64,
    }
)


def evaluate(
    store: Store,
    pilot: Pilot,
    before_from: dt.date | None = None,
    before_to: dt.date | None = None,
    draws: int = bootstrap.DRAWS,
) -> Evaluation:
    """Load the counts for the pilot's periods and compare every measure."""
    last_day = store.query("data_status").row(0, named=True)["last_received_on"]
    before, during = choose_periods(pilot, last_day, before_from, before_to)
    rows = load_counts(store, before, during)
    return evaluate_rows(rows, pilot, before, during, draws)
