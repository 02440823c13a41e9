"""How late a late dossier is: most end one or two working days after their due date, a few much
later — a geometric body and a log-normal tail, as lateness is in real one-stop data (a missing
signature costs a day; a dossier waiting on another agency, weeks)."""

from __future__ import annotations

import numpy as np

LATE_BODY_P = 0.55  # the body: 55% one day late, then 25%, 11%, …
LATE_TAIL_SHARE = 0.15  # the share of late dossiers in the tail
LATE_TAIL_MEDIAN = 7.0  # working days
LATE_TAIL_SIGMA = 0.75
LONGEST_LATE = 60  # working days: no demo dossier is later than about three months


def late_working_days(
    rng: np.random.Generator, size: int, longest: int = LONGEST_LATE
) -> np.ndarray:
    """Working days past the due date for `size` late dossiers: from 1 to `longest`."""
    body = rng.geometric(LATE_BODY_P, size)
    tail = np.ceil(rng.lognormal(np.log(LATE_TAIL_MEDIAN), LATE_TAIL_SIGMA, size))
    days = np.where(rng.random(size) < LATE_TAIL_SHARE, tail, body)
    return np.clip(days, 1, longest).astype("int64")
