"""Checking an export's rows: codes normalised, values and dates parsed with vectorised Polars
expressions, each row's first problem named, valid rows split from rejects (reasons in vi and en).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from onestop.core import codes
from onestop.core.i18n import t
from onestop.importing.aliases import (
    CODE_FIELDS,
    DATE_FIELDS,
    FIELDS,
    LARGEST_CODE,
    VALUE_KINDS,
    Aliases,
    value_key,
)
from onestop.importing.read import CONTROL, FORMAT, Export, read_export

# Family A, family B (with and without time), and ISO (how XLSX date cells read as text).
# ISO's "T" between date and time is read as a space first; "%.f" also takes no fraction.
DATE_FORMATS = (
    "%Y%m%d%H%M%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d",
    "%Y%m%d",
)


# The shapes of those formats, with four-digit years only. Polars' %Y also takes two digits
# (01/03/23 would become the year 23) and its compact formats take short inputs, so a value
# must have one of these shapes before it is parsed at all.
DATE_SHAPE = (
    r"^(?:[0-9]{14}|[0-9]{8}"
    r"|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?: [0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)?)$"
)


TWO_DIGIT_YEAR = r"^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}(?:[ T].*)?$"
# Plausible dates: nothing before the one-stop systems existed; a dossier cannot have been
# submitted or received after the day of the import; deadlines and ends at most a few years on.
EARLIEST_DATE = dt.date(2000, 1, 1)


FUTURE_YEARS = 5
NOT_AFTER_IMPORT_DAY = ("submitted_at", "received_at")
PREVIEW_ROWS = 10
DASHES = "[\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]"
CONFUSABLES = dict(
    zip(
        # Cyrillic, then Greek
        "АВЕЅІЈКМНОРСТХУаеіјорсхуѕΑΒΕΖΗΙΚΜΝΟΡΤΥΧο",
        "ABESIJKMHOPCTXYaeijopcxysABEZHIKMNOPTYXo",
        strict=True,
    )
)


def normalised_code(column: str) -> pl.Expr:
    """A code as stored: compatibility forms folded (NFKC: fullwidth → ASCII), control and
    invisible characters removed, dash variants as '-', Cyrillic and Greek look-alikes of Latin
    letters as those letters, surrounding spaces trimmed; case is kept."""
    return (
        pl.col(column)
        .str.normalize("NFKC")
        .str.replace_all(CONTROL, "")
        .str.replace_all(FORMAT, "")
        .str.replace_all(DASHES, "-")
        .str.replace_many(CONFUSABLES)
        .str.strip_chars()
        .replace("", None)
    )


def _normalise_codes(frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The frame with its code columns normalised, and how many dossier codes that changed."""
    changed = 0
    for name in CODE_FIELDS:
        # Printable ASCII without spaces needs nothing: skip the work for such columns.
        if not frame[name].str.contains(r"[^!-~]").any():
            frame = frame.with_columns(pl.col(name).replace("", None))
            continue
        if name == "code":
            raw, code = pl.col("code"), normalised_code("code")
            touched = raw.is_not_null() & (raw != "") & raw.ne_missing(code)
            changed = int(frame.select(touched.sum()).item())
        frame = frame.with_columns(normalised_code(name).alias(name))
    return frame, changed


def _code_lookup(values: pl.Series, names: dict[str, int], largest: int) -> dict[str, int | None]:
    """Each distinct raw value → its code (a number in range or a known name), else None."""
    found: dict[str, int | None] = {}
    for value in values.drop_nulls().unique().to_list():
        key = value_key(value)
        number = re.fullmatch(r"0*([0-9]{1,3})(?:\.0*)?", key)
        if number and 1 <= int(number.group(1)) <= largest:
            found[value] = int(number.group(1))
        else:
            found[value] = names.get(key)
    return found


def _coded(column: str, lookup: dict[str, int | None]) -> pl.Expr:
    return pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.Int8)


def _parsed_date(column: str) -> pl.Expr:
    text = pl.col(column).str.replace("T", " ", literal=True)
    attempts = [text.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in DATE_FORMATS]
    return pl.when(text.str.contains(DATE_SHAPE)).then(pl.coalesce(attempts))


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _checks(today: dt.date) -> list[tuple[str, str | None, pl.Expr]]:
    """(reason, field, failing condition) in the order a row's first problem is reported."""
    raw, parsed = pl.col, lambda name: pl.col(f"{name}_parsed")
    day = lambda name: parsed(name).dt.date()  # noqa: E731 — calendar-date comparisons
    status = pl.col("status_code")
    checks: list[tuple[str, str | None, pl.Expr]] = [
        ("row_shape", None, ~pl.col("shape_ok")),
        ("code_missing", "code", raw("code").is_null()),
        ("status_missing", "status", raw("status").is_null()),
        ("status_unknown", "status", status.is_null()),
        (
            "channel_unknown",
            "channel",
            raw("channel").is_not_null() & pl.col("channel_code").is_null(),
        ),
        ("agency_missing", "agency", raw("agency").is_null()),
    ]
    checks += [
        ("date_invalid", name, raw(name).is_not_null() & parsed(name).is_null())
        for name in DATE_FIELDS
    ]
    for name in DATE_FIELDS:
        latest = today if name in NOT_AFTER_IMPORT_DAY else _years_after(today, FUTURE_YEARS)
        checks.append(
            ("date_out_of_range", name, (day(name) < EARLIEST_DATE) | (day(name) > latest))
        )
    checks.append(
        (
            "received_missing",
            "received_at",
            raw("received_at").is_null() & ~status.is_in(codes.NOT_RECEIVED_STATUSES),
        )
    )
    checks += [
        ("date_before_received", name, day(name) < day("received_at"))
        for name in ("due_at", "ended_at", "returned_at")
    ]
    checks.append(
        (
            "end_missing",
            "ended_at",
            status.is_in(codes.CLOSED_STATUSES)
            & raw("ended_at").is_null()
            & raw("returned_at").is_null(),
        )
    )
    return checks


@cache
def reasons() -> tuple[str, ...]:
    """Every rejection reason, in the order rows are checked."""
    checked = (check[0] for check in _checks(EARLIEST_DATE))
    return tuple(dict.fromkeys([*checked, "date_two_digit_year"]))


def _first_failing(checks: list[tuple[str, str | None, pl.Expr]], pick: int) -> pl.Expr:
    """The reason (pick=0) or field (pick=1) of a row's first failing check, else null."""
    chain = None
    for check in checks:
        condition = check[2].fill_null(False)
        chain = (pl.when(condition) if chain is None else chain.when(condition)).then(
            pl.lit(check[pick], pl.String)
        )
    return chain.otherwise(pl.lit(None, pl.String))


@dataclass
class Prepared:
    """An export parsed and checked: rows to upsert, rows rejected, and what the preview shows."""

    source: str
    rows_read: int
    valid: pl.DataFrame
    rejects: pl.DataFrame
    mapping: pl.DataFrame = field(default_factory=pl.DataFrame)
    preview: pl.DataFrame = field(default_factory=pl.DataFrame)  # first rows, file's headers
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → value → rows
    codes_normalised: int = 0
    blank_rows: int = 0


def prepare(export: Export, aliases: Aliases, today: dt.date | None = None) -> Prepared:
    """Normalise codes, parse values and dates, flag each row's first problem, split valid rows
    from rejects, and sum up values no name matched (`today`: the import day, for date checks)."""
    raw, codes_normalised = _normalise_codes(export.frame)
    lookups = {
        kind: _code_lookup(raw[kind], getattr(aliases, kind), LARGEST_CODE[kind])
        for kind in VALUE_KINDS
    }
    parsed = raw.with_columns(
        **{f"{kind}_code": _coded(kind, lookup) for kind, lookup in lookups.items()},
        **{f"{name}_parsed": _parsed_date(name) for name in DATE_FIELDS},
    )
    checks = _checks(today or dt.date.today())
    checked = parsed.with_columns(
        reason=_first_failing(checks, 0), failed_field=_first_failing(checks, 1)
    )
    rejected = checked.filter(pl.col("reason").is_not_null())
    return Prepared(
        source=export.source,
        rows_read=raw.height,
        valid=checked.filter(pl.col("reason").is_null()),
        rejects=_reject_rows(rejected, export.source, export.headers),
        mapping=export.mapping,
        preview=export.frame.filter("shape_ok")
        .head(PREVIEW_ROWS)
        .select(list(export.headers))
        .rename(export.headers),
        unknown_values={kind: _unknown_values(parsed, kind) for kind in VALUE_KINDS},
        codes_normalised=codes_normalised,
        blank_rows=export.blank_rows,
    )


def _unknown_values(parsed: pl.DataFrame, kind: str) -> dict[str, int]:
    """Values of a status or channel column that no code or name matched → their rows."""
    counts = (
        parsed.filter(pl.col(kind).is_not_null() & pl.col(f"{kind}_code").is_null())
        .group_by(kind)
        .len()
        .sort(["len", kind], descending=[True, False])
    )
    return dict(counts.iter_rows())


def _reject_rows(rejected: pl.DataFrame, source: str, headers: dict[str, str]) -> pl.DataFrame:
    """One row per rejected input row: where, which column, the value, and why (vi and en).

    A row of the wrong shape names no column and shows no value: its cells are not trusted to
    be what their headers say, and may be a citizen's personal data.
    """
    value = pl.coalesce(
        [pl.when(pl.col("failed_field") == name).then(pl.col(name)) for name in FIELDS]
    )
    # Among unreadable dates, say so when the year has two digits (checked on rejects only).
    two_digit_year = (pl.col("reason") == "date_invalid") & value.str.contains(TWO_DIGIT_YEAR)
    reason = pl.when(two_digit_year).then(pl.lit("date_two_digit_year")).otherwise(pl.col("reason"))
    return rejected.select(
        file=pl.lit(source),
        row=pl.col("row"),
        column=pl.col("failed_field").replace_strict(
            {name: headers.get(name, name) for name in FIELDS}, default=None, return_dtype=pl.String
        ),
        value=value,
        reason_code=reason,
    ).with_columns(
        reason_vi=pl.col("reason_code").replace_strict(
            {r: t(f"import.reason.{r}", "vi") for r in reasons()}, return_dtype=pl.String
        ),
        reason_en=pl.col("reason_code").replace_strict(
            {r: t(f"import.reason.{r}", "en") for r in reasons()}, return_dtype=pl.String
        ),
    )


def load_export(path: Path, aliases: Aliases, today: dt.date | None = None) -> Prepared:
    """Read and prepare one export file."""
    return prepare(read_export(path, aliases), aliases, today)
