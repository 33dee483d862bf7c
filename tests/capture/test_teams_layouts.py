"""The layouts Microsoft Teams fills its stage with: tiles of mixed sizes (a big tile beside stacked
ones, rows of different counts filling the width) touching across thin gaps, a column of camera-off
avatar discs on the stage beside them, and the user's own camera floating in the stage's corner."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture import render_lecture
from capture.box import Box
from capture.layout import find_tiles, tiles_with_faces
from capture.synth.furniture import column_boxes, mixed_boxes, rows_boxes
from capture.synth.looks import CLIENT_LOOKS
from capture_helpers import matched

STAGE = CLIENT_LOOKS["teams"].background["dark"]


def _camera_tiles(faces_dir: Path, count: int) -> tuple[list[np.ndarray], list[Box]]:
    """``count`` camera tiles (people in rooms, name labels) cut from a generated Teams gallery, and
    the face box of each in its tile."""
    image, truth = next(
        render_lecture(faces_dir, students=count, frames=1, seed=count, dynamics=False, client="teams")
    )
    tiles, faces = [], []
    for student in truth.students:
        x, y, w, h = student.box
        tiles.append(image[y : y + h, x : x + w])
        fx, fy, fw, fh = student.face_box or (x + w // 3, y + h // 4, w // 4, w // 4)
        faces.append((fx - x, fy - y, fw, fh))
    return tiles, faces


def _stage(faces_dir: Path, boxes: list[Box], size: tuple[int, int]) -> tuple[np.ndarray, list[Box]]:
    """A Teams stage of ``size`` with a camera tile in each of ``boxes`` (each tile's picture
    stretched to its box, as Teams crops video to fit), and where each face went."""
    frame = np.full((size[1], size[0], 3), STAGE, np.uint8)
    pictures, faces = _camera_tiles(faces_dir, len(boxes))
    placed = []
    for (x, y, w, h), picture, (fx, fy, fw, fh) in zip(boxes, pictures, faces, strict=True):
        sx, sy = w / picture.shape[1], h / picture.shape[0]
        frame[y : y + h, x : x + w] = cv2.resize(picture, (w, h), interpolation=cv2.INTER_AREA)
        placed.append((x + round(fx * sx), y + round(fy * sy), round(fw * sx), round(fh * sy)))
    return frame, placed


@pytest.mark.parametrize("gap", [2, 4])
@pytest.mark.parametrize(
    ("layout", "count"), [("mixed", 3), ("mixed", 4), ("mixed", 5), ("rows", 5)], ids=str
)
def test_tiles_of_mixed_sizes_touching_across_thin_gaps_are_each_found(
    faces_dir: Path, layout: str, count: int, gap: int
) -> None:
    """A big tile beside stacked ones, and rows of different counts filling the width (five people:
    two wide tiles over three): no size is every tile's, yet each tile is found, and nothing else."""
    content = (8, 8, 1584, 784)
    boxes = (mixed_boxes if layout == "mixed" else rows_boxes)(count, content, gap)
    assert len({(w, h) for _, _, w, h in boxes}) >= 2  # tiles of mixed sizes
    frame, _ = _stage(faces_dir, boxes, (1600, 800))
    found = list(find_tiles(frame).boxes)
    assert matched(boxes, found, 0.8) == count == len(found), found


def test_avatar_discs_beside_a_tile_and_the_floating_self_view(faces_dir: Path) -> None:
    """Teams' stage: a big tile, two stacked beside it, a column of camera-off avatar discs on the
    stage to their right, and the user's own camera floating in the stage's bottom-right corner
    under the column, with every face and disc the whole-frame search finds. Each disc is a participant (the face tile of the tile beside the column, whose
    right edge is guessed past the tile, does not swallow them) and the self-view is none."""
    size = (1800, 900)
    column, _ = column_boxes(3, (8, 8, 1484, 700), 4)  # the discs above the self-view
    _, rest = column_boxes(3, (8, 8, 1484, 884), 4)
    boxes = mixed_boxes(3, rest, 4)
    frame, faces = _stage(faces_dir, boxes, size)
    discs, names = [], []
    for i, (x, y, w, h) in enumerate(column):
        r = int(min(w, h) * 0.3)
        centre = (x + w // 2, y + int(h * 0.42))
        cv2.circle(frame, centre, r, (90, 140, 200), -1, cv2.LINE_AA)
        discs.append((centre[0] - r, centre[1] - r, 2 * r, 2 * r))
        # the name under the disc, centred, as Teams writes it
        text = f"Student {i + 1}"
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)
        baseline = centre[1] + r + 8 + th
        cv2.putText(
            frame, text, (centre[0] - tw // 2, baseline), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1
        )
        names.append((centre[0] - tw // 2, baseline - th, tw, th))
    view = (1492 - 240 - 8, 892 - 135 - 8, 240, 135)
    vx, vy, vw, vh = view
    frame[vy : vy + vh, vx : vx + vw] = cv2.resize(_camera_tiles(faces_dir, 1)[0][0], (vw, vh))
    self_face = (vx + vw // 3, vy + vh // 5, vh // 2, vh // 2)
    read = replace(find_tiles(frame), boxes=tuple(boxes))  # the video tiles read right: the mending alone
    mended = tiles_with_faces(frame, read, [*faces, self_face], discs)
    tiles = mended.boxes
    assert matched(boxes, list(tiles), 0.8) == 3
    assert all(any(_inside(disc, tile) for tile in tiles) for disc in discs), tiles
    # each disc's tile holds the name written under the disc, and its name box is on that name
    for disc, name in zip(discs, names, strict=True):
        assert any(_inside(disc, tile) and _inside(name, tile) for tile in tiles), (name, tiles)
        (tile,) = [t for t in mended.layout().tiles if _inside(disc, t.box)]
        assert tile.name_box is not None and _inside(name, tile.name_box), (tile, name)
    assert not any(_inside(self_face, tile) for tile in tiles), tiles
    assert len(tiles) == 6


def _inside(box: Box, tile: Box) -> bool:
    """Whether the centre of ``box`` lies in ``tile``."""
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return tile[0] <= cx < tile[0] + tile[2] and tile[1] <= cy < tile[1] + tile[3]


def test_a_column_of_avatar_discs_beside_a_stage_read_as_a_window_of_its_own(faces_dir: Path) -> None:
    """A realistic Teams call whose stage, beside the app's side panel of cards, is read as a window
    of its own and its gallery inside it: the column of camera-off people on the stage, beside the
    gallery, lay outside that window and was lost. Each disc with its name under it is a tile."""
    image, truth = next(
        render_lecture(faces_dir, students=16, frames=1, seed=16, client="teams", realistic=True)
    )
    column = [s.box for s in truth.students if s.box[3] > s.box[2]]  # the column's cells, taller than wide
    assert len(column) == 2
    found = list(find_tiles(image).boxes)
    assert matched(column, found, 0.7) == 2, found
