"""Row orders for ten-million-row frames: one sort of a packed integer key instead of a sort by
several columns, which polars does several times slower."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl

_PACKED_LIMIT = 2**63 - 1


def stable_order(frame: pl.DataFrame, keys: list[str]) -> np.ndarray:
    """Row positions of `frame` sorted by `keys` (integer, date or datetime columns), nulls last
    in each, rows with equal keys kept in their order: what `frame.sort(keys, nulls_last=True,
    maintain_order=True)` would give."""
    packed = _packed_key(frame, keys)
    if packed is None:
        ordered = frame.select(keys).with_row_index("position")
        return ordered.sort(keys, nulls_last=True, maintain_order=True)["position"].to_numpy()
    positions = pl.DataFrame({"key": packed}).with_row_index("position")
    return positions.sort("key", maintain_order=True)["position"].to_numpy()


def _packed_key(frame: pl.DataFrame, keys: list[str]) -> np.ndarray | None:
    """One int64 per row that orders like the keys (nulls last), or None when their ranges are
    too wide to share 63 bits."""
    # Each key's steps on a thread of its own: numpy and polars work without the GIL here.
    with ThreadPoolExecutor(max_workers=2) as pool:
        steps = list(pool.map(_key_steps, [frame[name] for name in keys]))
    if math.prod(span for _, span in steps) > _PACKED_LIMIT:
        return None
    packed = np.zeros(frame.height, dtype="int64")
    for values, span in steps:
        packed = packed * span + values
    return packed


def _key_steps(column: pl.Series) -> tuple[np.ndarray, int]:
    """A key as 0, 1, 2, … in its own unit (the common divisor of its distances from its
    minimum: minutes for timestamps on the minute), null as the largest value; and its span."""
    physical = column.to_physical().cast(pl.Int64)
    present = physical.drop_nulls().to_numpy()
    if present.size == 0:
        return np.zeros(column.len(), dtype="int64"), 1
    lowest = int(present.min())
    unit = max(int(np.gcd.reduce(present - lowest)), 1)
    null_value = (int(present.max()) - lowest) // unit + 1
    steps = ((physical - lowest) // unit).fill_null(null_value).to_numpy()
    return steps, null_value + 1


def numbered_runs(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by `keys`: each row's run of equal keys (0, 1, …) and its number
    within that run (1, 2, …)."""
    size = keys[0].size
    same_as_previous = np.ones(max(size - 1, 0), dtype=bool)
    for key in keys:
        same_as_previous &= key[1:] == key[:-1]
    starts = np.flatnonzero(np.r_[True, ~same_as_previous]) if size else np.zeros(0, "int64")
    lengths = np.diff(np.append(starts, size))
    run = np.repeat(np.arange(starts.size), lengths)
    return run, np.arange(1, size + 1) - np.repeat(starts, lengths)
