"""The report page on the demo database, in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import i18n
from tests.fixtures import using_database

PAGE = "../pages/report.py"


@pytest.fixture(autouse=True)
def _demo(demo_db: Path) -> Iterator[None]:
    with using_database(demo_db):
        yield


def _run(lang: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if lang != i18n.DEFAULT_LANGUAGE:
        at.query_params["lang"] = lang
    return at.run()


def _html(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.html)


@pytest.mark.parametrize(
    ("lang", "total_row"),
    [
        ("vi", 'Tổng cộng</td><td class="n">1.700</td><td class="n">1.669</td>'),
        ("en", 'Grand total</td><td class="n">1,700</td><td class="n">1,669</td>'),
    ],
)
def test_page_shows_the_form_total_and_the_identity_check(demo_db, lang, total_row):
    at = _run(lang)
    assert not at.exception
    html = _html(at)
    assert total_row in html
    assert html.count("(13)") == 1
    assert i18n.t("report.group_resolved", lang) in html
    assert at.success[0].value == i18n.t("report.identities_hold", lang)
    assert not at.error


@pytest.mark.parametrize(("lang", "data_share"), [("vi", "98,2"), ("en", "98.2")])
def test_published_check_shows_the_online_share_gap(demo_db, lang, data_share):
    at = _run(lang)
    assert [element.value for element in at.warning] == [i18n.t("report.check_gaps", lang, count=1)]
    gap_row = f'<tr class="gap"><td>{i18n.t("report.item_online_share", lang)}</td>'
    html = _html(at)
    assert gap_row in html
    assert f'<td class="n">{data_share}</td>' in html
    assert html.count('<tr class="gap">') == 1


def test_published_check_matches_once_the_stated_share_is_corrected(demo_db):
    at = _run("vi")
    at.number_input(key="check_online_share").set_value(98.2)
    at.button(key="check_submit").click().run()
    assert not at.exception
    assert i18n.t("report.check_all_match", "vi") in [element.value for element in at.success]
    assert '<tr class="gap">' not in _html(at)


def test_index_panel_shows_the_pilot_year_indicators(demo_db):
    at = _run("en")
    metrics = {element.label: element.value for element in at.metric}
    assert metrics[i18n.t("index766.name_3_3", "en")] == "98.2%"
    assert metrics[i18n.t("index766.name_5_4", "en")] == i18n.t("index766.not_available", "en")
    per_agency = at.dataframe[0].value
    assert per_agency.shape[0] == 6
    assert per_agency.iloc[:, 0].tolist()[0] == "Sở Công Thương"
