"""Import dossier exports (CSV or XLSX, header families A and B) into the store, safely.

Pipeline: read (only recognised columns; personal data columns are never loaded) → parse and
validate with vectorised Polars expressions → resolve agencies, fields and procedures → upsert
the dossiers set-based in DuckDB, on a copy of the database that replaces the original atomically
(db.replace_atomically), so a running dashboard never sees a half-written file.

Accounting: every data row is exactly one of inserted, updated, unchanged or rejected. Within one
export the last valid row of a dossier code wins; earlier valid rows of the same code are
"superseded" and counted as unchanged (they change nothing the winning row does not), so importing
the same file twice gives all-unchanged the second time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from onestop import db
from onestop.i18n import t
from onestop.text import fold

HEADERS_FILE = Path(__file__).resolve().parent / "import_headers.toml"
REQUIRED = ("code", "received_at", "status", "agency")
DATE_FIELDS = ("submitted_at", "received_at", "due_at", "ended_at", "returned_at", "refused_at")
TEXT_FIELDS = (
    "code", "procedure_code", "procedure_name", "field_code", "field_name",
    "agency", "agency_code", "channel", "status",
)  # fmt: skip
FIELDS = TEXT_FIELDS + DATE_FIELDS
# Family A, family B (with and without time), and ISO (how XLSX date cells read as text).
DATE_FORMATS = (
    "%Y%m%d%H%M%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y%m%d",
)
CLOSED_STATUSES = (7, 8, 9, 10)
NOT_RECEIVED_STATUSES = (1, 3)
PAUSE_ENV_VAR = "ONESTOP_IMPORT_PAUSE_SECONDS"  # test hook: sleep mid-import, to be killed
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PREVIEW_ROWS = 10
HEADER_SEARCH_ROWS = 20


class ImportFileError(db.DatabaseError):
    """An export that cannot be imported (unreadable, or missing a required column).

    It carries a key into the `import.error` strings, so the page can explain it in the user's
    language while the command line prints the English sentence.
    """

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The explanation in a UI language."""
        return t(f"import.error.{self.key}", lang, **self.values)


# --- names --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aliases:
    """Folded header and value names: header → field, personal headers, value → code."""

    columns: dict[str, str]
    personal: frozenset[str]
    status: dict[str, int]
    channel: dict[str, int]


def _load_mapping_file(path: Path) -> dict:
    try:
        if path.suffix.lower() == ".json":
            return json.loads(path.read_text(encoding="utf-8"))
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError) as error:
        raise ImportFileError("mapping_unreadable", path=path, detail=error) from error


def load_aliases(mapping: Path | None = None) -> Aliases:
    """The built-in names (import_headers.toml), plus those of an optional mapping file."""
    sources = [_builtin_names()]
    if mapping is not None:
        sources.append(_load_mapping_file(Path(mapping)))
    columns: dict[str, str] = {}
    personal: set[str] = set()
    values: dict[str, dict[str, int]] = {"status": {}, "channel": {}}
    for source in sources:
        for name, headers in source.get("columns", {}).items():
            if name not in FIELDS:
                raise ImportFileError("mapping_unknown_field", name=name)
            columns.update({fold(str(header)): name for header in headers})
        personal.update(
            fold(str(header)) for header in source.get("personal", {}).get("columns", [])
        )
        for kind, by_code in values.items():
            for code, names in source.get(kind, {}).items():
                by_code.update({fold(str(name)): int(code) for name in names})
    return Aliases(columns, frozenset(personal), values["status"], values["channel"])


@cache
def _builtin_names() -> dict:
    with HEADERS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def column_mapping(headers: Sequence[str], aliases: Aliases) -> pl.DataFrame:
    """One row per header of an export: the field it feeds, or 'personal' / 'ignored'."""
    used: set[str] = set()
    rows = []
    for header in headers:
        key = fold(str(header).lstrip("\ufeff"))
        target = aliases.columns.get(key)
        if key in aliases.personal:
            role, target = "personal", None
        elif target is None or target in used:
            role, target = "ignored", None
        else:
            role = "field"
            used.add(target)
        rows.append((str(header), target, role))
    return pl.DataFrame(rows, schema=["header", "field", "role"], orient="row")


def _fields_of(mapping: pl.DataFrame, source: str) -> dict[str, str]:
    chosen = mapping.filter(pl.col("role") == "field")
    fields = dict(zip(chosen["field"], chosen["header"], strict=True))
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        examples = {name: _examples(name) for name in missing}
        wanted = "; ".join(f"{name} ({examples[name]})" for name in missing)
        raise ImportFileError("missing_columns", source=source, columns=wanted)
    return fields


def _examples(name: str) -> str:
    return " / ".join(f"'{header}'" for header in _builtin_names()["columns"][name][:2])


# --- reading ------------------------------------------------------------------------------------


def read_headers(path: Path, aliases: Aliases) -> tuple[list[str], int]:
    """The header row of a CSV or XLSX export, and its row number in the file."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        table, header_row = _read_excel(path, aliases)
        return table.columns, header_row
    first_line = _first_line(path)
    return next(csv.reader([first_line], delimiter=_separator(first_line)), []), 1


def _first_line(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as error:
        raise ImportFileError("unreadable", path=path, detail=error.strerror) from error
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the sample is fine; anything else is not UTF-8.
        if error.start < len(head) - 4:
            raise ImportFileError("not_utf8", path=path) from error
        text = head[: error.start].decode("utf-8-sig")
    return text.splitlines()[0] if text.strip() else ""


def _separator(line: str) -> str:
    return ";" if line.count(";") > line.count(",") else ","


def _read_excel(path: Path, aliases: Aliases) -> tuple[pl.DataFrame, int]:
    """The first sheet's table under its header row, and that row's number.

    Provincial workbooks often put a title and a period above the header: the header is the
    first of the top rows that names every required column (else the first row).
    """
    try:
        # Every cell as text: date cells become ISO text, parsed below like any other date.
        sheet = pl.read_excel(
            path, engine="calamine", has_header=False, read_options={"dtypes": "string"}
        )
    except Exception as error:  # calamine raises its own exception types
        raise ImportFileError("not_excel", path=path, detail=error) from error
    header_index = 0
    for index, values in enumerate(sheet.head(HEADER_SEARCH_ROWS).iter_rows()):
        named = {aliases.columns.get(fold(str(value))) for value in values if value}
        if set(REQUIRED) <= named:
            header_index = index
            break
    headers = _unique_names(sheet.row(header_index) if sheet.height else ())
    table = sheet.slice(header_index + 1)
    return table.rename(dict(zip(table.columns, headers, strict=False))), header_index + 1


def _unique_names(values: Iterable[object]) -> list[str]:
    names: list[str] = []
    for number, value in enumerate(values, start=1):
        name = str(value).strip() if value is not None and str(value).strip() else f"#{number}"
        names.append(name if name not in names else f"{name} #{number}")
    return names


def read_export(path: Path, aliases: Aliases) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The recognised columns of an export renamed to fields (all text), the column mapping,
    and the header's row number.

    Personal data columns are not loaded at all (CSV) or dropped right after reading (XLSX).
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError("no_file", path=path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        table, header_row = _read_excel(path, aliases)
        headers = table.columns
    else:
        headers, header_row = read_headers(path, aliases)
    mapping = column_mapping(headers, aliases)
    fields = _fields_of(mapping, str(path))
    wanted = list(fields.values())
    if path.suffix.lower() in EXCEL_SUFFIXES:
        frame = table.select(wanted)
    else:
        frame = _read_csv(path, wanted)
    renamed = frame.rename({header: name for name, header in fields.items()})
    return _tidy(renamed), mapping, header_row


def _read_csv(path: Path, columns: list[str]) -> pl.DataFrame:
    separator = _separator(_first_line(path))
    try:
        frame = pl.read_csv(
            path,
            separator=separator,
            infer_schema=False,
            truncate_ragged_lines=True,
            encoding="utf8",
        )
    except Exception as error:  # polars raises several error types for malformed files
        raise ImportFileError("not_csv", path=path, detail=error) from error
    # A BOM may survive on the first header; the mapping was built from the cleaned names.
    frame = frame.rename({name: name.lstrip("\ufeff") for name in frame.columns})
    return frame.select(columns)


def _tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Text trimmed, empty cells null, every field present (absent optional ones as nulls)."""
    trimmed = [
        pl.col(name).cast(pl.String).str.strip_chars().replace("", None).alias(name)
        for name in frame.columns
    ]
    absent = [pl.lit(None, pl.String).alias(name) for name in FIELDS if name not in frame.columns]
    return frame.select(*trimmed, *absent).select(FIELDS)


# --- parsing and validation ---------------------------------------------------------------------


def _code_lookup(values: pl.Series, names: dict[str, int], largest: int) -> dict[str, int | None]:
    """Each distinct raw value → its code (a number in range or a known name), else None."""
    found: dict[str, int | None] = {}
    for value in values.drop_nulls().unique().to_list():
        key = fold(value)
        number = re.fullmatch(r"0*(\d{1,3})(?:\.0*)?", key)
        if number and 1 <= int(number.group(1)) <= largest:
            found[value] = int(number.group(1))
        else:
            found[value] = names.get(key)
    return found


def _coded(column: str, lookup: dict[str, int | None]) -> pl.Expr:
    return pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.Int8)


def _parsed_date(column: str) -> pl.Expr:
    attempts = [
        pl.col(column).str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in DATE_FORMATS
    ]
    return pl.coalesce(attempts)


def _checks() -> list[tuple[str, str, pl.Expr]]:
    """(reason, field, failing condition) in the order a row's first problem is reported."""
    raw, parsed = pl.col, lambda name: pl.col(f"{name}_parsed")
    day = lambda name: parsed(name).dt.date()  # noqa: E731 — calendar-date comparisons
    status = pl.col("status_code")
    checks = [
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
    checks.append(
        (
            "received_missing",
            "received_at",
            raw("received_at").is_null() & ~status.is_in(NOT_RECEIVED_STATUSES),
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
            status.is_in(CLOSED_STATUSES)
            & raw("ended_at").is_null()
            & raw("returned_at").is_null(),
        )
    )
    return checks


def _first_failing(checks: list[tuple[str, str, pl.Expr]], pick: int) -> pl.Expr:
    """The reason (pick=0) or field (pick=1) of a row's first failing check, else null."""
    chain = None
    for check in checks:
        condition = check[2].fill_null(False)
        chain = (pl.when(condition) if chain is None else chain.when(condition)).then(
            pl.lit(check[pick])
        )
    return chain.otherwise(pl.lit(None, pl.String))


@dataclass
class Prepared:
    """An export parsed and checked: rows to upsert, rows rejected, and how many were read."""

    source: str
    rows_read: int
    valid: pl.DataFrame
    rejects: pl.DataFrame
    mapping: pl.DataFrame = field(default_factory=pl.DataFrame)
    preview: pl.DataFrame = field(default_factory=pl.DataFrame)  # first rows, file's headers


def prepare(
    raw: pl.DataFrame,
    aliases: Aliases,
    source: str,
    headers: dict[str, str],
    header_row: int = 1,
) -> Prepared:
    """Parse codes and dates, flag each row's first problem, split valid rows from rejects."""
    first = header_row + 1  # rows are numbered as in a spreadsheet
    status = _code_lookup(raw["status"], aliases.status, 10)
    channel = _code_lookup(raw["channel"], aliases.channel, 3)
    parsed = raw.with_columns(
        row=pl.int_range(first, pl.len() + first, dtype=pl.Int64),
        status_code=_coded("status", status),
        channel_code=_coded("channel", channel),
        **{f"{name}_parsed": _parsed_date(name) for name in DATE_FIELDS},
    )
    checks = _checks()
    checked = parsed.with_columns(
        reason=_first_failing(checks, 0), failed_field=_first_failing(checks, 1)
    )
    valid = checked.filter(pl.col("reason").is_null())
    rejected = checked.filter(pl.col("reason").is_not_null())
    return Prepared(source, raw.height, valid, _reject_rows(rejected, source, headers))


def _reject_rows(rejected: pl.DataFrame, source: str, headers: dict[str, str]) -> pl.DataFrame:
    """One row per rejected input row: where, which column, the value, and why (vi and en)."""
    value = pl.coalesce(
        [pl.when(pl.col("failed_field") == name).then(pl.col(name)) for name in FIELDS]
    )
    reasons = sorted({check[0] for check in _checks()})
    return rejected.select(
        file=pl.lit(source),
        row=pl.col("row"),
        column=pl.col("failed_field").replace_strict(
            {name: headers.get(name, name) for name in FIELDS}, return_dtype=pl.String
        ),
        value=value,
        reason_code=pl.col("reason"),
        reason_vi=pl.col("reason").replace_strict(
            {r: t(f"import.reason.{r}", "vi") for r in reasons}, return_dtype=pl.String
        ),
        reason_en=pl.col("reason").replace_strict(
            {r: t(f"import.reason.{r}", "en") for r in reasons}, return_dtype=pl.String
        ),
    )


def load_export(path: Path, aliases: Aliases) -> Prepared:
    """Read and prepare one export file."""
    raw, mapping, header_row = read_export(path, aliases)
    chosen = mapping.filter(pl.col("role") == "field")
    headers = dict(zip(chosen["field"], chosen["header"], strict=True))
    prepared = prepare(raw, aliases, str(path), headers, header_row)
    prepared.mapping = mapping
    prepared.preview = raw.head(PREVIEW_ROWS).select(list(headers)).rename(headers)
    return prepared


# --- reference rows: agencies, fields, procedures -----------------------------------------------


def _new_code(name: str, taken: set[str]) -> str:
    """A short upper-case code from a name's initials (Sở Tư pháp → STP), made unique."""
    initials = "".join(word[0] for word in fold(name).split() if word[0].isalnum()).upper()
    base = initials or "X"
    code, number = base, 1
    while code.casefold() in taken:
        number += 1
        code = f"{base}-{number}"
    taken.add(code.casefold())
    return code


def resolve_references(
    existing: pl.DataFrame, wanted: pl.DataFrame, id_column: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Ids for wanted (code, name) pairs: by code, else by folded name, else a new row (max+1).

    Returns the lookup (code, name, id) and the new rows (id, code, name) to insert.
    """
    by_code = {fold(c): i for i, c in zip(existing[id_column], existing["code"], strict=True)}
    by_name = {fold(n): i for i, n in zip(existing[id_column], existing["name"], strict=True)}
    taken = {str(code).casefold() for code in existing["code"]}
    next_id = int(existing[id_column].max() or 0) + 1
    lookup, new_rows = [], []
    for code, name in wanted.select("code", "name").unique(maintain_order=True).iter_rows():
        if code is None and name is None:
            continue
        found = by_code.get(fold(code)) if code else None
        if found is None and name:
            found = by_name.get(fold(name))
            found = found if found is not None else by_code.get(fold(name))
        if found is None:
            found, next_id = next_id, next_id + 1
            new_code = code if code else _new_code(name, taken)
            taken.add(new_code.casefold())
            new_rows.append((found, new_code, name or code))
            by_code[fold(new_code)] = found
            by_name[fold(name or code)] = found
        lookup.append((code, name, found))
    schema = {"code": pl.String, "name": pl.String, id_column: pl.Int32}
    new_schema = {id_column: pl.Int32, "code": pl.String, "name": pl.String}
    return (
        pl.DataFrame(lookup, schema=schema, orient="row"),
        pl.DataFrame(new_rows, schema=new_schema, orient="row"),
    )


def _with_ids(frame: pl.DataFrame, lookup: pl.DataFrame, code: str, name: str) -> pl.DataFrame:
    return frame.join(
        lookup.rename({"code": code, "name": name}),
        on=[code, name],
        how="left",
        nulls_equal=True,
    )


def _attach_references(con: db.Connection, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows with agency_id, field_id and procedure_id, creating missing reference rows."""
    agencies, new = resolve_references(
        db.read_table(con, "agencies", "agency_id"),
        rows.select(code="agency_code", name="agency"),
        "agency_id",
    )
    db.insert_frame(con, "agencies", new)
    rows = _with_ids(rows, agencies, "agency_code", "agency")
    fields, new = resolve_references(
        db.read_table(con, "fields", "field_id"),
        rows.select(code="field_code", name="field_name"),
        "field_id",
    )
    db.insert_frame(con, "fields", new)
    rows = _with_ids(rows, fields, "field_code", "field_name")
    procedures, new = resolve_references(
        db.read_table(con, "procedures", "procedure_id"),
        rows.select(code="procedure_code", name="procedure_name"),
        "procedure_id",
    )
    owners = rows.group_by("procedure_code", "procedure_name", maintain_order=True).agg(
        pl.col("agency_id").first(), pl.col("field_id").drop_nulls().first()
    )
    new = new.join(
        _with_ids(owners, procedures, "procedure_code", "procedure_name").select(
            "procedure_id", "agency_id", "field_id"
        ),
        on="procedure_id",
        how="left",
    ).unique("procedure_id", keep="first", maintain_order=True)
    db.insert_frame(con, "procedures", new)
    rows = _with_ids(rows, procedures, "procedure_code", "procedure_name")
    stored = db.read_table(con, "procedures", "procedure_id").select(
        "procedure_id", procedure_field_id="field_id"
    )
    return rows.join(stored, on="procedure_id", how="left").with_columns(
        field_id=pl.coalesce("field_id", "procedure_field_id")
    )


# --- upsert -------------------------------------------------------------------------------------


@dataclass
class FileSummary:
    """What one export did; rows_read = inserted + updated + unchanged + rejected."""

    file: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    superseded: int = 0  # earlier duplicates of a code in the file, counted within unchanged
    rejects_file: str | None = None


def upsert(con: db.Connection, prepared: Prepared) -> FileSummary:
    """Insert new dossiers and update changed ones, classified in SQL; returns the counts."""
    valid = prepared.valid
    last_row = pl.col("row") == pl.col("row").max().over("code")
    winners = valid.filter(last_row)
    rows = _attach_references(con, winners)
    dossiers = rows.select(
        "code",
        procedure_id=pl.col("procedure_id").cast(pl.Int32),
        agency_id=pl.col("agency_id").cast(pl.Int32),
        field_id=pl.col("field_id").cast(pl.Int32),
        channel=pl.col("channel_code").fill_null(1),  # an empty channel means in person
        status=pl.col("status_code"),
        **{name: pl.col(f"{name}_parsed") for name in DATE_FIELDS if name != "refused_at"},
    )
    db.stage_frame(con, "incoming_dossiers", dossiers)
    db.execute_file(con, "import/classify_dossiers")
    counts = dict(db.execute_file(con, "import/outcome_counts").iter_rows())
    db.execute_file(con, "import/insert_dossiers")
    db.execute_file(con, "import/update_dossiers")
    superseded = valid.height - winners.height
    return FileSummary(
        file=prepared.source,
        rows_read=prepared.rows_read,
        inserted=counts.get("inserted", 0),
        updated=counts.get("updated", 0),
        unchanged=counts.get("unchanged", 0) + superseded,
        rejected=prepared.rejects.height,
        superseded=superseded,
    )


def _pause_if_asked() -> None:
    seconds = float(os.environ.get(PAUSE_ENV_VAR) or 0)
    if seconds > 0:
        print("import paused", file=sys.stderr, flush=True)
        time.sleep(seconds)


@dataclass
class ImportSummary:
    """Totals over all files, and each file's own counts."""

    database: str
    files: list[FileSummary]
    seconds: float = 0.0
    demo_removed: int = 0  # demo dossiers removed before this first real import

    def totals(self) -> dict[str, int]:
        keys = ("rows_read", "inserted", "updated", "unchanged", "rejected", "superseded")
        return {key: sum(getattr(one, key) for one in self.files) for key in keys}

    def to_dict(self) -> dict:
        return {
            **self.totals(),
            "database": self.database,
            "demo_removed": self.demo_removed,
            "seconds": round(self.seconds, 3),
            "files": [asdict(one) for one in self.files],
        }


def apply_exports(db_path: Path, prepared: Sequence[Prepared]) -> tuple[list[FileSummary], int]:
    """Upsert prepared exports, in order, into the database with one atomic replacement.

    Returns each file's counts and how many demo dossiers the import removed: real data never
    shares a database with the demo.
    """

    def apply(con: db.Connection) -> tuple[list[FileSummary], int]:
        demo = int(db.execute_file(con, "data_status")["demo_dossiers"][0])
        if demo:
            db.execute_script(con, "import/remove_demo_records")
        summaries = []
        for one in prepared:
            summaries.append(upsert(con, one))
            _pause_if_asked()
        return summaries, demo

    return db.replace_atomically(db_path, apply)


def write_rejects(prepared: Sequence[Prepared], rejects: Path | None) -> list[str | None]:
    """Write rejected rows to CSV: all into `rejects` if given, else beside each input file."""
    paths: list[str | None] = [None] * len(prepared)
    if rejects is not None:
        combined = pl.concat([one.rejects for one in prepared])
        if combined.height:
            _write_csv(combined, Path(rejects))
            paths = [str(rejects) if one.rejects.height else None for one in prepared]
        return paths
    for index, one in enumerate(prepared):
        if one.rejects.height:
            paths[index] = str(_write_csv(one.rejects, default_rejects_path(Path(one.source))))
    return paths


def default_rejects_path(source: Path) -> Path:
    """<input>.rejects.csv beside the input, or in the temp folder when that is not writable."""
    beside = source.with_name(f"{source.stem}.rejects.csv")
    if os.access(source.parent, os.W_OK):
        return beside
    return Path(tempfile.gettempdir()) / beside.name


def _write_csv(frame: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, include_bom=True)  # the BOM makes Excel read Vietnamese correctly
    return path


def import_files(
    paths: Iterable[Path],
    db_path: Path,
    mapping: Path | None = None,
    rejects: Path | None = None,
) -> ImportSummary:
    """Read every export first (failing before any write), then import them in one swap."""
    started = time.perf_counter()
    aliases = load_aliases(mapping)
    prepared = [load_export(Path(path), aliases) for path in paths]
    summaries, demo_removed = apply_exports(Path(db_path), prepared)
    for summary, written in zip(summaries, write_rejects(prepared, rejects), strict=True):
        summary.rejects_file = written
    return ImportSummary(str(db_path), summaries, time.perf_counter() - started, demo_removed)


# --- command line -------------------------------------------------------------------------------


def _summary_text(summary: ImportSummary) -> str:
    lines = []
    if summary.demo_removed:
        lines.append(f"Removed the {summary.demo_removed:,} demo dossiers first.")
    for one in summary.files:
        lines.append(
            f"{one.file}: {one.rows_read:,} rows read, {one.inserted:,} inserted, "
            f"{one.updated:,} updated, {one.unchanged:,} unchanged, {one.rejected:,} rejected."
        )
        if one.rejects_file:
            lines.append(f"  Rejected rows and reasons: {one.rejects_file}")
    totals = summary.totals()
    if len(summary.files) > 1:
        lines.append(
            f"Total: {totals['rows_read']:,} rows read, {totals['inserted']:,} inserted, "
            f"{totals['updated']:,} updated, {totals['unchanged']:,} unchanged, "
            f"{totals['rejected']:,} rejected."
        )
    lines.append(f"Database {summary.database} updated in {summary.seconds:.1f} s.")
    return "\n".join(lines) + "\n"


def cmd_import(args: argparse.Namespace) -> int:
    summary = import_files(
        [Path(name) for name in args.files],
        db.resolve_db_path(args.db),
        Path(args.mapping) if args.mapping else None,
        Path(args.rejects) if args.rejects else None,
    )
    if args.format == "json":
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_summary_text(summary))
    return 0


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Register `onestop import FILE [FILE ...]`."""
    parser = commands.add_parser(
        "import",
        help="import CSV/XLSX exports of one-stop systems (upsert by dossier code)",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="CSV or XLSX export")
    parser.add_argument("--db", help=db_help)
    parser.add_argument(
        "--mapping", help="extra header/value names, TOML or JSON (see import_headers.toml)"
    )
    parser.add_argument(
        "--rejects", help="CSV for rejected rows (default: <input>.rejects.csv beside each input)"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.set_defaults(run=cmd_import)


# --- benchmark ----------------------------------------------------------------------------------


def synthetic_family_a(rows: int, seed: int = 5) -> pl.DataFrame:
    """A family-A export of `rows` dossiers (with fake personal columns), built with numpy."""
    rng = np.random.default_rng(seed)
    agencies = np.array(["Sở Tư pháp", "Sở Xây dựng", "Sở Y tế", "Sở Nội vụ", "Sở Tài chính"])
    minutes = rng.integers(0, 365 * 24 * 60, rows).astype("timedelta64[m]")
    received = np.datetime64("2023-01-02T07:30", "m") + minutes
    status = rng.choice([2, 4, 5, 9, 10], rows, p=[0.05, 0.1, 0.05, 0.3, 0.5])
    frame = pl.DataFrame(
        {
            "number": np.arange(rows),
            "procedure": rng.integers(1, 200, rows),
            "channel": rng.integers(1, 4, rows),
            "received": received.astype("datetime64[us]"),
            "due": (received + rng.integers(1, 30, rows).astype("timedelta64[D]")).astype(
                "datetime64[us]"
            ),
            "ended": (received + rng.integers(0, 35, rows).astype("timedelta64[D]")).astype(
                "datetime64[us]"
            ),
            "status": status,
            "agency": agencies[rng.integers(0, len(agencies), rows)],
        }
    )
    stamp = "%Y%m%d%H%M%S"
    return frame.select(
        MaHoSo=pl.format("BENCH-{}", pl.col("number").cast(pl.String).str.pad_start(8, "0")),
        MaTTHC=pl.format("1.{}", pl.col("procedure").cast(pl.String).str.pad_start(6, "0")),
        TenTTHC=pl.format("Thủ tục minh họa {}", pl.col("procedure")),
        KenhThucHien=pl.col("channel").cast(pl.String),
        ChuHoSo=pl.lit("Nguyễn Văn Bench"),
        LoaiDoiTuong=pl.lit("Công dân"),
        NgayTiepNhan=pl.col("received").dt.strftime(stamp),
        NgayHenTra=pl.col("due").dt.strftime(stamp),
        TrangThaiHoSo=pl.col("status").cast(pl.String),
        NgayKetThucXuLy=pl.when(pl.col("status") >= 9).then(pl.col("ended").dt.strftime(stamp)),
        DonViXuLy=pl.col("agency"),
    )


def bench_import(rows: int = 1_000_000) -> dict:
    """Write a family-A CSV of `rows` rows and import it into a fresh database; rows per second."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bench.csv"
        synthetic_family_a(rows).write_csv(source)
        started = time.perf_counter()
        summary = import_files([source], Path(folder) / "bench.duckdb")
        seconds = time.perf_counter() - started
    totals = summary.totals()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "inserted": totals["inserted"],
        "rejected": totals["rejected"],
    }
