"""parse_gallery on what real clients draw beyond a plain grid: Meet's galleries of 7x7 tiles and more,
and the user's own camera floating over the call's bottom-right corner (the self-view)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from capture import parse_gallery, render_lecture
from capture.box import Box
from capture.synth import Client
from capture.synth.looks import CLIENT_LOOKS
from capture_helpers import iou, matched


def _rows_and_columns(boxes: list[Box]) -> tuple[int, int]:
    """How many distinct tops and lefts the tiles have."""
    return len({y for _, y, _, _ in boxes}), len({x for x, _, _, _ in boxes})


@pytest.mark.parametrize(
    ("students", "screen", "grid"),
    [
        (49, None, 7),
        (64, None, 8),
        (64, (2560, 1440), 8),
        (64, (3840, 2160), 8),
    ],
    ids=["7x7-1080p", "8x8-1080p", "8x8-1440p", "8x8-2160p"],
)
def test_meet_galleries_of_7x7_and_larger_give_every_tile(
    faces_dir: Path, students: int, screen: tuple[int, int] | None, grid: int
) -> None:
    """Meet's tiled view shows 49 people and grid-view extensions more: every tile is found, no more."""
    image, truth = next(
        render_lecture(
            faces_dir,
            students=students,
            frames=1,
            seed=students,
            dynamics=False,
            client="meet",
            screen=screen,
        )
    )
    width, height = screen or (1920, 1080)
    assert image.shape == (height, width, 3)
    assert tuple(int(v) for v in image[0, 0]) == CLIENT_LOOKS["meet"].background["dark"]  # #202124
    expected = [s.box for s in truth.students]
    assert len(expected) == students and _rows_and_columns(expected) == (grid, grid)
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched(expected, found, 0.8) == students
    assert len(found) == students


def _self_view_box(with_view: np.ndarray, without: np.ndarray) -> Box:
    """Where the two frames differ: the self-view drawn over the same lecture."""
    ys, xs = np.nonzero(np.any(with_view != without, axis=2))
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


@pytest.mark.parametrize("chrome", [False, True], ids=["full-screen", "in-window"])
@pytest.mark.parametrize("client", [None, "meet", "teams"], ids=["zoom-like", "meet", "teams"])
@pytest.mark.parametrize("students", [4, 9, 25])
def test_the_floating_self_view_is_no_tile_and_hides_none(
    faces_dir: Path, students: int, client: Client | None, chrome: bool
) -> None:
    """The teacher's own camera, floating over the call's bottom-right corner (over a student's tile,
    and in a window over the gap and background beside it too), is not read as a tile, and every
    student's tile is still found where it lies in the grid."""
    style = {"students": students, "frames": 1, "seed": students, "dynamics": False, "client": client}
    image, truth = next(render_lecture(faces_dir, self_view=True, chrome=chrome, **style))
    plain, plain_truth = next(render_lecture(faces_dir, self_view=False, chrome=chrome, **style))
    assert truth.students == plain_truth.students  # the self-view is the teacher: no student, no change
    expected = [s.box for s in truth.students]
    view = _self_view_box(image, plain)
    height, width = image.shape[:2]
    assert width / 6 - 20 <= view[2] <= width / 5  # a small box in the bottom-right corner
    assert view[0] + view[2] / 2 > 0.75 * width and view[1] + view[3] / 2 > 0.65 * height
    assert any(iou(view, box) > 0 for box in expected)  # over (part of) a student's tile

    found = [t.box for t in parse_gallery(image).tiles]
    assert matched(expected, found, 0.8) == students, (students, client, chrome)
    assert matched(found, expected, 0.8) == len(found) == students  # the self-view is no tile of its own
