"""The timeliness and agency-load pages under AppTest, on the demo database, in both languages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import db
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.reports import form06 as report

PAGES = ("pages/timeliness.py", "pages/agency_load.py")
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def demo_env(demo_db: Path) -> Iterator[Path]:
    """Point every page at the demo database built once for the session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(db.DB_ENV_VAR, str(demo_db))
        yield demo_db


def open_page(path: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT / path), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def chart_titles(at: AppTest) -> list[str]:
    return [
        json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")
    ]


def table_with(at: AppTest, column: str):
    """The shown table that has a column (AppTest does not expose a dataframe's key)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def default_form(path: Path) -> report.Form06:
    """Biểu 06 for the pages' default view: the pilot's agencies over the pilot's period."""
    store = Store(path)
    agencies = store.query("agencies")
    pilot = store.query("pilot_definition")
    chosen = DossierFilter(
        pilot["start_date"][0],
        pilot["end_date"][0],
        tuple(agencies.filter(pl.col("is_pilot"))["agency_id"].to_list()),
    )
    return report.build_form06(store, chosen)


def test_timeliness_page_in_vietnamese(demo_env: Path) -> None:
    at = open_page("pages/timeliness.py")
    assert not at.exception
    assert at.title[0].value == "Đúng hạn"
    titles = chart_titles(at)
    assert len(titles) == 5  # four breakdowns and the histogram
    assert titles[0].startswith("Quá hạn tập trung ở")
    assert "%" in titles[0] and "," in titles[0]  # Vietnamese decimal comma
    overdue = table_with(at, "days_overdue")
    assert len(overdue) == default_form(demo_env).total["in_progress_overdue"]


def test_timeliness_page_in_english_and_sorting(demo_env: Path) -> None:
    at = open_page("pages/timeliness.py", lang="en")
    assert not at.exception
    assert at.title[0].value == "Timeliness"
    assert chart_titles(at)[0].startswith("Late resolutions concentrate in")
    by_days = table_with(at, "days_overdue")
    assert list(by_days["days_overdue"]) == sorted(by_days["days_overdue"], reverse=True)
    at.selectbox(key="timeliness_sort").set_value("agency").run()
    assert not at.exception
    by_agency = table_with(at, "days_overdue")
    assert list(by_agency["agency"]) == sorted(by_agency["agency"])
    assert len(by_agency) == len(by_days)


def test_agency_load_page_in_both_languages(demo_env: Path) -> None:
    vi = open_page("pages/agency_load.py")
    assert not vi.exception
    assert vi.title[0].value == "Tải theo cơ quan"
    titles = chart_titles(vi)
    assert titles[0].endswith("hồ sơ") and "nhận" in titles[0]
    assert titles[2].startswith("Cao điểm: Thứ")
    agencies = table_with(vi, "agency_code")
    assert agencies["dossiers"].sum() == 1700  # the pilot year's published receptions
    en = open_page("pages/agency_load.py", lang="en")
    assert not en.exception
    assert en.title[0].value == "Agency load"
    assert "receives" in chart_titles(en)[0]
    heatmap = json.loads(en.get("plotly_chart")[2].proto.spec)
    assert heatmap["data"][0]["y"][0] == "Monday"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "query",
    [
        {"from": "2023-13-45", "to": "yesterday"},
        {"agency": "' or 1=1 --", "lang": "xx"},
        {"field": "1;drop table dossiers", "channel": "9", "receiver": "<script>"},
    ],
)
def test_hostile_url_parameters_do_not_break_pages(page: str, query: dict[str, str]) -> None:
    at = open_page(page, **query)
    assert not at.exception
