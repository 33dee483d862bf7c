"""The capture agent on real video-call screenshots (../shared/galleries), each image its own lecture.

The bars are issue #21's for tiles and live faces. Names on real labels are far below its bars
(90 % exact without a roster, 98 % with one): their asserts hold today's level, and that of names
read wrong, so that they can only get better (docs/capture.md has the figures per image).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import cv2
import pytest

from capture.layout import find_tiles

GALLERIES = Path(__file__).resolve().parents[2].parent / "shared" / "galleries"


def _need_galleries() -> None:
    if not (GALLERIES / "truth.json").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{GALLERIES}: the real screenshots are missing (CI has ../shared beside the clone)")
        pytest.skip("../shared/galleries is not here")


@pytest.fixture(scope="module")
def scores(bench_script: Callable[[str], ModuleType]) -> tuple[ModuleType, list]:
    _need_galleries()
    from model import EmotionClassifier

    module = bench_script("real_galleries")
    return module, module.score_all(GALLERIES, EmotionClassifier.load(None, threads=2))


def test_tiles_and_live_faces_of_real_calls_are_found(scores: tuple[ModuleType, list]) -> None:
    module, per_image = scores
    totals = module.totals(per_image)
    assert totals["tile_recall"] >= 0.98, totals
    assert totals["tile_extra"] <= 0.03, totals
    assert totals["face_recall"] >= 0.95, totals
    assert totals["face_extra"] <= 0.03, totals


def test_tiles_and_live_faces_of_real_calls_saved_as_jpegs_are_found(
    bench_script: Callable[[str], ModuleType],
) -> None:
    """Screenshots are shared as JPEGs (two of the folder's are, at about quality 90 and 98): saved
    at quality 85, the same calls keep issue #21's bars. The ringing moves a few pixels of a thin gap
    off the background colour, and an app panel's letters, parted by its colour, are no tiles."""
    _need_galleries()
    from model import EmotionClassifier

    module = bench_script("real_galleries")
    totals = module.totals(module.score_all(GALLERIES, EmotionClassifier.load(None, threads=2), jpeg=85))
    assert totals["tile_recall"] >= 0.98, totals
    assert totals["tile_extra"] <= 0.03, totals
    assert totals["face_recall"] >= 0.95, totals
    assert totals["face_extra"] <= 0.03, totals


def test_a_call_with_every_camera_off_records_no_live_face(scores: tuple[ModuleType, list]) -> None:
    _, per_image = scores
    off = [s for s in per_image if s.live_faces == 0]
    assert off, "the folder has a call with every camera off (avatar circles)"
    for score in off:
        assert score.faces_recorded == 0, score


def test_names_on_real_labels_do_not_fall_below_todays_level(scores: tuple[ModuleType, list]) -> None:
    module, per_image = scores
    totals = module.totals(per_image)
    assert totals["names_exact"] >= 0.81, totals
    assert totals["names_exact_roster"] >= 0.98, totals
    assert totals["names_wrong"] <= 0.05, totals  # a wrong name is worse than "Participant N"


@pytest.mark.parametrize("scale", [0.9, 1.1, 1.25])
def test_no_real_call_at_another_size_is_read_as_one_tile_filling_the_frame(
    bench_script: Callable[[str], ModuleType], scale: float
) -> None:
    """Every real screenshot has bars, a window or gaps round its tiles: one tile covering the whole
    frame is a reading that found no edge at all (Meet's borderless camera-off call at 1.1: the colour
    of its address field, spread over the frame by the upscaling's ringing, gave no gap). It counts
    as reading nothing, and the call's own reading wins."""
    _need_galleries()
    scaled = bench_script("real_galleries").scaled
    whole = []
    for name in json.loads((GALLERIES / "truth.json").read_text()):
        if name.startswith("_"):
            continue
        image = scaled(cv2.imread(str(GALLERIES / name), cv2.IMREAD_COLOR), scale)
        boxes = find_tiles(image).boxes
        if len(boxes) == 1 and boxes[0][2] * boxes[0][3] >= 0.9 * image.shape[0] * image.shape[1]:
            whole.append(name)
    assert not whole
