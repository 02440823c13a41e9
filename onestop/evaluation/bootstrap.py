"""Contrasts of pooled ratios of two groups of clusters, with wild cluster bootstrap intervals.

Every measure compared is a ratio of sums (late share = late / resolved). With clusters
(agencies) in two groups (0 = others, 1 = pilot) and a few cells (two periods, or months), a
group's value in a cell is the pooled ratio R_gk = Σ y / Σ n over its clusters: the weighted
least-squares fit of the clusters' rates with one coefficient per group and cell, weights n.
The estimates wanted are linear contrasts θ = Σ c_gk R_gk of those fits: the
difference-in-differences (c = +1 pilot during, −1 pilot before, −1 others during, +1 others
before) or the slope of the monthly gap between the groups.

The interval is a wild cluster restricted bootstrap (WCR: Cameron, Gelbach and Miller 2008;
MacKinnon and Webb 2018; the interval by test inversion as in Roodman et al. 2019, `boottest`):
it holds every θ0 that a bootstrap-t test does not reject at 5%. Each draw imposes θ = θ0,
multiplies every cluster's residuals by one random weight, refits and studentises. Because θ is
linear in the data, no draw needs refitting from scratch: θ* − θ0 and the draw's standard error
are simple functions of θ0, so the search over θ0 reuses the same draws.
Why these choices, with six pilot agencies and eight others:
- clusters are agencies, not agency-months: an agency's months share its staff, procedures and
  habits, so treating them as independent would give intervals far too narrow;
- with so few clusters a pairs bootstrap (resampling agencies) or a percentile interval covers
  too little; imposing the null and studentising keeps close to 95% (measured coverage in
  tests/test_evaluation.py and the module's notes in README);
- Webb's six-point weights, not Rademacher signs: with six clusters signs give only 64 distinct
  draws (Webb 2023);
- each group's cluster-robust variance is scaled by G/(G − 1) (CR1), as each group's fit uses
  one degree of freedom per cell.
Draws come from a fixed seed, so the same data always give the same interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

LEVEL = 0.95
DRAWS = 9_999
SEED = 766  # any fixed seed: the interval must not change between runs
# Draws × clusters per block: memory stays small with many agencies, and a province's dozen
# agencies take all draws in one block (numpy's per-call cost dominated ten small blocks).
_BLOCK_ELEMENTS = 2_000_000
WEBB_POINTS = np.array(
    [-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)], dtype=float
)


@dataclass(frozen=True)
class Estimate:
    """A contrast's value and its interval; None where the data cannot give them."""

    value: float | None
    low: float | None = None
    high: float | None = None
    clusters: tuple[int, int] = (0, 0)  # clusters with data: (others, pilot)

    @property
    def has_interval(self) -> bool:
        """Whether an interval could be computed (at least two clusters in each group)."""
        return self.low is not None and self.high is not None

    @property
    def includes_zero(self) -> bool | None:
        """Whether the interval includes zero (no change cannot be ruled out); None without one."""
        if self.low is None or self.high is None:
            return None
        return self.low <= 0.0 <= self.high


def webb_weights(draws: int, clusters: int, seed: int = SEED) -> np.ndarray:
    """A (draws × clusters) matrix of Webb's six-point weights (mean 0, variance 1)."""
    rng = np.random.default_rng(seed)
    return WEBB_POINTS[rng.integers(0, WEBB_POINTS.size, size=(draws, clusters))]


def pooled_ratios(y: np.ndarray, n: np.ndarray, group: np.ndarray) -> np.ndarray:
    """R[g, k] = Σ y / Σ n over group g's clusters in cell k; NaN where Σ n is 0."""
    totals_y = np.stack([y[group == g].sum(axis=0) for g in (0, 1)])
    totals_n = np.stack([n[group == g].sum(axis=0) for g in (0, 1)])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals_n > 0, totals_y / np.where(totals_n > 0, totals_n, 1), np.nan)


def contrast(
    y: np.ndarray,
    n: np.ndarray,
    group: np.ndarray,
    coef: np.ndarray,
    weights: np.ndarray | None = None,
    level: float = LEVEL,
) -> Estimate:
    """θ = Σ coef[g, k] R[g, k] and its wild cluster restricted bootstrap interval.

    y and n are (clusters × cells), group holds 0 or 1 per cluster, coef is (2 × cells); weights
    is (draws × clusters), by default webb_weights(DRAWS, clusters). No value when a cell the
    contrast uses has no denominator; no interval with fewer than two clusters with data in a
    group.
    """
    y, n = np.asarray(y, dtype=float), np.asarray(n, dtype=float)
    group, coef = np.asarray(group, dtype=int), np.asarray(coef, dtype=float)
    used = coef != 0
    totals_n = np.stack([n[group == g].sum(axis=0) for g in (0, 1)])
    if np.any(used & (totals_n <= 0)):
        return Estimate(None)
    ratios = np.where(used, pooled_ratios(y, n, group), 0.0)
    value = float((coef * ratios).sum())
    in_use = (n * used[group]).sum(axis=1) > 0
    counts = tuple(int((in_use & (group == g)).sum()) for g in (0, 1))
    if min(counts) < 2:
        return Estimate(value, clusters=counts)

    residuals = (y - ratios[group] * n) * used[group]  # e_ak, zero in cells not used
    per_unit = np.where(used, coef / np.where(totals_n > 0, totals_n, 1.0), 0.0)  # c / N
    scale = np.sqrt(np.array([c / (c - 1) for c in counts]))[group]
    influence = (per_unit[group] * residuals).sum(axis=1)  # ψ_a
    se = float(np.sqrt(((scale * influence) ** 2).sum()))
    if se == 0.0:
        return Estimate(value, value, value, counts)
    if weights is None:
        weights = webb_weights(DRAWS, y.shape[0])
    # Imposing θ = value − d moves each fitted ratio by d·λ·c/N (the constrained weighted fit),
    # so the restricted residuals are e + d·u with u as below: every draw's statistic is then a
    # simple function of d, and the interval is found by searching d alone.
    shift = n * (per_unit / (coef**2 / np.where(totals_n > 0, totals_n, 1.0)).sum())[group]
    shift *= used[group]
    draws = _Draws.build(weights, residuals, shift, n, group, totals_n, per_unit, scale)
    alpha = 1.0 - level
    low = value - _boundary(draws, se, alpha, direction=1.0)
    high = value - _boundary(draws, se, alpha, direction=-1.0)
    return Estimate(value, low, high, counts)


@dataclass(frozen=True)
class _Draws:
    """Per draw b, θ* − θ0 = a_b + d·b_b and se*² = q0_b + 2d·q1_b + d²·q2_b (d = value − θ0)."""

    a: np.ndarray
    b: np.ndarray
    q0: np.ndarray
    q1: np.ndarray
    q2: np.ndarray

    @classmethod
    def build(cls, weights, residuals, shift, n, group, totals_n, per_unit, scale) -> _Draws:
        # The products below are small: BLAS threads only wait on each other for them, several
        # times slower on a server whose cores are busy with other sessions.
        with threadpool_limits(limits=1, user_api="blas"):
            return cls._build(weights, residuals, shift, n, group, totals_n, per_unit, scale)

    @classmethod
    def _build(cls, weights, residuals, shift, n, group, totals_n, per_unit, scale) -> _Draws:
        parts: list[list[np.ndarray]] = [[], [], [], [], []]
        blocks = max(1, -(-weights.size // _BLOCK_ELEMENTS))
        for block in np.array_split(weights, blocks):
            base = _refit_influence(block, residuals, n, group, totals_n, per_unit)
            moved = _refit_influence(block, shift, n, group, totals_n, per_unit)
            parts[0].append(block @ (per_unit[group] * residuals).sum(axis=1))
            parts[1].append(block @ (per_unit[group] * shift).sum(axis=1))
            parts[2].append(((scale * base) ** 2).sum(axis=1))
            parts[3].append((scale**2 * base * moved).sum(axis=1))
            parts[4].append(((scale * moved) ** 2).sum(axis=1))
        return cls(*(np.concatenate(part) for part in parts))

    def p_value(self, d: float, se: float) -> float:
        """The share of draws whose |t*| reaches the observed |t| when θ0 = value − d."""
        spread = np.sqrt(np.maximum(self.q0 + 2 * d * self.q1 + d * d * self.q2, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            t_draws = np.abs(self.a + d * self.b) / spread
        t_observed = abs(d) / se
        return float(np.mean(np.nan_to_num(t_draws, nan=np.inf) >= t_observed - 1e-12))


def _refit_influence(weights, residuals, n, group, totals_n, per_unit) -> np.ndarray:
    """Each cluster's influence after refitting the draws' data fit + v·e (draws × clusters).

    Cluster a's refitted residual in cell k is v_a e_ak − n_ak S_gk / N_gk, with S_gk the sum of
    v e over its group g; its influence Σ_k c_gk/N_gk · that residual splits into v_a times a
    constant and a matrix product of the group sums, so no (draws × clusters × cells) array.
    """
    safe_totals = np.where(totals_n > 0, totals_n, 1.0)
    own = (per_unit[group] * residuals).sum(axis=1)  # Σ_k c/N e_ak
    influence = weights * own[None]
    for g in (0, 1):
        members = group == g
        if not members.any():
            continue
        sums = weights[:, members] @ residuals[members]  # S_gk per draw
        loading = per_unit[g][None] * n[members] / safe_totals[g][None]  # c/N · n_ak / N_gk
        influence[:, members] -= sums @ loading.T
    return influence


def _boundary(draws: _Draws, se: float, alpha: float, direction: float) -> float:
    """The d (value − θ0, on one side) where the p-value falls to alpha: widen, then bisect."""
    inside, outside = 0.0, direction * se
    while draws.p_value(outside, se) > alpha:
        inside, outside = outside, outside * 2
        if abs(outside) > 1e6 * se:  # never rejected: the data cannot bound this side
            return outside
    # Down to a millionth of the standard error: far finer than any figure shown.
    while abs(outside - inside) > 1e-6 * se:
        middle = (inside + outside) / 2
        if draws.p_value(middle, se) > alpha:
            inside = middle
        else:
            outside = middle
    return (inside + outside) / 2


def did_coefficients() -> np.ndarray:
    """coef for cells (before, during): the pilot's change minus the others' change."""
    return np.array([[1.0, -1.0], [-1.0, 1.0]])


def slope_coefficients(positions: np.ndarray) -> np.ndarray:
    """coef for cells at `positions` (months): the least-squares slope of pilot − others."""
    positions = np.asarray(positions, dtype=float)
    centred = positions - positions.mean()
    spread = (centred**2).sum()
    slope = centred / spread if spread > 0 else np.zeros_like(centred)
    return np.stack([-slope, slope])
