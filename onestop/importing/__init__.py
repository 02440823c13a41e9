"""importing: dossier exports (CSV or XLSX, header families A and B) into the store, safely.

Pipeline: aliases (what columns and values are called) → read (only recognised columns; personal
data columns are never loaded) → validate (each row's shape, codes normalised, values and dates
parsed and checked with vectorised Polars expressions) → references (agencies, fields and
procedures found or added) → upsert (the dossiers, set-based in DuckDB, on a copy of the database
that replaces the original atomically, so a running dashboard never sees a half-written file).

May import core only. What pages and the command line use is imported here; modules inside the
package import each other directly, never through this file.
"""

from onestop.importing.aliases import (
    LARGEST_CODE,
    check_mapping,
    load_aliases,
    mapping_toml,
    unknown_values_toml,
    value_key,
)
from onestop.importing.errors import ImportFileError
from onestop.importing.read import read_export
from onestop.importing.upsert import (
    PAUSE_ENV_VAR,
    ImportSummary,
    apply_exports,
    import_files,
)
from onestop.importing.validate import Prepared, load_export, prepare, reasons

__all__ = [
    "LARGEST_CODE",
    "PAUSE_ENV_VAR",
    "ImportFileError",
    "ImportSummary",
    "Prepared",
    "apply_exports",
    "check_mapping",
    "import_files",
    "load_aliases",
    "load_export",
    "mapping_toml",
    "prepare",
    "read_export",
    "reasons",
    "unknown_values_toml",
    "value_key",
]
