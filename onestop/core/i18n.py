"""The UI's words in Vietnamese and English, and numbers and dates formatted for each language.

Strings live in onestop/locales/*.toml, one file per area, each key with `vi` and `en`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every UI string, keyed `area.name`, merged from all locale files."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for key, texts in _flatten(data):
            if key in merged:
                raise ValueError(f"UI string {key} is defined twice ({path.name})")
            merged[key] = texts
    return merged


def _flatten(data: dict, prefix: str = "") -> list[tuple[str, dict[str, str]]]:
    found = []
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and set(value) == set(LANGUAGES):
            found.append((key, value))
        elif isinstance(value, dict):
            found.extend(_flatten(value, f"{key}."))
        else:
            raise ValueError(f"UI string {key} needs both 'vi' and 'en'")
    return found


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The UI text for a key in a language, with {placeholders} filled in."""
    text = catalogue()[key][lang if lang in LANGUAGES else DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def format_int(value: float | int | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """1.700 in Vietnamese, 1,700 in English; an em dash for no value."""
    if value is None:
        return "—"
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def format_decimal(value: float | None, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """12,9 in Vietnamese, 12.9 in English (thousands grouped)."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_share(value: float | None, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A fraction as a percentage: 0.9818 → 98,2% (vi) or 98.2% (en)."""
    if value is None:
        return "—"
    return f"{format_decimal(value * 100, lang, digits)}%"


def format_date(value: dt.date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """dd/mm/yyyy in Vietnamese, yyyy-mm-dd in English."""
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def plotly_separators(lang: str = DEFAULT_LANGUAGE) -> str:
    """Plotly's `separators` layout value: decimal mark then thousands mark."""
    return ",." if lang == "vi" else ".,"


def d3_date_format(lang: str = DEFAULT_LANGUAGE) -> str:
    """The d3 date format for chart axes and hovers."""
    return "%d/%m/%Y" if lang == "vi" else "%Y-%m-%d"


def d3_month_format(lang: str = DEFAULT_LANGUAGE) -> str:
    """The d3 date format for monthly chart axes and hovers: 05/2023 or May 2023."""
    return "%m/%Y" if lang == "vi" else "%b %Y"


def format_month(value: dt.date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A month as text: 05/2023 in Vietnamese, May 2023 in English."""
    if value is None:
        return "—"
    return value.strftime("%m/%Y") if lang == "vi" else value.strftime("%b %Y")
