"""Static PNG images of Plotly figures, drawn by Kaleido in the system's Chromium.

Kaleido 1.x drives a Chromium it finds by itself (`chromium` on PATH, or $BROWSER_PATH). Each
call here starts its own Chromium and closes it: Kaleido's persistent server would be faster
after the first image, but it hands results to whichever caller asks next (two threads can swap
images), never answers when its browser is missing or dies (the caller waits for ever), and the
deck needs one or two images. Calls still hold one lock, so that two downloads at once do not
start two browsers on a small server. MathJax, which Kaleido fetches from a CDN by default, is
off: the charts have no formulas and the machine may be offline.

When Chromium is missing or fails, `png` raises ImageUnavailable and the caller decides what to
show instead (the deck puts the chart's figures in a table and says which images it left out).
"""

from __future__ import annotations

import importlib.util
import threading

import plotly.graph_objects as go

_LOCK = threading.Lock()
TIMEOUT_SECONDS = 120  # a busy machine starts Chromium slowly; a hung one must not hold the deck


class ImageUnavailable(Exception):
    """No image could be drawn (no Chromium, or it failed); the message says why."""


def png(figure: go.Figure, width: int, height: int, scale: float = 2.0) -> bytes:
    """The figure as PNG bytes at width × height CSS pixels, drawn at `scale` for sharpness."""
    if importlib.util.find_spec("kaleido") is None:
        raise ImageUnavailable("kaleido is not installed")
    options = {"format": "png", "width": width, "height": height, "scale": scale}
    with _LOCK:
        try:
            return kaleido_call(figure.to_dict(), options)
        except Exception as error:  # Kaleido raises several kinds; each means "no image"
            raise ImageUnavailable(" ".join(str(error).split())[:300]) from error


def kaleido_call(figure: dict, options: dict) -> bytes:
    """One Kaleido call in a Chromium of its own (a name of its own so a test can count calls)."""
    import kaleido

    return kaleido.calc_fig_sync(
        figure, opts=options, kopts={"mathjax": False, "timeout": TIMEOUT_SECONDS}
    )
