"""Overview and Throughput pages under AppTest, checked against direct report queries."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import polars as pl
import pytest

from onestop import demo
from onestop.core import db, i18n
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports.form06 import build_form06
from onestop.views import throughput
from tests.page_checks import (
    HOSTILE_LINKS,
    OVERVIEW_THROUGHPUT,
    assert_hostile_link_is_harmless,
    run_page,
    shown,
)

PAGES = OVERVIEW_THROUGHPUT
PILOT = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once, that every page under test reads."""
    path = tmp_path_factory.mktemp("pages") / "demo.duckdb"
    demo.build_demo(path)
    previous = os.environ.get(db.DB_ENV_VAR)
    os.environ[db.DB_ENV_VAR] = str(path)
    yield path
    if previous is None:
        os.environ.pop(db.DB_ENV_VAR, None)
    else:
        os.environ[db.DB_ENV_VAR] = previous


@pytest.fixture(scope="session")
def store(demo_db: Path) -> Store:
    return Store(demo_db)


def agency_ids(store: Store, *codes: str) -> tuple[int, ...]:
    agencies = store.query("agencies")
    return tuple(sorted(agencies.filter(pl.col("code").is_in(codes))["agency_id"].to_list()))


def pilot_filter(store: Store, **changes) -> DossierFilter:
    pilot = store.query("agencies").filter(pl.col("is_pilot"))["agency_id"].sort().to_list()
    return DossierFilter(*PILOT, tuple(pilot), **changes)


def card(app, label_key: str, lang: str) -> str:
    label = i18n.t(label_key, lang)
    return next(metric.value for metric in app.metric if metric.label == label)


def figure(app, name: str) -> dict:
    chart = next(c for c in app.get("plotly_chart") if c.proto.id and name in c.proto.id)
    return json.loads(chart.proto.spec)


# --- Overview ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_cards_match_biểu_06_for_the_pilot(demo_db, store, lang):
    expected = build_form06(store, pilot_filter(store)).total
    app = run_page("pages/overview.py", {"lang": lang} if lang == "en" else {})
    assert not app.exception
    received = card(app, "measure.received_total", lang)
    assert received == i18n.format_int(expected["received_total"], lang)
    assert received == {"vi": "1.700", "en": "1,700"}[lang]  # the pilot report's figure
    assert card(app, "measure.resolved_late", lang) == i18n.format_int(
        expected["resolved_late"], lang
    )
    assert card(app, "measure.online_share", lang) == {"vi": "98,2%", "en": "98.2%"}[lang]
    assert i18n.t("page.overview", lang) in app.title[0].value


def test_overview_change_is_against_the_previous_year(demo_db, store):
    now = build_form06(store, pilot_filter(store)).total
    before = build_form06(store, pilot_filter(store).previous_period()).total
    app = run_page("pages/overview.py")
    received = next(m for m in app.metric if m.label == i18n.t("measure.received_total"))
    change = now["received_total"] - before["received_total"]
    sign = "-" if change < 0 else "+"
    assert received.proto.delta == sign + i18n.format_int(abs(change))
    assert received.proto.chart_data  # a monthly trend is drawn


def test_overview_follows_the_agency_in_the_link(demo_db, store):
    stp = build_form06(store, DossierFilter(*PILOT, agency_ids(store, "STP")))
    app = run_page("pages/overview.py", {"agency": "STP"})
    assert card(app, "measure.received_total", "vi") == i18n.format_int(stp.total["received_total"])
    assert stp.total["received_total"] < 1700


def test_choosing_an_agency_writes_the_link(demo_db, store):
    app = run_page("pages/overview.py")
    app.multiselect(key="filter_agencies").set_value(list(agency_ids(store, "SXD"))).run()
    assert app.query_params["agency"] in ("SXD", ["SXD"])
    sxd = build_form06(store, DossierFilter(*PILOT, agency_ids(store, "SXD"))).total
    assert card(app, "measure.received_total", "vi") == i18n.format_int(sxd["received_total"])


def test_this_month_preset_is_the_month_of_the_latest_dossier(demo_db, store):
    latest = store.query("data_status")["last_received_on"][0]
    start = latest.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    app = run_page("pages/overview.py")
    app.selectbox(key="filter_period").set_value("this_month").run()
    assert app.query_params["from"] in (start.isoformat(), [start.isoformat()])
    assert app.query_params["to"] in (end.isoformat(), [end.isoformat()])
    month = build_form06(store, DossierFilter(start, end, pilot_filter(store).agency_ids))
    assert card(app, "measure.received_total", "vi") == i18n.format_int(
        month.total["received_total"]
    )


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/throughput.py"])
def test_an_empty_selection_shows_the_friendly_message(demo_db, page):
    app = run_page(page, {"from": "2010-01-01", "to": "2010-12-31"})
    assert not app.exception
    assert [info.value for info in app.info] == [i18n.t("app.no_data")]


# --- Throughput -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_throughput_sums_match_biểu_06(demo_db, store, lang):
    expected = build_form06(store, pilot_filter(store)).total
    app = run_page("pages/throughput.py", {"lang": lang} if lang == "en" else {})
    assert not app.exception
    received = figure(app, "throughput_received")
    resolved = figure(app, "throughput_resolved")
    assert sum(sum(trace["y"]) for trace in received["data"]) == (
        expected["received_online"] + expected["received_in_person_or_postal"]
    )
    assert sum(sum(trace["y"]) for trace in resolved["data"]) == expected["resolved_total"]
    backlog = figure(app, "throughput_backlog")["data"][0]["y"]
    assert backlog[-1] == expected["in_progress_total"]
    mean = i18n.format_int(expected["received_total"] / 12, lang)
    assert mean in received["layout"]["title"]["text"]
    assert received["layout"]["separators"] == i18n.plotly_separators(lang)


@pytest.mark.parametrize("grain", list(throughput.GRAINS))
def test_every_grain_keeps_the_totals(demo_db, store, grain):
    expected = build_form06(store, pilot_filter(store)).total
    app = run_page("pages/throughput.py")
    app.segmented_control(key="throughput_grain").set_value(grain).run()
    assert not app.exception
    cumulative = figure(app, "throughput_cumulative")["data"]
    last = {trace["name"]: trace["y"][-1] for trace in cumulative}
    assert last[i18n.t("throughput.series_resolved")] == expected["resolved_total"]
    assert last[i18n.t("throughput.series_received")] == expected["received_total"]


def test_throughput_follows_the_channel_in_the_link(demo_db, store):
    online = build_form06(store, pilot_filter(store, channels=(2,))).total
    app = run_page("pages/throughput.py", {"channel": "online"})
    received = figure(app, "throughput_received")
    assert sum(sum(trace["y"]) for trace in received["data"]) == online["received_online"]
    assert [trace["name"] for trace in received["data"] if sum(trace["y"])] == [
        i18n.t("filters.channel_online")
    ]


def test_grain_outside_the_whitelist_is_refused():
    with pytest.raises(ValueError):
        throughput.grain_param("month'); drop table dossiers; --")


# --- Hostile links on every page --------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("link", HOSTILE_LINKS, ids=lambda link: "&".join(link))
def test_hostile_links_are_harmless(demo_db, page, link):
    assert_hostile_link_is_harmless(page, link, demo_db)


@pytest.mark.parametrize("page", PAGES)
def test_a_clean_link_shows_no_notice(demo_db, page):
    app = run_page(page, {"lang": "en", "agency": ["STP", "SXD"], "receiver": "postal"})
    assert not app.exception
    assert not app.toast
    assert shown(app)["metrics"] or shown(app)["charts"]
