"""The meeting pack as one self-contained HTML file: opens offline, prints to clean PDF pages.

plotly.js is written inline (no CDN), each chart is the dashboard's own Plotly figure
(charts.to_plotly of the same ChartSpec), tables are plain HTML, and every text from the data is
escaped. Print styles: A4 landscape, each section on a new page, no chart or table row cut in
two, the footer (period, filters, source) on every printed page, the screen-only hints hidden.
"""

from __future__ import annotations

from functools import cache

import plotly.io as pio
from plotly.offline import get_plotlyjs

from onestop.core import charts
from onestop.core.text import html_literal
from onestop.meeting.content import ReportContent
from onestop.meeting.sections import Chart, Figures, Form06Table, Heading, Section, Table, Text
from onestop.reports.form06_html import form06_table_html

_STYLE = """
:root { --ink: #1b2a3a; --muted: #5a6775; --accent: #0072b2; --line: #dde3ea; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", Arial, sans-serif; color: var(--ink); margin: 0;
       background: #fff; font-size: 16px; line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 64px; }
.cover { border-bottom: 3px solid var(--accent); padding-bottom: 16px; margin-bottom: 16px; }
.centre { color: var(--accent); font-weight: 700; font-size: 1.1rem; margin: 0; }
h1 { font-size: 1.9rem; margin: 6px 0 10px; }
h2 { font-size: 1.5rem; border-bottom: 1px solid var(--line); padding-bottom: 4px;
     margin-top: 40px; }
h3 { font-size: 1.15rem; color: var(--muted); margin: 24px 0 6px; }
dl.filters { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
dl.filters dt { color: var(--muted); }
dl.filters dd { margin: 0; }
.demo { background: #ffe8c7; color: #7a3e00; padding: 6px 10px; border-radius: 4px;
        font-weight: 700; display: inline-block; margin-top: 10px; }
.hint { color: var(--muted); font-size: 0.9rem; }
nav ol { columns: 2; margin: 6px 0; }
.verdict { font-size: 1.35rem; font-weight: 700; margin: 8px 0; }
.verdict.enough { color: #0b6e4f; } .verdict.not-enough { color: #a33b00; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 12px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
          background: #f7f9fc; text-align: center; }
.figure .label { color: var(--muted); font-size: 0.95rem; }
.figure .value { font-size: 2rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.figure .delta { color: var(--muted); font-size: 0.9rem; }
.chart { margin: 10px 0 18px; break-inside: avoid; page-break-inside: avoid; }
table.data { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 8px 0 16px;
             font-variant-numeric: tabular-nums; }
table.data th, table.data td { border: 1px solid #b7c3d0; padding: 4px 8px; }
table.data th { background: #e8eff7; text-align: center; }
table.data td.n { text-align: right; white-space: nowrap; }
table.data tr:nth-child(even) td { background: #f7f9fc; }
footer.page { color: var(--muted); font-size: 0.8rem; border-top: 1px solid var(--line);
              padding: 6px 20px; max-width: 1000px; margin: 0 auto; }
@page { size: A4 landscape; margin: 12mm 12mm 16mm; }
@media print {
  main { max-width: none; padding: 0 0 10mm; }
  .hint, nav { display: none; }
  section.part { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, .figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  footer.page { position: fixed; bottom: 0; left: 0; right: 0; max-width: none;
                background: #fff; padding: 2mm 0 0; }
  .demo { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# Plotly charts size to their container; a printed page is a different width from the window,
# so each chart is redrawn for printing and again afterwards.
_RESIZE = """
function onestopResize() {
  document.querySelectorAll('.js-plotly-plot').forEach(function (plot) {
    Plotly.Plots.resize(plot);
  });
}
window.addEventListener('beforeprint', onestopResize);
window.addEventListener('afterprint', onestopResize);
"""

PRINT_HEIGHT = 620  # CSS pixels of a chart that fits one landscape A4 page under its heading
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}


@cache
def _plotly_js() -> str:
    # A `</script>` inside the library would end the tag early; plotly.js has none, but the
    # file must stay valid whatever version is installed.
    return get_plotlyjs().replace("</script", "<\\/script")


def _e(text: object) -> str:
    return html_literal(text)


def _chart_html(chart: Chart, lang: str) -> str:
    figure = charts.to_plotly(chart.spec, lang)
    # A chart taller than a landscape A4 page would be cut in two when printed.
    figure.update_layout(height=min(chart.spec.height or 460, PRINT_HEIGHT))
    div = pio.to_html(
        figure,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{chart.name}",
        config=PLOTLY_CONFIG,
    )
    return f'<div class="chart" data-chart="{_e(chart.name)}">{div}</div>'


def _table_html(block: Table, lang: str) -> str:
    head = "".join(f"<th>{_e(header)}</th>" for header in block.headers())
    numeric = [
        block.frame.schema[column].is_numeric() or column in block.shares
        for column in block.frame.columns
    ]
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{_e(cell)}</td>' if is_number else f"<td>{_e(cell)}</td>"
            for cell, is_number in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in block.text_rows(lang)
    )
    return (
        f'<table class="data" data-table="{_e(block.name)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _figures_html(figures: Figures) -> str:
    cards = "".join(
        f'<div class="figure" data-figure="{_e(figure.key)}">'
        f'<div class="label">{_e(figure.label)}</div>'
        f'<div class="value">{_e(figure.value)}</div>'
        + (f'<div class="delta">{_e(figure.delta)}</div>' if figure.delta else "")
        + "</div>"
        for figure in figures.items
    )
    return f'<div class="figures">{cards}</div>'


def _section_html(section: Section, lang: str) -> str:
    parts = [f'<section class="part" id="{_e(section.key)}"><h2>{_e(section.title)}</h2>']
    for block in section.blocks:
        if isinstance(block, Heading):
            parts.append(f"<h3>{_e(block.text)}</h3>")
        elif isinstance(block, Text):
            parts.append(f"<p>{_e(block.text)}</p>")
        elif isinstance(block, Figures):
            parts.append(_figures_html(block))
        elif isinstance(block, Chart):
            parts.append(_chart_html(block, lang))
        elif isinstance(block, Table):
            parts.append(_table_html(block, lang))
        elif isinstance(block, Form06Table):
            parts.append(form06_table_html(block.form, lang))
    parts.append("</section>")
    return "\n".join(parts)


def _cover_html(content: ReportContent) -> str:
    filters = "".join(
        f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in content.filters
    )
    pilot = f'<p class="centre">{_e(content.pilot)}</p>' if content.pilot else ""
    demo = (
        f'<div class="demo" title="{_e(content.text("deck.demo_note"))}">'
        f"{_e(content.text('app.demo_badge'))}</div>"
        if content.is_demo
        else ""
    )
    return (
        f'<header class="cover"><p class="centre">{_e(content.centre)}</p>{pilot}'
        f"<h1>{_e(content.title)}</h1>"
        f'<dl class="filters">{filters}</dl>'
        f"<p>{_e(content.text('deck.data_date', date=content.data_date))}</p>{demo}"
        f'<p class="hint">{_e(content.text("html.print_hint"))}</p></header>'
    )


def _verdict_html(content: ReportContent) -> str:
    verdict = content.verdict
    if verdict is None:
        return ""
    tone = {True: " enough", False: " not-enough"}.get(verdict.enough, "")
    details = "".join(f"<p>{_e(text)}</p>" for text in verdict.details)
    return (
        f'<section id="verdict"><h2>{_e(content.text("deck.verdict_heading"))}</h2>'
        f'<p class="verdict{tone}">{_e(verdict.text)}</p>{details}</section>'
    )


def _contents_html(content: ReportContent) -> str:
    items = "".join(
        f'<li><a href="#{_e(section.key)}">{_e(section.title)}</a></li>'
        for section in content.sections
    )
    return f"<nav><h2>{_e(content.text('html.contents'))}</h2><ol>{items}</ol></nav>"


def build_html(content: ReportContent) -> str:
    """The whole report as one HTML document (UTF-8), plotly.js included."""
    body = "\n".join(
        [
            _cover_html(content),
            _contents_html(content),
            _verdict_html(content),
            *(_section_html(section, content.lang) for section in content.sections),
        ]
    )
    return f"""<!doctype html>
<html lang="{_e(content.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(content.title)} — {_e(content.period)}</title>
<style>{_STYLE}</style>
<script>{_plotly_js()}</script>
</head>
<body>
<main>
{body}
</main>
<footer class="page">{_e(content.footer)}</footer>
<script>{_RESIZE}</script>
</body>
</html>
"""
