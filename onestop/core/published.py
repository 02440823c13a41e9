"""Checking a published summary (a press release, a year-end report) against the dossier data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import polars as pl

from onestop.core import metrics

# A stated percentage matches when it equals the data's share rounded to one decimal place.
SHARE_TOLERANCE_POINTS = 0.05

# Each published count and the Biểu 06 column it claims to be.
PUBLISHED_COUNTS: dict[str, str] = {
    "received": "received_total",
    "online": "received_online",
    "resolved": "resolved_total",
    "early": "resolved_early",
    "on_time": "resolved_on_time",
    "late": "resolved_late",
    "in_progress": "in_progress_total",
}


@dataclass(frozen=True)
class PublishedSummary:
    """The figures a published report states for a period; the share is in percent."""

    received: int
    online: int
    resolved: int
    early: int
    on_time: int
    late: int
    in_progress: int
    online_share: float


# The pilot's first-year report (DOMAIN.md §1), including its "100% online" claim.
PILOT_REPORT = PublishedSummary(
    received=1700,
    online=1669,
    resolved=1668,
    early=1479,
    on_time=168,
    late=21,
    in_progress=32,
    online_share=100.0,
)


def compare_published(published: PublishedSummary, counts: Mapping[str, int]) -> pl.DataFrame:
    """One row per published figure: published, data, difference (data − published), matches."""
    stated = asdict(published)
    rows = []
    for item, column in PUBLISHED_COUNTS.items():
        data = float(counts[column])
        difference = data - stated[item]
        rows.append((item, "count", float(stated[item]), data, difference, difference == 0))
    share = metrics.compute("online_share", counts)
    if share is not None:
        data = round(share * 100, 6)
        difference = data - published.online_share
        matches = abs(difference) < SHARE_TOLERANCE_POINTS
        rows.append(("online_share", "share", published.online_share, data, difference, matches))
    return pl.DataFrame(
        rows,
        schema={
            "item": pl.String,
            "kind": pl.String,
            "published": pl.Float64,
            "data": pl.Float64,
            "difference": pl.Float64,
            "matches": pl.Boolean,
        },
        orient="row",
    )
