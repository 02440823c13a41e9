"""Import dossier exports (CSV or XLSX, header families A and B) into the store, safely.

Pipeline: read (only recognised columns; personal data columns are never loaded) → check each
row's shape, normalise codes, parse and validate with vectorised Polars expressions → resolve
agencies, fields and procedures → upsert the dossiers set-based in DuckDB, on a copy of the
database that replaces the original atomically (db.replace_atomically), so a running dashboard
never sees a half-written file.

Accounting: every data row is exactly one of inserted, updated, unchanged or rejected (blank
rows are skipped and not counted). Within one export the last valid row of a dossier code wins;
earlier valid rows of the same code are "superseded" and counted as unchanged (they change
nothing the winning row does not), so importing the same file twice gives all-unchanged the
second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import sys
import tempfile
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

import polars as pl

from onestop import db
from onestop.core import codes
from onestop.i18n import t
from onestop.text import csv_safe, fold

HEADERS_FILE = Path(__file__).resolve().parent / "import_headers.toml"
REQUIRED = ("code", "received_at", "status", "agency")
DATE_FIELDS = ("submitted_at", "received_at", "due_at", "ended_at", "returned_at", "refused_at")
TEXT_FIELDS = (
    "code", "procedure_code", "procedure_name", "field_code", "field_name",
    "agency", "agency_code", "channel", "status",
)  # fmt: skip
FIELDS = TEXT_FIELDS + DATE_FIELDS
CODE_FIELDS = ("code", "procedure_code", "field_code", "agency_code")
NAME_FIELDS = ("procedure_name", "field_name", "agency")
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
# The largest code of each kind of coded value: codes from 1 to it are read as numbers.
LARGEST_CODE = {"status": max(codes.STATUSES), "channel": max(codes.CHANNELS)}
VALUE_KINDS = tuple(LARGEST_CODE)
PAUSE_ENV_VAR = "ONESTOP_IMPORT_PAUSE_SECONDS"  # test hook: sleep mid-import, to be killed
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PREVIEW_ROWS = 10
HEADER_SEARCH_ROWS = 20
MAX_ROWS_ABOVE = 1_000  # empty rows above an XLSX table that row numbers still account for
SNIFF_BYTES = 1 << 16
SHOWN_CHARACTERS = 200  # of a file's text quoted in a message

# Code normalisation: invisible characters go, dash variants become '-', and letters of other
# scripts that look exactly like Latin capitals or small letters become those letters (a code
# typed on a Russian or Greek keyboard layout, or pasted from a PDF, is the same code).
CONTROL = r"\p{Cc}+"  # NUL, tab, line breaks, ...
FORMAT = r"\p{Cf}"  # invisible: zero-width space and joiners, BOM, soft hyphen, ...
DASHES = "[\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]"
CONFUSABLES = dict(
    zip(
        # Cyrillic, then Greek
        "АВЕЅІЈКМНОРСТХУаеіјорсхуѕΑΒΕΖΗΙΚΜΝΟΡΤΥΧο",
        "ABESIJKMHOPCTXYaeijopcxysABEZHIKMNOPTYXo",
        strict=True,
    )
)


class ImportFileError(db.DatabaseError):
    """An export or mapping file that cannot be used, explained in one sentence.

    It carries a key into the `import.error` strings, so the page can explain it in the user's
    language while the command line prints the English sentence.
    """

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(
        self,
        lang: str,
        literal: Callable[[str], str] = str,
        paths: Mapping[str, str] | None = None,
    ) -> str:
        """The explanation in a UI language.

        Each value (a path, a file's text, a library's message) is put on one line, shortened,
        shown under its public name (`paths`: temporary path → name) and passed through
        `literal`, e.g. text.markdown_literal where the sentence is rendered as Markdown.
        """
        shown = {}
        for name, value in self.values.items():
            # A library's message continues with context and hints: its first line says it.
            first_line = next((line for line in str(value).splitlines() if line.strip()), "")
            text = " ".join(first_line.split())
            for hidden, public in (paths or {}).items():
                text = text.replace(hidden, public)
            if len(text) > SHOWN_CHARACTERS:
                text = text[:SHOWN_CHARACTERS] + "…"
            shown[name] = literal(text)
        return t(f"import.error.{self.key}", lang, **shown)


# --- names --------------------------------------------------------------------------------------


def value_key(name: str) -> str:
    """How a status or channel value is matched: compatibility forms (fullwidth digits) folded."""
    return fold(unicodedata.normalize("NFKC", name))


@dataclass(frozen=True)
class MappingNames:
    """One mapping file, checked: field → header names, personal headers, value name → code."""

    columns: dict[str, list[str]]
    personal: list[str]
    values: dict[str, dict[str, int]]  # kind ("status", "channel") → {value name: code}


@dataclass(frozen=True)
class Aliases:
    """Folded header and value names: header → field, personal headers, value → code."""

    columns: dict[str, str]
    personal: frozenset[str]
    status: dict[str, int]
    channel: dict[str, int]

    def with_values(self, chosen: Mapping[str, Mapping[str, int]]) -> Aliases:
        """These names plus value names chosen for one import (kind → {value: code})."""
        added = {
            kind: {
                **getattr(self, kind),
                **{value_key(v): c for v, c in chosen.get(kind, {}).items()},
            }
            for kind in VALUE_KINDS
        }
        return replace(self, **added)


def _load_mapping_file(path: Path) -> MappingNames:
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        else:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
    except RecursionError as error:
        raise ImportFileError("mapping_too_deep", path=path) from error
    except OSError as error:
        raise ImportFileError("mapping_unreadable", path=path, detail=error.strerror) from error
    except ValueError as error:  # JSON, TOML and UTF-8 decoding errors
        raise ImportFileError("mapping_unreadable", path=path, detail=error) from error
    return check_mapping(data, str(path))


def check_mapping(data: object, source: str) -> MappingNames:
    """A mapping's contents checked against import_headers.toml's structure, or one sentence."""
    if not isinstance(data, dict):
        raise ImportFileError("mapping_not_table", path=source)
    for section in data:
        if section not in ("columns", "personal", *VALUE_KINDS):
            raise ImportFileError("mapping_unknown_section", path=source, name=section)
    columns = {}
    for name, headers in _section(data, "columns", source).items():
        if name not in FIELDS:
            raise ImportFileError(
                "mapping_unknown_field", path=source, name=name, fields=", ".join(FIELDS)
            )
        columns[name] = _names(headers, source, f"columns.{name}")
    personal = _section(data, "personal", source)
    for name in personal:
        if name != "columns":
            raise ImportFileError("mapping_unknown_section", path=source, name=f"personal.{name}")
    values = {
        kind: _value_names(_section(data, kind, source), kind, source) for kind in VALUE_KINDS
    }
    return MappingNames(
        columns, _names(personal.get("columns", []), source, "personal.columns"), values
    )


def _section(data: dict, name: str, source: str) -> dict:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ImportFileError("mapping_section_type", path=source, section=name)
    return section


def _names(value: object, source: str, entry: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(n, str) and n.strip() for n in value):
        raise ImportFileError("mapping_names_type", path=source, entry=entry)
    return value


def _value_names(section: dict, kind: str, source: str) -> dict[str, int]:
    """Value name → code, from `9 = ["Xong", ...]` (code form) or `"Xong" = 9` (name form)."""
    largest = LARGEST_CODE[kind]
    found: dict[str, int] = {}
    for key, value in section.items():
        code = int(key) if re.fullmatch(r"[0-9]{1,3}", key) else 0
        if isinstance(value, list) and 1 <= code <= largest:
            found.update(dict.fromkeys(_names(value, source, f"{kind}.{key}"), code))
        elif type(value) is int and 1 <= value <= largest and key.strip():  # not bool
            found[key] = value
        else:
            raise ImportFileError(
                "mapping_code", path=source, section=kind, entry=key, largest=largest
            )
    return found


def load_aliases(mapping: Path | None = None) -> Aliases:
    """The built-in names (import_headers.toml), plus those of an optional mapping file."""
    sources = [check_mapping(_builtin_names(), str(HEADERS_FILE))]
    if mapping is not None:
        sources.append(_load_mapping_file(Path(mapping)))
    personal = {fold(header) for source in sources for header in source.personal}
    columns: dict[str, str] = {}
    values: dict[str, dict[str, int]] = {kind: {} for kind in VALUE_KINDS}
    for number, source in enumerate(sources):
        for name, headers in source.columns.items():
            for header in headers:
                if number and fold(header) in personal:
                    # Mapping a personal column to a field would store citizens' data.
                    raise ImportFileError("mapping_personal_field", path=mapping, header=header)
                columns[fold(header)] = name
        for kind, names in source.values.items():
            values[kind].update({value_key(name): code for name, code in names.items()})
    return Aliases(columns, frozenset(personal), values["status"], values["channel"])


@cache
def _builtin_names() -> dict:
    with HEADERS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly (JSON's escapes are TOML's, but for DEL)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def mapping_toml(chosen: Mapping[str, Mapping[str, int]]) -> str:
    """A mapping file for --mapping (or the Import page) with value names chosen for codes."""
    lines = ["# onestop import mapping: value names for codes (see onestop/import_headers.toml)."]
    for kind in VALUE_KINDS:
        by_code: dict[int, list[str]] = {}
        for value, code in chosen.get(kind, {}).items():
            by_code.setdefault(code, []).append(value)
        if by_code:
            lines.append(f"[{kind}]")
            for code, values in sorted(by_code.items()):
                lines.append(f"{code} = [{', '.join(toml_string(v) for v in values)}]")
    return "\n".join(lines) + "\n"


def unknown_values_toml(unknown: Mapping[str, Mapping[str, int]]) -> str:
    """A --mapping snippet for values no name matched: each set to 0, for the user to choose."""
    lines = []
    for kind in VALUE_KINDS:
        if unknown.get(kind):
            codes = [
                f"{code} = {t(f'import.{kind}.{code}', 'en')}"
                for code in range(1, LARGEST_CODE[kind] + 1)
            ]
            lines += [f"[{kind}]", *_comment_lines(codes)]
            lines += [
                f"{toml_string(value)} = 0  # {rows:,} row{'s' if rows != 1 else ''}"
                for value, rows in unknown[kind].items()
            ]
    return "\n".join(lines) + "\n" if lines else ""


def _comment_lines(items: Sequence[str], width: int = 96) -> list[str]:
    """TOML comment lines listing items, none cut across two lines."""
    lines = [""]
    for item in items:
        if lines[-1] and len(lines[-1]) + len(item) + 2 > width:
            lines.append("")
        lines[-1] += f"; {item}" if lines[-1] else item
    return [f"# {line}" for line in lines]


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
    return pl.DataFrame(
        rows, schema={"header": pl.String, "field": pl.String, "role": pl.String}, orient="row"
    )


def _fields_of(mapping: pl.DataFrame, source: str) -> dict[str, int]:
    """Field → position of the column that feeds it, or an error naming the missing ones."""
    positions = {
        name: index
        for index, (name, role) in enumerate(mapping.select("field", "role").iter_rows())
        if role == "field"
    }
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        wanted = "; ".join(f"{name} ({_examples(name)})" for name in missing)
        raise ImportFileError("missing_columns", source=source, columns=wanted)
    return positions


def _examples(name: str) -> str:
    return " / ".join(f"'{header}'" for header in _builtin_names()["columns"][name][:2])


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Export:
    """An export as read: recognised columns renamed to fields (all text), one row per non-blank
    data row with its row number in the file, and whether the row has the header's shape."""

    source: str
    frame: pl.DataFrame  # FIELDS, row, shape_ok
    mapping: pl.DataFrame  # header, field, role
    headers: dict[str, str]  # field → the file's header for it
    header_row: int
    blank_rows: int = 0


def read_export(path: Path, aliases: Aliases) -> Export:
    """Read an export's recognised columns; personal data columns are never kept.

    A CSV's personal columns are not even parsed (only the recognised ones are selected); an
    XLSX sheet is read whole and its personal columns dropped at once.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError("no_file", path=path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        table, blank, header_row = _read_excel(path, aliases)
        headers = table.columns
        mapping = column_mapping(headers, aliases)
        positions = _fields_of(mapping, str(path))
        frame = table.select(pl.col(headers[i]).alias(name) for name, i in positions.items())
        shape_ok = pl.repeat(True, frame.height, eager=True)
    else:
        source, separator = _csv_source(path)
        headers = _csv_headers(path, source, separator)
        mapping = column_mapping(headers, aliases)
        positions = _fields_of(mapping, str(path))
        frame = _read_csv(path, source, separator, positions)
        fields, blank = _row_shapes(path, source, separator, frame.height)
        shape_ok = fields == len(headers)
        header_row = 1
    first = header_row + 1  # rows are numbered as in a spreadsheet
    frame = frame.with_columns(
        row=pl.int_range(first, pl.len() + first, dtype=pl.Int64), shape_ok=shape_ok
    )
    if blank.any():
        frame = frame.filter(~blank)
    if not frame["shape_ok"].all():
        # A row of the wrong shape has its cells under the wrong headers: none of them is kept.
        frame = frame.with_columns(
            pl.when("shape_ok").then(pl.col(name)).alias(name) for name in positions
        )
    return Export(
        source=str(path),
        frame=_tidy(frame),
        mapping=mapping,
        headers={name: headers[i] for name, i in positions.items()},
        header_row=header_row,
        blank_rows=int(blank.sum()),
    )


def _csv_source(path: Path) -> tuple[Path | bytes, str]:
    """What Polars reads (the file, or its bytes with CR-only line ends made LF) and the
    separator (`;` when the first line has more of them than commas)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise ImportFileError("unreadable", path=path, detail=error.strerror) from error
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the sample is fine; anything else is not UTF-8.
        if error.start < len(head) - 4:
            raise ImportFileError("not_utf8", path=path) from error
        text = head[: error.start].decode("utf-8-sig")
    if not text.strip():
        raise ImportFileError("empty_file", path=path)
    source: Path | bytes = path
    if "\n" not in text and "\r" in text:
        # Old Mac exports end lines with CR alone, which Polars does not split on.
        source = path.read_bytes().replace(b"\r", b"\n")
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]  # not splitlines: U+2028 is text
    return source, (";" if first_line.count(";") > first_line.count(",") else ",")


def _readable(source: Path | bytes) -> Path | io.BytesIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _polars_csv(path: Path, source: Path | bytes, **options: object) -> pl.DataFrame:
    try:
        return pl.read_csv(
            _readable(source), infer_schema=False, encoding="utf8", raise_if_empty=False, **options
        )
    except Exception as error:  # polars raises several error types for malformed files
        if re.search(r"utf-?8", str(error), re.IGNORECASE):
            raise ImportFileError("not_utf8", path=path) from error
        raise ImportFileError("not_csv", path=path, detail=error) from error


def _csv_headers(path: Path, source: Path | bytes, separator: str) -> list[str]:
    """The header row, read as a CSV record (a quoted header may hold a line break)."""
    first = _polars_csv(
        path, source, separator=separator, has_header=False, n_rows=1, truncate_ragged_lines=True
    )
    values = first.row(0) if first.height else ()
    return _unique_names(str(v).lstrip("\ufeff") if v is not None else None for v in values)


def _read_csv(
    path: Path, source: Path | bytes, separator: str, positions: dict[str, int]
) -> pl.DataFrame:
    """The recognised columns only, renamed to their fields; rows as Polars delimits them."""
    indices = sorted(set(positions.values()))
    frame = _polars_csv(
        path,
        source,
        separator=separator,
        has_header=True,
        columns=indices,
        truncate_ragged_lines=True,  # long rows are found by _row_shapes and rejected whole
    )
    by_index = dict(zip(indices, frame.columns, strict=True))
    return frame.select(pl.col(by_index[i]).alias(name) for name, i in positions.items())


def _row_shapes(
    path: Path, source: Path | bytes, separator: str, rows: int
) -> tuple[pl.Series, pl.Series]:
    """Each data row's number of fields and whether it is blank, in the order Polars read them.

    Polars pads short rows and cuts long ones without a word; yet a row with the wrong number
    of fields has its cells under the wrong headers (an unquoted comma in an address moves the
    applicant's name into the agency column), so it must be found. Separators are counted per
    line outside quoted text; only a file with line breaks inside quotes is parsed again, record
    by record, with the csv module.
    """
    line = pl.col("line")
    sep = re.escape(separator)
    try:
        lines = (
            pl.scan_lines(_readable(source))
            .select(
                fields=line.str.count_matches(separator, literal=True) + 1,
                quotes=line.str.count_matches('"', literal=True),
                # Every cell empty or spaces, quoted or not (a quoted separator is text).
                blank=line.str.contains(rf'^\s*(?:"\s*")?\s*(?:{sep}\s*(?:"\s*")?\s*)*$'),
            )
            .collect()
        )
        if lines["quotes"].gt(0).any():
            # Separators inside quoted text do not count (a doubled quote is two quoted runs).
            unquoted = (
                pl.scan_lines(_readable(source))
                .select(
                    line.str.replace_all(r'"[^"]*"', "").str.count_matches(separator, literal=True)
                )
                .collect()
                .to_series()
            )
            lines = lines.with_columns(
                fields=pl.when(pl.col("quotes") > 0).then(unquoted + 1).otherwise("fields")
            )
    except Exception as error:  # the same bytes Polars just parsed; kept as one sentence anyway
        raise ImportFileError("not_csv", path=path, detail=error) from error
    if (lines["quotes"] % 2 == 1).any() or lines.height - 1 != rows:
        return _record_shapes(path, source, separator, rows)
    data = lines.slice(1)
    return data["fields"], data["blank"]


def _record_shapes(
    path: Path, source: Path | bytes, separator: str, rows: int
) -> tuple[pl.Series, pl.Series]:
    """_row_shapes for files with quoted line breaks: every record parsed by the csv module."""
    raw = io.BytesIO(source) if isinstance(source, bytes) else path.open("rb")
    try:
        with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
            records = csv.reader(handle, delimiter=separator)
            next(records, None)  # the header
            shapes = [(len(record), not "".join(record).strip()) for record in records]
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportFileError("not_csv", path=path, detail=error) from error
    if len(shapes) != rows:
        raise ImportFileError("rows_unclear", path=path)
    frame = pl.DataFrame(shapes, schema={"fields": pl.Int64, "blank": pl.Boolean}, orient="row")
    return frame["fields"], frame["blank"]


def _read_excel(path: Path, aliases: Aliases) -> tuple[pl.DataFrame, pl.Series, int]:
    """The first sheet's table under its header row (columns named by it, all text), which of
    its rows are blank, and the header's row number in the sheet.

    Provincial workbooks often put a title and a period above the header: the header is the
    first of the top rows that names every required column (else the first row).
    """
    try:
        # Every cell as text: date cells become ISO text, parsed below like any other date.
        sheet = pl.read_excel(
            path,
            engine="calamine",
            has_header=False,
            read_options={"dtypes": "string"},
            drop_empty_rows=False,  # blank rows still count in the row numbers users see
            raise_if_empty=False,
        )
    except Exception as error:  # calamine raises its own exception types
        raise ImportFileError("not_excel", path=path, detail=error) from error
    if sheet.height == 0 or sheet.width == 0:
        raise ImportFileError("empty_file", path=path)
    sheet = sheet.select(pl.all().cast(pl.String))
    header_index = 0
    for index, values in enumerate(sheet.head(HEADER_SEARCH_ROWS).iter_rows()):
        named = {aliases.columns.get(fold(str(value))) for value in values if value}
        if set(REQUIRED) <= named:
            header_index = index
            break
    header = sheet.row(header_index)
    table = sheet.slice(header_index + 1)
    table.columns = _unique_names(header)
    blank = table.select(
        pl.all_horizontal(pl.all().str.strip_chars().fill_null("") == "").alias("blank")
    ).to_series()
    return table, blank, _rows_above(path, header, header_index) + header_index + 1


def _rows_above(path: Path, header: Sequence[object], header_index: int) -> int:
    """Empty rows above the sheet's first used row, which calamine leaves out (0 if unsure)."""
    import openpyxl  # only for this; calamine reads the cells far faster

    wanted = [str(value) for value in header if value not in (None, "")]
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(
                max_row=header_index + 1 + MAX_ROWS_ABOVE, values_only=True
            )
            for number, values in enumerate(rows):
                if [str(value) for value in values if value not in (None, "")] == wanted:
                    return max(number - header_index, 0)
        finally:
            workbook.close()
    except Exception:  # a workbook calamine read but openpyxl cannot: rows stay sheet-relative
        return 0
    return 0


def _unique_names(values: Iterable[object]) -> list[str]:
    names: list[str] = []
    for number, value in enumerate(values, start=1):
        name = str(value).strip() if value is not None and str(value).strip() else f"#{number}"
        names.append(name if name not in names else f"{name} #{number}")
    return names


def _tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Text trimmed, empty cells null, every field present (absent optional ones as nulls).

    Codes stay as read (normalised in `prepare`, which counts the changes). Names and values
    lose control and invisible characters and take the composed Unicode form, so one agency is
    one name; they repeat a lot, so each distinct value is cleaned once.
    """
    columns = []
    for name in FIELDS:
        if name not in frame.columns:
            columns.append(pl.lit(None, pl.String).alias(name))
        elif name in CODE_FIELDS:
            columns.append(pl.col(name))
        elif name in DATE_FIELDS:
            columns.append(pl.col(name).str.strip_chars().replace("", None))
        else:
            columns.append(_cleaned_text(frame[name]).alias(name))
    return frame.select(*columns, "row", "shape_ok")


def _cleaned_text(values: pl.Series) -> pl.Expr:
    distinct = values.unique().drop_nulls()
    cleaned = distinct.to_frame().select(
        pl.col(values.name)
        .str.normalize("NFC")
        .str.replace_all(FORMAT, "")
        .str.replace_all(CONTROL, " ")
        .str.strip_chars()
        .replace("", None)
    )
    changes = {
        old: new for old, new in zip(distinct, cleaned.to_series(), strict=True) if old != new
    }
    return pl.col(values.name).replace(changes) if changes else pl.col(values.name)


# --- parsing and validation ---------------------------------------------------------------------


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
    blank_rows: int = 0  # skipped, not counted in rows_read
    codes_normalised: int = 0
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
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
        channel=pl.col("channel_code").fill_null(codes.IN_PERSON),  # an empty channel: in person
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
        blank_rows=prepared.blank_rows,
        codes_normalised=prepared.codes_normalised,
        unknown_values=prepared.unknown_values,
    )


def _pause_if_asked() -> None:
    seconds = float(os.environ.get(PAUSE_ENV_VAR) or 0)
    if seconds > 0:
        print("import paused", file=sys.stderr, flush=True)
        time.sleep(seconds)


def merged_unknown_values(
    each: Iterable[Mapping[str, Mapping[str, int]]],
) -> dict[str, dict[str, int]]:
    """Unknown values of several files added up: kind → value → rows, most rows first."""
    merged: dict[str, dict[str, int]] = {kind: {} for kind in VALUE_KINDS}
    for unknown in each:
        for kind, values in unknown.items():
            for value, rows in values.items():
                merged[kind][value] = merged[kind].get(value, 0) + rows
    return {
        kind: dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
        for kind, values in merged.items()
    }


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

    def unknown_values(self) -> dict[str, dict[str, int]]:
        return merged_unknown_values(one.unknown_values for one in self.files)

    def to_dict(self) -> dict:
        return {
            **self.totals(),
            "blank_rows": sum(one.blank_rows for one in self.files),
            "codes_normalised": sum(one.codes_normalised for one in self.files),
            "unknown_values": self.unknown_values(),
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
    with path.open("wb") as handle:  # an OSError here names the path
        # Values come from the file: a cell such as =HYPERLINK(...) must stay text in a
        # spreadsheet. The BOM lets Excel read Vietnamese.
        csv_safe(frame).write_csv(handle, include_bom=True)
    return path


def import_files(
    paths: Iterable[Path],
    db_path: Path,
    mapping: Path | None = None,
    rejects: Path | None = None,
    today: dt.date | None = None,
) -> ImportSummary:
    """Read every export and write the rejected rows first (failing before any write to the
    database), then import them all in one swap."""
    started = time.perf_counter()
    aliases = load_aliases(mapping)
    prepared = [load_export(Path(path), aliases, today) for path in paths]
    written = write_rejects(prepared, rejects)
    summaries, demo_removed = apply_exports(Path(db_path), prepared)
    for summary, rejects_file in zip(summaries, written, strict=True):
        summary.rejects_file = rejects_file
    return ImportSummary(str(db_path), summaries, time.perf_counter() - started, demo_removed)
