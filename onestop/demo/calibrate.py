"""The pilot year calibrated to its published report (DOMAIN.md §1): outcomes are assigned, not
drawn, so that Biểu 06 for 2023 gives exactly the published figures.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from onestop.core import codes
from onestop.core.calendar import add_working_days, working_days
from onestop.core.published import PILOT_REPORT, PUBLISHED_COUNTS
from onestop.demo.lateness import late_working_days

# The pilot report (DOMAIN.md §1), as Biểu 06 columns: what the demo's 2023 must give.
PILOT_TARGET = {
    column: getattr(PILOT_REPORT, item)
    for item, column in PUBLISHED_COUNTS.items()
    if column != "resolved_total"  # the sum of the three resolved classes
}


# Of the pilot year's paper (non-online) dossiers, the share still logged as handed in in person.
PILOT_IN_PERSON_OF_PAPER = 0.1

PILOT_START = dt.date(2023, 1, 1)
PILOT_END = dt.date(2023, 12, 31)


def calibrate_pilot(rng: np.random.Generator, columns: dict, received_day: np.ndarray) -> dict:
    """Assign the pilot year's outcomes so that Biểu 06 gives exactly the published figures."""
    size = received_day.size
    target = PILOT_TARGET
    last_day = working_days(PILOT_END - dt.timedelta(days=10), PILOT_END)[-1]
    due_day = columns["due_day"]
    order = np.argsort(received_day, kind="stable")

    # The latest receptions are the ones still in progress at the year's end.
    in_progress = np.zeros(size, dtype=bool)
    in_progress[rng.choice(order[-60:], size=target["in_progress_total"], replace=False)] = True
    remaining = ~in_progress
    late_pool = np.flatnonzero(remaining & (due_day <= np.datetime64("2023-12-08")))
    late = np.zeros(size, dtype=bool)
    late[rng.choice(late_pool, size=target["resolved_late"], replace=False)] = True
    remaining &= ~late
    on_due_pool = np.flatnonzero(remaining & (due_day <= last_day))
    on_due = np.zeros(size, dtype=bool)
    on_due[rng.choice(on_due_pool, size=target["resolved_on_time"], replace=False)] = True
    early = remaining & ~on_due

    allowed = columns["supplement_days"] + columns["processing_days"]
    early_offset = np.floor(rng.beta(2.0, 2.5, size) * allowed).astype("int64")
    early_end = np.minimum(add_working_days(received_day, early_offset), last_day)
    end_day = np.select(
        [early, on_due, late],
        # Late by the same skewed days as elsewhere, within the year (due by 8 December).
        [early_end, due_day, add_working_days(due_day, late_working_days(rng, size, 14))],
        np.datetime64("NaT", "D"),
    )
    # A few dossiers resolved "on the due date" were in fact withdrawn or stopped.
    withdrawn = on_due & (rng.random(size) < 0.04)
    stopped = on_due & ~withdrawn & (rng.random(size) < 0.02)
    waiting = in_progress & (columns["supplement_count"] > 0)
    columns["status"] = np.select(
        [in_progress & waiting, in_progress, withdrawn, stopped],
        [codes.SUPPLEMENTATION, codes.PROCESSING, codes.WITHDRAWN, codes.STOPPED],
        codes.RETURNED,
    )
    columns["end_day"] = end_day
    columns["is_open"] = in_progress

    online = np.zeros(size, dtype=bool)
    online[rng.choice(size, size=target["received_online"], replace=False)] = True
    # The post office runs the pilot's counter: its paper dossiers are taken in through the
    # public postal service (Bưu chính công ích); a few are still logged as handed in in person.
    paper = np.where(rng.random(size) < PILOT_IN_PERSON_OF_PAPER, codes.IN_PERSON, codes.POSTAL)
    columns["channel"] = np.where(online, codes.ONLINE, paper)
    return columns
