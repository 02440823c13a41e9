"""Every routed page on generated databases and links: no exception, Biểu 06 holds, and the
overview's cards say what `onestop report` says for the same filter.

Examples per run: ONESTOP_PROPERTY_EXAMPLES (see tests/worlds.py); `make test` draws a few.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from onestop.core import i18n, metrics
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report
from onestop.views import overview
from onestop.web import filter_bar as ui
from onestop.web import url_state
from tests.fixtures import ROOT, using_database
from tests.worlds import (
    EXAMPLES,
    PRESETS,
    World,
    build_world,
    cli_report_total,
    link_params,
    links,
    worlds,
)

ROUTED = re.findall(r'"(pages/\w+\.py)"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))
_numbers = itertools.count()


def run(page: str, params: dict[str, list[str]]) -> AppTest:
    app = AppTest.from_file(str(ROOT / page), default_timeout=180)
    for name, values in params.items():
        app.query_params[name] = values
    return app.run()


def expected_cards(total: dict[str, int], lang: str) -> dict[str, str]:
    """The overview's cards as Biểu 06's total says them, formatted the language's way."""
    cards = {}
    for key in overview.CARDS:
        if metrics.MEASURES[key].kind == "share":
            received = total["received_online"] + total["received_in_person_or_postal"]
            share = total["received_online"] / received if received else None
            cards[i18n.t(f"measure.{key}", lang)] = i18n.format_share(share, lang)
        else:
            cards[i18n.t(f"measure.{key}", lang)] = i18n.format_int(total[key], lang)
    return cards


def report_total(path: Path, store: Store, chosen: DossierFilter, world: World) -> dict[str, int]:
    """What `onestop report` prints when it can say the filter (period and agencies), else
    report.build_form06, which the command runs, for the narrower filters it has no option for."""
    narrowed = chosen.channels or chosen.field_ids or chosen.procedure_ids or chosen.receiver
    if narrowed:
        return report.build_form06(store, chosen).total
    codes = {agency["agency_id"]: agency["code"] for agency in world.agencies}
    return cli_report_total(path, chosen, codes)


def monthly_rows(store: Store, chosen: DossierFilter) -> list[dict]:
    return store.query("form06_counts_by_month", chosen.params()).to_dicts()


def assert_identities_hold(store: Store, chosen: DossierFilter) -> None:
    form = report.build_form06(store, chosen)
    assert form.identity_failures() == []
    monthly = store.query("form06_counts_by_month", chosen.params())
    for month in monthly.iter_rows(named=True):
        for total, parts in report.FORM06_IDENTITIES:
            assert month[total] == sum(month[part] for part in parts), (month["month"], total)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_page_on_any_small_database_and_link(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    world = data.draw(worlds(), label="world")
    link = data.draw(links(world), label="link")
    preset = data.draw(st.none() | st.sampled_from(PRESETS), label="preset")
    path = build_world(tmp_path_factory.getbasetemp() / f"world{next(_numbers)}.duckdb", world)
    lang = link.get("lang", ["vi"])[0]
    with using_database(path), forgotten(path):
        store = Store(path)
        first = run("pages/overview.py", link)
        assert not first.exception, first.exception
        if preset is not None and any(box.key == ui.PERIOD_KEY for box in first.selectbox):
            first.selectbox(key=ui.PERIOD_KEY).set_value(preset).run()
            assert not first.exception, (preset, first.exception)
        if store.query("data_status")["received_dossiers"][0] == 0:
            assert first.info[0].value == i18n.t("app.no_dossiers", lang)
            shown = link
        else:
            # The link the overview wrote back names the filter it showed, with no notice.
            shown = link_params(first.query_params)
            chosen, notices = url_state.parse(shown, url_state.build_catalog(store.query))
            assert notices == []
            assert_identities_hold(store, chosen)
            total = report_total(path, store, chosen, world)
            cards = {metric.label: metric.value for metric in first.metric}
            event(f"months in the period: {min(len(monthly_rows(store, chosen)), 13) // 4 * 4}+")
            event(f"dossiers counted: {min(total['received_total'], 5)}")
            if total["received_total"]:
                assert cards == expected_cards(total, lang)
            else:
                assert cards == {}
                assert first.info[0].value == i18n.t("app.no_data", lang)
        for page in ROUTED:
            app = run(page, shown)
            assert not app.exception, (page, app.exception)
            if page == "pages/report.py":
                assert not app.error, [error.value for error in app.error]
        store.close()


@contextlib.contextmanager
def forgotten(path: Path) -> Iterator[None]:
    """Afterwards, drop the file and what the dashboard cached about it (an open connection
    and query results per file): hundreds of examples would otherwise hold gigabytes."""
    try:
        yield
    finally:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()
        path.unlink(missing_ok=True)
