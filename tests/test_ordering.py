"""Row orders for large demo frames: one packed key sorts as the columns it packs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from onestop.demo.ordering import numbered_runs, stable_order


def _frame(size: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    minutes = rng.integers(0, 3 * 24 * 60, size).astype("timedelta64[m]")
    stamps = (np.datetime64("2023-01-01T00:00") + minutes).astype("datetime64[us]")
    return pl.DataFrame(
        {
            "agency": rng.integers(1, 4, size),
            "day": pl.Series(stamps).dt.date(),
            "at": stamps,
            "maybe": pl.Series(rng.integers(0, 5, size)).set(
                pl.Series(rng.random(size) < 0.2), None
            ),
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stable_order_is_a_stable_sort_with_nulls_last(seed: int) -> None:
    # Given rows with many ties and some nulls
    frame = _frame(2000, seed).with_row_index("row")
    keys = ["agency", "day", "at", "maybe"]
    # When ordered by the packed key
    order = stable_order(frame, keys)
    # Then the order is the one polars' stable multi-column sort gives
    expected = frame.sort(keys, nulls_last=True, maintain_order=True)["row"].to_numpy()
    assert order.tolist() == expected.tolist()


def test_keys_too_wide_to_pack_are_sorted_as_columns() -> None:
    frame = pl.DataFrame(
        {
            "a": [2**40, 0, 2**40, 5],
            "b": [1, 2**40 + 3, 0, None],
            "c": [7, 3, 2**30, 1],
        }
    ).with_row_index("row")
    order = stable_order(frame, ["a", "b", "c"])
    expected = frame.sort(["a", "b", "c"], nulls_last=True, maintain_order=True)["row"]
    assert order.tolist() == expected.to_list()


def test_a_column_of_nulls_orders_nothing() -> None:
    frame = pl.DataFrame({"a": [3, 1, 2], "b": pl.Series([None, None, None], dtype=pl.Int64)})
    assert stable_order(frame, ["a", "b"]).tolist() == [1, 2, 0]


def test_numbered_runs_counts_within_each_run_of_equal_keys() -> None:
    agency = np.array([1, 1, 1, 2, 2, 3])
    day = np.array([dt.date(2023, 1, 2)] * 2 + [dt.date(2023, 1, 3)] * 4, dtype="datetime64[D]")
    run, number = numbered_runs(agency, day)
    assert run.tolist() == [0, 0, 1, 2, 2, 3]
    assert number.tolist() == [1, 2, 1, 1, 2, 1]
