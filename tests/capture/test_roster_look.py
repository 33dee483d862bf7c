"""Roster names matched by their look on labels too small for OCR (capture.roster_look)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from capture.fonts import font_file_for
from capture.layout import _agreeing_labels
from capture.roster_look import RosterLook

ROSTER = [
    "Monica Adebayo",
    "Josh Nelson",
    "Margaret Ramsey",
    "Korbin Montgomery",
    "Erica Holt",
    "Tian Quan",
    "Rafael Villanueva",
    "Ada Nguyen",
    "Jack Davis",
    "Mira Ahmed",
    "Seth Hoffman",
    "Celeste Jefferson",
]
GUESTS = ["Zhang Wei", "Priya Raman"]


def small_label(
    name: str, text_px: int, rng: np.random.Generator
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A name as a 640x400 gallery shows it: white on a dark plate, drawn large, averaged down to
    ``text_px``, beside blurred video, JPEG'd; and the plate's box in the crop."""
    from PIL import ImageFont

    font_path = font_file_for("")
    assert font_path is not None
    font = ImageFont.truetype(str(font_path), 40)
    left, top, right, bottom = font.getbbox(name)
    big = Image.new("L", (int(right - left) + 24, 64), 40)
    ImageDraw.Draw(big).text((12 - left, 32 - (bottom - top) // 2 - top), name, fill=235, font=font)
    plate = cv2.resize(np.asarray(big), None, fx=text_px / 40, fy=text_px / 40, interpolation=cv2.INTER_AREA)
    crop = cv2.GaussianBlur(
        rng.integers(60, 200, (plate.shape[0] + 8, plate.shape[1] + 30)).astype(np.uint8), (0, 0), 3
    )
    crop[4 : 4 + plate.shape[0], 2 : 2 + plate.shape[1]] = plate
    _, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE), (2, 4, plate.shape[1], plate.shape[0])


@pytest.mark.parametrize("text_px", [6, 8])
def test_small_labels_take_their_roster_names_and_guests_none(text_px: int) -> None:
    rng = np.random.default_rng(text_px)
    shown = [ROSTER[int(k)] for k in rng.permutation(len(ROSTER))[:9]]
    labels = [small_label(name, text_px, rng) for name in shown + GUESTS]
    matches = RosterLook(ROSTER).assign(labels, ROSTER)
    right = sum(m is not None and m.name == n for n, m in zip(shown, matches, strict=False))
    wrong = sum(m is not None and m.name != n for n, m in zip([*shown, "", ""], matches, strict=True))
    assert right >= 6 and wrong <= 1, (right, wrong, [m and m.name for m in matches])


def test_a_name_is_given_once_and_a_blank_label_gets_none() -> None:
    rng = np.random.default_rng(3)
    twice = small_label("Tian Quan", 8, rng)
    blank = (np.full((20, 80), 40, np.uint8), (2, 4, 60, 12))
    matches = RosterLook(ROSTER).assign([twice, twice, blank], ROSTER)
    assert sum(m is not None and m.name == "Tian Quan" for m in matches) <= 1 and matches[2] is None


def test_gallery_labels_agree_where_most_are() -> None:
    tiles = [(x * 90, 0, 85, 48) for x in range(6)]
    found = [(x * 90, 39, 49, 9) for x in range(4)] + [(360, 30, 37, 15), (450, 42, 12, 5)]
    agreed = _agreeing_labels(tiles, found, [True] * 6)
    assert agreed[:4] == found[:4]
    assert agreed[4] == (360, 39, 37, 9) and agreed[5] == (
        450,
        39,
        49,
        9,
    )  # a box cut to a letter takes the width
    assert _agreeing_labels(tiles[:3], found[:3], [True] * 3) == found[:3]  # too few to agree
