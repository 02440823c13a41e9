"""`onestop bench`: the speed and scale figures, measured in one run at each size.

For each demo size (1 and 10 million dossiers unless told otherwise), on a cached build under
bench/cache/ (rebuilt when the demo's code or the schema changes, or with --rebuild):
- demo: the build's seconds and peak memory (a process of its own), the file, the rollups'
  rebuild (what every import pays on top of its own work);
- queries: every question once, cold, from the rollups and from dossier rows;
- pages: every page under AppTest with "all agencies over all years" in its link, uncached:
  the full run and the seconds its questions took (bench/pages.py);
- pandas: the same pages' work done the typical way, pandas frames in memory (bench/
  pandas_baseline.py), its load time, memory, and the ratio to the pages' questions;
- import: a 1-million-row CSV into a new file, and 10,000 rows into a copy of the size's file;
- staffing: the staffing page's model for 4 staff levels;
- load (largest size only): headless-Chromium sessions against one server (bench/load.py),
  with the server's peak memory and the six-chart floor.
Results go to bench/results.json and bench/results.md with the machine's cores, memory and load
average: figures from a busy machine say so. No test asserts a time; `make test` runs none of it.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import hashlib
import inspect
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from onestop import demo, importing
from onestop.cli.arguments import check_memory_for_demo, demo_size, number_in
from onestop.core import codes, db
from onestop.core.db import DatabaseError, Store
from onestop.core.filters import DossierFilter, pilot_filter
from onestop.evaluation import compare
from onestop.reports import index766
from onestop.staffing import Question, evaluate, measure_load

ROOT = db.PROJECT_ROOT
BENCH_DIR = ROOT / "bench"
DEFAULT_CACHE = BENCH_DIR / "cache"
DEFAULT_SIZES = (1_000_000, 10_000_000)
INCREMENT_ROWS = 10_000
PARTS = ("demo", "queries", "staffing", "import", "pages", "pandas", "load")
# The pages bench/pages.py runs and the pandas baseline mirrors (the import page needs a file).
PAGES_MEASURED = ("overview", "throughput", "timeliness", "agency_load", "staffing", "report")
MAX_IMPORT_ROWS = 10_000_000  # ten times the 1-million-row target file
TARGETS = {
    "page_queries_seconds": 0.5,
    "page_run_seconds": 1.5,
    "server_memory_mb": 2000,
    "pandas_ratio": 10.0,
    "demo_10m_seconds": 45.0,
}

# Values for the parameters some queries take beyond DossierFilter's.
QUERY_EXTRA_PARAMETERS: dict[str, dict[str, Any]] = {
    "overdue_dossiers_in_progress": {"order_by": "days_overdue"},
    "dossier_flow_by_period": {"grain": "month"},
}


def query_params(name: str, dossier_filter: DossierFilter) -> dict[str, Any]:
    """Every parameter a query may bind, for a filter, as the pages bind them."""
    if name == "index766_by_procedure":
        return index766.query_params(dossier_filter)
    if name == "measure_counts_by_agency_month":
        # The holidays the evaluation binds; the filter as the bench asks every question.
        period = compare.Period(dossier_filter.date_from, dossier_filter.date_to)
        return {**dossier_filter.params(), "holidays": compare.query_params(period)["holidays"]}
    return {**dossier_filter.params(), **QUERY_EXTRA_PARAMETERS.get(name, {})}


def queries_by_page() -> dict[str, list[str]]:
    """The queries each page runs: named in the page or in any onestop module it uses."""
    names = set(db.query_names())
    pages = {}
    for page in sorted((ROOT / "pages").glob("*.py")):
        sources = [path.read_text(encoding="utf-8") for path in _files_used_by(page)]
        used = {name for name in names if any(f'"{name}"' in src for src in sources)}
        pages[page.stem] = sorted(used)
    return pages


def _files_used_by(script: Path) -> set[Path]:
    """The script and every onestop module it imports, directly or through other modules."""
    seen, waiting = set(), [script]
    while waiting:
        path = waiting.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("onestop"):
                for alias in node.names:  # `from package import module` names a module
                    waiting += _module_file(f"{node.module}.{alias.name}") or _module_file(
                        node.module
                    )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("onestop"):
                        waiting += _module_file(alias.name)
    return seen


def _module_file(module: str) -> list[Path]:
    """The file of a module or package (its __init__.py), or nothing when there is none."""
    path = ROOT / module.replace(".", "/")
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return [candidate]
    return []


def time_queries(
    path: Path, dossier_filter: DossierFilter, use_rollups: bool = True
) -> dict[str, float]:
    """Seconds for one cold run of every query, each on a freshly opened file."""
    timings = {}
    for name in db.query_names():
        store = db.Store(path, use_rollups=use_rollups)
        try:
            start = time.perf_counter()
            store.query(name, query_params(name, dossier_filter))
            timings[name] = time.perf_counter() - start
        finally:
            store.close()
    return timings


def full_span(path: Path) -> DossierFilter:
    """All agencies over every day the database holds."""
    store = db.Store(path)
    try:
        status = store.query("data_status").row(0, named=True)
    finally:
        store.close()
    return DossierFilter(status["first_received_on"], status["last_received_on"])


# --- processes of their own -----------------------------------------------------------------


@dataclass
class Measured:
    """A child process's result: its wall time, peak memory and output."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        if self.returncode != 0:
            raise RuntimeError(f"benchmark step failed: {self.stderr.strip()[-2000:]}")
        return json.loads(self.stdout.strip().splitlines()[-1])


def run_measured(argv: list[str]) -> Measured:
    """Run a command, measuring its wall time and peak resident memory (Linux rusage)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(seconds, usage.ru_maxrss / 1024, process.returncode, out.read(), err.read())


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _onestop(*args: str) -> list[str]:
    """The command line, run by this Python (whatever script the environment installed)."""
    return [sys.executable, "-m", "onestop.cli", *args]


# --- the cached demo builds -----------------------------------------------------------------


def demo_fingerprint() -> str:
    """Changes when the demo's code or the schema changes (the cached file is then rebuilt)."""
    source = Path(inspect.getsourcefile(demo) or "")
    files = sorted(source.parent.glob("*.py")) if source.name == "__init__.py" else [source]
    files += sorted(db.SCHEMA_DIR.glob("*.sql"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_demo(size: int, cache: Path, rebuild: bool) -> tuple[Path, dict]:
    """The demo of `size` dossiers under `cache`, built (and measured) when missing or stale."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"demo-{size}.duckdb"
    sidecar = path.with_suffix(".json")
    info = json.loads(sidecar.read_text()) if sidecar.is_file() else {}
    if rebuild or not path.is_file() or info.get("fingerprint") != demo_fingerprint():
        built = run_measured(
            _onestop("demo", "--dossiers", str(size), "--db", str(path), "--force")
        )
        if built.returncode != 0:
            raise RuntimeError(f"demo build failed: {built.stderr.strip()[-2000:]}")
        info = {
            "fingerprint": demo_fingerprint(),
            "built_at": dt.datetime.now().isoformat(timespec="seconds"),
            "seconds": round(built.seconds, 1),
            "peak_mb": round(built.peak_mb),
            "file_mb": round(path.stat().st_size / 1e6),
        }
        sidecar.write_text(json.dumps(info, indent=2))
        info["measured_now"] = True
    else:
        info["measured_now"] = False
    con = db.connect_read_only(path)
    try:
        ready = db.rollup_status(con)
    finally:
        con.close()
    if ready in ("missing", "stale"):
        db.replace_atomically(path, lambda con: None)  # as `onestop migrate` does
    return path, info


def rollup_rebuild_seconds(path: Path) -> float:
    """Seconds to rebuild the rollups of a copy of the file (the copy not counted)."""
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".bench-") as folder:
        copy = Path(folder) / "copy.duckdb"
        shutil.copyfile(path, copy)
        con = db.connect_for_writing(copy)
        try:
            started = time.perf_counter()
            db.refresh_rollups(con)
            con.execute("checkpoint")
            return time.perf_counter() - started
        finally:
            con.close()


def incremental_import(path: Path, rows: int) -> dict:
    """Import `rows` new dossiers into a copy of the file: copy, upsert and rollups, as the
    Import page does on a national archive. The copy's rows are first marked real (untimed),
    or the import would begin by removing every demo record."""
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".bench-") as folder:
        copy, source = Path(folder) / "copy.duckdb", Path(folder) / "increment.csv"
        shutil.copyfile(path, copy)
        con = db.connect_for_writing(copy)
        try:
            for table in (
                "agencies",
                "fields",
                "procedures",
                "staff",
                "dossiers",
                "counter_visits",
            ):
                con.execute(f"update {table} set is_demo = false")  # names from this list only
            db.refresh_rollups(con)
            con.execute("checkpoint")
        finally:
            con.close()
        synthetic_family_a(rows).write_csv(source)
        started = time.perf_counter()
        summary = importing.import_files([source], copy)
        seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 2), **summary.totals()}


# --- one size -------------------------------------------------------------------------------


def measure_size(path: Path, parts: set[str], import_rows: int, repeats: int) -> dict[str, Any]:
    """Every part asked for, on one database file."""
    chosen = full_span(path)
    results: dict[str, Any] = {
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
        # The 1-minute load average at the start and end of each part measured.
        "load_averages": [round(os.getloadavg()[0], 2)],
        "database": str(path),
        "filter": f"all agencies, {chosen.date_from} to {chosen.date_to}",
        "dossiers": _dossier_count(path),
    }
    if "demo" in parts:
        results["rollup_rebuild_seconds"] = round(rollup_rebuild_seconds(path), 2)
    if "queries" in parts:
        rollups_on = time_queries(path, chosen)
        rows_only = time_queries(path, chosen, use_rollups=False)
        results["queries"] = {
            name: {"rollups": round(rollups_on[name], 3), "rows": round(rows_only[name], 3)}
            for name in rollups_on
        }
    if "pages" in parts:
        pages = run_measured(
            _python(str(BENCH_DIR / "pages.py"), "--db", str(path), "--repeats", str(repeats))
        )
        results["pages"] = pages.json()["pages"]
    if "pandas" in parts:
        baseline = run_measured(
            _python(
                str(BENCH_DIR / "pandas_baseline.py"),
                "--db",
                str(path),
                "--from",
                chosen.date_from.isoformat(),
                "--to",
                chosen.date_to.isoformat(),
                "--repeats",
                "1",
            )
        )
        results["pandas"] = {**baseline.json(), "process_peak_mb": round(baseline.peak_mb)}
    if "staffing" in parts:
        results["staffing"] = bench_staffing(path)
    if "import" in parts:
        results["import_increment"] = incremental_import(path, INCREMENT_ROWS)
    results["load_averages"].append(round(os.getloadavg()[0], 2))
    return with_ratios(results)


def with_ratios(size: dict[str, Any]) -> dict[str, Any]:
    """A size's pandas seconds ÷ its pages' question seconds, once it has both."""
    if "pages" in size and "pandas" in size:
        size["pandas_ratio"] = {
            page: round(size["pandas"]["page_seconds"][page] / figures["query_seconds"], 1)
            for page, figures in size["pages"].items()
            if page in size["pandas"]["page_seconds"] and figures["query_seconds"] > 0
        }
    return size


def _dossier_count(path: Path) -> int:
    store = db.Store(path)
    try:
        return int(store.query("data_status")["dossiers"][0])
    finally:
        store.close()


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Cores, memory, processor, load average and versions, for the results' heading."""
    from importlib.metadata import version

    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        total = re.search(r"MemTotal:\s+(\d+)", meminfo.read_text())
        memory_gb = round(int(total.group(1)) / 1024**2, 1) if total else None
    model = None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "commit": commit or None,  # the code measured
        "cores": os.cpu_count(),
        "processor": model or platform.processor(),
        "memory_gb": memory_gb,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        **{package: version(package) for package in ("duckdb", "polars", "pandas", "streamlit")},
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    parts = args.only or set(PARTS)
    results: dict[str, Any] = {
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": {},
    }
    if args.db:
        targets = [(Path(args.db), {})]
    else:
        sizes = args.dossiers or list(DEFAULT_SIZES)
        for size in sizes:
            check_memory_for_demo(size)
        targets = [cached_demo(size, Path(args.cache), args.rebuild) for size in sizes]
    for path, build in targets:
        measured = measure_size(path, parts, args.import_rows, args.repeats)
        if build and "demo" in parts:
            measured["demo"] = build
        results["sizes"][str(measured["dossiers"])] = measured
    if "import" in parts:
        results["import_csv"] = bench_import(args.import_rows)
    if "load" in parts:
        largest = targets[-1][0]
        load = run_measured(
            _python(
                str(BENCH_DIR / "load.py"),
                "--db",
                str(largest),
                "--sessions",
                str(args.sessions),
                "--seconds",
                str(args.load_seconds),
            )
        )
        results["load"] = load.json()
    results["machine"]["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    return results


def added_to(earlier: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """This run's results over an earlier run's (`--add`): the sizes, import and load figures it
    did not measure again are kept, each with its own time and load average."""
    merged = {**earlier, **{k: v for k, v in results.items() if k != "sizes"}}
    sizes = dict(earlier.get("sizes", {}))
    for key, size in results["sizes"].items():
        # A size measured in parts (e.g. --only pages, then --only pandas) gathers them.
        before = sizes.get(key, {})
        if "measured_at" in before:
            size = {**size, "measured_at": before["measured_at"]}
            size["load_averages"] = before.get("load_averages", []) + size["load_averages"]
        sizes[key] = with_ratios({**before, **size})
    merged["sizes"] = dict(sorted(sizes.items(), key=lambda item: int(item[0])))
    for part in ("import_csv", "load"):
        if part not in results and part in earlier:
            merged[part] = earlier[part]
    merged["runs"] = [*earlier.get("runs", [earlier["measured_at"]]), results["measured_at"]]
    return merged


# --- the report -----------------------------------------------------------------------------


def _figure(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def to_markdown(results: dict[str, Any]) -> str:
    """The results as the tables the README and the issue's note quote."""
    m = results["machine"]
    lines = [
        f"# onestop bench, {', '.join(results.get('runs', [results['measured_at']]))}",
        "",
        f"Machine: {m['cores']} cores ({m['processor']}), {m['memory_gb']} GB memory; load "
        f"average {m['load_average'][0]} before and {m.get('load_average_after', ['?'])[0]} "
        f"after the last run (1 minute). DuckDB {m['duckdb']}, Polars {m['polars']}, "
        f"pandas {m['pandas']}, Streamlit {m['streamlit']}, Python {m['python']}.",
    ]
    sizes = results["sizes"]
    labels = {key: f"{int(key) / 1e6:g}M" for key in sizes}
    loads = [m["load_average"][0]]
    for key, size in sizes.items():
        if "measured_at" in size:
            lines += [""] if len(loads) == 1 else []
            loads += size["load_averages"]
            lines.append(
                f"- {labels[key]}: measured from {size['measured_at']}, load average between "
                f"{min(size['load_averages'])} and {max(size['load_averages'])} (1 minute)."
            )
    if max(loads) > 1.5:
        lines += ["", "**Measured on a busy machine: the times below are not the machine's.**"]
    if any("pages" in size for size in sizes.values()):
        lines += ["", "## Pages (uncached; all agencies over every day held)", ""]
        header = "| page |"
        rule = "|---|"
        for key in sizes:
            header += f" {labels[key]} questions (s) | {labels[key]} page run (s) |"
            header += f" {labels[key]} pandas (s) | {labels[key]} pandas ÷ questions |"
            rule += "---:|---:|---:|---:|"
        lines += [header, rule]
        pages = next(iter(s["pages"] for s in sizes.values() if "pages" in s))
        for page in pages:
            row = f"| {page} |"
            for size in sizes.values():
                figures = size.get("pages", {}).get(page, {})
                pandas_seconds = size.get("pandas", {}).get("page_seconds", {}).get(page)
                ratio = size.get("pandas_ratio", {}).get(page)
                row += (
                    f" {_figure(figures.get('query_seconds'))} |"
                    f" {_figure(figures.get('page_seconds'))} |"
                    f" {_figure(pandas_seconds)} | {_figure(ratio, '×')} |"
                )
            lines.append(row)
    lines += ["", "## Building, importing, memory", "", "| | " + " | ".join(labels.values()) + " |"]
    lines.append("|---|" + "---:|" * len(sizes))

    def row(label: str, pick) -> None:
        values = []
        for size in sizes.values():
            try:
                values.append(_figure(pick(size)))
            except (KeyError, TypeError, ZeroDivisionError):
                values.append("—")
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("demo build (s)", lambda s: s["demo"]["seconds"])
    row("demo build peak memory (MB)", lambda s: s["demo"]["peak_mb"])
    row("database file (MB)", lambda s: s["demo"]["file_mb"])
    row("rollups rebuilt (s)", lambda s: s["rollup_rebuild_seconds"])
    row(f"import {INCREMENT_ROWS:,} rows into it (s)", lambda s: s["import_increment"]["seconds"])
    row("pandas: load (s)", lambda s: s["pandas"]["load_seconds"])
    row("pandas: process peak memory (MB)", lambda s: s["pandas"]["process_peak_mb"])
    row("staffing page model (s)", lambda s: s["staffing"].get("seconds"))
    if "import_csv" in results:
        csv = results["import_csv"]
        lines += [
            "",
            f"Import of a {csv['rows']:,}-row CSV into a new file: {csv['seconds']} s "
            f"({csv['rows_per_second']:,} rows/s).",
        ]
    if any("queries" in size for size in sizes.values()):
        lines += ["", "## Each question, cold (s): from the rollups / from dossier rows", ""]
        lines += ["| question | " + " | ".join(labels.values()) + " |"]
        lines.append("|---|" + "---:|" * len(sizes))
        names = next(iter(s["queries"] for s in sizes.values() if "queries" in s))
        for name in names:
            cells = []
            for size in sizes.values():
                timing = size.get("queries", {}).get(name)
                cells.append(f"{timing['rollups']:.3f} / {timing['rows']:.3f}" if timing else "—")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if "load" in results and "alone" in results["load"]:
        load = results["load"]
        floor, alone, together = load["floor_six_charts"], load["alone"], load["together"]
        lines += [
            "",
            "## Many users (largest database)",
            "",
            "| | changes | p50 (s) | p95 (s) | max (s) | errors |",
            "|---|---:|---:|---:|---:|---:|",
            f"| static page, six Plotly charts (floor) | {floor['changes']} | "
            f"{floor['p50_seconds']} | {floor['p95_seconds']} | {floor['max_seconds']} | — |",
            f"| one session alone | {alone['changes']} | {alone['p50_seconds']} | "
            f"{alone['p95_seconds']} | {alone['max_seconds']} | {len(alone['errors'])} |",
            f"| {together['sessions']} sessions together | {together['changes']} | "
            f"{together['p50_seconds']} | {together['p95_seconds']} | "
            f"{together['max_seconds']} | {len(together['errors'])} |",
            "",
            *_opening_line(together),
            f"Server peak memory: {load['server_peak_mb_alone']} MB after one session, "
            f"{load['server_peak_mb']} MB after all.",
        ]
    return "\n".join(lines) + "\n"


def _opening_line(together: dict) -> list[str]:
    """How long the users took to open their pages, one after another (older results lack it)."""
    opening = together.get("opening")
    if not opening or not opening.get("changes"):
        return []
    return [
        f"Opening the page, each user after the one before: p50 {opening['p50_seconds']} s, "
        f"p95 {opening['p95_seconds']} s, max {opening['max_seconds']} s "
        f"({opening['changes']} of {together['sessions']} opened).",
        "",
    ]


def cmd_bench(args: argparse.Namespace) -> int:
    results = run(args)
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    if args.add and (out / "results.json").is_file():
        results = added_to(json.loads((out / "results.json").read_text()), results)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    text = to_markdown(results)
    (out / "results.md").write_text(text, encoding="utf-8")
    print(json.dumps(results, indent=2, default=str) if args.format == "json" else text)
    return 0


def _parts(text: str) -> set[str]:
    """The type of --only: a comma-separated subset of PARTS."""
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(PARTS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"expected parts among {','.join(PARTS)}, got '{text}'")
    return chosen


def add_command(commands: argparse._SubParsersAction, db_help: str) -> None:
    parser = commands.add_parser("bench", help="measure the speed and scale figures")
    parser.add_argument("--db", help="measure this database instead of the cached demos")
    parser.add_argument(
        "--dossiers",
        type=demo_size,
        action="append",
        help=f"a demo size to measure (repeatable; default 1,000,000 and 10,000,000), "
        f"{demo.MIN_DOSSIERS:,} to {demo.MAX_DOSSIERS:,}",
    )
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="folder of the demo builds")
    parser.add_argument("--rebuild", action="store_true", help="build (and time) the demos anew")
    parser.add_argument(
        "--import-rows",
        type=number_in(1, MAX_IMPORT_ROWS, whole=True),
        default=1_000_000,
        help=f"rows of the import benchmark's file, at most {MAX_IMPORT_ROWS:,}",
    )
    parser.add_argument("--only", type=_parts, help="comma-separated parts: " + ",".join(PARTS))
    parser.add_argument(
        "--repeats", type=number_in(1, 20, whole=True), default=3, help="page runs (median)"
    )
    parser.add_argument(
        "--sessions", type=number_in(1, 50, whole=True), default=10, help="browser sessions"
    )
    parser.add_argument(
        "--load-seconds", type=number_in(1, 3600), default=60.0, help="per browser run"
    )
    # dest "folder": the shared checks of output *files* (args.out) do not apply to a folder.
    parser.add_argument(
        "--out", dest="folder", default=str(BENCH_DIR), help="folder for results.json and .md"
    )
    parser.add_argument(
        "--add",
        action="store_true",
        help="keep the sizes of the folder's earlier results this run does not measure again",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table")
    # Without --db the benchmark uses (and builds) its cached demos.
    parser.set_defaults(run=cmd_bench, uses_database=lambda args: bool(args.db))


# --- staffing ----------------------------------------------------------------------------------


def bench_staffing(db_path: Path | None = None, staff: tuple[int, ...] = (1, 2, 3, 4)) -> dict:
    """Seconds to recompute the page: measure the load and run 4 staff levels × 200 days.

    Uses the heaviest demo question (the pilot plus every non-pilot agency) so the figure is a
    worst case; builds a demo database in a temporary folder when none is given.
    """
    with tempfile.TemporaryDirectory() as folder:
        if db_path is None:
            db_path = Path(folder) / "bench.duckdb"
            demo.build_demo(db_path)
        store = Store(Path(db_path))
        try:
            agencies = store.query("agencies")
            pilot = pilot_filter(store.query("pilot_definition"), agencies)
            if pilot is None:
                raise DatabaseError(f"{db_path} defines no pilot to benchmark.")
            question = Question(
                pilot,
                staff,
                tuple(agencies.filter(~pl.col("is_pilot"))["agency_id"].to_list()),
            )
            started = time.perf_counter()
            measured = measure_load(store, question.load_filter())
            loaded = time.perf_counter()
            evaluated = evaluate(measured, question)
            finished = time.perf_counter()
        finally:
            store.close()
    # A level whose queue runs away is answered from the load, not simulated (staffing.fastsim).
    simulated = [r for r in evaluated["scenarios"] if not r["runaway"]]
    citizens = sum(r["citizens_per_day"] for r in simulated) * (
        question.settings.days_per_replication * question.settings.replications
    )
    return {
        "seconds": finished - started,
        "load_seconds": loaded - started,
        "model_seconds": finished - loaded,
        "staff_levels": len(staff),
        "days": question.settings.days,
        "replications": question.settings.replications,
        "citizens_simulated": round(citizens),
        "within_target": finished - started < 2.0,
        # Issue 14: the model itself (4 staff levels) within a second at any size of the demo.
        "model_within_target": finished - loaded <= 1.0,
    }


# --- import ------------------------------------------------------------------------------------


def synthetic_family_a(rows: int, seed: int = 5) -> pl.DataFrame:
    """A family-A export of `rows` dossiers (with fake personal columns), built with numpy."""
    rng = np.random.default_rng(seed)
    agencies = np.array(["Sở Tư pháp", "Sở Xây dựng", "Sở Y tế", "Sở Nội vụ", "Sở Tài chính"])
    minutes = rng.integers(0, 365 * 24 * 60, rows).astype("timedelta64[m]")
    received = np.datetime64("2023-01-02T07:30", "m") + minutes
    statuses = [codes.ACCEPTED, codes.PROCESSING, codes.SUPPLEMENTATION, codes.DONE, codes.RETURNED]
    status = rng.choice(statuses, rows, p=[0.05, 0.1, 0.05, 0.3, 0.5])
    frame = pl.DataFrame(
        {
            "number": np.arange(rows),
            "procedure": rng.integers(1, 200, rows),
            "channel": rng.integers(1, 4, rows),
            "received": received.astype("datetime64[us]"),
            "due": (received + rng.integers(1, 30, rows).astype("timedelta64[D]")).astype(
                "datetime64[us]"
            ),
            "ended": (received + rng.integers(0, 35, rows).astype("timedelta64[D]")).astype(
                "datetime64[us]"
            ),
            "status": status,
            "agency": agencies[rng.integers(0, len(agencies), rows)],
        }
    )
    stamp = "%Y%m%d%H%M%S"
    return frame.select(
        MaHoSo=pl.format("BENCH-{}", pl.col("number").cast(pl.String).str.pad_start(8, "0")),
        MaTTHC=pl.format("1.{}", pl.col("procedure").cast(pl.String).str.pad_start(6, "0")),
        TenTTHC=pl.format("Thủ tục minh họa {}", pl.col("procedure")),
        KenhThucHien=pl.col("channel").cast(pl.String),
        ChuHoSo=pl.lit("Nguyễn Văn Bench"),
        LoaiDoiTuong=pl.lit("Công dân"),
        NgayTiepNhan=pl.col("received").dt.strftime(stamp),
        NgayHenTra=pl.col("due").dt.strftime(stamp),
        TrangThaiHoSo=pl.col("status").cast(pl.String),
        NgayKetThucXuLy=pl.when(pl.col("status").is_in(codes.PROCESSED_STATUSES)).then(
            pl.col("ended").dt.strftime(stamp)
        ),
        DonViXuLy=pl.col("agency"),
    )


def bench_import(rows: int = 1_000_000) -> dict:
    """Write a family-A CSV of `rows` rows and import it into a fresh database; rows per second."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bench.csv"
        synthetic_family_a(rows).write_csv(source)
        started = time.perf_counter()
        summary = importing.import_files([source], Path(folder) / "bench.duckdb")
        seconds = time.perf_counter() - started
    totals = summary.totals()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "inserted": totals["inserted"],
        "rejected": totals["rejected"],
    }
