"""What an export's columns and coded values are called: the fields an import feeds, the built-in
names of import_headers.toml plus a user's mapping file, and a column mapping for one export.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import polars as pl

from onestop.core import codes
from onestop.core.i18n import t
from onestop.core.text import fold
from onestop.importing.errors import ImportFileError

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
# The largest code of each kind of coded value: codes from 1 to it are read as numbers.
LARGEST_CODE = {"status": max(codes.STATUSES), "channel": max(codes.CHANNELS)}


VALUE_KINDS = tuple(LARGEST_CODE)


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
    lines = [
        "# onestop import mapping: value names for codes"
        " (see onestop/importing/import_headers.toml)."
    ]
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


def fields_of(mapping: pl.DataFrame, source: str) -> dict[str, int]:
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
