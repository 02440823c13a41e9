"""Browser test helpers: the dashboard served on a free port, headless Chromium, and waiting for
a script run to finish and show. The `server` and `browser` fixtures (tests/conftest.py) use them.

Nothing here sleeps to let the app settle. Each action that makes Streamlit run the script goes
through `wait_for_run`, which waits on Streamlit's own record of that run: the server's
"run started" and "run finished" messages on the page's websocket (a run that ends in
`st.rerun()` is not finished, its successor is), then the browser's `stApp` element reporting
`data-test-script-state="notRunning"` with every element rendered (no loading skeleton, nothing
stale from the previous run, every chart drawn). The only bound is a generous timeout, so a busy
machine makes the tests slower, never wrong.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fixtures import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# Upper bounds, not expectations: the staffing page simulates for several seconds on an idle
# machine and many times that on a loaded one. A run that exceeds this is reported as hung.
RUN_TIMEOUT_S = 240
START_TIMEOUT_S = 180
STREAM_PATH = "/_stcore/stream"  # Streamlit's websocket endpoint

# The browser has applied the last run: Streamlit's frontend says it is not running, no
# element is still a loading placeholder (lazily loaded widgets such as the language switch
# render as `stSkeleton` until their code arrives) or left over from the run before, and every
# chart has drawn (Vega and Plotly draw after the element mounts; the metric cards' sparklines
# were blank in screenshots otherwise).
_RENDERED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const drawn = (charts, marks) => [...document.querySelectorAll(charts)]
        .every((chart) => chart.querySelector(marks) !== null);
    return app !== null
        && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-testid="stSkeleton"]') === null
        && document.querySelector('[data-stale="true"]') === null
        && drawn('[data-testid="stMetricChart"], .vega-embed', 'svg, canvas')
        && drawn('[data-testid="stPlotlyChart"]', '.main-svg');
}"""


def run_event(payload: str | bytes) -> str | None:
    """What one websocket frame from the server says about script runs.

    "started" when a run begins, "finished" when it ends for good, "rerun" when it ended only
    to start over (`st.rerun()`); None for anything else. This reads Streamlit's wire format
    (`ForwardMsg`), an internal: `test_run_events_are_read_from_streamlit_messages` fails
    loudly when a Streamlit upgrade changes it.
    """
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, bytes):
        return None
    message = ForwardMsg()
    message.ParseFromString(payload)
    kind = message.WhichOneof("type")
    if kind == "new_session":
        return "started"
    if kind == "script_finished":
        early = message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN
        return "rerun" if early else "finished"
    return None


class ScriptRuns:
    """The script runs of one browser page, as the server announced them on its websocket."""

    def __init__(self, page) -> None:
        self.page = page
        self.events: list[str] = []
        self.socket = None
        # Registered before the page opens any socket, so that no frame goes unseen.
        page.on("websocket", self._connected)

    def _connected(self, websocket) -> None:
        if websocket.url.split("?")[0].endswith(STREAM_PATH):
            self.socket = websocket
            websocket.on("framereceived", self._received)

    def _received(self, payload: str | bytes) -> None:
        event = run_event(payload)
        if event is not None:
            self.events.append(event)

    def settled_since(self, mark: int) -> bool:
        """A run started after `mark` and the last run has finished for good."""
        since = self.events[mark:]
        return "started" in since and since[-1] == "finished"

    def navigating(self) -> None:
        """The page is about to load a new document, whose app opens a new socket: the old
        one goes quiet without Playwright reporting it closed, so it is not waited on."""
        self.socket = None

    def wait_for_next_frame(self, timeout_ms: float) -> None:
        """Let Playwright deliver the next frame (the sync API dispatches events only while it
        waits), or the socket of a newly loaded document."""
        from playwright.sync_api import Error
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            if self.socket is None or self.socket.is_closed():
                self.page.wait_for_event("websocket", timeout=timeout_ms)
            else:
                self.socket.wait_for_event("framereceived", timeout=timeout_ms)
        except PlaywrightTimeout:
            raise
        except Error:
            pass  # the socket closed under us (a reconnect): the caller waits on the next one


def new_page(browser, **options):
    """A browser page whose script runs are tracked from its first request."""
    page = browser.new_page(**options)
    page.set_default_timeout(RUN_TIMEOUT_S * 1000)
    page.set_default_navigation_timeout(RUN_TIMEOUT_S * 1000)
    page.script_runs = ScriptRuns(page)
    return page


def wait_for_run(page, action: Callable[[], object], what: str) -> None:
    """Do `action`, then wait until the script run it triggers has started and finished and the
    browser shows its result. Recording where the run log stood *before* acting is what keeps
    a still-idle page (the run not yet begun) from passing for a finished one."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    runs: ScriptRuns = page.script_runs
    mark = len(runs.events)
    action()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    try:
        while not runs.settled_since(mark):
            runs.wait_for_next_frame(max((deadline - time.monotonic()) * 1000, 1))
    except PlaywrightTimeout:
        pytest.fail(f"{what}: no run finished within {RUN_TIMEOUT_S} s: {runs.events[mark:]}")
    try:
        page.wait_for_function(_RENDERED, timeout=max((deadline - time.monotonic()) * 1000, 1))
    except PlaywrightTimeout:
        state = page.evaluate(
            "() => document.querySelector('[data-testid=\"stApp\"]')"
            "?.getAttribute('data-test-script-state') ?? 'no stApp element'"
        )
        slug = re.sub(r"\W+", "_", what)
        page.screenshot(path=str(SCREENSHOTS / f"not-rendered-{slug}.png"), full_page=True)
        pytest.fail(f"{what}: the run finished but the page did not show it (state {state!r})")


def open_page(page, url: str) -> None:
    """Load `url` in `page` and wait until its script run is finished and shown."""

    def load() -> None:
        page.script_runs.navigating()
        page.goto(url)

    wait_for_run(page, load, url)


def page_slugs() -> list[str]:
    """URL paths of the routed pages in navigation order; the default (first) page is the root."""
    routed = re.findall(r'"pages/(\w+)\.py"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))
    return ["", *list(dict.fromkeys(routed))[1:]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def serving(database: Path, log: Path) -> Iterator[str]:
    """The dashboard on a free local port over one database file, stopped afterwards."""
    port = _free_port()
    env = {**os.environ, "ONESTOP_DB": str(database)}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            # Polling the server's own health endpoint: the pause is between questions only.
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the dashboard did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                # Still answering a browser left connected (a load run's last sessions): stop it.
                process.kill()
                process.wait(timeout=20)


def assert_no_error(page, where: str) -> None:
    errors = page.locator(
        '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'
    )
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:500]}"


@contextlib.contextmanager
def launched_chromium() -> Iterator:
    """Headless Chromium (Debian's), closed afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium as root).")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
