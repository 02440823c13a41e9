"""Biểu 06 and the published-summary check as HTML tables for the page (every text escaped)."""

from __future__ import annotations

import polars as pl

from onestop.core import i18n
from onestop.core.text import html_literal
from onestop.reports.form06 import FORM06_COUNTS, FORM06_GROUPS, Form06, display_rows

_STYLE = """
<style>
.form06 {border-collapse: collapse; width: 100%; font-size: 0.85rem;
         font-variant-numeric: tabular-nums;}
.form06 th, .form06 td {border: 1px solid #b7c3d0; padding: 0.25rem 0.45rem;}
.form06 thead th {background: #e8eff7; color: #1b2a3a; text-align: center;
                  vertical-align: middle; font-weight: 600;}
.form06 thead tr.numbers th {background: #f5f8fb; font-weight: 400; font-style: italic;}
.form06 td.n {text-align: right; white-space: nowrap;}
.form06 col.count {width: 6.2%;}
.form06 col.stt {width: 3.2rem;}
.form06 td.c {text-align: center;}
.form06 tr.agency td {font-weight: 600; background: #f7f9fc;}
.form06 tr.total td {font-weight: 700; background: #e8eff7; border-top: 2px solid #1b2a3a;}
.form06 tr.gap td {background: #fde2e1; color: #7a1410;}
.form06 tr.match td {background: #e3f4e6; color: #124a1c;}
</style>
"""


def form06_table_html(form: Form06, lang: str) -> str:
    """The form with its official two-level header (rowspan/colspan) and numbered columns."""
    head_top = [
        f'<th rowspan="2">{html_literal(i18n.t("report.col_stt", lang))}</th>',
        f'<th rowspan="2">{html_literal(i18n.t("report.col_field", lang))}</th>',
    ]
    head_bottom = []
    for group_key, columns in FORM06_GROUPS:
        head_top.append(
            f'<th colspan="{len(columns)}">{html_literal(i18n.t(group_key, lang))}</th>'
        )
        head_bottom += [f"<th>{html_literal(i18n.t(label, lang))}</th>" for _, label in columns]
    numbers = "".join(f"<th>({number})</th>" for number in range(1, len(FORM06_COUNTS) + 3))
    body = []
    for line in display_rows(form, i18n.t("report.grand_total", lang)):
        cells = [
            f'<td class="c">{html_literal(line.number)}</td>',
            f"<td>{html_literal(line.label)}</td>",
        ]
        cells += [
            f'<td class="n">{html_literal(i18n.format_int(line.counts[name], lang))}</td>'
            for name in FORM06_COUNTS
        ]
        body.append(f'<tr class="{line.kind}">{"".join(cells)}</tr>')
    return (
        f'{_STYLE}<table class="form06">{_columns(len(FORM06_COUNTS))}'
        f"<thead><tr>{''.join(head_top)}</tr>"
        f'<tr>{"".join(head_bottom)}</tr><tr class="numbers">{numbers}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _columns(counts: int) -> str:
    # Equal widths for the count columns, the rest for the field's name.
    return f'<colgroup><col class="stt"><col>{"<col class=count>" * counts}</colgroup>'


def comparison_html(comparison: pl.DataFrame, lang: str) -> str:
    """The published-vs-data table, each row coloured by whether the figures agree."""
    headers = ["check_item", "check_published", "check_data", "check_difference", "check_verdict"]
    head = "".join(f"<th>{html_literal(i18n.t(f'report.{key}', lang))}</th>" for key in headers)
    body = []
    for row in comparison.iter_rows(named=True):
        share = row["kind"] == "share"

        def show(value: float, signed: bool = False, share: bool = share) -> str:
            text = i18n.format_decimal(value, lang, 1) if share else i18n.format_int(value, lang)
            return f"+{text}" if signed and value > 0 else text

        difference = show(row["difference"], signed=True)
        if share:
            difference += f" {i18n.t('report.check_points', lang)}"
        verdict = i18n.t("report.check_match" if row["matches"] else "report.check_gap", lang)
        label = i18n.t(f"report.item_{row['item']}", lang)
        cells = [
            f"<td>{html_literal(label)}</td>",
            f'<td class="n">{html_literal(show(row["published"]))}</td>',
            f'<td class="n">{html_literal(show(row["data"]))}</td>',
            f'<td class="n">{html_literal(difference)}</td>',
            f'<td class="c">{html_literal(verdict)}</td>',
        ]
        kind = "match" if row["matches"] else "gap"
        body.append(f'<tr class="{kind}">{"".join(cells)}</tr>')
    return (
        f'{_STYLE}<table class="form06"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
