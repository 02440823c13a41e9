"""url_state: links become filters; anything unknown or hostile is dropped with a notice."""

import datetime as dt

import pytest

from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.web import url_state
from onestop.web.url_state import Catalog, Notice
from tests.fixtures import dossier

CATALOG = Catalog(
    agencies={"STP": 1, "SXD": 2, "SYT": 10},
    fields={"STP-LV01": 1, "SYT-LV01": 30},
    procedures={"1.001001": 1, "1.001002": 2},
    pilot_agency_ids=(2, 1),
    default_period=(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    latest_received=dt.date(2023, 11, 14),
)
DEFAULT = DossierFilter(dt.date(2023, 1, 1), dt.date(2023, 12, 31), (1, 2))


def test_no_parameters_give_the_default_view():
    assert url_state.parse({}, CATALOG) == (DEFAULT, [])


def test_every_parameter_is_read():
    raw = {
        "from": ["2023-03-01"],
        "to": ["2023-03-31"],
        "agency": ["SYT", "STP"],
        "channel": ["online", "postal"],
        "field": ["SYT-LV01"],
        "procedure": ["1.001002"],
        "receiver": ["postal"],
    }
    chosen, notices = url_state.parse(raw, CATALOG)
    assert notices == []
    assert chosen == DossierFilter(
        dt.date(2023, 3, 1), dt.date(2023, 3, 31), (1, 10), (2, 3), (30,), (2,), "postal"
    )


def test_all_agencies_is_an_explicit_choice():
    chosen, notices = url_state.parse({"agency": ["all"]}, CATALOG)
    assert chosen.agency_ids == () and notices == []


@pytest.mark.parametrize(
    ("raw", "notice"),
    [
        ({"from": ["2023-13-45"]}, Notice("from", "invalid")),
        ({"to": ["yesterday"]}, Notice("to", "invalid")),
        ({"from": ["1900-01-01"]}, Notice("from", "invalid")),
        ({"to": ["9999-12-31"]}, Notice("to", "invalid")),
        ({"from": ["2023-1-1"]}, Notice("from", "invalid")),
        ({"from": ["2023-06-01"], "to": ["2023-05-01"]}, Notice("from", "order")),
        ({"agency": ["' or 1=1 --"]}, Notice("agency", "unknown")),
        ({"agency": ["STP'; drop table dossiers; --"]}, Notice("agency", "unknown")),
        ({"channel": ["2"]}, Notice("channel", "unknown")),
        ({"field": ["<script>alert(1)</script>"]}, Notice("field", "unknown")),
        ({"procedure": ["1.001001 or 1=1"]}, Notice("procedure", "unknown")),
        ({"receiver": ["both"]}, Notice("receiver", "unknown")),
    ],
)
def test_bad_values_are_dropped_with_a_notice(raw, notice):
    chosen, notices = url_state.parse(raw, CATALOG)
    assert notices == [notice]
    assert chosen == DEFAULT


def test_known_values_survive_next_to_unknown_ones():
    chosen, notices = url_state.parse(
        {"agency": ["SYT", "nope"], "channel": ["x", "online"]}, CATALOG
    )
    assert chosen.agency_ids == (10,) and chosen.channels == (2,)
    assert notices == [Notice("agency", "unknown"), Notice("channel", "unknown")]


def test_one_date_alone_keeps_the_default_other_end():
    chosen, _ = url_state.parse({"from": ["2023-07-01"]}, CATALOG)
    assert (chosen.date_from, chosen.date_to) == (dt.date(2023, 7, 1), dt.date(2023, 12, 31))


def test_too_many_repeats_are_cut():
    chosen, notices = url_state.parse({"procedure": ["1.001001"] * 5000}, CATALOG)
    assert chosen.procedure_ids == (1,)
    assert notices == [Notice("procedure", "too_many")]


def test_writing_then_reading_gives_the_same_filter():
    chosen = DossierFilter(
        dt.date(2022, 2, 1), dt.date(2022, 4, 30), (10,), (1, 3), (1,), (1, 2), "agency"
    )
    params = url_state.to_params(chosen, CATALOG)
    assert params == {
        "from": ["2022-02-01"],
        "to": ["2022-04-30"],
        "agency": ["SYT"],
        "channel": ["in_person", "postal"],
        "field": ["STP-LV01"],
        "procedure": ["1.001001", "1.001002"],
        "receiver": ["agency"],
    }
    assert url_state.parse(params, CATALOG) == (chosen, [])


def test_the_default_view_writes_no_parameters_and_all_agencies_writes_all():
    assert url_state.to_params(DEFAULT, CATALOG) == {}
    everyone = DossierFilter(DEFAULT.date_from, DEFAULT.date_to)
    assert url_state.to_params(everyone, CATALOG) == {"agency": ["all"]}


@pytest.mark.parametrize(
    ("preset", "period"),
    [
        ("this_month", (dt.date(2023, 11, 1), dt.date(2023, 11, 30))),
        ("this_quarter", (dt.date(2023, 10, 1), dt.date(2023, 12, 31))),
        ("this_year", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ("pilot", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ("custom", None),
    ],
)
def test_presets_count_from_the_latest_received_date(preset, period):
    assert url_state.preset_period(preset, CATALOG) == period


def test_february_and_first_quarter_ends():
    catalog = Catalog(
        {}, {}, {}, (), (dt.date(2020, 1, 1), dt.date(2020, 12, 31)), dt.date(2024, 2, 10)
    )
    assert url_state.preset_period("this_month", catalog) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert url_state.preset_period("this_quarter", catalog) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
    )


def test_a_period_is_named_by_its_preset():
    assert (
        url_state.matching_preset((dt.date(2023, 11, 1), dt.date(2023, 11, 30)), CATALOG)
        == "this_month"
    )
    assert (
        url_state.matching_preset((dt.date(2023, 1, 1), dt.date(2023, 12, 31)), CATALOG) == "pilot"
    )
    assert (
        url_state.matching_preset((dt.date(2023, 11, 2), dt.date(2023, 11, 30)), CATALOG)
        == "custom"
    )


# --- dates the data holds, whatever they are --------------------------------------------------


def _catalog_with_data(first: dt.date, latest: dt.date) -> Catalog:
    """No pilot: the default view is the whole span of received dates."""
    return Catalog({}, {}, {}, (), (first, latest), latest, (first, latest))


@pytest.mark.parametrize(
    ("first", "latest"),
    [
        (dt.date(1900, 1, 1), dt.date(2023, 12, 31)),
        (dt.date(2023, 1, 1), dt.date(2999, 1, 1)),
        (dt.date(23, 3, 1), dt.date(2023, 12, 31)),
        (dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    ],
)
def test_date_bounds_hold_the_data_the_default_view_and_every_preset(first, latest):
    catalog = _catalog_with_data(first, latest)
    low, high = catalog.date_bounds()
    assert low <= min(first, url_state.EARLIEST) and high >= max(latest, url_state.LATEST)
    for preset in url_state.PRESETS:
        for day in url_state.preset_period(preset, catalog) or ():
            assert low <= day <= high, preset


def test_a_link_may_name_dates_the_data_holds_but_not_beyond():
    catalog = _catalog_with_data(dt.date(1900, 1, 1), dt.date(2023, 12, 31))
    chosen, notices = url_state.parse({"from": ["1900-01-01"], "to": ["1900-12-31"]}, catalog)
    assert (chosen.date_from, chosen.date_to) == (dt.date(1900, 1, 1), dt.date(1900, 12, 31))
    assert notices == []
    _, notices = url_state.parse({"from": ["1899-12-31"]}, catalog)
    assert notices == [Notice("from", "invalid")]
    assert url_state.parse(url_state.to_params(chosen, catalog), catalog) == (chosen, [])


def test_streamlit_still_drops_query_strings_beyond_the_limits_we_announce():
    """The link notice relies on these limits of a Streamlit internal: fail loudly if they move."""
    from streamlit.runtime.state.query_params import sanitize_query_string

    at_limit = "&".join(["procedure=x"] * url_state.STREAMLIT_MAX_FIELDS)
    assert sanitize_query_string(at_limit) == at_limit
    assert sanitize_query_string(at_limit + "&procedure=y") == ""
    longest = "a=" + "x" * (url_state.STREAMLIT_MAX_LENGTH - 2)
    assert sanitize_query_string(longest) == longest
    assert sanitize_query_string(longest + "x") == ""


def test_one_stray_date_widens_the_bounds_but_not_the_default_view(small_db):
    path = small_db(
        [
            dossier("A"),
            dossier("B", received_at=dt.datetime(2023, 5, 2, 8)),
            dossier("STRAY", received_at=dt.datetime(2999, 1, 1, 9)),
            dossier("OLD", received_at=dt.datetime(1900, 1, 1, 9)),
        ]
    )
    store = Store(path)
    span = store.query(
        "received_date_span", {"date_from": url_state.EARLIEST, "date_to": url_state.LATEST}
    )
    assert span.row(0, named=True) == {
        "first_received_on": dt.date(1900, 1, 1),
        "last_received_on": dt.date(2999, 1, 1),
        "first_plausible_on": dt.date(2023, 3, 1),
        "last_plausible_on": dt.date(2023, 5, 2),
    }
    catalog = url_state.build_catalog(store.query)
    assert catalog.default_period == (dt.date(2023, 3, 1), dt.date(2023, 5, 2))
    assert catalog.latest_received == dt.date(2023, 5, 2)
    assert catalog.date_bounds() == (dt.date(1900, 1, 1), dt.date(2999, 1, 1))


def test_only_stray_dates_give_their_own_span(small_db):
    path = small_db([dossier("OLD", received_at=dt.datetime(1900, 6, 1, 9))])
    catalog = url_state.build_catalog(Store(path).query)
    assert catalog.default_period == (dt.date(1900, 6, 1), dt.date(1900, 6, 1))
    assert url_state.preset_period("this_year", catalog) == (
        dt.date(1900, 1, 1),
        dt.date(1900, 12, 31),
    )
    assert catalog.date_bounds() == (dt.date(1900, 1, 1), url_state.LATEST)
