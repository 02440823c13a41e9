"""whatif: a staffing scenario becomes a link and the link becomes the same scenario; anything
malformed, out of range, off the widgets' grid or unknown is dropped with a notice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onestop.staffing import ServiceTarget
from onestop.web import whatif
from onestop.web.url_state import Notice
from onestop.web.whatif import WhatIf

AGENCIES = {"STP": 1, "SXD": 2, "SYT": 10, "STC": 14}
CHOSEN = (1, 2)  # the filter's agencies: the pilot


def test_no_parameters_give_the_page_defaults():
    assert whatif.parse({}, AGENCIES, CHOSEN) == (WhatIf(), [])
    assert whatif.to_params(WhatIf(), AGENCIES) == {}


def test_every_parameter_is_read():
    raw = {
        "staff": ["1", "2"],
        "add": ["SYT", "STC"],
        "growth": ["25"],
        "share": ["0.8"],
        "wait": ["20"],
        "busy": ["0.9"],
        "capacity_staff": ["2"],
    }
    scenario, notices = whatif.parse(raw, AGENCIES, CHOSEN)
    assert notices == []
    assert scenario == WhatIf((1, 2), (10, 14), 25, ServiceTarget(0.8, 20.0, 0.9), 2)
    assert whatif.to_params(scenario, AGENCIES) == {
        "staff": ["1", "2"],
        "add": ["STC", "SYT"],
        "growth": ["25"],
        "share": ["0.8"],
        "wait": ["20"],
        "busy": ["0.9"],
        "capacity_staff": ["2"],
    }


scenarios = st.builds(
    WhatIf,
    staff=st.sets(st.integers(1, whatif.MAX_STAFF), min_size=1).map(lambda s: tuple(sorted(s))),
    added_agency_ids=st.sets(st.sampled_from([10, 14])).map(lambda s: tuple(sorted(s))),
    growth_pct=st.integers(-10, 40).map(lambda n: n * 5),
    target=st.builds(
        ServiceTarget,
        share_within=st.integers(50, 99).map(lambda n: round(n / 100, 2)),
        wait_min=st.integers(100, 12_000).map(lambda n: round(n / 100, 2)),
        max_utilisation=st.integers(50, 100).map(lambda n: round(n / 100, 2)),
    ),
    capacity_staff=st.integers(1, whatif.MAX_STAFF),
)


@given(scenarios)
def test_a_scenario_survives_its_link(scenario):
    params = whatif.to_params(scenario, AGENCIES)
    assert whatif.parse(params, AGENCIES, CHOSEN) == (scenario, [])


@pytest.mark.parametrize(
    ("raw", "notice"),
    [
        ({"staff": ["0"]}, Notice("staff", "invalid")),
        ({"staff": ["9"]}, Notice("staff", "invalid")),
        ({"staff": ["-1"]}, Notice("staff", "invalid")),
        ({"staff": ["1.5"]}, Notice("staff", "invalid")),
        ({"staff": ["١"]}, Notice("staff", "invalid")),  # an Arabic-Indic digit: isdigit, not ASCII
        ({"staff": ["1 or 1=1"]}, Notice("staff", "invalid")),
        ({"add": ["' or 1=1 --"]}, Notice("add", "unknown")),
        ({"add": ["<script>alert(1)</script>"]}, Notice("add", "unknown")),
        ({"growth": ["abc"]}, Notice("growth", "invalid")),
        ({"growth": ["1e9"]}, Notice("growth", "invalid")),
        ({"growth": ["nan"]}, Notice("growth", "invalid")),
        ({"growth": ["inf"]}, Notice("growth", "invalid")),
        ({"growth": ["-100"]}, Notice("growth", "invalid")),
        ({"growth": ["7"]}, Notice("growth", "invalid")),  # off the slider's 5% grid
        ({"growth": ["1" * 400]}, Notice("growth", "invalid")),
        ({"share": ["90"]}, Notice("share", "invalid")),  # a fraction, not a percentage
        ({"share": ["0.905"]}, Notice("share", "invalid")),
        ({"share": ["1"]}, Notice("share", "invalid")),
        ({"wait": ["0"]}, Notice("wait", "invalid")),
        ({"wait": ["121"]}, Notice("wait", "invalid")),
        ({"wait": ["15,5"]}, Notice("wait", "invalid")),
        ({"wait": ["15.333"]}, Notice("wait", "invalid")),  # the page keeps two decimals
        ({"busy": ["-inf"]}, Notice("busy", "invalid")),
        ({"busy": ["0x1p-1"]}, Notice("busy", "invalid")),
        ({"capacity_staff": ["0"]}, Notice("capacity_staff", "invalid")),
        ({"capacity_staff": ["two"]}, Notice("capacity_staff", "invalid")),
    ],
)
def test_hostile_values_are_dropped_with_a_notice(raw, notice):
    scenario, notices = whatif.parse(raw, AGENCIES, CHOSEN)
    assert notices == [notice]
    assert scenario == WhatIf()  # the default took the dropped value's place


def test_a_typed_wait_off_the_buttons_steps_survives_its_link():
    # The wait box steps by half a minute, but 15.3 can be typed: its link must reopen it.
    scenario = WhatIf(target=ServiceTarget(wait_min=15.3))
    assert whatif.to_params(scenario, AGENCIES) == {"wait": ["15.3"]}
    assert whatif.parse({"wait": ["15.3"]}, AGENCIES, CHOSEN) == (scenario, [])


def test_good_values_beside_bad_ones_are_kept():
    raw = {"staff": ["2", "nine", "3"], "add": ["SYT", "NOPE"], "growth": ["50", "x"]}
    scenario, notices = whatif.parse(raw, AGENCIES, CHOSEN)
    assert scenario.staff == (2, 3) and scenario.added_agency_ids == (10,)
    # The last of repeated single values counts, as for the filters' dates.
    assert scenario.growth_pct == 0
    assert set(notices) == {
        Notice("staff", "invalid"),
        Notice("add", "unknown"),
        Notice("growth", "invalid"),
    }


def test_an_agency_the_filter_covers_is_not_added_and_all_agencies_leave_nothing_to_add():
    scenario, notices = whatif.parse({"add": ["STP", "SYT"]}, AGENCIES, CHOSEN)
    assert scenario.added_agency_ids == (10,) and notices == []
    scenario, notices = whatif.parse({"add": ["SYT"]}, AGENCIES, ())
    assert scenario.added_agency_ids == () and notices == []


def test_too_many_values_are_cut_with_a_notice():
    scenario, notices = whatif.parse({"staff": ["1"] * 5000}, AGENCIES, CHOSEN)
    assert scenario.staff == (1,)
    assert notices == [Notice("staff", "too_many")]
