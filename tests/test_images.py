"""Static images through Kaleido: calls are serialised (one Chromium at a time) and each caller
gets its own figure's image; without Chromium the caller is told, never left waiting."""

from __future__ import annotations

import struct
import threading
from concurrent.futures import ThreadPoolExecutor

import plotly.graph_objects as go
import pytest

from onestop.meeting import images


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_concurrent_calls_run_one_at_a_time_and_keep_their_own_images(monkeypatch):
    inside, most = 0, 0
    guard = threading.Lock()
    original = images.kaleido_call

    def counting(*args, **kwargs):
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        try:
            return original(*args, **kwargs)
        finally:
            with guard:
                inside -= 1

    monkeypatch.setattr(images, "kaleido_call", counting)
    widths = [300, 420, 540]

    def draw(width: int) -> bytes:
        figure = go.Figure(go.Bar(x=["a", "b"], y=[1, width]))
        try:
            return images.png(figure, width, 200, scale=1)
        except images.ImageUnavailable as error:
            pytest.skip(f"Chromium could not draw here: {error}")

    with ThreadPoolExecutor(max_workers=3) as pool:
        drawn = list(pool.map(draw, widths))
    assert most == 1
    assert [png_size(data) for data in drawn] == [(width, 200) for width in widths]


def test_without_chromium_the_caller_is_told(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(images.ImageUnavailable):
        images.png(go.Figure(go.Bar(x=["a"], y=[1])), 200, 100)
