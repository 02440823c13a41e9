"""Writing prepared exports: dossiers upserted by code in DuckDB, on a copy of the database that
replaces the original atomically (db.replace_atomically), rejected rows written to CSV.

Accounting: every data row is exactly one of inserted, updated, unchanged or rejected (blank
rows are skipped and not counted). Within one export the last valid row of a dossier code wins;
earlier valid rows of the same code are "superseded" and counted as unchanged (they change
nothing the winning row does not), so importing the same file twice gives all-unchanged the
second time.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from onestop.core import codes, db
from onestop.core.text import csv_safe
from onestop.importing.aliases import DATE_FIELDS, VALUE_KINDS, load_aliases
from onestop.importing.references import attach_references
from onestop.importing.validate import Prepared, load_export

PAUSE_ENV_VAR = "ONESTOP_IMPORT_PAUSE_SECONDS"  # test hook: sleep mid-import, to be killed


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
    rows = attach_references(con, winners)
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
