"""`onestop deck` and `onestop html` on the demo database, as a user runs them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation

from onestop.cli import main as cli
from tests.fixtures import ROOT


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "onestop.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_deck_command_writes_the_pilot_deck(demo_db: Path, tmp_path: Path):
    out = tmp_path / "hop.pptx"
    done = run("deck", "--db", str(demo_db), "--pilot", "--out", str(out))
    assert done.returncode == 0, done.stderr
    slides = list(Presentation(io.BytesIO(out.read_bytes())).slides)
    assert f"Deck written to {out}: {len(slides)} slides." in done.stderr
    text = "\n".join(shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame)
    assert "01/01/2023 – 31/12/2023" in text and "6 cơ quan thí điểm" in text


def test_deck_without_chromium_says_which_images_it_left_out(demo_db: Path, tmp_path: Path):
    out = tmp_path / "no-chromium.pptx"
    done = run(
        "deck", "--db", str(demo_db), "--pilot", "--lang", "en", "--out", str(out),
        env={"BROWSER_PATH": "/nonexistent/chromium"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 image(s) left out" in done.stderr
    assert "Busiest" in done.stderr or "busiest" in done.stderr or "Monday" in done.stderr
    assert out.stat().st_size > 0


def test_html_command_writes_one_offline_file(demo_db: Path, tmp_path: Path):
    out = tmp_path / "hop.html"
    assert cli.main(["html", "--db", str(demo_db), "--from", "2023-01-01", "--to",
                     "2023-03-31", "--agency", "STP", "--out", str(out)]) == 0  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "01/01/2023 – 31/03/2023" in text
    assert "1 cơ quan (STP)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deck", "--pilot", "--out", "x.html"], "ending in .pptx"),
        (["html", "--pilot", "--out", "x.pptx"], "ending in .html"),
        (["deck", "--agency", "NOPE", "--out", "x.pptx"], "no agency named or coded 'NOPE'"),
        (["deck", "--from", "2023-05-01", "--to", "2023-01-01", "--out", "x.pptx"], "--from"),
    ],
)
def test_bad_arguments_get_one_sentence(demo_db: Path, tmp_path: Path, args, message, capsys):
    args = [arg if not arg.startswith("x.") else str(tmp_path / arg) for arg in args]
    assert cli.main([*args[:1], "--db", str(demo_db), *args[1:]]) == 2
    assert message in capsys.readouterr().err
