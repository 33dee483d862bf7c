"""The students of a synthetic lecture: names, presence, camera schedule, emotions, faces and looks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from capture.synth.library import FaceLibrary
from capture.synth.names import NAMES, SCRIPT_WEIGHTS
from capture.synth.text import TextRenderer

log = logging.getLogger(__name__)

FACES_PER_EMOTION = 3
EMOTION_WEIGHTS: dict[str, float] = {
    "neutral": 0.32,
    "happy": 0.22,
    "sad": 0.11,
    "surprise": 0.1,
    "angry": 0.1,
    "fear": 0.09,
    "disgust": 0.06,
}


@dataclass(frozen=True)
class Looks:
    """How a student shows in a tile: the room behind them, the tint, size and offset of their face,
    and what stands for them with the camera off (an avatar disc of ``avatar_colour``, else the
    name). A client style draws ``avatar_roll`` (an avatar disc below the client's avatar share)
    and the colour of their clothes."""

    room: np.ndarray
    tint: tuple[float, float, float]
    face_scale: float
    face_offset: tuple[float, float]
    avatar: bool
    avatar_colour: tuple[int, int, int]
    avatar_roll: float = 0.0
    clothes: tuple[int, int, int] = (90, 90, 90)  # BGR


@dataclass
class Student:
    """One student of a synthetic lecture: the name (its script, for the font, and initials), the
    frames they are present in (join, leave), their camera's schedule, their emotion on each frame,
    the face images they show for each emotion, and their looks."""

    name: str
    script: str
    initials: str
    present: tuple[int, int]
    camera: np.ndarray
    emotions: tuple[str, ...]
    faces: dict[str, tuple[Path, ...]]
    looks: Looks


def cast_students(
    rng: np.random.Generator,
    library: FaceLibrary,
    count: int,
    frames: int,
    dynamics: bool,
    text: TextRenderer,
    theme_bg: np.ndarray,
    people_drawn: bool = False,
    script_weights: dict[str, float] | None = None,
) -> list[Student]:
    """The lecture's students, drawn one after another from ``rng``. ``dynamics`` lets all but the
    first join late or leave early; ``people_drawn`` (a client style) is passed to :func:`_draw_looks`;
    ``script_weights`` replaces :data:`SCRIPT_WEIGHTS` (how often names of each script are drawn)."""
    people: list[Student] = []
    for i, (name, script, initials) in enumerate(_pick_names(rng, count, text, script_weights)):
        present = _presence(rng, frames, dynamics and i > 0)
        camera = _camera_schedule(rng, frames)
        faces = _face_picks(rng, library)
        emotions = _timeline(rng, frames, library.emotions)
        looks = _draw_looks(rng, theme_bg, people_drawn)
        people.append(Student(name, script, initials, present, camera, emotions, faces, looks))
    return people


def _pick_names(
    rng: np.random.Generator, count: int, text: TextRenderer, weights: dict[str, float] | None = None
) -> list[tuple[str, str, str]]:
    """``count`` different (name, script, initials), each written in one script this machine has a
    font for; family name first and no space in Chinese, Japanese and Korean."""
    scripts = [s for s in NAMES if text.supports(s)]
    missing = sorted(set(NAMES) - set(scripts))
    if missing:
        log.warning("synth: no font for %s names on this machine; leaving them out", ", ".join(missing))
    chosen: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    while len(chosen) < count:
        script = _weighted(rng, weights or SCRIPT_WEIGHTS, scripts)
        _, firsts, lasts = NAMES[script]
        first, last = str(rng.choice(firsts)), str(rng.choice(lasts))
        if script in ("cjk", "japanese", "korean"):
            name = first + last
            initials = first[0]
        else:
            name = f"{first} {last}"
            initials = first[0] + last[0]
        if name in seen:
            if len(seen) > count * 20:
                name = f"{name} {len(chosen) + 1}"
            else:
                continue
        seen.add(name)
        chosen.append((name, script, initials))
    return chosen


def _weighted(rng: np.random.Generator, weights: dict[str, float], allowed: Sequence[str]) -> str:
    """One of the ``allowed`` keys of ``weights``, drawn with their weights (renormalised)."""
    keys = [k for k in weights if k in allowed]
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _presence(rng: np.random.Generator, frames: int, may_come_and_go: bool) -> tuple[int, int]:
    """The frames a student is in, [join, leave): a fifth of those who may join late, and some
    leave early (never in lectures of 10 frames or fewer)."""
    join, leave = 0, frames
    if may_come_and_go and frames > 10:
        if rng.random() < 0.2:
            join = int(rng.integers(1, max(2, frames * 6 // 10)))
        if rng.random() < 0.15:
            leave = int(rng.integers(join + max(1, frames // 5), frames + 1))
    return join, leave


def _camera_schedule(rng: np.random.Generator, frames: int) -> np.ndarray:
    """Whether the student's camera is on, frame by frame: on throughout for most, off throughout
    for some, off for a stretch for others."""
    camera = np.ones(frames, dtype=bool)
    roll = rng.random()
    if roll < 0.15:
        camera[:] = False
    elif roll < 0.27 and frames > 4:
        start = int(rng.integers(0, frames - 2))
        camera[start : start + int(rng.integers(2, max(3, frames // 3)))] = False
    return camera


def _face_picks(rng: np.random.Generator, library: FaceLibrary) -> dict[str, tuple[Path, ...]]:
    """The few face images a student shows for each emotion (the same person throughout, as far as
    a face library of strangers allows)."""
    faces = {}
    for emotion, files in library.files.items():
        picks = rng.choice(len(files), size=min(FACES_PER_EMOTION, len(files)), replace=False)
        faces[emotion] = tuple(files[int(k)] for k in picks)
    return faces


def _timeline(rng: np.random.Generator, frames: int, emotions: Sequence[str]) -> tuple[str, ...]:
    """A student's emotion on each frame: spells of one emotion, each at least 4 frames long."""
    out: list[str] = []
    while len(out) < frames:
        emotion = _weighted(rng, EMOTION_WEIGHTS, emotions)
        out.extend([emotion] * int(3 + rng.geometric(1 / 10)))
    return tuple(out[:frames])


def _draw_looks(rng: np.random.Generator, theme_bg: np.ndarray, people_drawn: bool) -> Looks:
    """A student's :class:`Looks`; only with ``people_drawn`` (a client style) are the avatar roll and
    clothes drawn, so other lectures keep their random draws, hence their pictures, as they were."""
    room = room_image(rng, theme_bg)
    tint = skin_tint(rng)
    face_scale, face_offset = face_placement(rng)
    avatar = bool(rng.random() < 0.5)
    colour = _avatar_colour(rng)
    if not people_drawn:
        return Looks(room, tint, face_scale, face_offset, avatar, colour)
    avatar_roll = float(rng.random())
    blue, green, red = (int(v) for v in rng.integers(20, 230, 3))
    return Looks(room, tint, face_scale, face_offset, avatar, colour, avatar_roll, (blue, green, red))


def room_image(rng: np.random.Generator, theme_bg: np.ndarray) -> np.ndarray:
    """A 320x180 'room': wall gradient, a window or shelf, kept well away from the app background."""

    def colour(low: int, high: int) -> np.ndarray:
        while True:
            c = rng.integers(low, high, 3)
            if np.abs(c - theme_bg).max() >= 40:
                return c.astype(np.float32)

    top, bottom = colour(50, 215), colour(40, 200)
    t = np.linspace(0.0, 1.0, 180, dtype=np.float32)[:, None, None]
    room = np.broadcast_to(top * (1 - t) + bottom * t, (180, 320, 3)).copy()
    for _ in range(int(rng.integers(1, 4))):
        w, h = int(rng.integers(30, 140)), int(rng.integers(20, 120))
        x, y = int(rng.integers(0, 320 - w)), int(rng.integers(0, 180 - h))
        room[y : y + h, x : x + w] = room[y : y + h, x : x + w] * 0.4 + colour(40, 215) * 0.6
    room += rng.normal(0.0, 2.5, room.shape).astype(np.float32)
    return np.clip(room, 0, 255).astype(np.uint8)


def skin_tint(rng: np.random.Generator) -> tuple[float, float, float]:
    """The BGR factors a grayscale face is tinted with (a warm skin tone)."""
    return float(rng.uniform(0.72, 0.9)), float(rng.uniform(0.85, 0.96)), 1.0


def face_placement(rng: np.random.Generator) -> tuple[float, tuple[float, float]]:
    """A student's face size (share of the tile height) and offset (shares of the tile's sides)."""
    return float(rng.uniform(0.55, 0.78)), (float(rng.uniform(-0.12, 0.12)), float(rng.uniform(-0.06, 0.06)))


def _avatar_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    """The BGR colour of a student's avatar disc."""
    blue, green, red = (int(v) for v in rng.integers(60, 200, 3))
    return blue, green, red
