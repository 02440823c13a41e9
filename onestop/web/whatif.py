"""The staffing what-ifs: the scenario the staffing page shows, kept in its link.

The what-ifs are URL query parameters, so that a scenario is a link. Pure (no Streamlit), under
the filters' rules (onestop/web/url_state.py): whatever a link holds is parsed, never raised and
never passed on as text; a value that is malformed, out of range, off the widget's grid or an
unknown code is dropped with a notice and the default is used instead.

Parameters: `staff` (staff levels to compare, repeatable, 1 to MAX_STAFF), `add` (agency codes
whose load is added, repeatable), `growth` (volume growth in percent, on the page's 5% grid),
`share` and `busy` (the target's share of citizens within the wait and the busy limit, as
fractions on a 0.01 grid), `wait` (the target wait in minutes) and `capacity_staff` (the staff
count the capacity section stretches). Absent parameters take the page's defaults.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from onestop.core.codes import DEFAULT_TASK_MINUTES
from onestop.core.filters import DossierFilter
from onestop.staffing import (
    MAX_STAFF,
    TARGET_WAIT_RANGE,
    TASK_MINUTES_RANGE,
    MeasuredLoad,
    Question,
    ServiceTarget,
    SimulationSettings,
)
from onestop.staffing.capacity import DEFAULT_STAFF as DEFAULT_CAPACITY_STAFF
from onestop.web.url_state import MAX_VALUES, Notice

PARAMS = ("staff", "add", "growth", "share", "wait", "busy", "capacity_staff")
STAFF_OPTIONS = tuple(range(1, MAX_STAFF + 1))
DEFAULT_STAFF = (1, 2, 3, 4)
# The page's widgets: what a link may set is what they can show.
GROWTH_SLIDER = (-50, 200, 5)
SHARE_SLIDER = (0.5, 0.99, 0.01)
BUSY_SLIDER = (0.5, 1.0, 0.01)
WAIT_INPUT = (*TARGET_WAIT_RANGE, 0.5)
# The +/- buttons step by half a minute, but any wait can be typed; the page keeps two
# decimals, so a link may hold any hundredth (a typed 15.3 must reopen as 15.3).
WAIT_GRID = (*TARGET_WAIT_RANGE, 0.01)


@dataclass(frozen=True)
class WhatIf:
    """A staffing scenario: the levels compared, agencies added, growth, target, capacity staff."""

    staff: tuple[int, ...] = DEFAULT_STAFF
    added_agency_ids: tuple[int, ...] = ()
    growth_pct: int = 0
    target: ServiceTarget = field(default_factory=ServiceTarget)
    capacity_staff: int = DEFAULT_CAPACITY_STAFF

    def question(
        self,
        chosen: DossierFilter,
        task_minutes: Mapping[str, float] | None = None,
        settings: SimulationSettings | None = None,
    ) -> Question:
        """The staffing question this scenario asks of a filter's data.

        The simulation counts waits against the target's wait, whatever the settings said.
        """
        settings = replace(settings or SimulationSettings(), target_wait_min=self.target.wait_min)
        return Question(
            chosen,
            tuple(sorted(self.staff)),
            tuple(sorted(self.added_agency_ids)),
            float(self.growth_pct),
            dict(task_minutes or {}),
            self.target,
            settings,
        )


def shown_minutes(measured: MeasuredLoad) -> dict[str, float]:
    """The minutes per task the page's inputs start from: measured, to a tenth (at least 0.1)."""
    return {task: max(round(measured.task_minutes[task], 1), 0.1) for task in DEFAULT_TASK_MINUTES}


def minutes_bounds(shown: float) -> tuple[float, float]:
    """An input's bounds: the usual range, widened to hold what was measured (a number outside
    its bounds makes Streamlit raise; tickets served in seconds or in hours happen)."""
    low, high = TASK_MINUTES_RANGE
    return min(low, shown), max(high, shown)


def changed_minutes(measured: MeasuredLoad, inputs: Mapping[str, float]) -> dict[str, float]:
    """The inputs that differ from the measured minutes as shown: what the models must use."""
    shown = shown_minutes(measured)
    return {task: value for task, value in inputs.items() if value != shown[task]}


def _whole(text: str) -> int | None:
    """A small whole number written in ASCII digits (str.isdigit accepts other scripts' too)."""
    return int(text) if re.fullmatch(r"[0-9]{1,3}", text) else None


def _cleaned(values: Sequence[str]) -> list[str]:
    return [value.strip() for value in values if value and value.strip()]


def _single(values: Sequence[str]) -> str | None:
    cleaned = _cleaned(values)
    return cleaned[-1] if cleaned else None


def _on_grid(text: str | None, low: float, high: float, step: float) -> float | None:
    """A finite number within [low, high] on the step grid from low, else None."""
    if text is None or len(text) > 20:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or not low <= value <= high:
        return None
    steps = (value - low) / step
    if abs(steps - round(steps)) > 1e-6:
        return None
    return round(low + round(steps) * step, 6)


def _number(
    name: str,
    raw: Mapping[str, Sequence[str]],
    grid: tuple[float, float, float],
    default: float,
    notices: list[Notice],
) -> float:
    text = _single(raw.get(name, ()))
    if text is None:
        return default
    value = _on_grid(text, *grid)
    if value is None:
        notices.append(Notice(name, "invalid"))
        return default
    return value


def _staff(values: Sequence[str], notices: list[Notice]) -> tuple[int, ...]:
    cleaned = _cleaned(values)
    if not cleaned:
        return DEFAULT_STAFF
    if len(cleaned) > MAX_VALUES:
        notices.append(Notice("staff", "too_many"))
        cleaned = cleaned[:MAX_VALUES]
    numbers = [_whole(value) for value in cleaned]
    levels = {number for number in numbers if number in STAFF_OPTIONS}
    if any(number not in STAFF_OPTIONS for number in numbers):
        notices.append(Notice("staff", "invalid"))
    return tuple(sorted(levels)) or DEFAULT_STAFF


def _added(
    values: Sequence[str],
    agencies: Mapping[str, int],
    chosen: Sequence[int],
    notices: list[Notice],
) -> tuple[int, ...]:
    cleaned = _cleaned(values)
    if len(cleaned) > MAX_VALUES:
        notices.append(Notice("add", "too_many"))
        cleaned = cleaned[:MAX_VALUES]
    if any(value not in agencies for value in cleaned):
        notices.append(Notice("add", "unknown"))
    # An agency the filter already covers adds nothing: it is left out without a word.
    ids = {agencies[value] for value in cleaned if value in agencies}
    return tuple(sorted(ids - set(chosen))) if chosen else ()


def _capacity_staff(values: Sequence[str], notices: list[Notice]) -> int:
    text = _single(values)
    if text is None:
        return 1
    if _whole(text) in STAFF_OPTIONS:
        return int(text)
    notices.append(Notice("capacity_staff", "invalid"))
    return 1


def parse(
    raw: Mapping[str, Sequence[str]], agencies: Mapping[str, int], chosen: Sequence[int]
) -> tuple[WhatIf, list[Notice]]:
    """The scenario a link asks for, and a notice for every value that had to be dropped.

    `agencies` maps agency codes to ids; `chosen` are the filter's agency ids (empty: all, and
    then there is nothing left to add).
    """
    notices: list[Notice] = []
    default = ServiceTarget()
    target = ServiceTarget(
        share_within=_number("share", raw, SHARE_SLIDER, default.share_within, notices),
        wait_min=_number("wait", raw, WAIT_GRID, default.wait_min, notices),
        max_utilisation=_number("busy", raw, BUSY_SLIDER, default.max_utilisation, notices),
    )
    scenario = WhatIf(
        staff=_staff(raw.get("staff", ()), notices),
        added_agency_ids=_added(raw.get("add", ()), agencies, chosen, notices),
        growth_pct=int(_number("growth", raw, GROWTH_SLIDER, 0, notices)),
        target=target,
        capacity_staff=_capacity_staff(raw.get("capacity_staff", ()), notices),
    )
    return scenario, notices


def _figure(value: float) -> str:
    """A number as short as it reads: 15 not 15.0, 0.9 not 0.90."""
    return f"{value:g}"


def to_params(scenario: WhatIf, agencies: Mapping[str, int]) -> dict[str, list[str]]:
    """The shortest query parameters that reopen this scenario (defaults are left out)."""
    params: dict[str, list[str]] = {}
    if tuple(sorted(scenario.staff)) != DEFAULT_STAFF:
        params["staff"] = [str(level) for level in sorted(scenario.staff)]
    if scenario.added_agency_ids:
        codes = {agency_id: code for code, agency_id in agencies.items()}
        params["add"] = sorted(codes[i] for i in scenario.added_agency_ids if i in codes)
    if scenario.growth_pct:
        params["growth"] = [str(int(scenario.growth_pct))]
    default = ServiceTarget()
    for name, value, standard in (
        ("share", scenario.target.share_within, default.share_within),
        ("wait", scenario.target.wait_min, default.wait_min),
        ("busy", scenario.target.max_utilisation, default.max_utilisation),
    ):
        if value != standard:
            params[name] = [_figure(value)]
    if scenario.capacity_staff != 1:
        params["capacity_staff"] = [str(scenario.capacity_staff)]
    return params
