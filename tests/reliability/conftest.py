"""Reliability fixtures: a small static synthetic lecture as an image folder."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for helper_dir in (HERE, HERE.parent / "capture", HERE.parent / "dashboard"):
    if str(helper_dir) not in sys.path:
        sys.path.insert(0, str(helper_dir))

from reliability_helpers import LECTURE_FRAMES, LECTURE_STUDENTS, Lecture  # noqa: E402


@pytest.fixture(scope="session")
def lecture(tmp_path_factory: pytest.TempPathFactory, fer_root: Path) -> Lecture:
    """LECTURE_FRAMES gallery frames of LECTURE_STUDENTS static students (4 rendered, repeated), no other files."""
    from capture.synth import synthesize

    rendered = tmp_path_factory.mktemp("rendered")
    made = synthesize(
        fer_root / "test", rendered, students=LECTURE_STUDENTS, frames=4, seed=3, dynamics=False
    )
    frames = sorted(rendered.glob("frame_*.png"))
    assert len(frames) == 4 and len(made.names) == LECTURE_STUDENTS
    out = tmp_path_factory.mktemp("lecture")
    for index in range(LECTURE_FRAMES):
        shutil.copyfile(frames[index % len(frames)], out / f"frame_{index:05d}.png")
    return Lecture(out, made.names)
