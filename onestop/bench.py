"""`onestop bench`: speed targets measured on real files, not asserted in unit tests.

- building the demo at N dossiers (target: 10 million in at most 60 s on 2 cores);
- every page's queries on that database (target: well under a second per page);
- importing a 1-million-row CSV (target: at least 100,000 rows/s);
- recomputing the staffing page, 4 staff levels × 200 days (target: under 2 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from onestop import db, demo
from onestop.calendar import public_holidays
from onestop.filters import DossierFilter

ROOT = db.PROJECT_ROOT

# Values for the parameters some queries take beyond DossierFilter's.
QUERY_EXTRA_PARAMETERS: dict[str, dict[str, Any]] = {
    "index766_by_procedure": {"holidays": sorted(public_holidays(2015, 2035))},
    "measure_counts_by_agency_month": {"holidays": sorted(public_holidays(2015, 2035))},
    "overdue_dossiers_in_progress": {"order_by": "days_overdue"},
    "dossier_flow_by_period": {"grain": "month"},
}


def query_params(name: str, dossier_filter: DossierFilter) -> dict[str, Any]:
    """Every parameter a query may bind, for a filter."""
    return {**dossier_filter.params(), **QUERY_EXTRA_PARAMETERS.get(name, {})}


def queries_by_page() -> dict[str, list[str]]:
    """The queries each page runs: named in the page or in the onestop modules it imports."""
    names = set(db.query_names())
    pages = {}
    for page in sorted((ROOT / "pages").glob("*.py")):
        text = page.read_text(encoding="utf-8")
        modules = re.findall(r"from onestop import ([\w, ]+)", text)
        modules += re.findall(r"from onestop\.(\w+) import", text)
        sources = [text]
        for module in {m.strip() for group in modules for m in group.split(",")}:
            path = ROOT / "onestop" / f"{module}.py"
            if path.is_file():
                sources.append(path.read_text(encoding="utf-8"))
        used = {name for name in names if any(f'"{name}"' in src for src in sources)}
        pages[page.stem] = sorted(used)
    return pages


def time_queries(path: Path, dossier_filter: DossierFilter) -> dict[str, float]:
    """Seconds for one cold run of every query, on a fresh connection."""
    store = db.Store(path)
    timings = {}
    for name in db.query_names():
        start = time.perf_counter()
        store.query(name, query_params(name, dossier_filter))
        timings[name] = time.perf_counter() - start
    store.close()
    return timings


def full_span(path: Path) -> DossierFilter:
    """All agencies over every year the database holds."""
    status = db.Store(path).query("data_status").row(0, named=True)
    return DossierFilter(status["first_received_on"], status["last_received_on"])


def run(dossiers: int, database: Path | None, import_rows: int, parts: set[str]) -> dict[str, Any]:
    """Run the chosen benchmark parts and return their measured figures."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="onestop-bench-") as scratch:
        path = database or Path(scratch) / "bench.duckdb"
        if database is None:
            summary = demo.build_demo(path, total=dossiers)
            results["demo"] = {
                "dossiers": summary.dossiers,
                "counter_visits": summary.counter_visits,
                "seconds": round(summary.seconds, 2),
                "file_mb": round(path.stat().st_size / 1e6, 1),
            }
        if "queries" in parts:
            chosen = full_span(path)
            timings = time_queries(path, chosen)
            results["queries"] = {
                "filter": f"all agencies, {chosen.date_from} to {chosen.date_to}",
                "seconds": {name: round(s, 3) for name, s in timings.items()},
                "per_page_seconds": {
                    page: round(sum(timings[n] for n in used), 3)
                    for page, used in queries_by_page().items()
                },
            }
        if "staffing" in parts:
            from onestop.staffing import bench_staffing

            # The page's target is for the demo's counter (pilot plus every other agency, a
            # worst case), not for the benchmark's N-dossier province; --db measures that file.
            results["staffing"] = bench_staffing(database)
    if "import" in parts:
        from onestop.importer import bench_import

        results["import"] = bench_import(import_rows)
    return results


def to_text(results: dict[str, Any]) -> str:
    """A readable summary for the terminal."""
    lines = []
    if "demo" in results:
        d = results["demo"]
        lines.append(
            f"demo: {d['dossiers']:,} dossiers, {d['counter_visits']:,} visits, "
            f"{d['file_mb']} MB in {d['seconds']} s"
        )
    if "queries" in results:
        lines.append(f"queries ({results['queries']['filter']}):")
        for page, seconds in results["queries"]["per_page_seconds"].items():
            lines.append(f"  page {page:<14} {seconds:>7.3f} s")
        slowest = max(results["queries"]["seconds"].items(), key=lambda item: item[1])
        lines.append(f"  slowest query {slowest[0]}: {slowest[1]:.3f} s")
    for part in ("staffing", "import"):
        if part in results:
            lines.append(f"{part}: {json.dumps(results[part], default=str)}")
    return "\n".join(lines) + "\n"


def cmd_bench(args) -> int:
    parts = args.only or set(PARTS)
    database = Path(args.db) if args.db else None
    if database is None:
        from onestop.cli import check_memory_for_demo

        check_memory_for_demo(args.dossiers)
    results = run(args.dossiers, database, args.import_rows, parts)
    results["measured_at"] = dt.datetime.now().isoformat(timespec="seconds")
    print(json.dumps(results, indent=2, default=str) if args.format == "json" else to_text(results))
    return 0


PARTS = ("queries", "staffing", "import")
MAX_IMPORT_ROWS = 10_000_000  # ten times the 1-million-row target file


def _parts(text: str) -> set[str]:
    """The type of --only: a comma-separated subset of PARTS."""
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(PARTS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"expected parts among {','.join(PARTS)}, got '{text}'")
    return chosen


def add_command(commands, db_help: str) -> None:
    from onestop.cli import demo_size, number_in

    parser = commands.add_parser("bench", help="measure the speed targets")
    parser.add_argument("--db", help="benchmark this database instead of building a demo")
    parser.add_argument(
        "--dossiers",
        type=demo_size,
        default=1_000_000,
        help=f"demo size to build, {demo.MIN_DOSSIERS:,} to {demo.MAX_DOSSIERS:,}",
    )
    parser.add_argument(
        "--import-rows",
        type=number_in(1, MAX_IMPORT_ROWS, whole=True),
        default=1_000_000,
        help=f"rows of the import benchmark's file, at most {MAX_IMPORT_ROWS:,}",
    )
    parser.add_argument("--only", type=_parts, help="comma-separated parts: " + ",".join(PARTS))
    parser.add_argument("--format", choices=["table", "json"], default="table")
    # Without --db the benchmark builds its own demo in a temporary folder.
    parser.set_defaults(run=cmd_bench, uses_database=lambda args: bool(args.db))
