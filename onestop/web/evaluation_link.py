"""The pilot evaluation's period before, kept in its link (pages/evaluation.py).

Pure (no Streamlit), under the filters' rules (onestop/web/url_state.py): whatever a link holds
is parsed, never raised and never passed on as text. Parameters: `before_from` and `before_to`
(YYYY-MM-DD), as `onestop evaluate --before-from/--before-to`; a link naming one end gets the
other as the command does (the pilot period's length). Left out when the period is the default.

A date that is malformed, impossible or outside the page's date picker is dropped with the
`invalid` notice, a start after the end with `order`; the default period is then used. A period
before that overlaps the pilot is kept: the page says why it cannot compare, as when it is picked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from onestop.evaluation.compare import Period, before_period
from onestop.web.url_state import EARLIEST, Notice, link_date, single_value

PARAMS = ("before_from", "before_to")


def picker_bounds(default: Period, pilot_end: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day the page's picker offers (a value outside makes Streamlit raise)."""
    return min(default.start, EARLIEST), max(pilot_end, default.end)


def parse(
    raw: Mapping[str, Sequence[str]],
    during: Period,
    default: Period,
    bounds: tuple[dt.date, dt.date],
) -> tuple[Period, list[Notice]]:
    """The period before a link asks for, and a notice for every value that had to be dropped."""
    notices: list[Notice] = []
    ends: dict[str, dt.date | None] = {}
    for name in PARAMS:
        text = single_value(raw.get(name, ()))
        ends[name] = link_date(text, bounds)
        if text is not None and ends[name] is None:
            notices.append(Notice(name, "invalid"))
    start, end = ends["before_from"], ends["before_to"]
    if start is None and end is None:
        return default, notices
    if start is not None and end is not None and start > end:
        notices.append(Notice("before_from", "order"))
        return default, notices
    period = before_period(during, start, end)
    if period.start < bounds[0] or period.end > bounds[1]:
        # Only one end was given and the other, a pilot's length away, falls off the picker.
        notices.append(Notice("before_to" if end is None else "before_from", "invalid"))
        return default, notices
    return period, notices


def to_params(chosen: Period, default: Period) -> dict[str, list[str]]:
    """The query parameters that reopen this period before (none for the default)."""
    if chosen == default:
        return {}
    return {"before_from": [chosen.start.isoformat()], "before_to": [chosen.end.isoformat()]}
