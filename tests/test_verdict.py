"""The verdict as a finding: one sentence from the staffing answer, its figures on the right side
of their thresholds, in both languages, and a plain statement when no verdict is possible."""

from __future__ import annotations

import pytest

from onestop.core.i18n import t
from onestop.staffing import ServiceTarget
from onestop.staffing.verdict import verdict

TARGET = ServiceTarget()


def scenario(staff: int, utilisation: float, within: float) -> dict:
    return {"staff": staff, "utilisation": utilisation, "p_wait_over_target": 1.0 - within}


def answer(smallest: int | None, *scenarios: dict, has_load: bool = True) -> dict:
    return {"has_load": has_load, "smallest_staff": smallest, "scenarios": list(scenarios)}


def test_one_staffer_is_enough_says_so_with_its_figures():
    found = verdict(answer(1, scenario(1, 0.194, 0.993), scenario(2, 0.1, 1.0)), TARGET, 6, "vi")
    assert found.kind == "one" and found.staff == 1
    assert found.sentence == (
        "Một nhân viên bưu điện là đủ cho 6 cơ quan: bận 19% thời gian, "
        "99% người dân chờ không quá 15 phút."
    )
    assert [(f.key, f.value) for f in found.figures] == [
        ("staff", "1"),
        ("busy", "19%"),
        ("within", "99%"),
    ]
    english = verdict(answer(1, scenario(1, 0.194, 0.993)), TARGET, 1, "en")
    assert english.sentence == (
        "One postal staffer is enough for 1 agency: busy 19% of the time, "
        "99% of citizens wait no more than 15 minutes."
    )


def test_more_staff_needed_says_why_one_falls_short():
    found = verdict(answer(2, scenario(1, 0.62, 0.896), scenario(2, 0.31, 0.995)), TARGET, 7, "vi")
    assert found.kind == "more" and found.staff == 2
    # 89.6% falls short of 90%: it is written 89%, never rounded up to the target.
    assert "chỉ 89% người dân chờ không quá 15 phút" in found.sentence
    assert "Cần 2 nhân viên: khi đó bận 31% thời gian, 99% người dân" in found.sentence
    assert found.sentence.startswith("Một nhân viên bưu điện là không đủ cho 7 cơ quan")


def test_a_busy_staffer_falls_short_on_the_busy_limit():
    found = verdict(answer(2, scenario(1, 0.851, 0.95), scenario(2, 0.43, 0.99)), TARGET, 7, "en")
    # Busy 85.1% fails a limit of "less than 85%": written 85%, never rounded down to 84%.
    assert "the staffer is busy 85% of the time" in found.sentence


def test_no_level_enough_and_enough_beyond_the_listed_levels():
    none = verdict(answer(None, scenario(1, 1.4, 0.1)), TARGET, None, "vi")
    assert none.kind == "none" and none.staff is None
    assert "mọi cơ quan" in none.sentence and "từ 1 đến 8" in none.sentence
    assert none.figures[0].value == "trên 8"
    beyond = verdict(answer(6, scenario(1, 1.4, 0.1)), TARGET, 20, "en")
    assert beyond.kind == "more" and beyond.sentence.endswith("It takes 6 staff.")
    assert [f.key for f in beyond.figures] == ["staff"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_without_load_no_verdict_is_given(lang):
    found = verdict(answer(1, scenario(1, 0.0, 1.0), has_load=False), TARGET, 6, lang)
    assert found.kind == "no_load" and found.staff is None and found.figures == ()
    assert found.sentence == t("staffing.answer_no_load", lang)


def test_a_stricter_target_is_written_in_the_sentence():
    strict = ServiceTarget(share_within=0.95, wait_min=7.5, max_utilisation=0.8)
    found = verdict(answer(1, scenario(1, 0.2, 0.951)), strict, 6, "vi")
    assert "chờ không quá 7,5 phút" in found.sentence
    assert found.figures[2].label == "Chờ không quá 7,5 phút"
