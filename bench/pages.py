"""Every page under Streamlit's AppTest on one database, as `onestop bench` measures it.

For each page (the order of dashboard.py), with "all agencies over all years" in the URL: the
page script's full run (timed inside AppTest's script thread, without AppTest's own overhead)
and, within it, the seconds spent in its database questions — both uncached:
Streamlit's caches are cleared and every DuckDB connection closed before each page, so the page
asks every question of a freshly opened file (the operating system's file cache stays warm).
Prints JSON. Run by `onestop bench` in a process of its own; by hand:

    .venv/bin/python bench/pages.py --db bench/cache/demo-1000000.duckdb
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def page_names() -> list[str]:
    """The analysis and report pages, in navigation order (the import page needs a file)."""
    routed = re.findall(r'"pages/(\w+)\.py"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))
    return [name for name in dict.fromkeys(routed) if name != "import_data"]


# Seconds of each page script's own run, appended by the script itself (timed_script): AppTest
# adds about a second of its own around every run (it scans the installed packages for
# components each time), which a served page pays once, when the server starts.
script_runs: list[float] = []


def timed_script(page: Path) -> str:
    """A script that runs `page` as Streamlit would and records how long that took."""
    return (
        "import runpy, sys, time\n"
        "started = time.perf_counter()\n"
        "try:\n"
        f"    runpy.run_path({str(page)!r}, run_name='__main__')\n"
        "finally:\n"
        "    sys.modules['onestop_bench_pages'].script_runs.append(time.perf_counter() - started)\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeats", type=int, default=3, help="runs per page; the median is kept")
    args = parser.parse_args(argv)
    # The timed script finds script_runs under this name, whatever name this module runs as.
    sys.modules["onestop_bench_pages"] = sys.modules[__name__]
    os.environ["ONESTOP_DB"] = str(Path(args.db).resolve())

    import statistics

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from onestop.core import db

    # Time every question the pages ask, and keep every store so it can be closed.
    asked: list[tuple[str, float]] = []
    stores: list[db.Store] = []
    original_query, original_init = db.Store.query, db.Store.__init__

    def timed_query(self, name, params=None):
        started = time.perf_counter()
        try:
            return original_query(self, name, params)
        finally:
            asked.append((name, time.perf_counter() - started))

    def kept_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        stores.append(self)

    db.Store.query, db.Store.__init__ = timed_query, kept_init

    first, last = (
        db.Store(Path(args.db))
        .query("data_status")
        .select("first_received_on", "last_received_on")
        .row(0)
    )
    link = {"from": first.isoformat(), "to": last.isoformat(), "agency": "all"}

    def run(page: str) -> tuple[float, float, dict[str, float]]:
        st.cache_data.clear()
        st.cache_resource.clear()
        for store in stores:
            store.close()
        stores.clear()
        asked.clear()
        script_runs.clear()
        app = AppTest.from_string(timed_script(ROOT / "pages" / f"{page}.py"), default_timeout=3600)
        for name, value in link.items():
            app.query_params[name] = value
        app.run()
        if app.exception:
            raise SystemExit(f"{page}: {app.exception[0].message}")
        (seconds,) = script_runs
        by_query: dict[str, float] = {}
        for name, spent in asked:
            by_query[name] = by_query.get(name, 0.0) + spent
        return seconds, sum(spent for _, spent in asked), by_query

    run(page_names()[0])  # the first run in a process also pays Python's imports
    results = {}
    for page in page_names():
        runs = [run(page) for _ in range(args.repeats)]
        middle = sorted(runs)[len(runs) // 2]
        results[page] = {
            "page_seconds": round(statistics.median(r[0] for r in runs), 3),
            "query_seconds": round(statistics.median(r[1] for r in runs), 3),
            "queries": {name: round(spent, 3) for name, spent in middle[2].items()},
        }
    print(json.dumps({"link": link, "pages": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
