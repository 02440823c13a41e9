"""The capacity answer in words, figures, charts and JSON (the command: onestop/cli/capacity.py)."""

from __future__ import annotations

import math

import polars as pl

from onestop.core.charts import ChartSpec, Guide
from onestop.core.db import Store
from onestop.core.i18n import format_decimal, format_int, format_month, t
from onestop.core.text import markdown_literal
from onestop.staffing.answer import (
    minutes_phrase,
    share_beside,
    threshold_share,
    verdict_sentence,
)
from onestop.staffing.capacity import MIN_FACTOR, Capacity, Peak
from onestop.staffing.models import ServiceTarget

# Agency names hold commas ("Sở Văn hóa, Thể thao và Du lịch"): lists of them use semicolons.
NAME_SEPARATOR = "; "
WITHIN_COLOUR = "#0072B2"
BUSY_COLOUR = "#D55E00"
MARKER_COLOUR = "#555555"
GROWTH_COLOUR = "#009E73"


def staff_phrase(staff: int, lang: str) -> str:
    """`1 nhân viên`, `2 staff`."""
    number = format_int(staff, lang)
    return t(f"staffing.staff_{'one' if number == '1' else 'other'}", lang, n=number)


def _times(factor: float, lang: str) -> str:
    return format_decimal(factor, lang, 2)


def factor_sentence(answer: Capacity, lang: str) -> str:
    """How far the volume may grow with this staff count (or must shrink)."""
    search, staff = answer.search, staff_phrase(answer.staff, lang)
    if search.meets is None:
        return t("capacity.factor_none", lang, staff=staff, factor=_times(MIN_FACTOR, lang))
    if search.capped:
        return t("capacity.factor_capped", lang, staff=staff, factor=_times(search.meets, lang))
    key = "capacity.factor" if search.meets >= 1.0 else "capacity.factor_below"
    return t(
        key,
        lang,
        staff=staff,
        factor=_times(search.factor, lang),
        fails=_times(search.fails, lang),
    )


def _names(answer: Capacity, names: dict[int, str], markdown: bool) -> dict[int, str]:
    shown = {}
    for step in answer.steps:
        if step.agency_id is not None:
            name = str(names.get(step.agency_id, step.agency_id))
            shown[step.agency_id] = markdown_literal(name) if markdown else name
    return shown


def agencies_sentence(
    answer: Capacity, names: dict[int, str], lang: str, markdown: bool = False
) -> str:
    """Which agencies fit, lightest first, and the first that breaks the target."""
    shown = _names(answer, names, markdown)
    if not answer.steps or not answer.steps[0].meets:
        return t("capacity.agencies_today_fails", lang)
    fitting = [shown[step.agency_id] for step in answer.fitting]
    first = answer.first_over
    count = format_int(len(fitting), lang)
    agencies = t(f"staffing.agencies_{'one' if count == '1' else 'other'}", lang, n=count)
    if first is None and not fitting:
        return t("capacity.agencies_none_left", lang)
    if first is None:
        return t("capacity.agencies_all", lang, count=agencies, names=NAME_SEPARATOR.join(fitting))
    if not fitting:
        return t("capacity.agencies_first_fails", lang, first=shown[first.agency_id])
    return t(
        "capacity.agencies_some",
        lang,
        count=agencies,
        names=NAME_SEPARATOR.join(fitting),
        first=shown[first.agency_id],
    )


def _verdict(peak: Peak, target: ServiceTarget, lang: str) -> str:
    """The peak's verdict and the two shares behind it: "met" alone hides how close it was."""
    figures = peak_figures(peak, target, lang)
    wait = minutes_phrase(target.wait_min, lang, 0 if float(target.wait_min).is_integer() else 1)
    return " ".join(
        (
            verdict_sentence(target.verdict(peak.result), target, lang),
            t("capacity.peak_figures", lang, wait=wait, **figures),
        )
    )


def _per(value: float, lang: str) -> str:
    return format_decimal(value, lang, 0 if value >= 10 else 1)


def peak_sentence(answer: Capacity, peak: Peak, lang: str) -> str:
    """A peak month's or peak hour's verdict, on its own."""
    target = answer.question.target
    if peak.month is not None:
        return t(
            "capacity.peak_month",
            lang,
            month=format_month(peak.month, lang),
            per_day=_per(peak.citizens_per_day, lang),
            verdict=_verdict(peak, target, lang),
        )
    return t(
        "capacity.peak_hour",
        lang,
        weekday=t(f"agency_load.weekday_{peak.weekday}", lang),
        start=peak.hour,
        end=peak.hour + 1,
        per_hour=_per(peak.citizens_per_hour, lang),
        verdict=_verdict(peak, target, lang),
    )


def peak_sentences(answer: Capacity, lang: str) -> list[str]:
    """The peak month's and the peak hour's verdicts, each on its own."""
    peaks = [p for p in (answer.peak_month, answer.peak_hour) if p is not None]
    return [peak_sentence(answer, peak, lang) for peak in peaks] or [t("capacity.peak_none", lang)]


def sentences(answer: Capacity, names: dict[int, str], lang: str, markdown: bool = False):
    """Every sentence of the capacity answer, in reading order."""
    if not answer.has_load:
        return [t("staffing.answer_no_load", lang)]
    return [
        factor_sentence(answer, lang),
        agencies_sentence(answer, names, lang, markdown),
        *peak_sentences(answer, lang),
    ]


# --- JSON and the text table ------------------------------------------------------------------


def _peak_json(peak: Peak | None) -> dict | None:
    if peak is None:
        return None
    figures = {
        "citizens_per_day": round(peak.citizens_per_day, 2),
        "citizens_per_hour": round(peak.citizens_per_hour, 2),
        "utilisation": round(peak.result["utilisation"], 4),
        "share_within_target": round(1.0 - peak.result["p_wait_over_target"], 4),
        "meets_target": peak.meets,
    }
    if peak.month is not None:
        return {"month": peak.month.strftime("%Y-%m"), **figures}
    return {"weekday": peak.weekday, "hour": peak.hour, **figures}


def to_json(answer: Capacity, names: dict[int, str]) -> dict:
    """The machine answer: the issue's keys, names as the data spells them."""
    peaks = [p for p in (answer.peak_month, answer.peak_hour) if p is not None]
    target = answer.question.target
    return {
        "staff": answer.staff,
        "max_volume_factor": answer.search.factor,
        "agencies_added": [str(names.get(s.agency_id, s.agency_id)) for s in answer.fitting],
        "first_agency_over_target": None
        if answer.first_over is None
        else str(names.get(answer.first_over.agency_id, answer.first_over.agency_id)),
        "peak": {
            "month": _peak_json(answer.peak_month),
            "hour": _peak_json(answer.peak_hour),
            "meets_target": all(p.meets for p in peaks) if peaks else None,
        },
        "target": {
            "share_within": target.share_within,
            "wait_min": target.wait_min,
            "max_utilisation": target.max_utilisation,
        },
    }


def curve_frame(answer: Capacity) -> pl.DataFrame:
    """One row per simulated volume factor: the measures the chart and the table show."""
    return pl.DataFrame(
        [
            {
                "factor": probe.factor,
                "within": _share(1.0 - probe.result["p_wait_over_target"]),
                "busy": _share(probe.result["utilisation"]),
                "mean_wait_min": probe.result["mean_wait_min"],
                "meets_target": probe.meets,
            }
            for probe in answer.curve
        ],
        schema={
            "factor": pl.Float64,
            "within": pl.Float64,
            "busy": pl.Float64,
            "mean_wait_min": pl.Float64,
            "meets_target": pl.Boolean,
        },
    )


def steps_frame(answer: Capacity, names: dict[int, str], lang: str) -> pl.DataFrame:
    """One row per agency added (the first row: today's), with the measures after adding it."""
    rows = []
    for step in answer.steps:
        rows.append(
            {
                "step": _step_label(step.agency_id, names, lang),
                "own_minutes": step.own_minutes,
                "citizens_per_day": step.citizens_per_day,
                "within": _share(1.0 - step.result["p_wait_over_target"]),
                "busy": _share(step.result["utilisation"]),
                "meets_target": step.meets,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "step": pl.String,
            "own_minutes": pl.Float64,
            "citizens_per_day": pl.Float64,
            "within": pl.Float64,
            "busy": pl.Float64,
            "meets_target": pl.Boolean,
        },
    )


def _step_label(agency_id: int | None, names: dict[int, str], lang: str) -> str:
    if agency_id is None:
        return t("capacity.step_today", lang)
    return t("capacity.step_added", lang, name=str(names.get(agency_id, agency_id)))


def breadth_table(breadth: pl.DataFrame, names: dict[int, str], lang: str) -> pl.DataFrame:
    """Breadth steps (capacity.breadth_steps) with each row named: today's, then each agency."""
    labels = [_step_label(agency_id, names, lang) for agency_id in breadth["agency_id"].to_list()]
    return breadth.drop("agency_id").insert_column(0, pl.Series("step", labels, pl.String))


def steps_table(
    answer: Capacity, breadth: pl.DataFrame, names: dict[int, str], lang: str
) -> pl.DataFrame:
    """The agency steps with their load, breadth and measures, the verdict in words."""
    steps = steps_frame(answer, names, lang)
    return pl.concat(
        [steps.drop("meets_target"), breadth_table(breadth, names, lang).drop("step")],
        how="horizontal",
    ).with_columns(
        meets_target=steps["meets_target"].replace_strict(
            {True: t("capacity.meets", lang), False: t("capacity.fails", lang)},
            return_dtype=pl.String,
        )
    )


def _share(value: float) -> float:
    """A share for charts and tables: floating-point dust outside [0, 1] removed."""
    return min(max(float(value), 0.0), 1.0)


COLUMN_KEYS = {
    "factor": "capacity.column_factor",
    "within": "capacity.column_within",
    "busy": "capacity.column_busy",
    "mean_wait_min": "staffing.column_mean_wait_min",
    "meets_target": "capacity.column_meets",
    "step": "capacity.column_step",
    "own_minutes": "capacity.column_own_minutes",
    "citizens_per_day": "capacity.column_citizens",
    "own_procedures": "capacity.column_own_procedures",
    "own_fields": "capacity.column_own_fields",
    "procedures": "capacity.column_procedures",
    "fields": "capacity.column_fields",
}


def to_table(answer: Capacity, names: dict[int, str], lang: str) -> str:
    """The curve and the agency steps as aligned text, then the sentences."""
    lines = []
    for frame in (curve_frame(answer), steps_frame(answer, names, lang)):
        if frame.height == 0:
            continue
        header = [t(COLUMN_KEYS[name], lang) for name in frame.columns]
        rows = [[_cell(k, v, lang) for k, v in row.items()] for row in frame.to_dicts()]
        widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
        for line in [header, *rows]:
            lines.append("  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)))
        lines.append("")
    lines.extend(sentences(answer, names, lang))
    return "\n".join(lines) + "\n"


def _cell(name: str, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, bool):
        return t("capacity.meets" if value else "capacity.fails", lang)
    if name in ("within", "busy"):
        return f"{format_decimal(value * 100, lang, 1)}%"
    if isinstance(value, float):
        return format_decimal(value, lang, 2 if name == "factor" else 1)
    return str(value)


# --- charts ------------------------------------------------------------------------------------


def _series_labels(target: ServiceTarget, lang: str) -> dict[str, str]:
    wait = minutes_phrase(target.wait_min, lang, 0 if float(target.wait_min).is_integer() else 1)
    return {
        "within": t("capacity.series_within", lang, wait=wait),
        "busy": t("capacity.series_busy", lang),
    }


def _target_guides(target: ServiceTarget, lang: str) -> tuple[Guide, ...]:
    return (
        Guide(
            "value",
            target.share_within,
            t("capacity.guide_within", lang, share=threshold_share(target.share_within, lang)),
            WITHIN_COLOUR,
        ),
        Guide(
            "value",
            target.max_utilisation,
            t("capacity.guide_busy", lang, limit=threshold_share(target.max_utilisation, lang)),
            BUSY_COLOUR,
            below=target.max_utilisation <= target.share_within,
        ),
    )


def _long(frame: pl.DataFrame, x: str) -> pl.DataFrame:
    return frame.unpivot(on=["within", "busy"], index=x, variable_name="series", value_name="value")


def factor_chart(answer: Capacity, lang: str) -> ChartSpec:
    """Share within the wait and busy share against the volume factor, targets and today marked."""
    target = answer.question.target
    guides = [
        *_target_guides(target, lang),
        Guide("category", 1.0, t("capacity.guide_today", lang)),
    ]
    if answer.search.meets is not None and not math.isclose(answer.search.meets, 1.0):
        guides.append(
            Guide(
                "category",
                answer.search.meets,
                t("capacity.guide_max", lang, factor=_times(answer.search.factor, lang)),
                MARKER_COLOUR,
                # Left of today's marker the label goes on the line's left, clear of today's.
                position="bottom left" if answer.search.meets < 1.0 else None,
            )
        )
    growth = answer.question.growth_pct
    if growth:
        guides.append(
            Guide(
                "category",
                1.0 + growth / 100.0,
                t("capacity.guide_growth", lang, growth=f"{growth:+g}%"),
                GROWTH_COLOUR,
                position="right",  # mid-height: the foot holds today's label
            )
        )
    return ChartSpec(
        "line",
        _long(curve_frame(answer), "factor"),
        "factor",
        "value",
        t("capacity.chart_factor", lang, staff=staff_phrase(answer.staff, lang)),
        t("capacity.axis_factor", lang),
        t("capacity.axis_share", lang),
        series="series",
        series_labels=_series_labels(target, lang),
        colours={"within": WITHIN_COLOUR, "busy": BUSY_COLOUR},
        value_format="share",
        guides=tuple(guides),
    )


def agencies_chart(answer: Capacity, names: dict[int, str], lang: str) -> ChartSpec:
    """The same measures as agencies are added one by one (today first), targets drawn."""
    target = answer.question.target
    frame = steps_frame(answer, names, lang).select("step", "within", "busy")
    return ChartSpec(
        "line",
        _long(frame, "step"),
        "step",
        "value",
        t("capacity.chart_agencies", lang, staff=staff_phrase(answer.staff, lang)),
        t("capacity.axis_agencies", lang),
        t("capacity.axis_share", lang),
        series="series",
        series_labels=_series_labels(target, lang),
        colours={"within": WITHIN_COLOUR, "busy": BUSY_COLOUR},
        value_format="share",
        guides=_target_guides(target, lang),
    )


def peak_figures(peak: Peak, target: ServiceTarget, lang: str) -> dict[str, str]:
    """The two shares of a peak written on the side of their thresholds the verdict puts them."""
    within = 1.0 - peak.result["p_wait_over_target"]
    return {
        "within": share_beside(within, target.share_within, target.waits_met(peak.result), lang),
        "busy": share_beside(
            peak.result["utilisation"],
            target.max_utilisation,
            not target.busy_met(peak.result),
            lang,
        ),
    }


def agency_names(store: Store) -> dict[int, str]:
    """Agency ids to their names, as the data spells them."""
    return agency_names_from(store.query("agencies"))


def agency_names_from(agencies: pl.DataFrame) -> dict[int, str]:
    """Agency ids to their names, from the `agencies` query."""
    return dict(zip(agencies["agency_id"].to_list(), agencies["name"].to_list(), strict=True))
