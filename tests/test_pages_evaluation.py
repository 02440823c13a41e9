"""The pilot evaluation page under AppTest: the comparison, readings and monthly charts on the
demo, the caution on a database whose groups drifted apart before the pilot, and what the page
says instead of charts when a baseline, other agencies or a pilot are missing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from onestop.cli import main as cli
from onestop.core import db, i18n
from onestop.evaluation import compare
from onestop.web import pilot_settings
from tests.fixtures import ROOT
from tests.known_effect import known_effect_db, known_effect_rows

PAGE = str(ROOT / "pages" / "evaluation.py")


def open_page(
    path: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "vi", link: dict | None = None
) -> AppTest:
    monkeypatch.setenv(db.DB_ENV_VAR, str(path))
    app = AppTest.from_file(PAGE, default_timeout=120)
    if lang != "vi":
        app.query_params["lang"] = lang
    for name, values in (link or {}).items():
        app.query_params[name] = values
    return app.run()


def chart_layouts(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec)["layout"] for chart in app.get("plotly_chart")]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_demo_pilot_is_compared_measure_by_measure(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    app = open_page(demo_db, monkeypatch, lang)
    assert not app.exception, app.exception
    assert app.title[0].value == i18n.t("evaluation.page_title", lang)
    table = app.table[0].value
    assert len(table) == len(compare.EVALUATED)
    assert list(table.columns)[-2] == i18n.t("evaluation.col_interval", lang)
    assert table.index.name == i18n.t("evaluation.col_measure", lang)
    # One chart per measure, each with both groups and the pilot start marked.
    layouts = chart_layouts(app)
    assert len(layouts) == len(compare.EVALUATED)
    start = i18n.format_date(dt.date(2023, 1, 1), lang)
    for layout in layouts:
        assert layout["shapes"][0]["x0"].startswith("2023-01-01")
        assert layout["annotations"][0]["text"] == i18n.t(
            "evaluation.chart_start", lang, date=start
        )
    names = {trace["name"] for chart in app.get("plotly_chart") for trace in _traces(chart)}
    assert names == {
        i18n.t("evaluation.group_pilot", lang),
        i18n.t("evaluation.group_others", lang),
    }
    texts = " ".join(markdown.value for markdown in app.markdown)
    interval = "Khoảng tin cậy 95%" if lang == "vi" else "95% interval"
    assert texts.count(interval) == len(compare.EVALUATED)
    # The method is named on the page.
    assert any("Webb" in caption.value for caption in app.caption)


def _traces(chart) -> list[dict]:
    return json.loads(chart.proto.spec)["data"]


def test_a_drift_before_the_pilot_is_flagged_on_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = known_effect_rows(np.random.default_rng(3), effect=0.0, pre_trend=-0.015)
    path = tmp_path / "trend.duckdb"
    known_effect_db(path, rows)
    app = open_page(path, monkeypatch, "en")
    assert not app.exception, app.exception
    warnings = [warning.value for warning in app.warning]
    assert any(w.startswith("Caution") and "moved differently" in w for w in warnings)


def test_an_interval_that_includes_zero_is_said_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "none.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(1), effect=0.0))
    app = open_page(path, monkeypatch, "en")
    late = next(m.value for m in app.markdown if m.value.startswith("Share late"))
    assert "it includes zero" in late


def test_without_a_baseline_the_page_says_so_instead_of_charts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        row
        for row in known_effect_rows(np.random.default_rng(4), 0.0)
        if not (row["agency_id"] <= 6 and row["received_at"].year == 2022)  # type: ignore[union-attr,operator]
    ]
    path = tmp_path / "nobase.duckdb"
    known_effect_db(path, rows)
    app = open_page(path, monkeypatch)
    assert not app.exception, app.exception
    assert [w.value for w in app.warning] == [
        i18n.t("evaluation.missing_pilot_before", "vi", start="01/01/2022", end="31/12/2022")
    ]
    assert not app.get("plotly_chart") and not app.table


def test_without_other_agencies_the_page_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = known_effect_rows(np.random.default_rng(5), 0.0, pilot_agencies=6, other_agencies=0)
    path = tmp_path / "alone.duckdb"
    known_effect_db(path, rows, agencies=6)
    app = open_page(path, monkeypatch)
    assert [w.value for w in app.warning] == [i18n.t("evaluation.missing_others", "vi")]
    assert not app.get("plotly_chart")


def test_without_a_pilot_the_page_says_how_to_define_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = tmp_path / "nopilot.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(6), 0.0))
    assert cli.main(["pilot", "clear", "--db", str(path)]) == 0
    app = open_page(path, monkeypatch)
    assert [info.value for info in app.info] == [i18n.t("evaluation.no_pilot", "vi")]
    assert not app.get("plotly_chart")


def test_a_chosen_period_before_is_used_and_a_wrong_one_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chosen.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(7), 0.0))
    app = open_page(path, monkeypatch, "en")
    app.date_input(key="evaluation_before").set_value(
        (dt.date(2022, 7, 1), dt.date(2022, 12, 31))
    ).run()
    assert not app.exception, app.exception
    assert any("(2022-07-01 – 2022-12-31)" in caption.value for caption in app.caption)
    app.date_input(key="evaluation_before").set_value(
        (dt.date(2022, 7, 1), dt.date(2023, 3, 31))
    ).run()
    assert [error.value for error in app.error] == [
        "The period before the pilot must end before the pilot starts: it ends 2023-03-31 "
        "and the pilot starts 2023-01-01."
    ]
    assert not app.get("plotly_chart")


# --- the period before, kept in the link ---------------------------------------------------------

BEFORE = "evaluation_before"


@pytest.fixture(scope="module")
def link_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("link") / "link.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(10), 0.05))
    return path


def _link(app: AppTest) -> dict[str, list[str]]:
    """The period before in the page's address (AppTest holds a string or a list each)."""
    values = {name: app.query_params.get(name, []) for name in ("before_from", "before_to")}
    return {name: value if isinstance(value, list) else [value] for name, value in values.items()}


def _comparison(app: AppTest) -> list:
    return app.table[0].value.reset_index().values.tolist()


def test_the_period_before_is_kept_in_the_link(
    link_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_page(link_db, monkeypatch)
    default = _comparison(app)
    assert _link(app) == {"before_from": [], "before_to": []}  # the default is left out
    app.date_input(key=BEFORE).set_value((dt.date(2022, 7, 1), dt.date(2022, 12, 31))).run()
    assert not app.exception, app.exception
    assert _link(app) == {"before_from": ["2022-07-01"], "before_to": ["2022-12-31"]}
    chosen = _comparison(app)
    assert chosen != default
    # The link opens the same comparison in a new session, without a notice.
    reopened = open_page(link_db, monkeypatch, link=_link(app))
    assert not reopened.exception and not reopened.toast
    assert reopened.date_input(key=BEFORE).value == (dt.date(2022, 7, 1), dt.date(2022, 12, 31))
    assert _comparison(reopened) == chosen
    assert any("(01/07/2022 – 31/12/2022)" in caption.value for caption in reopened.caption)
    # A page switch drops the link (Streamlit 1.67): the period shown is restored and written back.
    reopened.query_params.clear()
    reopened.run()
    assert _comparison(reopened) == chosen
    assert _link(reopened) == {"before_from": ["2022-07-01"], "before_to": ["2022-12-31"]}
    # Back to the default period: the link is clean again.
    reopened.date_input(key=BEFORE).set_value((dt.date(2022, 1, 1), dt.date(2022, 12, 31))).run()
    assert _link(reopened) == {"before_from": [], "before_to": []}
    assert _comparison(reopened) == default
    # One end is enough, as for `onestop evaluate --before-to`: the other keeps the pilot's length.
    half = open_page(link_db, monkeypatch, link={"before_to": ["2022-06-30"]})
    assert half.date_input(key=BEFORE).value == (dt.date(2021, 7, 1), dt.date(2022, 6, 30))
    assert _link(half) == {"before_from": ["2021-07-01"], "before_to": ["2022-06-30"]}


@pytest.mark.parametrize(
    ("link", "notices"),
    [
        ({"before_from": ["2022-13-01"]}, [("invalid", "before_from")]),
        ({"before_to": ["'; drop table dossiers; --"]}, [("invalid", "before_to")]),
        ({"before_from": ["<script>alert(1)</script>"]}, [("invalid", "before_from")]),
        ({"before_from": ["２０２２-０１-０１"]}, [("invalid", "before_from")]),
        (
            {"before_from": ["0001-01-01"], "before_to": ["9999-12-31"]},
            [("invalid", "before_from"), ("invalid", "before_to")],
        ),
        ({"before_from": ["2022-12-31"], "before_to": ["2022-01-01"]}, [("order", "before_from")]),
        # One end whose other end, a pilot's length later, would fall off the date picker.
        ({"before_from": ["2023-12-01"]}, [("invalid", "before_to")]),
    ],
)
def test_a_bad_link_to_the_period_before_gives_the_notice_and_the_default(
    link_db: Path, monkeypatch: pytest.MonkeyPatch, link: dict, notices: list
) -> None:
    before = link_db.read_bytes()
    default = _comparison(open_page(link_db, monkeypatch))
    app = open_page(link_db, monkeypatch, link=link)
    assert not app.exception, app.exception
    assert [toast.value for toast in app.toast] == [
        i18n.t(f"filters.notice_{reason}", "vi", param=param) for reason, param in notices
    ]
    assert app.date_input(key=BEFORE).value == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert _comparison(app) == default
    assert _link(app) == {"before_from": [], "before_to": []}  # dropped from the address too
    assert link_db.read_bytes() == before


def test_a_link_to_a_period_overlapping_the_pilot_says_why_as_when_picked(
    link_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = {"before_from": ["2022-07-01"], "before_to": ["2023-03-31"]}
    app = open_page(link_db, monkeypatch, "en", link=link)
    assert not app.exception and not app.toast
    assert [error.value for error in app.error] == [
        "The period before the pilot must end before the pilot starts: it ends 2023-03-31 "
        "and the pilot starts 2023-01-01."
    ]
    assert _link(app) == link  # the link still reopens what was asked


# --- the Import page's pilot settings -----------------------------------------------------------

IMPORT_PAGE = str(ROOT / "pages" / "import_data.py")


def open_import(path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(db.DB_ENV_VAR, str(path))
    return AppTest.from_file(IMPORT_PAGE, default_timeout=60).run()


def _stored(path: Path) -> dict | None:
    store = db.Store(path)
    try:
        pilot = compare.load_pilot(store)
    finally:
        store.close()
    return None if pilot is None else {"name": pilot.name, "ids": pilot.agency_ids}


def test_the_import_page_sets_and_clears_the_pilot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(8), 0.0))
    app = open_import(path, monkeypatch)
    assert not app.exception, app.exception
    assert app.multiselect(key=pilot_settings.AGENCIES_KEY).value == [1, 2, 3, 4, 5, 6]
    app.multiselect(key=pilot_settings.AGENCIES_KEY).set_value([7, 8])
    app.date_input(key=pilot_settings.START_KEY).set_value(dt.date(2023, 4, 1))
    app.text_input(key=pilot_settings.NAME_KEY).set_value("Đợt 2 <b>")
    app.button(key=pilot_settings.SAVE_KEY).click().run()
    assert not app.exception, app.exception
    assert _stored(path) == {"name": "Đợt 2 <b>", "ids": (7, 8)}
    assert [s.value for s in app.success] == [i18n.t("pilot.saved", "vi")]
    assert any("Đợt 2 <b\\>" in m.value or "Đợt 2 \\<b\\>" in m.value for m in app.markdown)
    app.button(key=pilot_settings.CLEAR_KEY).click().run()
    assert _stored(path) is None
    assert [s.value for s in app.success] == [i18n.t("pilot.cleared", "vi")]


def test_the_import_page_refuses_a_pilot_without_agencies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "refuse.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(9), 0.0))
    before = path.read_bytes()
    app = open_import(path, monkeypatch)
    app.multiselect(key=pilot_settings.AGENCIES_KEY).set_value([])
    app.button(key=pilot_settings.SAVE_KEY).click().run()
    assert [e.value for e in app.error] == [i18n.t("pilot.error_no_agencies", "vi")]
    assert path.read_bytes() == before


def test_a_pilot_stored_beyond_the_usual_dates_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found by tests/test_pages_property.py: a pilot stored in 2999 (past the pickers' 2100) made
    # the Import page's date inputs raise; they widen to hold what is stored.
    path = tmp_path / "far.duckdb"
    known_effect_db(path, known_effect_rows(np.random.default_rng(11), 0.0))
    con = db.connect_for_writing(path)
    try:
        con.execute("update pilots set start_date = date '2999-01-01', end_date = '2999-05-15'")
    finally:
        con.close()
    app = open_import(path, monkeypatch)
    assert not app.exception, app.exception
    assert app.date_input(key=pilot_settings.START_KEY).value == dt.date(2999, 1, 1)
    assert app.date_input(key=pilot_settings.END_KEY).value == dt.date(2999, 5, 15)
    evaluation = open_page(path, monkeypatch)
    assert not evaluation.exception, evaluation.exception
