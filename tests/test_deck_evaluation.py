"""The pilot evaluation in the meeting pack: the deck from `onestop deck --pilot` carries the
comparison table and each measure's monthly lines when a pilot is stored and the data allow an
evaluation, and no evaluation slide at all when not."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from onestop.core import db, i18n
from onestop.core.filters import pilot_filter
from onestop.evaluation import compare, pilots
from onestop.meeting import deck, html
from onestop.meeting.content import build_content
from tests.fixtures import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "onestop.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=600,
    )


@pytest.fixture(scope="module")
def pilot_deck(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list:
    out = tmp_path_factory.mktemp("deck") / "pilot.pptx"
    done = run("deck", "--db", str(demo_db), "--pilot", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return list(Presentation(io.BytesIO(out.read_bytes())).slides)


@pytest.fixture(scope="module")
def evaluated(demo_db: Path) -> dict:
    done = run("evaluate", "--db", str(demo_db), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def titled(slides: list, title: str) -> list:
    return [slide for slide in slides if slide.shapes.title.text_frame.text == title]


def vi_number(value: float, digits: int = 1) -> str:
    """A number written the Vietnamese way, by hand: comma decimal mark, true minus sign."""
    text = f"{abs(value):.{digits}f}".replace(".", ",")
    return ("−" if round(value, digits) < 0 else "+") + text


# The DiD's unit as the table writes it, by the measure's kind.
UNITS = {
    "early_share": "share",
    "late_share": "share",
    "mean_processing_days": "days",
    "supplement_share": "share",
    "online_share": "share",
    "digitised_share": "share",
    "dossiers_per_staffer_day": "rate",
}


def did_text(measure: str, did: float) -> str:
    unit = UNITS[measure]
    if unit == "share":
        return f"{vi_number(did * 100)} điểm %"
    if unit == "days":
        return f"{vi_number(did)} ngày"
    return vi_number(did)


def test_the_comparison_table_holds_the_evaluate_commands_figures(pilot_deck, evaluated):
    [slide] = titled(pilot_deck, i18n.t("evaluation.summary_heading", "vi"))
    [table] = [shape.table for shape in slide.shapes if shape.has_table]
    header = [cell.text for cell in table.rows[0].cells]
    assert header[0] == i18n.t("evaluation.col_measure", "vi")
    did_column = header.index(i18n.t("evaluation.col_did", "vi"))
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in list(table.rows)[1:]}
    assert len(rows) == len(evaluated["measures"]) == 7
    for measure in evaluated["measures"]:
        row = rows[i18n.t(f"measure.{measure['measure']}", "vi")]
        assert row[did_column] == did_text(measure["measure"], measure["did"])
    online = rows[i18n.t("measure.online_share", "vi")]
    assert online[1:5] == ["70,0%", "98,2%", "61,9%", "61,5%"]  # before/during, pilot/others


def test_each_measure_has_native_monthly_lines_holding_the_evaluation(pilot_deck, demo_db):
    store = db.Store(demo_db)
    evaluation = compare.evaluate(store, compare.load_pilot(store))
    monthly = evaluation.monthly.filter(pl.col("measure") == "online_share")
    label = i18n.t("measure.online_share", "vi")
    [slide] = titled(pilot_deck, i18n.t("evaluation.chart_title", "vi", measure=label))
    [chart] = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    months = sorted(monthly["month"].unique().to_list())
    assert list(chart.plots[0].categories) == [month.strftime("%m/%Y") for month in months]
    assert months[0] == dt.date(2022, 1, 1) and months[-1] == dt.date(2023, 12, 1)
    drawn = {series.name: list(series.values) for series in chart.plots[0].series}
    for group in ("pilot", "others"):
        values = dict(monthly.filter(pl.col("group") == group).select("month", "value").iter_rows())
        name = i18n.t(f"evaluation.group_{group}", "vi")
        assert drawn[name] == pytest.approx([values.get(month) for month in months])
    # The pilot start is marked on the slide, and the measure's reading goes with its chart.
    text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert i18n.t("evaluation.chart_start", "vi", date="01/01/2023") in text
    assert "tăng 28,6 điểm phần trăm" in text


def test_the_pilot_start_is_a_dashed_line_on_its_month(pilot_deck):
    """A native chart has no marker line: the plot area is pinned (python-pptx internals) and a
    dashed line drawn over it at the pilot's first month, 01/2023, the 13th of 24 months."""
    label = i18n.t("measure.online_share", "vi")
    [slide] = titled(pilot_deck, i18n.t("evaluation.chart_title", "vi", measure=label))
    [frame] = [shape for shape in slide.shapes if shape.has_chart]
    layout = frame.chart._chartSpace.xpath("./c:chart/c:plotArea/c:layout/c:manualLayout/*")
    pinned = {element.tag.split("}")[1]: element.get("val") for element in layout}
    x, y, w, h = deck.PLOT_BOX
    assert pinned == {
        "layoutTarget": "inner",
        "xMode": "edge",
        "yMode": "edge",
        "x": str(x),
        "y": str(y),
        "w": str(w),
        "h": str(h),
    }
    [line] = [shape for shape in slide.shapes if shape.name == deck.MARKER_NAME]
    months = list(frame.chart.plots[0].categories)
    assert months.index("01/2023") == 12 and len(months) == 24
    expected = frame.left + frame.width * (x + w * 12.5 / 24)
    assert line.begin_x == line.end_x == pytest.approx(expected, abs=2)
    assert line.begin_y == pytest.approx(frame.top + frame.height * y, abs=2)
    assert line.end_y == pytest.approx(frame.top + frame.height * (y + h), abs=2)


def test_the_evaluation_is_in_the_html_report_too(demo_db: Path):
    store = db.Store(demo_db)
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    text = html.build_html(build_content(store, chosen, "vi", only=("evaluation",)))
    assert 'data-table="pilot_evaluation"' in text
    assert 'data-chart="evaluation_online_share"' in text
    assert "+28,6 điểm %" in text


def _deck_titles(content) -> list[str]:
    slides = Presentation(io.BytesIO(deck.build_deck(content).data)).slides
    return [slide.shapes.title.text_frame.text for slide in slides]


def test_without_a_pilot_the_deck_has_no_evaluation_slide(demo_db: Path, tmp_path: Path):
    copy = tmp_path / "no-pilot.duckdb"
    shutil.copy(demo_db, copy)
    pilots.clear_pilot(copy)
    store = db.Store(copy)
    chosen = pilot_filter(db.Store(demo_db).query("pilot_definition"), store.query("agencies"))
    content = build_content(store, chosen, "vi", only=("overview", "evaluation"))
    assert [section.key for section in content.sections] == ["overview"]
    assert i18n.t("evaluation.summary_heading", "vi") not in _deck_titles(content)


def test_when_the_data_cannot_be_compared_the_deck_has_no_evaluation_slide(demo_db: Path):
    """A period before with no dossiers: the page says what is missing; the deck leaves the
    evaluation out rather than showing an empty table."""
    store = db.Store(demo_db)
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    before = (dt.date(2010, 1, 1), dt.date(2010, 12, 31))
    content = build_content(store, chosen, "vi", only=("evaluation",), evaluation_before=before)
    assert content.sections == ()
    titles = _deck_titles(content)
    assert not [title for title in titles if "thí điểm" in title.lower() and title != titles[0]]
