"""Text helpers: matching Vietnamese the way people type it, and writing supplied text safely."""

from __future__ import annotations

import html
import re
import unicodedata

import polars as pl

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces: `NGÀY TIẾP NHẬN` → `ngay tiep nhan`."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", bare).strip().lower()


# --- text that users or files supply, made safe for where it is written or shown ----------------

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Markdown (and Streamlit's extensions: :colour[...], :material/icon:, $LaTeX$) read these.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=])")


def csv_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text: a leading formula character gets a `'`."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell passed through `csv_cell` (numbers and dates untouched)."""
    starts = "^[" + re.escape("".join(_FORMULA_START)) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(starts))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def markdown_literal(text: str) -> str:
    """Text shown verbatim inside Markdown: every markup character escaped, lines joined."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def terminal_text(text: str | None) -> str:
    """Text safe to print: control characters (ANSI escapes, bells, CR) shown as `\\x1b` etc."""
    return "".join(
        f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch for ch in text or ""
    )


def html_literal(text: object) -> str:
    """Text shown verbatim inside HTML or a Plotly label.

    Quotes become numeric references: plotly.js decodes `&lt;`, `&gt;`, `&amp;` and numeric ones
    but shows `&quot;` as written, while browsers decode all of them (attributes included).
    """
    escaped = html.escape(str(text), quote=False)
    return escaped.replace('"', "&#34;").replace("'", "&#39;")
