"""The offline HTML report: self-contained, escaped, printable, and every chart draws in a
browser that may not reach the network."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from onestop.core import db
from onestop.core.filters import DossierFilter, pilot_filter
from onestop.meeting import html
from onestop.meeting.content import ReportContent, build_content
from tests.browser import CHROMIUM, CHROMIUM_FLAGS, RUN_TIMEOUT_S
from tests.fixtures import AGENCIES, DOSSIER_SCHEMA, FIELDS, STAFF, dossier


@pytest.fixture(scope="module")
def content(demo_db: Path) -> ReportContent:
    store = db.Store(demo_db)
    chosen = pilot_filter(store.query("pilot_definition"), store.query("agencies"))
    return build_content(store, chosen, "vi")


@pytest.fixture(scope="module")
def report_file(content: ReportContent, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(html.build_html(content), encoding="utf-8")
    return path


def test_report_loads_nothing_from_the_network(report_file: Path):
    text = report_file.read_text(encoding="utf-8")
    assert "Plotly.newPlot" in text
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+href=", text)
    assert "cdn.plot.ly" not in text.replace("https://cdn.plot.ly/", "")  # only in comments


def test_report_carries_cover_figures_and_footer(report_file: Path, content):
    text = report_file.read_text(encoding="utf-8")
    assert "Dữ liệu minh họa" in text
    assert "01/01/2023 – 31/12/2023" in text
    assert '<div class="value">1.700</div>' in text
    assert '<div class="value">98,2%</div>' in text
    assert text.count('<footer class="page">') == 1
    charts = [chart.name for section in content.sections for chart in section.charts]
    # How far one staffer stretches (the staffing page's capacity charts) is in the report too.
    assert {"capacity_factor", "capacity_agencies"} <= set(charts)
    for name in charts:
        assert f'data-chart="{name}"' in text
    assert "@page" in text and "break-before: page" in text


def test_supplied_names_are_escaped(tmp_path: Path):
    hostile = '<img src=x onerror=alert(1)>Sở "Tư" pháp'
    path = tmp_path / "hostile.duckdb"
    con = db.connect_for_writing(path)
    try:
        db.insert_frame(con, "agencies", AGENCIES.with_columns(name=pl.lit(hostile)))
        db.insert_frame(con, "fields", FIELDS)
        db.insert_frame(con, "staff", STAFF)
        rows = [dossier(f"STP-{index}") for index in range(5)]
        db.insert_frame(con, "dossiers", pl.DataFrame(rows, schema=DOSSIER_SCHEMA))
    finally:
        con.close()
    store = db.Store(path)
    chosen = DossierFilter(pilot_date(2023, 3, 1), pilot_date(2023, 3, 31))
    text = html.build_html(build_content(store, chosen, "vi"))
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def pilot_date(year: int, month: int, day: int):
    import datetime as dt

    return dt.date(year, month, day)


@pytest.mark.e2e
def test_every_chart_draws_offline_in_chromium(report_file: Path, content, tmp_path: Path):
    """Headless Chromium with every non-file request refused: each chart draws its traces."""
    from playwright.sync_api import sync_playwright

    expected = sum(len(section.charts) for section in content.sections)
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_offline(True)

            def route(request_route):
                if request_route.request.url.startswith("file:"):
                    request_route.continue_()
                else:
                    refused.append(request_route.request.url)
                    request_route.abort()

            context.route("**/*", route)
            page = context.new_page()
            # A bound, not an expectation: loading 4 MB of inline plotly.js and drawing every
            # chart, then printing, takes minutes on a machine loaded several deep.
            page.set_default_timeout(RUN_TIMEOUT_S * 1000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(report_file.as_uri())
            page.wait_for_function(
                """(expected) => {
                    const plots = document.querySelectorAll('.js-plotly-plot');
                    return plots.length === expected && Array.from(plots).every(
                        (plot) => plot._fullData && plot._fullData.length > 0
                            && plot.querySelector('svg.main-svg')
                            && plot.querySelectorAll('.trace, .hm').length > 0);
                }""",
                arg=expected,
            )
            drawn = page.evaluate(
                """() => Array.from(document.querySelectorAll('.chart')).map((chart) => [
                    chart.dataset.chart,
                    chart.querySelectorAll('.trace, .hm').length,
                ])"""
            )
            page.emulate_media(media="print")
            pdf = page.pdf(format="A4", landscape=True, print_background=True)
            (tmp_path / "report.pdf").write_bytes(pdf)
        finally:
            browser.close()
    assert errors == []
    assert refused == []
    assert len(drawn) == expected
    assert all(count > 0 for _, count in drawn), drawn
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > len(content.sections)
