"""Closed-form queueing: M/M/c (Erlang C) waits and utilisation, per hour or for a profile."""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class ErlangC:
    """Steady-state figures of an M/M/c queue; waits in minutes, utilisation as a fraction."""

    staff: int
    arrivals_per_hour: float
    service_minutes: float
    utilisation: float
    p_wait: float
    mean_wait_min: float

    @property
    def stable(self) -> bool:
        """Whether the queue settles: offered load below the number of staff."""
        return self.utilisation < 1.0

    def p_wait_over(self, minutes: float) -> float:
        """P(wait > minutes) = C · exp(−(cμ − λ) t)."""
        if not self.stable:
            return 1.0
        return self.p_wait * math.exp(-self._drain_rate() * minutes)

    def wait_quantile(self, q: float) -> float:
        """The q-quantile of the wait (0 when at least a share q is served at once)."""
        if not self.stable:
            return math.inf
        if self.p_wait <= 1.0 - q:
            return 0.0
        return math.log(self.p_wait / (1.0 - q)) / self._drain_rate()

    def _drain_rate(self) -> float:
        per_minute = self.arrivals_per_hour / 60.0
        return self.staff / self.service_minutes - per_minute


def erlang_c(arrivals_per_hour: float, service_minutes: float, staff: int) -> ErlangC:
    """M/M/c with Poisson arrivals and exponential service (Erlang's delay formula)."""
    if staff < 1:
        raise ValueError("staff must be at least 1")
    if service_minutes <= 0 or arrivals_per_hour < 0:
        raise ValueError("service minutes must be positive and arrivals non-negative")
    offered = arrivals_per_hour / 60.0 * service_minutes  # Erlangs
    utilisation = offered / staff
    if utilisation >= 1.0:
        return ErlangC(staff, arrivals_per_hour, service_minutes, utilisation, 1.0, math.inf)
    # Summing a^k/k! iteratively avoids huge factorials; the Erlang B recursion would do too.
    term, below = 1.0, 0.0
    for k in range(staff):
        below += term
        term *= offered / (k + 1)
    top = term / (1.0 - utilisation)
    p_wait = top / (below + top)
    mean_wait = p_wait * service_minutes / (staff - offered)
    return ErlangC(staff, arrivals_per_hour, service_minutes, utilisation, p_wait, mean_wait)


def erlang_c_profile(
    profile: pl.DataFrame, service_minutes: float, staff: int, target_wait_min: float = 15.0
) -> pl.DataFrame:
    """Erlang C for each row of an hourly profile (columns arrivals_per_hour, open_minutes)."""
    rows = []
    for rate in profile["arrivals_per_hour"].to_list():
        result = erlang_c(rate, service_minutes, staff)
        rows.append(
            {
                "utilisation": result.utilisation,
                "p_wait": result.p_wait,
                "mean_wait_min": result.mean_wait_min,
                "p_wait_over_target": result.p_wait_over(target_wait_min),
                "p_wait_over_15": result.p_wait_over(15.0),
                "p95_wait_min": result.wait_quantile(0.95),
            }
        )
    return pl.concat([profile, pl.DataFrame(rows, orient="row")], how="horizontal")


def summarise_profile(per_hour: pl.DataFrame, staff: int) -> dict[str, float]:
    """Figures over a whole profile: waits weighted by citizens, utilisation by open time.

    Each hour is treated as its own steady state (the stationary independent period-by-period
    approximation), which is fair when an hour is long against the service time.
    """
    citizens = per_hour["arrivals_per_hour"] * per_hour["open_minutes"] / 60.0
    total = float(citizens.sum())
    open_minutes = float(per_hour["open_minutes"].sum())

    def weighted(column: str) -> float:
        if total == 0:
            return 0.0
        values = per_hour[column]
        if values.is_infinite().any() and bool((citizens.filter(values.is_infinite()) > 0).any()):
            return math.inf
        return float((values.fill_nan(0.0) * citizens).sum()) / total

    busy = float((per_hour["utilisation"] * per_hour["open_minutes"]).sum())
    return {
        "staff": staff,
        "citizens": total,
        "utilisation": busy / open_minutes if open_minutes else 0.0,
        "peak_utilisation": float(per_hour["utilisation"].max() or 0.0),
        "p_wait": weighted("p_wait"),
        "mean_wait_min": weighted("mean_wait_min"),
        "p_wait_over_target": weighted("p_wait_over_target"),
        "p_wait_over_15": weighted("p_wait_over_15"),
        "stable": bool((per_hour["utilisation"] < 1.0).all()),
    }
