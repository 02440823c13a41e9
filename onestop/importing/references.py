"""Agencies, fields and procedures an export names: found by code, else by name, else added."""

from __future__ import annotations

import polars as pl

from onestop.core import db
from onestop.core.text import fold


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


def attach_references(con: db.Connection, rows: pl.DataFrame) -> pl.DataFrame:
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
