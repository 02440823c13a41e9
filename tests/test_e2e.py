"""End to end: a real server, every page in headless Chromium, a filter change, no error.

Screenshots land in artifacts/screenshots/ for a person to look at.

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

from onestop.core.i18n import t
from tests.conftest import ROOT

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
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(demo_db, tmp_path_factory.mktemp("e2e") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test` (it installs Debian's chromium as root).")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _assert_no_error(page, where: str) -> None:
    errors = page.locator(
        '[data-testid="stException"], [data-testid="stAlertContentError"], [role="dialog"]'
    )
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()[:500]}"


def test_run_events_are_read_from_streamlit_messages() -> None:
    """Guards the one internal the browser tests read: Streamlit's websocket messages."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started, finished, other = ForwardMsg(), ForwardMsg(), ForwardMsg()
    started.new_session.page_script_hash = "overview"
    other.session_status_changed.script_is_running = True

    def ended(status: int) -> bytes:
        finished.script_finished = status
        return finished.SerializeToString()

    assert run_event(started.SerializeToString()) == "started"
    assert run_event(ended(ForwardMsg.FINISHED_SUCCESSFULLY)) == "finished"
    assert run_event(ended(ForwardMsg.FINISHED_WITH_COMPILE_ERROR)) == "finished"
    assert run_event(ended(ForwardMsg.FINISHED_EARLY_FOR_RERUN)) == "rerun"
    assert run_event(other.SerializeToString()) is None
    assert run_event("text frame") is None


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders_without_error(server: str, browser, lang: str) -> None:
    # Streamlit scrolls inside its own container, so a tall window is what captures a whole page.
    page = new_page(browser, viewport={"width": 1400, "height": 3200})
    # Deep links first: on a fresh server the first request must still go through the router.
    for slug in reversed(page_slugs()):
        open_page(page, f"{server}/{slug}?lang={lang}")
        _assert_no_error(page, slug)
        assert page.locator("h1").count() >= 1, slug
        switch = page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True)
        assert switch.count() == 1, f"{slug} was not routed through dashboard.py"
        name = slug or "overview"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)
    page.close()


@pytest.mark.e2e
def test_a_first_deep_link_keeps_its_language_and_filters(
    browser, demo_db: Path, tmp_path: Path
) -> None:
    """The first request to a fresh server runs the page bare and is rerouted through
    dashboard.py; the rerun must keep the link's parameters."""
    database = tmp_path / "fresh.duckdb"
    shutil.copy(demo_db, database)
    with serving(database, tmp_path / "server.log") as url:
        page = new_page(browser, viewport={"width": 1400, "height": 1600})
        open_page(page, f"{url}/timeliness?lang=en&channel=in_person")
        _assert_no_error(page, "first deep link")
        assert page.locator("h1").first.inner_text() == t("timeliness.page_title", "en")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("English", exact=True).count() == 1, "not routed"
        assert sidebar.get_by_text(t("filters.channel_in_person", "en"), exact=True).count() == 1
        assert "lang=en" in page.url and "channel=in_person" in page.url
        page.close()


@pytest.mark.e2e
def test_switching_language_changes_the_page(server: str, browser) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 1000})
    open_page(page, server)
    assert "Tổng quan" in page.locator("h1").first.inner_text()
    switch = page.get_by_text("English", exact=True)
    wait_for_run(page, switch.click, "switching to English")
    _assert_no_error(page, "overview after switching language")
    assert "Overview" in page.locator("h1").first.inner_text()
    assert "lang=en" in page.url
    page.screenshot(path=str(SCREENSHOTS / "overview-switched-en.png"), full_page=True)
    page.close()


@pytest.mark.e2e
def test_changing_a_filter_updates_the_page_and_the_link(server: str, browser) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 1600})
    open_page(page, f"{server}/timeliness")
    in_person = page.get_by_text("Trực tiếp", exact=True).first
    wait_for_run(page, in_person.click, "choosing the in-person channel")
    _assert_no_error(page, "timeliness after choosing the in-person channel")
    assert "channel=in_person" in page.url
    page.screenshot(path=str(SCREENSHOTS / "timeliness-in-person-vi.png"), full_page=True)
    # The copied link opens the same view in a fresh tab.
    shared = new_page(browser, viewport={"width": 1400, "height": 1600})
    open_page(shared, page.url)
    _assert_no_error(shared, "shared link")
    assert "channel=in_person" in shared.url
    shared.close()
    page.close()


@pytest.mark.e2e
def test_importing_a_sample_through_the_page(browser, demo_db: Path, tmp_path: Path) -> None:
    """Upload, preview, confirm: the new data shows on the next page without a restart."""
    database = tmp_path / "imported.duckdb"
    shutil.copy(demo_db, database)
    with serving(database, tmp_path / "server.log") as url:
        page = new_page(browser, viewport={"width": 1400, "height": 2400})
        open_page(page, f"{url}/import_data")
        sample = ROOT / "data" / "samples" / "ho_so_dvc_quoc_gia.csv"
        upload = page.locator('.st-key-import_upload input[type="file"]')
        wait_for_run(page, lambda: upload.set_input_files(str(sample)), "uploading a sample")
        _assert_no_error(page, "import preview")
        confirm = page.get_by_role("button", name="Xác nhận nhập vào cơ sở dữ liệu")
        wait_for_run(page, confirm.click, "confirming the import")
        _assert_no_error(page, "import confirmed")
        page.screenshot(path=str(SCREENSHOTS / "import_data-done-vi.png"), full_page=True)
        assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 1
        open_page(page, url)
        _assert_no_error(page, "overview after the import")
        assert page.get_by_text("Dữ liệu minh họa").count() == 0  # the demo made way
        page.close()
