"""The issue's "Must show": like a clean clone, import the two sample exports into a new
database, then open every page with each channel, over "Năm nay" and over the whole data span.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from onestop import importing as importer
from onestop.core.codes import CHANNELS
from onestop.core.db import Store
from onestop.web import filter_bar as ui
from tests.fixtures import ROOT
from tests.page_checks import run_page

ROUTED = re.findall(r'"(pages/\w+\.py)"', (ROOT / "dashboard.py").read_text(encoding="utf-8"))
FILTERED = [page for page in ROUTED if "current_filter" in (ROOT / page).read_text()]
SAMPLES = [
    ROOT / "data" / "samples" / "ho_so_dvc_quoc_gia.csv",
    ROOT / "data" / "samples" / "ho_so_mot_cua_tinh.xlsx",
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clean_clone")
    path = folder / "onestop.duckdb"
    summary = importer.import_files(SAMPLES, path, rejects=folder / "rejects.csv")
    assert sum(one.inserted for one in summary.files) > 0
    return path


@pytest.fixture(autouse=True)
def _imported(imported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESTOP_DB", str(imported))


def test_the_unfiltered_pages_open(imported: Path) -> None:
    for page in ROUTED:
        app = run_page(page)
        assert not app.exception, f"{page}: {app.exception}"


@pytest.mark.parametrize("page", FILTERED)
@pytest.mark.parametrize("channel", [None, *CHANNELS.values()])
def test_this_year_on_every_page_and_channel(page: str, channel: str | None) -> None:
    app = run_page(page, {"channel": channel} if channel else {})
    assert not app.exception, app.exception
    app.selectbox(key=ui.PERIOD_KEY).set_value("this_year").run()
    assert not app.exception, app.exception
    assert app.selectbox(key=ui.PERIOD_KEY).value == "this_year"


@pytest.mark.parametrize("page", FILTERED)
@pytest.mark.parametrize("channel", [None, *CHANNELS.values()])
def test_the_whole_data_span_on_every_page_and_channel(
    imported: Path, page: str, channel: str | None
) -> None:
    status = Store(imported).query("data_status").row(0, named=True)
    link = {
        "from": status["first_received_on"].isoformat(),
        "to": status["last_received_on"].isoformat(),
        "agency": "all",
    }
    app = run_page(page, {**link, "channel": channel} if channel else link)
    assert not app.exception, app.exception
    assert not app.toast, [toast.value for toast in app.toast]
