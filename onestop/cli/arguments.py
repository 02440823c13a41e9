"""What several commands parse alike: ranges, dates, seeds, agencies, demo sizes.

Every wrong value is refused in one sentence: argparse types raise ArgumentTypeError, and checks
that need the database raise UsageError.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
from collections.abc import Callable, Sequence

import polars as pl

from onestop import demo
from onestop.core.db import Store
from onestop.core.text import fold

LARGEST_SEED = 2**32 - 1  # numpy seeds are unsigned; 32 bits are plenty for a demo
DB_HELP = "database file (default: $ONESTOP_DB, else data/onestop.duckdb)"


class UsageError(Exception):
    """A wrong argument, explained in one sentence."""


def date_argument(text: str) -> dt.date:
    """The type of --from and --to: an ISO date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date of the form YYYY-MM-DD") from None


def _figure(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,g}"


def number_in(
    low: float,
    high: float,
    *,
    whole: bool = False,
    above_low: bool = False,
    unit: str = "",
) -> Callable[[str], float]:
    """An argparse type: a finite number from low (or above it) to high, else one sentence."""
    kind = "a whole number" if whole else "a number"
    span = (
        f"above {_figure(low)} and at most {_figure(high)}"
        if above_low
        else f"from {_figure(low)} to {_figure(high)}"
    )
    wanted = f"{kind} {span}{f' ({unit})' if unit else ''}"

    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got '{text}'") from None
        too_low = value <= low if above_low else value < low
        if not math.isfinite(value) or too_low or value > high:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got '{text}'")
        return value

    parse.__name__ = kind  # argparse names the type in its own messages
    return parse


def seed_argument() -> Callable[[str], float]:
    """The type of every --seed: numpy accepts only non-negative seeds."""
    return number_in(0, LARGEST_SEED, whole=True)


def demo_size(text: str) -> int:
    """The type of --dossiers: the demo's fixed pilot and baseline at least, a cap at most."""
    return int(number_in(demo.MIN_DOSSIERS, demo.MAX_DOSSIERS, whole=True)(text))


def check_memory_for_demo(total: int, memory_bytes: int | None = None) -> None:
    """Refuse a demo that would not fit in this machine's memory (the process would be killed)."""
    if memory_bytes is None:
        memory_bytes = _physical_memory()
    needed = demo.memory_needed(total)
    if memory_bytes and needed > memory_bytes:
        fits = max(demo.MIN_DOSSIERS, demo.largest_fitting(memory_bytes))
        raise UsageError(
            f"--dossiers {total:,} needs about {needed / 1e9:.1f} GB of memory and this machine "
            f"has {memory_bytes / 1e9:.1f} GB: choose at most {fits:,}."
        )


def _physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on every platform: then do not guess
        return None


def resolve_agencies(store: Store, names_or_codes: Sequence[str], pilot: bool) -> tuple[int, ...]:
    """Agency ids for --agency values (name or code, any case or accents) and --pilot."""
    agencies = store.query("agencies")
    chosen: list[int] = []
    if pilot:
        pilot_ids = agencies.filter(pl.col("is_pilot"))["agency_id"].to_list()
        if not pilot_ids:
            raise UsageError("--pilot: this database defines no pilot.")
        chosen += pilot_ids
    by_key = {}
    for agency_id, code, name in agencies.select("agency_id", "code", "name").iter_rows():
        by_key[fold(code)] = agency_id
        by_key[fold(name)] = agency_id
    for value in names_or_codes:
        if fold(value) not in by_key:
            known = ", ".join(agencies["code"].to_list())
            raise UsageError(f"--agency: no agency named or coded '{value}' (codes: {known}).")
        chosen.append(by_key[fold(value)])
    return tuple(sorted(set(chosen)))
