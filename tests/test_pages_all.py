"""Every routed page, in both languages and against hostile links (pages not covered elsewhere)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from onestop.core import i18n
from tests.fixtures import ROOT
from tests.page_checks import (
    HOSTILE_LINKS,
    OVERVIEW_THROUGHPUT,
    assert_hostile_link_is_harmless,
    run_page,
)

# (page file, title key) as dashboard.py routes them.
ROUTED = re.findall(
    r'"(pages/\w+\.py)",\s*title=t\("([\w.]+)"', (ROOT / "dashboard.py").read_text(encoding="utf-8")
)
FILTERED = [page for page, _ in ROUTED if "current_filter" in (ROOT / page).read_text()]


@pytest.fixture(autouse=True)
def _demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESTOP_DB", str(demo_db))


def test_every_page_is_found_in_the_router():
    assert len(ROUTED) == len(list((ROOT / "pages").glob("*.py")))


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("page", "title_key"), ROUTED, ids=[page for page, _ in ROUTED])
def test_every_page_speaks_the_chosen_language(page: str, title_key: str, lang: str) -> None:
    app = run_page(page, {} if lang == "vi" else {"lang": "en"})
    assert not app.exception, app.exception
    assert app.title[0].value == i18n.t(title_key, lang)


@pytest.mark.parametrize("page", [p for p in FILTERED if p not in OVERVIEW_THROUGHPUT])
@pytest.mark.parametrize("link", HOSTILE_LINKS, ids=lambda link: "&".join(link))
def test_hostile_links_are_harmless_on_the_other_pages(demo_db: Path, page: str, link) -> None:
    assert_hostile_link_is_harmless(page, link, demo_db)
