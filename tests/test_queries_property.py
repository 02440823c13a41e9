"""Every query on generated databases and filters: it runs, and its figures agree with Biểu 06.

Cheaper than the page property test (no Streamlit), so it draws three times as many examples;
links are drawn on their own, without a database, ten times as many.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.cli import bench
from onestop.core import db
from onestop.core.codes import CHANNELS, RECEIVERS
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report
from onestop.reports import index766
from onestop.views import overview, throughput
from onestop.web import url_state
from tests.worlds import EXAMPLES, build_world, links, worlds

_numbers = itertools.count()
COUNT_NAMES = list(report.FORM06_COUNTS)


def _sums(frame, *names: str) -> dict[str, int]:
    return {name: int(frame[name].sum()) for name in names}


def assert_monthly_counts_add_up(store: Store, chosen: DossierFilter, total: dict) -> None:
    """Each month is a Biểu 06 of its own: identities hold, receipts and resolutions add up
    to the period's, and the last month ends with the period's dossiers in progress."""
    monthly = store.query("form06_counts_by_month", chosen.params())
    for month in monthly.iter_rows(named=True):
        assert all(month[name] is not None for name in COUNT_NAMES), month["month"]
        for column, parts in report.FORM06_IDENTITIES:
            assert month[column] == sum(month[part] for part in parts), (month["month"], column)
    summed = [
        "received_online",
        "received_in_person_or_postal",
        "resolved_total",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
    ]
    assert _sums(monthly, *summed) == {name: total[name] for name in summed}
    last = monthly.row(-1, named=True)
    for name in ("in_progress_total", "in_progress_within_deadline", "in_progress_overdue"):
        assert last[name] == total[name], name
    for key in overview.CARDS:
        overview.card_trend(key, monthly)


def assert_flow_matches(store: Store, chosen: DossierFilter, total: dict) -> None:
    for grain in throughput.GRAINS:
        if grain == "day" and (chosen.date_to - chosen.date_from).days > 3_000:
            continue  # a day per row over centuries proves nothing more than months do
        flow = store.query(
            "dossier_flow_by_period", {**chosen.params(), "grain": throughput.grain_param(grain)}
        )
        sums = _sums(flow, "received", "resolved", "carried_over")
        assert sums == {
            "received": total["received_online"] + total["received_in_person_or_postal"],
            "resolved": total["resolved_total"],
            "carried_over": total["carried_over"],
        }, grain
        backlog = throughput.backlog_by_period(flow)
        assert backlog["in_progress"][-1] == total["in_progress_total"], grain


def assert_page_queries_agree(store: Store, chosen: DossierFilter, total: dict) -> None:
    params = chosen.params()
    received = total["received_online"] + total["received_in_person_or_postal"]
    timeliness = store.query("resolved_timeliness_by_procedure_month", params)
    classes = ["resolved_early", "resolved_on_time", "resolved_late"]
    assert _sums(timeliness, *classes) == {name: total[name] for name in classes}
    assert int(store.query("receptions_by_agency", params)["dossiers"].sum()) == received
    overdue = store.query("overdue_dossiers_in_progress", {**params, "order_by": "code"})
    assert overdue.height == total["in_progress_overdue"]
    procedures = store.query("index766_by_procedure", index766.query_params(chosen))
    assert int(procedures["received_in_period"].sum()) == received
    assert (procedures["received_digitised"] <= procedures["received_digitisation_known"]).all()
    assert int(procedures["resolved_timed"].sum()) <= total["resolved_total"]
    assert (procedures["working_days_total"] >= 0).all()


@settings(
    max_examples=EXAMPLES * 3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_query_agrees_with_biểu_06_on_any_small_database(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    world = data.draw(worlds(), label="world")
    link = data.draw(links(world), label="link")
    path = build_world(tmp_path_factory.getbasetemp() / f"queries{next(_numbers)}.duckdb", world)
    store = Store(path)
    try:
        catalog = url_state.build_catalog(store.query)
        chosen, _ = url_state.parse(link, catalog)
        low, high = catalog.date_bounds()
        assert low <= chosen.date_from <= chosen.date_to <= high
        for name in db.query_names():  # every question runs on any data and filter
            store.query(name, bench.query_params(name, chosen))
        form = report.build_form06(store, chosen)
        assert form.identity_failures() == []
        total = form.total
        assert_monthly_counts_add_up(store, chosen, total)
        assert_flow_matches(store, chosen, total)
        assert_page_queries_agree(store, chosen, total)
        before = chosen.previous_period()
        previous = None if before is None else report.build_form06(store, before).total
        for key in overview.CARDS:
            overview.card_value(key, total, "vi")
            overview.card_delta(key, total, previous, "en")
    finally:
        store.close()
        path.unlink()


# --- links alone ----------------------------------------------------------------------------

CATALOG = url_state.Catalog(
    agencies={"STP": 1, "SXD": 2, "SYT": 3},
    fields={"LV1": 1, "LV2": 2},
    procedures={"1.001": 1, "1.002": 2, "1.003": 3},
    pilot_agency_ids=(1, 2),
    default_period=(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    latest_received=dt.date(2023, 11, 14),
    data_span=(dt.date(23, 3, 1), dt.date(2999, 1, 1)),
)


@st.composite
def filters(draw: st.DrawFn) -> DossierFilter:
    low, high = CATALOG.date_bounds()
    first, second = sorted([draw(st.dates(low, high)), draw(st.dates(low, high))])

    def ids(known: dict[str, int]) -> tuple[int, ...]:
        return tuple(sorted(draw(st.sets(st.sampled_from(sorted(known.values()))))))

    return DossierFilter(
        first,
        second,
        ids(CATALOG.agencies),
        tuple(sorted(draw(st.sets(st.sampled_from(sorted(CHANNELS)))))),
        ids(CATALOG.fields),
        ids(CATALOG.procedures),
        draw(st.none() | st.sampled_from(RECEIVERS)),
    )


@settings(max_examples=EXAMPLES * 10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chosen=filters())
def test_any_filter_survives_its_link(chosen: DossierFilter) -> None:
    """The link a page writes reopens the same view, without a notice, for any filter."""
    assert url_state.parse(url_state.to_params(chosen, CATALOG), CATALOG) == (chosen, [])


@settings(max_examples=EXAMPLES * 10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=st.dictionaries(
        st.sampled_from([*url_state.PARAMS, "lang", "x"]),
        st.lists(st.text(max_size=12) | st.dates().map(dt.date.isoformat), max_size=3),
    )
)
def test_any_link_gives_a_filter_inside_the_bounds(raw: dict[str, list[str]]) -> None:
    chosen, _ = url_state.parse(raw, CATALOG)
    low, high = CATALOG.date_bounds()
    assert low <= chosen.date_from <= chosen.date_to <= high
    assert set(chosen.agency_ids) <= set(CATALOG.agencies.values())
