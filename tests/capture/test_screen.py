"""Real screen capture: a generated gallery shown in a real window on Xvfb, grabbed with mss, parsed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from capture import CaptureError, parse_gallery, render_lecture
from capture.frames import ScreenSource
from capture_helpers import matched
from screen_helpers import ImageWindow, missing_requirements, xvfb_display


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    reason = missing_requirements()
    if reason:
        pytest.skip(reason)
    with xvfb_display(1920, 1080) as name:
        old = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = name
        try:
            yield name
        finally:
            if old is None:
                os.environ.pop("DISPLAY", None)
            else:
                os.environ["DISPLAY"] = old


@pytest.mark.parametrize("variant", [{}, {"theme": "light", "rounded": True}])
def test_gallery_on_screen_is_grabbed_and_parsed(display: str, faces_dir: Path, variant: dict) -> None:
    image, truth = next(render_lecture(faces_dir, students=16, frames=1, seed=9, **variant))
    with ImageWindow(display, image, title="Zoom Meeting"), ScreenSource(monitor=1) as source:
        assert source.live is True
        frame = next(iter(source))
        second = source.grab()
    assert frame.image.shape == (1080, 1920, 3) and frame.timestamp.tzinfo is not None
    assert (frame.index, second.index) == (0, 1)
    assert np.abs(frame.image.astype(np.int16) - image).mean() < 1.0
    layout = parse_gallery(frame.image)
    assert matched([s.box for s in truth.students], [t.box for t in layout.tiles]) == 16


def test_window_and_region_capture(display: str, tiny_faces: Path) -> None:
    image, _ = next(render_lecture(tiny_faces, students=4, frames=1, seed=1))
    small = np.ascontiguousarray(image[::2, ::2])
    with ImageWindow(display, small, title="Meeting window 42", x=100, y=50):
        with ScreenSource(window_title="Meeting window 42") as source:
            shot = source.grab().image
        assert shot.shape == small.shape
        assert np.abs(shot.astype(np.int16) - small).mean() < 1.0
        with ScreenSource(region=(100, 50, 200, 100)) as source:
            part = source.grab().image
        assert np.array_equal(part, small[:100, :200])


def test_bad_monitor_region_or_window_names_it(display: str) -> None:
    with pytest.raises(CaptureError, match=r"monitor 5: no such monitor; available: 0=1920x1080"):
        ScreenSource(monitor=5)
    with pytest.raises(CaptureError, match=r"region 1900,0,100,100: not inside the screen"):
        ScreenSource(region=(1900, 0, 100, 100))
    with pytest.raises(CaptureError, match="no visible window"):
        ScreenSource(window_title="There is no such window")
