"""A shared screen beside a strip of participants (Zoom's and Meet's screen-share view): the agent
records the strip's participants, not the shared document as one more of them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture import render_lecture
from capture.frames import Frame
from capture.pipeline import FrameAnalyser
from capture_helpers import matched
from model import EmotionClassifier

TILE = (320, 180)


def _shared_screen(
    faces_dir: Path, size: tuple[int, int]
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A lecture's slides (dark text, a chart) filling the call's left, four camera tiles down its right."""
    image, truth = next(
        render_lecture(faces_dir, students=4, frames=1, seed=4, dynamics=False, client="zoom")
    )
    width, height = size
    frame = np.full((height, width, 3), 26, np.uint8)
    right = width - TILE[0] - 30
    frame[10 : height - 60, 10:right] = 250
    for y in range(60, height - 80, 28):
        cv2.putText(
            frame,
            "Lecture notes: the derivative of x squared is 2x",
            (50, y),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.6,
            (30, 30, 30),
            1,
            cv2.LINE_AA,
        )
    cv2.rectangle(frame, (70, 300), (500, 560), (200, 120, 40), -1)
    boxes = []
    for i, student in enumerate(truth.students):
        x, y, w, h = student.box
        top = 20 + i * (TILE[1] + 8)
        frame[top : top + TILE[1], right + 15 : right + 15 + TILE[0]] = cv2.resize(
            image[y : y + h, x : x + w], TILE, interpolation=cv2.INTER_AREA
        )
        boxes.append((right + 15, top, *TILE))
    return frame, boxes


@pytest.mark.parametrize("size", [(1920, 1080), (1600, 900)])
def test_the_shared_screen_is_no_participant(faces_dir: Path, size: tuple[int, int]) -> None:
    frame, strip = _shared_screen(faces_dir, size)
    with FrameAnalyser.create(EmotionClassifier.load(threads=1), smoothing_window=1) as analyser:
        analysis = analyser.analyse(Frame(0, datetime(2026, 1, 1, tzinfo=UTC), frame))
    found = [s.tile_box for s in analysis.students]
    assert matched(strip, found, 0.8) == 4 == len(found), found
