"""Biểu số 06: the official results table, built from classified dossiers, in several formats.

Its counts are plain integers: db turns DuckDB's Decimal sums into Int64 for every query.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import polars as pl

from onestop.core import i18n
from onestop.core.db import Store
from onestop.core.filters import DossierFilter
from onestop.core.text import csv_cell, markdown_literal, terminal_text

# Biểu 06 columns 3 to 13, in the form's order, with their official numbers.
FORM06_COUNTS: dict[str, int] = {
    "received_total": 3,
    "received_online": 4,
    "received_in_person_or_postal": 5,
    "carried_over": 6,
    "resolved_total": 7,
    "resolved_early": 8,
    "resolved_on_time": 9,
    "resolved_late": 10,
    "in_progress_total": 11,
    "in_progress_within_deadline": 12,
    "in_progress_overdue": 13,
}

# The form's identities, each as (total column, the columns that must add up to it).
FORM06_IDENTITIES: list[tuple[str, tuple[str, ...]]] = [
    ("received_total", ("received_online", "received_in_person_or_postal", "carried_over")),
    ("received_total", ("resolved_total", "in_progress_total")),
    ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
    ("in_progress_total", ("in_progress_within_deadline", "in_progress_overdue")),
]


@dataclass(frozen=True)
class Form06:
    """Biểu 06 for one filter: a row per agency and field, and the grand total."""

    filter: DossierFilter
    rows: pl.DataFrame

    @property
    def total(self) -> dict[str, int]:
        """The grand total of each count (zeros when nothing matched)."""
        return {
            name: int(self.rows[name].sum()) if self.rows.height else 0 for name in FORM06_COUNTS
        }

    def agency_subtotals(self) -> pl.DataFrame:
        """One row per agency: the counts summed over its fields."""
        return (
            self.rows.group_by("agency", "agency_code")
            .agg(pl.col(name).sum() for name in FORM06_COUNTS)
            .sort("agency")
        )

    def identity_failures(self, lang: str = "en") -> list[str]:
        """Every identity that does not hold, per row and in the total; empty when all hold."""
        failures = []
        total_row = {"agency": i18n.t("report.total_label", lang), "field": "", **self.total}
        for row in [*self.rows.iter_rows(named=True), total_row]:
            for total, parts in FORM06_IDENTITIES:
                expected = sum(row[part] for part in parts)
                if row[total] != expected:
                    failures.append(
                        i18n.t(
                            "report.identity_failure",
                            lang,
                            where=" / ".join(filter(None, (row["agency"], row["field"]))),
                            column=FORM06_COUNTS[total],
                            value=row[total],
                            parts=" + ".join(str(FORM06_COUNTS[part]) for part in parts),
                            expected=expected,
                        )
                    )
        return failures

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `onestop report`."""
        columns = ["agency", "field", *FORM06_COUNTS]
        return {
            "from": self.filter.date_from.isoformat(),
            "to": self.filter.date_to.isoformat(),
            "rows": self.rows.select(columns).to_dicts(),
            "total": self.total,
        }


def identity_failures_markdown(form: Form06, lang: str) -> str:
    """The failed identities as a Markdown list under a heading; empty when all hold.

    Each line names an agency and a field from the data, escaped so it shows as written.
    """
    failures = form.identity_failures(lang)
    if not failures:
        return ""
    heading = i18n.t("report.identities_fail", lang, count=len(failures))
    return "\n\n".join([heading, "\n".join(f"- {markdown_literal(line)}" for line in failures)])


def build_form06(store: Store, dossier_filter: DossierFilter) -> Form06:
    """Biểu 06 for a filter, counted by the rules in classified_dossiers."""
    return Form06(dossier_filter, store.query("form06_rows", dossier_filter.params()))


def to_json(form: Form06) -> str:
    return json.dumps(form.as_dict(), ensure_ascii=False, indent=2)


def to_csv(form: Form06) -> str:
    """One line per agency and field, then a TOTAL line; the header uses the JSON names.

    Agency and field names come from imported files: one starting like a formula gets a `'`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["agency", "field", *FORM06_COUNTS])
    for row in form.rows.iter_rows(named=True):
        names = [csv_cell(row["agency"] or ""), csv_cell(row["field"] or "")]
        writer.writerow([*names, *(row[c] for c in FORM06_COUNTS)])
    writer.writerow(["TOTAL", "", *form.total.values()])
    return buffer.getvalue()


def to_table(form: Form06) -> str:
    """A plain-text table for the terminal, numbered like the form's columns."""
    header = ["Agency", "Field", *(str(number) for number in FORM06_COUNTS.values())]
    body = [
        [terminal_text(row["agency"]), terminal_text(row["field"])]
        + [str(row[c]) for c in FORM06_COUNTS]
        for row in form.rows.iter_rows(named=True)
    ]
    body.append(["TOTAL", "", *(str(v) for v in form.total.values())])
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def render(line: list[str]) -> str:
        cells = [
            cell.ljust(width) if index < 2 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    title = f"Biểu 06 — {form.filter.date_from.isoformat()} → {form.filter.date_to.isoformat()}"
    rule = "-" * len(render(header))
    return "\n".join([title, render(header), rule, *map(render, body)]) + "\n"


# --- the official layout, shared by the screen table and the Excel file ---------------------

# The three column groups of the form's header, each with its columns (numbers 3–13).
FORM06_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "report.group_received",
        [
            ("received_total", "report.col_total"),
            ("received_online", "report.col_online"),
            ("received_in_person_or_postal", "report.col_in_person_or_postal"),
            ("carried_over", "report.col_carried_over"),
        ],
    ),
    (
        "report.group_resolved",
        [
            ("resolved_total", "report.col_total"),
            ("resolved_early", "report.col_early"),
            ("resolved_on_time", "report.col_on_time"),
            ("resolved_late", "report.col_late"),
        ],
    ),
    (
        "report.group_in_progress",
        [
            ("in_progress_total", "report.col_total"),
            ("in_progress_within_deadline", "report.col_within_deadline"),
            ("in_progress_overdue", "report.col_overdue"),
        ],
    ),
]


@dataclass(frozen=True)
class DisplayRow:
    """One printed line of the form: an agency's subtotal, one of its fields, or the total."""

    kind: str  # "agency", "field" or "total"
    number: str  # the STT cell: I, II, … for agencies, 1, 2, … for their fields
    label: str
    counts: dict[str, int]


def roman(number: int) -> str:
    """I, II, III, … as agencies are numbered on official forms."""
    numerals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    numerals += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text += numeral
            number -= value
    return text


def display_rows(form: Form06, total_label: str) -> list[DisplayRow]:
    """The form's lines in print order: each agency's subtotal then its fields, then the total."""
    lines = []
    subtotals = form.agency_subtotals()
    for agency_number, agency in enumerate(subtotals.iter_rows(named=True), start=1):
        counts = {name: int(agency[name]) for name in FORM06_COUNTS}
        lines.append(DisplayRow("agency", roman(agency_number), agency["agency"], counts))
        fields = form.rows.filter(pl.col("agency_code") == agency["agency_code"]).sort("field")
        for field_number, field in enumerate(fields.iter_rows(named=True), start=1):
            counts = {name: int(field[name]) for name in FORM06_COUNTS}
            lines.append(DisplayRow("field", str(field_number), field["field"], counts))
    lines.append(DisplayRow("total", "", total_label, form.total))
    return lines
