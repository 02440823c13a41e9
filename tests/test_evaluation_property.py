"""The evaluation on generated small databases (odd dates, one agency, no receivers, pilots
with no agencies or starting in year 23): `onestop evaluate` and the page never fail; they
compare, or say in one sentence what is missing."""

from __future__ import annotations

import itertools
import json

import pytest
import streamlit
from hypothesis import HealthCheck, given, settings
from streamlit.testing.v1 import AppTest

from onestop.cli import main as cli
from tests.fixtures import ROOT, using_database
from tests.worlds import EXAMPLES, build_world, worlds

PAGE = str(ROOT / "pages" / "evaluation.py")
_numbers = itertools.count()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(world=worlds())
def test_evaluate_and_the_page_on_any_small_database(
    tmp_path_factory: pytest.TempPathFactory, capsys, world
) -> None:
    path = build_world(tmp_path_factory.getbasetemp() / f"eval{next(_numbers)}.duckdb", world)
    try:
        code = cli.main(["evaluate", "--db", str(path), "--format", "json", "--draws", "199"])
        captured = capsys.readouterr()
        if world.pilot is None:
            assert code == 2 and "defines no pilot" in captured.err
        elif code == 0:
            result = json.loads(captured.out)
            assert set(result) == {"pilot", "before", "during", "measures"}
        else:  # a period that cannot be compared, said in one sentence
            assert code == 2 and captured.err.count("\n") == 1, captured.err
        with using_database(path):
            app = AppTest.from_file(PAGE, default_timeout=120).run()
            assert not app.exception, app.exception
    finally:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()
        path.unlink(missing_ok=True)
