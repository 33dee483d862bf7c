"""Identity tracking: names first, then appearance, face and position when a label cannot be read."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from capture.identity import IdentityTracker, TileObservation, appearance_signature, face_signature
from capture.synth.text import TextRenderer
from tiles import fer_faces, make_tile

W, H = 262, 147


def _students(faces_dir: Path, n: int) -> list:
    """n tiles of different students (different rooms and faces), generated once."""
    rng = np.random.default_rng(9)
    text = TextRenderer()
    faces = fer_faces(faces_dir, 2, seed=8)
    return [
        make_tile(rng, text, f"Student {i}", face=faces[i][1], emotion=faces[i][0], size=(W, H))
        for i in range(n)
    ]


def _frame(tiles: list, order: list[int], names: list[str | None]) -> list[TileObservation]:
    """Observations with the tiles placed in grid slots by ``order``; ``names[k]`` for the tile in slot k."""
    return [
        TileObservation(((k % 3) * (W + 6), (k // 3) * (H + 6), W, H), names[k], tiles[i].image, None)
        for k, i in enumerate(order)
    ]


def test_read_names_are_the_identities(faces_dir: Path) -> None:
    tiles = _students(faces_dir, 6)
    tracker = IdentityTracker()
    names = [f"Name {i}" for i in range(6)]
    assert tracker.assign(_frame(tiles, list(range(6)), names)) == names
    order = [5, 3, 1, 0, 2, 4]
    assert tracker.assign(_frame(tiles, order, [names[i] for i in order])) == [names[i] for i in order]


def test_identities_survive_reordering_with_unreadable_names(faces_dir: Path) -> None:
    tiles = _students(faces_dir, 6)
    tracker = IdentityTracker()
    names = [f"Name {i}" for i in range(6)]
    tracker.assign(_frame(tiles, list(range(6)), names))
    order = [4, 2, 0, 5, 1, 3]
    got = tracker.assign(_frame(tiles, order, [None] * 6))
    assert got == [names[i] for i in order]


def test_placeholder_until_a_name_is_read(faces_dir: Path) -> None:
    tiles = _students(faces_dir, 3)
    tracker = IdentityTracker()
    first = tracker.assign(_frame(tiles, [0, 1, 2], ["Ana Novák", None, None]))
    assert first == ["Ana Novák", "Participant 1", "Participant 2"]
    moved = tracker.assign(_frame(tiles, [2, 0, 1], [None, "Ana Novák", None]))
    assert moved == ["Participant 2", "Ana Novák", "Participant 1"] and tracker.renamed == ()
    named = tracker.assign(_frame(tiles, [2, 0, 1], [None, "Ana Novák", "Kwame Mensah"]))
    assert named == ["Participant 2", "Ana Novák", "Kwame Mensah"]
    assert "Participant 1" not in tracker.identities
    assert tracker.renamed == (
        ("Participant 1", "Kwame Mensah"),
    )  # what was recorded as Participant 1 follows
    assert tracker.assign(_frame(tiles, [1, 0, 2], [None, None, None])) == [
        "Kwame Mensah",
        "Ana Novák",
        "Participant 2",
    ]
    assert tracker.renamed == ()


def test_the_same_name_twice_in_one_frame_gives_two_identities(faces_dir: Path) -> None:
    tiles = _students(faces_dir, 2)
    got = IdentityTracker().assign(_frame(tiles, [0, 1], ["Ana", "Ana"]))
    assert got[0] == "Ana" and got[1] != "Ana"


def test_signatures_are_unit_vectors_and_tell_students_apart(faces_dir: Path) -> None:
    tiles = _students(faces_dir, 2)
    a, b = appearance_signature(tiles[0].image), appearance_signature(tiles[1].image)
    assert a is not None and b is not None
    assert abs(float(np.linalg.norm(a)) - 1) < 1e-5
    assert float(a @ a) > 0.999 and float(a @ b) < 0.9
    x, y, s, _ = tiles[0].face_box
    face = face_signature(tiles[0].image[y : y + s, x : x + s])
    assert face is not None and face.shape == (256,)


def test_expect_names_reordered_tiles_without_changing_anything(faces_dir: Path) -> None:
    tiles = _students(faces_dir, 6)
    tracker = IdentityTracker()
    names = [f"Name {i}" for i in range(6)]
    assert tracker.expect(_frame(tiles, list(range(6)), [None] * 6)) == [None] * 6  # nothing named yet
    tracker.assign(_frame(tiles, list(range(6)), names))
    order = [4, 2, 0, 5, 1, 3]
    observations = _frame(tiles, order, [None] * 6)
    assert tracker.expect(observations) == [names[i] for i in order]
    assert tracker.expect(observations) == [names[i] for i in order]  # no state was changed
    stranger = make_tile(
        np.random.default_rng(99),
        TextRenderer(),
        "New",
        face=np.full((48, 48), 90, np.uint8),
        emotion="neutral",
        size=(W, H),
    )
    far = TileObservation((3000, 3000, W, H), None, stranger.image, None)
    assert tracker.expect([far]) == [None]


def _unit_near(base: np.ndarray, cosine: float, seed: int) -> np.ndarray:
    """A unit vector whose cosine with the unit vector ``base`` is ``cosine``."""
    other = np.random.default_rng(seed).normal(size=base.shape).astype(np.float32)
    other -= other.dot(base) * base
    other /= np.linalg.norm(other)
    return (cosine * base + np.sqrt(1 - cosine**2) * other).astype(np.float32)


def test_a_moved_tile_keeps_its_identity_by_its_looks_alone() -> None:
    rng = np.random.default_rng(3)
    look, face = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 64)).astype(np.float32))
    elsewhere = (3 * W, 2 * H, W, H)  # the gallery reordered: no overlap with where Ana was
    # her label is unreadable this frame: a little light change in the room (cosine 0.85) and
    # another expression (0.6) still say Ana; another student's room and face do not
    for cosines, expected in (((0.85, 0.6), True), ((0.4, 0.3), False)):
        tracker = IdentityTracker()
        assert tracker.assign([TileObservation((0, 0, W, H), "Ana", appearance=look, face=face)]) == ["Ana"]
        moved = TileObservation(
            elsewhere, None, appearance=_unit_near(look, cosines[0], 1), face=_unit_near(face, cosines[1], 2)
        )
        assert (tracker.assign([moved]) == ["Ana"]) is expected


def test_a_student_on_screen_a_frame_ago_needs_less_likeness_than_one_seen_earlier() -> None:
    rng = np.random.default_rng(4)
    look, face = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 64)).astype(np.float32))
    elsewhere = (3 * W, 2 * H, W, H)
    # tiles resized and moved, label unreadable, the room a little changed (0.85) and another face
    # (0.1): similarity about 0.48, below the general threshold, above the one for a moment ago
    moved = TileObservation(
        elsewhere, None, appearance=_unit_near(look, 0.85, 1), face=_unit_near(face, 0.1, 2)
    )
    for gap, expected in ((0, "Ana"), (1, "Participant 1")):
        tracker = IdentityTracker()
        assert tracker.assign([TileObservation((0, 0, W, H), "Ana", appearance=look, face=face)]) == ["Ana"]
        for _ in range(gap):
            tracker.assign([])
        assert tracker.assign([moved]) == [expected]
