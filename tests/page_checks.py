"""Shared helpers for page tests: run a page under AppTest, and check hostile links.

Any page that calls `filter_bar.current_filter` can reuse `assert_hostile_link_is_harmless` with
`HOSTILE_LINKS` (parametrise over them).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.fixtures import ROOT

# Links a user could be sent: malformed dates, unknown codes, SQL and markup fragments.
HOSTILE_LINKS: list[dict[str, str | list[str]]] = [
    {"agency": "' or 1=1 --"},
    {"agency": ["STP'; drop table dossiers; --", "1"]},
    {"from": "2023-13-45"},
    {"to": "'; delete from dossiers; --"},
    {"from": "0001-01-01", "to": "9999-12-31"},
    {"from": "2023-12-31", "to": "2023-01-01"},
    {"channel": "1 or 1=1"},
    {"field": "<script>alert(1)</script>"},
    {"procedure": "') union select * from staff --"},
    {"receiver": "admin"},
]
# The pages whose hostile links tests/test_pages_overview_throughput.py checks (with more
# assertions); tests/test_pages_all.py checks the other filtered pages.
OVERVIEW_THROUGHPUT = ["pages/overview.py", "pages/throughput.py"]


def run_page(page: str, query_params: dict | None = None) -> AppTest:
    """Run one page file on its own, with the given URL parameters."""
    app = AppTest.from_file(str(ROOT / page), default_timeout=30)
    for name, value in (query_params or {}).items():
        app.query_params[name] = value
    return app.run()


def shown(app: AppTest) -> dict:
    """What a page shows that depends on the data: card values and chart figures."""
    return {
        "metrics": [(metric.label, metric.value, metric.proto.delta) for metric in app.metric],
        "charts": [json.loads(chart.proto.spec)["data"] for chart in app.get("plotly_chart")],
    }


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_hostile_link_is_harmless(page: str, link: dict, db_path: Path) -> None:
    """No exception, a notice, the default view's numbers, and the database untouched."""
    before = file_digest(db_path)
    default = run_page(page)
    hostile = run_page(page, link)
    assert not hostile.exception, hostile.exception
    assert hostile.toast, "a dropped value must be announced"
    assert shown(hostile) == shown(default)
    assert shown(default)["metrics"] or shown(default)["charts"], "the page showed nothing"
    assert file_digest(db_path) == before
