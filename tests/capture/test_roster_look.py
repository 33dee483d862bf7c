"""Roster names matched by their look on labels too small for OCR (capture.roster_look)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np
import pytest

from capture.fonts import font_file_for
from capture.layout import _agreeing_labels
from capture.roster_look import LookMemory, RosterLook


@pytest.fixture()
def labels_bench(bench_script: Callable[[str], ModuleType]) -> ModuleType:
    """bench/roster_look.py: its roster, guests and small generated labels."""
    return bench_script("roster_look")


@pytest.mark.parametrize("text_px", [6, 8])
def test_small_labels_take_their_roster_names_and_guests_none(labels_bench: ModuleType, text_px: int) -> None:
    roster, guests = labels_bench.ROSTER, labels_bench.GUESTS
    font = font_file_for("")
    assert font is not None
    rng = np.random.default_rng(text_px)
    shown = [roster[int(k)] for k in rng.permutation(len(roster))[:9]]
    labels = [labels_bench.small_label(name, text_px, rng, font) for name in [*shown, *guests]]
    matches = RosterLook(roster).assign(labels, roster)
    right = sum(m is not None and m.name == n for n, m in zip(shown, matches, strict=False))
    wrong = sum(
        m is not None and m.name != n for n, m in zip([*shown, *[""] * len(guests)], matches, strict=True)
    )
    assert right >= 7 and wrong <= 1, (right, wrong, [m and m.name for m in matches])


def test_a_name_is_given_once_and_a_blank_label_gets_none(labels_bench: ModuleType) -> None:
    font = font_file_for("")
    assert font is not None
    twice = labels_bench.small_label("Tian Quan", 8, np.random.default_rng(3), font)
    blank = (np.full((20, 80), 40, np.uint8), (2, 4, 60, 12))
    matches = RosterLook(labels_bench.ROSTER).assign([twice, twice, blank], labels_bench.ROSTER)
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


def test_unread_labels_are_compared_on_the_first_frame_then_every_few() -> None:
    assert [frame for frame in range(1, 12) if LookMemory.due(frame)] == [1, 5, 10]
