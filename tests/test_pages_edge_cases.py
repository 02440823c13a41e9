"""Pages on the data real use brings: empty months, stray dates, huge periods, no baseline.

Each case once crashed a page (issue 9); every routed page must show figures, zeros or a
message for it, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from onestop.core import i18n
from onestop.web import filter_bar as ui
from tests.fixtures import ROOT, dossier
from tests.page_checks import run_page
from tests.worlds import World, build_world

ROUTED = re.findall(r'"(pages/\w+\.py)"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))


def assert_every_page_runs(params: dict | None = None) -> None:
    for page in ROUTED:
        app = run_page(page, params)
        assert not app.exception, f"{page}: {app.exception}"


@pytest.mark.parametrize(
    "link",
    [
        {"channel": "in_person"},
        {"channel": "postal"},
        {"from": "2000-01-01", "to": "2100-12-31"},
    ],
    ids=["in_person", "postal", "2000-2100"],
)
def test_periods_with_empty_months_on_the_demo(demo_db: Path, monkeypatch, link) -> None:
    """The pilot agencies receive almost nothing in person or by post: most months are empty."""
    monkeypatch.setenv("ONESTOP_DB", str(demo_db))
    assert_every_page_runs(link)
    overview = run_page("pages/overview.py", link)
    assert len(overview.metric) == 8


@pytest.mark.parametrize(
    "received",
    [dt.datetime(1900, 1, 1, 9), dt.datetime(2999, 1, 1, 9), dt.datetime(23, 3, 1, 9)],
    ids=["1900", "2999", "year-23"],
)
def test_one_stray_date_breaks_no_page(small_db, monkeypatch, received: dt.datetime) -> None:
    """Such a row reaches the store through an older import or by hand: the date picker's
    bounds come from the data, so the default view and every preset stay inside them."""
    path = small_db([dossier("A"), dossier("STRAY", received_at=received, due_at=None)])
    monkeypatch.setenv("ONESTOP_DB", str(path))
    assert_every_page_runs()
    for preset in ("this_month", "this_quarter", "this_year", "pilot"):
        app = run_page("pages/overview.py")
        app.selectbox(key=ui.PERIOD_KEY).set_value(preset).run()
        assert not app.exception, f"{preset}: {app.exception}"
    day = received.date().isoformat()
    assert_every_page_runs({"from": day, "to": day})


def test_a_period_from_the_first_date_has_no_baseline(small_db, monkeypatch) -> None:
    """The period before the year 1 cannot be written as a date: no change is shown."""
    path = small_db([dossier("A"), dossier("OLD", received_at=dt.datetime(1, 1, 1, 9))])
    monkeypatch.setenv("ONESTOP_DB", str(path))
    link = {"from": "0001-01-01", "to": "0001-12-31"}
    assert_every_page_runs(link)
    overview = run_page("pages/overview.py", link)
    assert overview.caption[0].value == i18n.t("overview.no_previous", "vi")
    assert overview.metric[0].value == "1"
    assert all(not metric.proto.delta for metric in overview.metric)


def test_one_dossier_alone(small_db, monkeypatch) -> None:
    path = small_db([dossier("ONLY", status=4, ended_at=None, returned_at=None)])
    monkeypatch.setenv("ONESTOP_DB", str(path))
    assert_every_page_runs()
    assert_every_page_runs({"from": "2023-03-01", "to": "2023-03-01", "lang": "en"})


@pytest.mark.parametrize("seconds", [3, 5 * 3600], ids=["3 s", "5 h"])
def test_measured_service_minutes_outside_the_usual_range(tmp_path, monkeypatch, seconds) -> None:
    """Twenty-five tickets served in seconds or in hours: the staffing page's minute boxes widen
    to hold what was measured instead of raising."""
    world = World(
        agencies=[{"agency_id": 1, "code": "STP", "name": "Sở Tư pháp"}],
        dossiers=[{**dossier("A"), "received_by": None}],
    )
    for number in range(25):
        called = dt.datetime(2023, 3, 1 + number % 5, 8, number + 1)
        world.visits.append(
            {
                "visit_id": number,
                "agency_id": 1,
                "staff_id": None,
                "purpose": "submission",
                "ticket_issued_at": called - dt.timedelta(minutes=1),
                "called_at": called,
                "finished_at": called + dt.timedelta(seconds=seconds),
            }
        )
    monkeypatch.setenv("ONESTOP_DB", str(build_world(tmp_path / "visits.duckdb", world)))
    app = run_page("pages/staffing.py", {"from": "2023-03-01", "to": "2023-03-31"})
    assert not app.exception, app.exception
    shown = app.number_input(key="minutes_submission").value
    assert shown == max(round(seconds / 60, 1), 0.1)
