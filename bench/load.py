"""Many users at once: headless-Chromium sessions changing filters against one dashboard server.

Measures, on one database (run by `onestop bench --only load`; by hand:
`.venv/bin/python bench/load.py --db bench/cache/demo-10000000.duckdb`):
- the floor: a static HTML page with six Plotly charts, from navigation to all six drawn;
- one session alone, then N sessions together (ten by default; they open their pages one after
  another, then all change filters over the same time): every filter change (a channel pill or
  the receiver switch, in a seeded order) is timed from the click to the page finished and
  drawn, with tests/browser.py's run-state waiting (the server's own "run finished" message,
  then the browser showing it) — never a sleep;
- errors on the page (exceptions, error boxes) after every change;
- the server's peak resident memory (Linux: VmHWM of its process).
Everything stays on the loopback interface; every loop is bounded by its deadline. Prints JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from onestop.core.i18n import t  # noqa: E402
from tests.browser import (  # noqa: E402 - the repository root must be importable first
    CHROMIUM,
    CHROMIUM_FLAGS,
    RUN_TIMEOUT_S,
    new_page,
    open_page,
    serving,
    wait_for_run,
)

PAGES = ["", "throughput", "timeliness", "agency_load", "staffing", "report"]
CHANNELS = ["online", "in_person", "postal"]
RECEIVERS = ["postal", "agency"]
# A traceback, or the page guard's sentence for a page that failed. Not every red box: the
# staffing verdict is one when no staff level meets the target (as on the 10M demo's counter).
FAILED_PAGE = t("app.unexpected_error", "vi")


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.95 → p95); None without values."""
    if not values:
        return None
    ranked = sorted(values)
    return ranked[max(0, min(len(ranked) - 1, round(share * len(ranked) + 0.5) - 1))]


def summary(seconds: list[float]) -> dict:
    return {
        "changes": len(seconds),
        "p50_seconds": round(statistics.median(seconds), 2) if seconds else None,
        "p95_seconds": round(percentile(seconds, 0.95), 2) if seconds else None,
        "max_seconds": round(max(seconds), 2) if seconds else None,
    }


def peak_memory_mb(pid: int) -> float | None:
    """A process's peak resident memory in MB, from /proc (None where there is none)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def six_chart_page(folder: Path) -> Path:
    """A static page with six Plotly charts of the dashboard's sizes (plotly.js inline)."""
    import numpy as np
    import plotly.graph_objects as go
    import plotly.io as pio

    rng = np.random.default_rng(0)
    months = [f"2023-{m:02d}-01" for m in range(1, 13)] * 4
    figures = [
        go.Figure([go.Bar(x=months, y=rng.integers(100, 900, 48), name=n) for n in "abc"]),
        go.Figure([go.Scatter(x=months, y=rng.integers(0, 500, 48).cumsum())]),
        go.Figure([go.Heatmap(z=rng.integers(0, 90, (7, 12)))]),
        go.Figure([go.Bar(y=[f"Sở {i}" for i in range(40)], x=rng.integers(1, 90_000, 40))]),
        go.Figure([go.Scatter(x=months, y=rng.normal(50, 9, 48), mode="lines+markers")]),
        go.Figure([go.Histogram(x=rng.normal(0, 5, 5000))]),
    ]
    parts = [
        pio.to_html(figure, full_html=False, include_plotlyjs=index == 0)
        for index, figure in enumerate(figures)
    ]
    page = folder / "six_charts.html"
    page.write_text("<html><body>" + "".join(parts) + "</body></html>", encoding="utf-8")
    return page


def measure_floor(browser, page_file: Path, runs: int) -> dict:
    seconds = []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1400, "height": 3200})
        started = time.perf_counter()
        page.goto(page_file.as_uri())
        page.wait_for_function(
            "() => document.querySelectorAll('.main-svg').length >= 6", timeout=120_000
        )
        seconds.append(time.perf_counter() - started)
        page.close()
    return summary(seconds)


def session(url: str, number: int, seconds: float, out: dict, turn: dict) -> None:
    """One user: open a page when the previous user has theirs open, then, once every user has,
    change filters for `seconds` (each change timed from the click to the page drawn)."""
    from playwright.sync_api import sync_playwright

    timings, errors = [], []
    rng = random.Random(number)
    slug = PAGES[number % len(PAGES)]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = new_page(browser, viewport={"width": 1400, "height": 1600})
            if number > 0:
                turn["opened"][number - 1].wait(timeout=2 * RUN_TIMEOUT_S)
            started = time.perf_counter()
            try:
                open_page(page, f"{url}/{slug}?{out['link']}")
                out["opening"][number] = time.perf_counter() - started
            finally:
                turn["opened"][number].set()
            turn["go"].wait(timeout=len(turn["opened"]) * 2 * RUN_TIMEOUT_S)
            sidebar = page.locator('[data-testid="stSidebar"]')
            until = time.monotonic() + seconds
            while time.monotonic() < until:
                if rng.random() < 0.7:
                    label = t(f"filters.channel_{rng.choice(CHANNELS)}", "vi")
                else:
                    label = t(f"filters.receiver_{rng.choice(RECEIVERS)}", "vi")
                target = sidebar.get_by_text(label, exact=True).first
                started = time.perf_counter()
                wait_for_run(page, target.click, f"session {number}: {label}")
                timings.append(time.perf_counter() - started)
                shown = page.locator('[data-testid="stException"]').or_(
                    page.get_by_text(FAILED_PAGE, exact=False)
                )
                if shown.count():
                    errors.append(shown.first.inner_text()[:300])
            browser.close()
    except BaseException as error:  # pytest.fail raises an outcome exception, not an Exception
        errors.append(f"{type(error).__name__}: {str(error)[:300]}")
    finally:
        turn["opened"][number].set()
    out["timings"][number] = timings
    out["errors"][number] = errors


def run_sessions(url: str, count: int, seconds: float, link: str) -> dict:
    """`count` users changing filters together for `seconds`. They open their pages one after
    another, as people joining a meeting do (ten browsers opening a ten-million-dossier page in
    the same second on two cores measure the browsers' start, not the dashboard), and then all
    change filters over the same minute."""
    out: dict = {"link": link, "timings": {}, "errors": {}, "opening": {}}
    turn = {"opened": [threading.Event() for _ in range(count)], "go": threading.Event()}
    threads = [
        threading.Thread(target=session, args=(url, number, seconds, out, turn), daemon=True)
        for number in range(count)
    ]
    for thread in threads:
        thread.start()
    for opened in turn["opened"]:
        opened.wait(timeout=2 * RUN_TIMEOUT_S)
    turn["go"].set()
    for thread in threads:
        # The run itself, and a last change that may take the run timeout.
        thread.join(timeout=seconds + 2 * RUN_TIMEOUT_S)
    timings = [value for number in sorted(out["timings"]) for value in out["timings"][number]]
    errors = [value for number in sorted(out["errors"]) for value in out["errors"][number]]
    opening = [out["opening"][number] for number in sorted(out["opening"])]
    return {
        "sessions": count,
        "seconds": seconds,
        **summary(timings),
        "opening": summary(opening),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0, help="per run (alone, together)")
    parser.add_argument("--floor-runs", type=int, default=10)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(json.dumps({"skipped": f"no Chromium at {CHROMIUM}"}))
        return 0
    from playwright.sync_api import sync_playwright

    from onestop.core import db

    status = db.Store(Path(args.db)).query("data_status").row(0, named=True)
    link = f"from={status['first_received_on']}&to={status['last_received_on']}&agency=all"
    result: dict = {"database": str(args.db), "link": link}
    with tempfile.TemporaryDirectory(prefix="onestop-load-") as folder:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            result["floor_six_charts"] = measure_floor(
                browser, six_chart_page(Path(folder)), args.floor_runs
            )
            browser.close()
        with serving(Path(args.db), Path(folder) / "server.log") as url:
            server = _server_pid(url)
            result["alone"] = run_sessions(url, 1, args.seconds, link)
            result["server_peak_mb_alone"] = peak_memory_mb(server) if server else None
            result["together"] = run_sessions(url, args.sessions, args.seconds, link)
            result["server_peak_mb"] = peak_memory_mb(server) if server else None
    print(json.dumps(result))
    return 0


def _server_pid(url: str) -> int | None:
    """The dashboard process serving on the URL's port (the serving helper started it)."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            arguments = (proc / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(arguments) and port.encode() in arguments:
                return int(proc.name)
    return None


if __name__ == "__main__":
    raise SystemExit(main())
