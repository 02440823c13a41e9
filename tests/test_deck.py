"""The meeting deck, opened with python-pptx: slides, native charts holding the query's numbers,
the footer everywhere, the figures the Vietnamese way, and a deck without Chromium."""

from __future__ import annotations

import io
import math
from pathlib import Path

import polars as pl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from onestop import staffing
from onestop.core import db, i18n
from onestop.core.chart_table import chart_series
from onestop.core.filters import DossierFilter, pilot_filter
from onestop.meeting import deck, sections
from onestop.meeting.content import ReportContent, build_content
from onestop.reports.form06 import display_rows
from onestop.staffing import capacity, capacity_report


@pytest.fixture(scope="module")
def store(demo_db: Path) -> db.Store:
    return db.Store(demo_db)


@pytest.fixture(scope="module")
def pilot(store: db.Store):
    return pilot_filter(store.query("pilot_definition"), store.query("agencies"))


@pytest.fixture(scope="module")
def content_vi(store: db.Store, pilot) -> ReportContent:
    return build_content(store, pilot, "vi")


@pytest.fixture(scope="module")
def built_vi(content_vi: ReportContent) -> deck.DeckResult:
    return deck.build_deck(content_vi)


@pytest.fixture(scope="module")
def slides(built_vi: deck.DeckResult) -> list:
    return list(Presentation(io.BytesIO(built_vi.data)).slides)


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def slide_titled(slides: list, title: str):
    matches = [slide for slide in slides if slide.shapes.title.text_frame.text == title]
    assert len(matches) == 1, title
    return matches[0]


def chart_of(slides: list, content: ReportContent, name: str):
    """The native chart on the slide of a named chart of the content."""
    spec = next(
        chart.spec for section in content.sections for chart in section.charts if chart.name == name
    )
    slide = slide_titled(slides, spec.title)
    charts = [shape.chart for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1
    return charts[0]


def expected_slides(content: ReportContent) -> int:
    """Title, verdict, then one slide per figures block and chart, tables by their row pages."""
    count = 1 + (content.verdict is not None)
    for section in content.sections:
        for block in section.blocks:
            if isinstance(block, sections.Figures):
                count += 1
            elif isinstance(block, sections.Chart):
                bars = block.spec.data[block.spec.x].n_unique()
                long = block.spec.horizontal and bars > deck.LABELLED_CATEGORIES
                count += math.ceil(bars / deck.LABELLED_CATEGORIES) if long else 1
            elif isinstance(block, sections.Table):
                count += max(1, math.ceil(block.frame.height / deck.TABLE_ROWS_PER_SLIDE))
            elif isinstance(block, sections.Form06Table):
                lines = len(display_rows(block.form, ""))
                count += math.ceil(lines / deck.FORM06_ROWS_PER_SLIDE)
    return count


def test_deck_has_a_slide_per_chart_and_table_page(built_vi, slides, content_vi):
    assert len(slides) == built_vi.slides == expected_slides(content_vi)
    charts = [chart for section in content_vi.sections for chart in section.charts]
    # Every page of the dashboard is in the deck, with all its charts.
    assert [section.key for section in content_vi.sections] == [
        "overview",
        "throughput",
        "timeliness",
        "agency_load",
        "staffing",
        "evaluation",
        "report",
    ]
    assert len(charts) == 24
    native = [shape for slide in slides for shape in slide.shapes if shape.has_chart]
    heatmaps = [chart for chart in charts if chart.spec.kind == "heatmap"]
    assert len(native) == len(charts) - len(heatmaps)


def test_slides_are_16_by_9(built_vi):
    presentation = Presentation(io.BytesIO(built_vi.data))
    assert presentation.slide_width * 9 == presentation.slide_height * 16 or math.isclose(
        presentation.slide_width / presentation.slide_height, 16 / 9, rel_tol=1e-3
    )


def test_every_slide_carries_the_footer(slides, content_vi):
    assert "01/01/2023 – 31/12/2023" in content_vi.footer
    assert "6 cơ quan thí điểm" in content_vi.footer
    assert "Dữ liệu minh họa" in content_vi.footer
    for number, slide in enumerate(slides, start=1):
        footers = [shape for shape in slide.shapes if shape.name == deck.FOOTER_NAME]
        assert [shape.text_frame.text for shape in footers] == [content_vi.footer], number
        numbers = [shape for shape in slide.shapes if shape.name == deck.NUMBER_NAME]
        assert numbers[0].text_frame.text == f"{number}/{len(slides)}"


def test_title_slide_names_centre_period_filters_data_date_and_demo(slides):
    title = "\n".join(texts(slides[0]))
    assert "Trung tâm Phục vụ hành chính công" in title
    assert "Kỳ báo cáo: 01/01/2023 – 31/12/2023" in title
    assert "Cơ quan: 6 cơ quan thí điểm (SCT, SGDDT, SKHCN, SNV, STP, SXD)" in title
    assert "Kênh nộp: Tất cả" in title
    assert "Số liệu đến ngày 29/12/2023" in title
    assert any(shape.name == "onestop-demo-mark" for shape in slides[0].shapes)
    assert "Dữ liệu minh họa" in title


def test_figures_slide_writes_the_pilot_year_the_vietnamese_way(slides):
    figures = slide_titled(slides, i18n.t("deck.figures_heading", "vi"))
    cards = {
        shape.name.removeprefix("onestop-figure-"): shape.text_frame.text.split("\n")
        for shape in figures.shapes
        if shape.name.startswith("onestop-figure-")
    }
    assert cards["received_total"][:2] == ["Tiếp nhận", "1.700"]
    assert cards["online_share"][1] == "98,2%"
    assert cards["resolved_total"][1] == "1.668"
    assert cards["resolved_early"][1] == "1.479"
    assert cards["resolved_on_time"][1] == "168"
    assert cards["resolved_late"][1] == "21"
    assert cards["in_progress_total"][1] == "32"


def test_verdict_slide_states_the_staffing_answer(slides, content_vi):
    verdict = slide_titled(slides, i18n.t("deck.verdict_heading", "vi"))
    assert content_vi.verdict is not None
    assert content_vi.verdict.text in texts(verdict)


def test_received_chart_holds_the_monthly_counts_by_channel(slides, content_vi, store, pilot):
    chart = chart_of(slides, content_vi, "throughput_received")
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    flow = store.query("dossier_flow_by_period", {**pilot.params(), "grain": "month"})
    assert list(chart.plots[0].categories) == [f"{month:02d}/2023" for month in range(1, 13)]
    names = {"online": "Trực tuyến", "in_person": "Trực tiếp", "postal": "Bưu chính công ích"}
    codes = {2: "online", 1: "in_person", 3: "postal"}
    drawn = {series.name: list(series.values) for series in chart.plots[0].series}
    for code, key in codes.items():
        expected = flow.filter(pl.col("channel") == code).sort("period_start")["received"]
        assert drawn[names[key]] == [float(value) for value in expected]
    assert sum(sum(values) for values in drawn.values()) == 1700


def test_agency_chart_holds_each_agency_count_largest_on_top(slides, content_vi, store, pilot):
    chart = chart_of(slides, content_vi, "agency_dossiers")
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert chart.category_axis.reverse_order  # first row on top, as on the screen
    agencies = store.query("receptions_by_agency", pilot.params()).sort(
        ["dossiers", "agency"], descending=[True, False]
    )
    assert list(chart.plots[0].categories) == agencies["agency"].to_list()
    assert list(chart.plots[0].series[0].values) == [float(v) for v in agencies["dossiers"]]


def test_timeliness_chart_holds_the_shares_by_class(slides, content_vi, store, pilot):
    chart = chart_of(slides, content_vi, "timeliness_by_month")
    resolved = store.query("resolved_timeliness_by_procedure_month", pilot.params())
    monthly = resolved.group_by("month").agg(
        pl.col("resolved_early", "resolved_on_time", "resolved_late").sum()
    )
    monthly = monthly.sort("month").with_columns(
        total=pl.sum_horizontal("resolved_early", "resolved_on_time", "resolved_late")
    )
    drawn = {series.name: list(series.values) for series in chart.plots[0].series}
    expected = (monthly["resolved_late"] / monthly["total"]).to_list()
    assert drawn["Quá hạn"] == pytest.approx(expected)


def test_staffing_lines_hold_the_models_figures(slides, content_vi):
    chart = chart_of(slides, content_vi, "staffing_utilisation")
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    assert list(chart.plots[0].categories) == ["1", "2", "3", "4"]
    scenarios = content_vi.sections[4].blocks
    table = next(block for block in scenarios if isinstance(block, sections.Table))
    simulation = table.frame.filter(pl.col("model") == "Mô phỏng")["utilisation"].to_list()
    drawn = {series.name: list(series.values) for series in chart.plots[0].series}
    assert any(values == pytest.approx(simulation) for values in drawn.values())


def test_capacity_lines_hold_the_models_values(slides, content_vi, store, pilot):
    """How far one staffer stretches (issue 11) is in the deck: the volume-factor curve as an
    XY chart (its points at their real distance apart) and the agencies added one by one, each
    holding the capacity model's shares."""
    found = capacity.capacity(store, staffing.Question(pilot), capacity.DEFAULT_STAFF)
    curve = capacity_report.curve_frame(found)
    chart = chart_of(slides, content_vi, "capacity_factor")
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER_LINES
    within, busy = chart.plots[0].series
    assert within.name == "Người dân chờ không quá 15 phút"
    assert list(within.values) == pytest.approx(curve["within"].to_list())
    assert list(busy.values) == pytest.approx(curve["busy"].to_list())
    xs = within._element.xpath("./c:xVal//c:pt/c:v/text()")
    assert [float(x) for x in xs] == pytest.approx(curve["factor"].to_list())

    names = capacity_report.agency_names(store)
    steps = capacity_report.steps_frame(found, names, "vi")
    assert steps.height > 1
    chart = chart_of(slides, content_vi, "capacity_agencies")
    assert list(chart.plots[0].categories) == steps["step"].to_list()
    drawn = [list(series.values) for series in chart.plots[0].series]
    assert drawn == [
        pytest.approx(steps["within"].to_list()),
        pytest.approx(steps["busy"].to_list()),
    ]
    title = slide_titled(slides, i18n.t("capacity.table_title", "vi"))
    table = next(shape.table for shape in title.shapes if shape.has_table)
    assert [row.cells[0].text for row in table.rows][1:] == steps["step"].to_list()


def test_form06_is_split_across_slides_with_the_total_last(slides, content_vi):
    heading = i18n.t("report.form_heading", "vi")
    form_slides = [s for s in slides if s.shapes.title.text_frame.text.startswith(heading)]
    form = next(
        block.form
        for section in content_vi.sections
        for block in section.blocks
        if isinstance(block, sections.Form06Table)
    )
    lines = display_rows(form, "")
    assert len(form_slides) == math.ceil(len(lines) / deck.FORM06_ROWS_PER_SLIDE) > 1
    assert form_slides[1].shapes.title.text_frame.text.endswith(f"2/{len(form_slides)})")
    tables = [shape.table for shape in form_slides[-1].shapes if shape.has_table]
    last_row = [cell.text for cell in tables[0].rows[len(tables[0].rows) - 1].cells]
    assert last_row[1] == "Tổng cộng"
    assert last_row[2] == "1.700"  # column 3, the total received


def test_heatmap_is_a_picture_when_chromium_draws_it(slides, content_vi, built_vi):
    spec = next(
        chart.spec
        for section in content_vi.sections
        for chart in section.charts
        if chart.spec.kind == "heatmap"
    )
    slide = slide_titled(slides, spec.title)
    if built_vi.images_left_out:
        pytest.skip(f"Chromium could not draw here: {built_vi.images_left_out}")
    assert [shape.name for shape in slide.shapes if shape.shape_type == 13] == ["onestop-heatmap"]


def test_without_chromium_the_deck_still_builds_and_names_what_it_left_out(
    content_vi, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    result = deck.build_deck(content_vi)
    heatmap = next(
        chart.spec
        for section in content_vi.sections
        for chart in section.charts
        if chart.spec.kind == "heatmap"
    )
    assert result.images_left_out == [heatmap.title]
    slide = slide_titled(list(Presentation(io.BytesIO(result.data)).slides), heatmap.title)
    assert i18n.t("deck.image_missing", "vi") in texts(slide)
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    grid = heatmap.data.filter(pl.col("day") == "Thứ Hai").sort("time")
    monday = next(row for row in table.rows if row.cells[0].text == "Thứ Hai")
    header = [cell.text for cell in table.rows[0].cells]
    for time, dossiers in grid.select("time", "dossiers").iter_rows():
        assert monday.cells[header.index(time)].text == i18n.format_int(dossiers, "vi")
    # The native charts are all still there.
    native = sum(
        shape.has_chart for s in Presentation(io.BytesIO(result.data)).slides for shape in s.shapes
    )
    assert native == 23


def test_english_deck_writes_numbers_the_english_way(store, pilot):
    content = build_content(store, pilot, "en", only=("overview",))
    slides = list(Presentation(io.BytesIO(deck.build_deck(content).data)).slides)
    figures = slide_titled(slides, i18n.t("deck.figures_heading", "en"))
    assert "1,700" in "\n".join(texts(figures))
    assert "98.2%" in "\n".join(texts(figures))
    assert "2023-01-01 – 2023-12-31" in content.footer


def test_small_stacked_segments_have_no_label(slides, content_vi):
    """A late share of 1–3% has no room for a label: its label is deleted, the others stay."""
    chart = chart_of(slides, content_vi, "timeliness_by_agency")
    late = next(series for series in chart.plots[0].series if series.name == "Quá hạn")
    deleted = late._element.xpath("./c:dLbls/c:dLbl[c:delete/@val='1']/c:idx/@val")
    small = [index for index, value in enumerate(late.values) if value < deck.SMALL_SEGMENT]
    assert small and sorted(int(index) for index in deleted) == small
    early = next(series for series in chart.plots[0].series if series.name == "Trước hạn")
    assert early._element.xpath("./c:dLbls/c:dLbl") == []


def test_a_long_bar_chart_continues_across_slides(store, pilot):
    """Thirty-odd fields are more bars than one slide can name (LibreOffice then names every
    other one and the value labels overprint): the chart continues on the next slide, each part
    with its names and labels, the bars in the screen's order."""
    every_agency = DossierFilter(pilot.date_from, pilot.date_to)
    content = build_content(store, every_agency, "vi", only=("timeliness",))
    built = deck.build_deck(content)
    slides = list(Presentation(io.BytesIO(built.data)).slides)
    assert len(slides) == built.slides == expected_slides(content)
    spec = next(chart.spec for chart in content.sections[0].charts if chart.name.endswith("field"))
    drawn = chart_series(spec, "vi")
    assert len(drawn.categories) > deck.LABELLED_CATEGORIES
    parts = [s for s in slides if s.shapes.title.text_frame.text.startswith(spec.title + " (")]
    assert len(parts) == math.ceil(len(drawn.categories) / deck.LABELLED_CATEGORIES)
    assert parts[-1].shapes.title.text_frame.text.endswith(f"{len(parts)}/{len(parts)})")
    charts = [next(sh.chart for sh in part.shapes if sh.has_chart) for part in parts]
    assert [name for chart in charts for name in chart.plots[0].categories] == drawn.categories
    for chart in charts:
        assert len(chart.plots[0].categories) <= deck.LABELLED_CATEGORIES
        assert chart.plots[0].has_data_labels
    late = [value for chart in charts for value in chart.plots[0].series[2].values]
    assert late == pytest.approx(drawn.series[2].values)
