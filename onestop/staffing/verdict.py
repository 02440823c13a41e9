"""The staffing verdict as a finding: one sentence and the figures behind it.

Written from the staffing answer (`staffing.answer`) for the current filters with the page's
default what-ifs, so the overview and the staffing page say the same thing: the verdict is the
answer's smallest staff level by the simulation, and its figures are that level's.
"""

from __future__ import annotations

from dataclasses import dataclass

from onestop.core.i18n import format_int, t
from onestop.staffing.answer import minutes_phrase, share_beside, threshold_share
from onestop.staffing.models import MAX_STAFF, ServiceTarget


@dataclass(frozen=True)
class Figure:
    """One figure beside the verdict: a label, its value as text, and a help line."""

    key: str
    label: str
    value: str
    help: str


@dataclass(frozen=True)
class Verdict:
    """The finding, its kind, the staff it needs and the figures behind it."""

    kind: str  # "one", "more", "none" or "no_load"
    staff: int | None
    sentence: str
    figures: tuple[Figure, ...]


def agencies_phrase(agency_count: int | None, lang: str) -> str:
    """`6 cơ quan` / `6 agencies`; `every agency` when the filter names none (all)."""
    if not agency_count:
        return t("verdict.agencies_every", lang)
    number = format_int(agency_count, lang)
    return t(f"staffing.agencies_{'one' if number == '1' else 'other'}", lang, n=number)


def _staff_phrase(staff: int, lang: str) -> str:
    number = format_int(staff, lang)
    return t(f"staffing.staff_{'one' if number == '1' else 'other'}", lang, n=number)


def _wait(target: ServiceTarget, lang: str) -> str:
    digits = 0 if float(target.wait_min).is_integer() else 1
    return minutes_phrase(target.wait_min, lang, digits)


def _within(result: dict, target: ServiceTarget, lang: str) -> str:
    share = 1.0 - result["p_wait_over_target"]
    return share_beside(share, target.share_within, target.waits_met(result), lang)


def _busy(result: dict, target: ServiceTarget, lang: str) -> str:
    return share_beside(
        result["utilisation"], target.max_utilisation, not target.busy_met(result), lang
    )


def shortfall(result: dict, target: ServiceTarget, lang: str) -> str:
    """Why a level falls short, in words: its waits, its busy share, or both."""
    verdict = target.verdict(result)
    return t(
        f"verdict.shortfall_{verdict}",
        lang,
        within=_within(result, target, lang),
        wait=_wait(target, lang),
        busy=_busy(result, target, lang),
    )


def _figures(result: dict | None, staff: int | None, target: ServiceTarget, lang: str):
    wait = _wait(target, lang)
    staff_value = (
        format_int(staff, lang)
        if staff is not None
        else t("verdict.figure_staff_beyond", lang, most=format_int(MAX_STAFF, lang))
    )
    figures = [
        Figure(
            "staff",
            t("verdict.figure_staff", lang),
            staff_value,
            t("verdict.figure_staff_help", lang),
        )
    ]
    if result is not None:
        figures += [
            Figure(
                "busy",
                t("verdict.figure_busy", lang),
                _busy(result, target, lang),
                t(
                    "verdict.figure_busy_help",
                    lang,
                    limit=threshold_share(target.max_utilisation, lang),
                ),
            ),
            Figure(
                "within",
                t("verdict.figure_within", lang, wait=wait),
                _within(result, target, lang),
                t(
                    "verdict.figure_within_help",
                    lang,
                    wait=wait,
                    share=threshold_share(target.share_within, lang),
                ),
            ),
        ]
    return tuple(figures)


def figure_labels(target: ServiceTarget, lang: str) -> set[str]:
    """The labels of the verdict's figures (to tell them from other cards on a page)."""
    return {
        t("verdict.figure_staff", lang),
        t("verdict.figure_busy", lang),
        t("verdict.figure_within", lang, wait=_wait(target, lang)),
    }


def verdict(answer: dict, target: ServiceTarget, agency_count: int | None, lang: str) -> Verdict:
    """The finding for a staffing answer: enough with one, with more, with none, or no load.

    `agency_count` is how many agencies the load covers (None or 0: every agency).
    """
    if not answer["has_load"]:
        return Verdict("no_load", None, t("staffing.answer_no_load", lang), ())
    by_staff = {result["staff"]: result for result in answer["scenarios"]}
    enough = answer["smallest_staff"]
    agencies = agencies_phrase(agency_count, lang)
    chosen = by_staff.get(enough) if enough is not None else None
    one = by_staff.get(1)
    if enough == 1 and chosen is not None:
        sentence = t(
            "verdict.one",
            lang,
            agencies=agencies,
            busy=_busy(chosen, target, lang),
            within=_within(chosen, target, lang),
            wait=_wait(target, lang),
        )
        return Verdict("one", 1, sentence, _figures(chosen, 1, target, lang))
    why = shortfall(one, target, lang) if one is not None else ""
    if enough is None:
        most = format_int(MAX_STAFF, lang)
        sentence = t("verdict.none", lang, agencies=agencies, most=most, shortfall=why)
        return Verdict("none", None, sentence, _figures(one, None, target, lang))
    if chosen is None:  # enough beyond the levels the answer lists: its figures are not known
        sentence = t(
            "verdict.more_no_figures",
            lang,
            agencies=agencies,
            shortfall=why,
            staff=_staff_phrase(enough, lang),
        )
        return Verdict("more", enough, sentence, _figures(None, enough, target, lang))
    sentence = t(
        "verdict.more",
        lang,
        agencies=agencies,
        shortfall=why,
        staff=_staff_phrase(enough, lang),
        busy=_busy(chosen, target, lang),
        within=_within(chosen, target, lang),
        wait=_wait(target, lang),
    )
    return Verdict("more", enough, sentence, _figures(chosen, enough, target, lang))
