"""The verdict on the overview is the staffing page's verdict for the same filters; the overview
links to that page with those filters; what-ifs in a link reopen the same scenario and hostile
values in it are dropped with a notice."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from onestop.core import db
from onestop.core.i18n import t
from tests.fixtures import page_path

# The six pilot agencies and a seventh that flips the answer (the demo's codes).
SEVEN_AGENCIES = ["SCT", "SGDDT", "SKHCN", "SNV", "STNMT", "STP", "SXD"]


def run(page: str, params: dict[str, str | list[str]]) -> AppTest:
    app = AppTest.from_file(page_path(page), default_timeout=300)
    for name, value in params.items():
        app.query_params[name] = value
    return app.run()


def verdict_shown(app: AppTest) -> tuple[str, list[tuple[str, str]]]:
    """The verdict's sentence (its coloured box) and the figures behind it."""
    boxes = [e.value for kind in ("success", "warning", "error", "info") for e in app.get(kind)]
    figures = [(m.label, m.value) for m in app.metric if m.label in FIGURE_LABELS[LANG[0]]]
    verdicts = [box for box in boxes if box.startswith(VERDICT_STARTS)]
    assert len(verdicts) == 1, boxes
    return verdicts[0], figures


LANG = ["en"]
VERDICT_STARTS = ("One postal staffer", "No level from 1", "The chosen period has no counter")
FIGURE_LABELS = {
    "en": {
        t("verdict.figure_staff", "en"),
        t("verdict.figure_busy", "en"),
        "Wait at most 15 minutes",
    }
}


def link_params(app: AppTest) -> dict[str, list[str]]:
    """The query of the overview's link to the staffing page (a plain link under AppTest)."""
    links = [md.value for md in app.markdown if md.value.startswith(f"[{t('verdict.link', 'en')}]")]
    assert len(links) == 1
    target = links[0].split("](", 1)[1].rstrip(")")
    assert urlsplit(target).path == "staffing"
    return parse_qs(urlsplit(target).query)


@pytest.mark.parametrize(
    "params",
    [{}, {"agency": SEVEN_AGENCIES}],
    ids=["pilot", "seven-agencies"],
)
def test_the_overview_verdict_is_the_staffing_page_verdict(demo_db: Path, monkeypatch, params):
    monkeypatch.setenv(db.DB_ENV_VAR, str(demo_db))
    overview = run("overview.py", {"lang": "en", **params})
    assert not overview.exception
    sentence, figures = verdict_shown(overview)
    # The link carries the same filters (and language) to the staffing page.
    linked = link_params(overview)
    assert linked.get("agency", []) == params.get("agency", [])
    assert linked["lang"] == ["en"]
    staffing = run("staffing.py", linked)
    assert not staffing.exception
    assert verdict_shown(staffing) == (sentence, figures)
    if params:
        assert sentence.startswith("One postal staffer is not enough for 7 agencies")
        assert ("Staff needed", "2") in figures
    else:
        assert sentence.startswith("One postal staffer is enough for 6 agencies: busy ")
        assert ("Staff needed", "1") in figures


def test_the_overview_says_when_no_verdict_is_possible(demo_db: Path, monkeypatch):
    monkeypatch.setenv(db.DB_ENV_VAR, str(demo_db))
    overview = run("overview.py", {"lang": "en", "from": "2010-01-01", "to": "2010-12-31"})
    assert not overview.exception
    assert t("staffing.answer_no_load", "en") in [md.value for md in overview.markdown]
    assert [info.value for info in overview.info] == [t("app.no_data", "en")]
    assert not [m for m in overview.metric if m.label == t("verdict.figure_staff", "en")]


WHATIFS = {
    "staff": ["1", "2"],
    "add": ["SYT"],
    "growth": ["20"],
    "share": ["0.85"],
    "wait": ["20"],
    "busy": ["0.9"],
    "capacity_staff": ["2"],
}


def test_a_what_if_link_opens_its_scenario_and_keeps_it(demo_db: Path, monkeypatch):
    monkeypatch.setenv(db.DB_ENV_VAR, str(demo_db))
    page = run("staffing.py", {"lang": "en", **WHATIFS})
    assert not page.exception and not page.toast
    assert page.multiselect(key="staff").value == [1, 2]
    assert page.multiselect(key="add_agencies").value == [10]  # SYT
    assert page.slider(key="growth").value == 20
    assert page.slider(key="share").value == pytest.approx(0.85)
    assert page.text_input(key="wait").value == "20.0"  # English: a decimal point
    assert page.slider(key="limit").value == pytest.approx(0.9)
    assert page.selectbox(key="capacity_staff").value == 2
    scope = " ".join(c.value for c in page.caption)
    assert "Sở Y tế" in scope and "grown by 20%" in scope
    # The link the page writes back is the scenario's: copied, it reopens the same thing.
    assert {name: _as_list(page.query_params[name]) for name in WHATIFS} == WHATIFS
    # A widget change goes into the link.
    page.slider(key="growth").set_value(50).run()
    assert not page.exception
    assert _as_list(page.query_params["growth"]) == ["50"]
    # A wait typed between the box's half-minute steps goes into the link as typed.
    page.text_input(key="wait").input("15.3").run()
    assert not page.exception and not page.toast
    assert _as_list(page.query_params["wait"]) == ["15.3"]
    link = {name: _as_list(page.query_params[name]) for name in page.query_params}
    again = run("staffing.py", link)
    assert not again.exception and not again.toast
    assert again.text_input(key="wait").value == "15.3"


def test_the_target_wait_is_a_vietnamese_decimal_box_kept_in_the_link(demo_db: Path, monkeypatch):
    """Typed "7,5" (seven and a half minutes) the link holds 7.5; the link reopens the box
    showing "7,5"; a wrong entry gets one Vietnamese sentence and the link keeps the last good
    wait."""
    monkeypatch.setenv(db.DB_ENV_VAR, str(demo_db))
    page = run("staffing.py", {})
    assert page.text_input(key="wait").value == "15,0"
    page.text_input(key="wait").input("7,5").run()
    assert not page.exception and not page.error
    assert _as_list(page.query_params["wait"]) == ["7.5"]
    assert any("7,5 phút" in caption.value for caption in page.caption)  # the target, in words

    link = {name: _as_list(page.query_params[name]) for name in page.query_params}
    again = run("staffing.py", link)
    assert not again.exception and not again.toast
    assert again.text_input(key="wait").value == "7,5"

    again.text_input(key="wait").input("bảy").run()
    assert not again.exception
    wrong = t("inputs.not_a_number", "vi", text="bảy")
    kept = t("inputs.kept", "vi", value="7,5")
    assert [error.value for error in again.error] == [f"{wrong} {kept}"]
    assert _as_list(again.query_params["wait"]) == ["7.5"]


def _as_list(value) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]


HOSTILE_WHATIFS = [
    {"staff": "0"},
    {"add": "' or 1=1 --"},
    {"growth": "1e9"},
    {"share": "<script>alert(1)</script>"},
    {"wait": "nan"},
    {"busy": "-1"},
    {"capacity_staff": "'; drop table dossiers; --"},
]


@pytest.mark.parametrize("link", HOSTILE_WHATIFS, ids=lambda link: next(iter(link)))
def test_a_hostile_what_if_is_dropped_with_a_notice(demo_db: Path, monkeypatch, link):
    monkeypatch.setenv(db.DB_ENV_VAR, str(demo_db))
    before = Path(demo_db).read_bytes()
    page = run("staffing.py", {"lang": "en", **link})
    assert not page.exception
    name = next(iter(link))
    assert [toast.value for toast in page.toast] == [
        t(f"whatif.notice_{'unknown' if name == 'add' else 'invalid'}", "en", param=name)
    ]
    assert name not in page.query_params  # the default took its place in the link
    assert any(s.value.startswith("One postal staffer is enough") for s in page.success)
    assert Path(demo_db).read_bytes() == before
