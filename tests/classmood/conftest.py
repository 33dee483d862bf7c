"""The real-screen helpers (Xvfb, a window showing an image) live beside the capture tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CAPTURE_TESTS = Path(__file__).resolve().parent.parent / "capture"
if str(CAPTURE_TESTS) not in sys.path:
    sys.path.insert(0, str(CAPTURE_TESTS))


@dataclass(frozen=True)
class Screen:
    """A virtual screen showing a meeting's gallery: its DISPLAY, and the names on the tiles."""

    display: str
    names: tuple[str, ...]


@pytest.fixture(scope="module")
def screen(fer_root: Path) -> Iterator[Screen]:
    """Xvfb showing a synthetic 9-student gallery in a window, as a meeting would."""
    from capture import render_lecture
    from screen_helpers import ImageWindow, missing_requirements, xvfb_display

    reason = missing_requirements()
    if reason:
        pytest.skip(reason)
    image, truth = next(render_lecture(fer_root / "test", students=9, frames=1, seed=4))
    with xvfb_display(1920, 1080) as display, ImageWindow(display, image, title="Zoom Meeting"):
        yield Screen(display, tuple(student.name for student in truth.students))
