"""Reading an export (CSV or XLSX): only its recognised columns, each row numbered as in the file,
with whether it has the header's shape; personal data columns are never kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from onestop.core.text import fold
from onestop.importing.aliases import (
    CODE_FIELDS,
    DATE_FIELDS,
    FIELDS,
    REQUIRED,
    Aliases,
    column_mapping,
    fields_of,
)
from onestop.importing.errors import ImportFileError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 20
MAX_ROWS_ABOVE = 1_000  # empty rows above an XLSX table that row numbers still account for
SNIFF_BYTES = 1 << 16
# Code normalisation: invisible characters go, dash variants become '-', and letters of other
# scripts that look exactly like Latin capitals or small letters become those letters (a code
# typed on a Russian or Greek keyboard layout, or pasted from a PDF, is the same code).
CONTROL = r"\p{Cc}+"  # NUL, tab, line breaks, ...


FORMAT = r"\p{Cf}"  # invisible: zero-width space and joiners, BOM, soft hyphen, ...


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
        positions = fields_of(mapping, str(path))
        frame = table.select(pl.col(headers[i]).alias(name) for name, i in positions.items())
        shape_ok = pl.repeat(True, frame.height, eager=True)
    else:
        source, separator = _csv_source(path)
        headers = _csv_headers(path, source, separator)
        mapping = column_mapping(headers, aliases)
        positions = fields_of(mapping, str(path))
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
