"""The students of a synthetic lecture: names, presence, camera schedule, emotions, faces and looks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass
class Student:
    name: str
    script: str
    initials: str
    present: tuple[int, int]
    camera: np.ndarray
    emotions: tuple[str, ...]
    faces: dict[str, tuple[Path, ...]]
    room: np.ndarray
    tint: tuple[float, float, float]
    face_scale: float
    face_offset: tuple[float, float]
    avatar: bool
    avatar_colour: tuple[int, int, int]
    avatar_roll: float = 0.0  # below a client's avatar share: an avatar disc
    clothes: tuple[int, int, int] = (90, 90, 90)  # BGR of the shoulders a client style draws


def weighted(rng: np.random.Generator, weights: dict[str, float], allowed: Sequence[str]) -> str:
    keys = [k for k in weights if k in allowed]
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def pick_names(rng: np.random.Generator, count: int, text: TextRenderer) -> list[tuple[str, str, str]]:
    scripts = [s for s in NAMES if text.supports(s)]
    missing = sorted(set(NAMES) - set(scripts))
    if missing:
        log.warning("synth: no font for %s names on this machine; leaving them out", ", ".join(missing))
    chosen: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    while len(chosen) < count:
        script = weighted(rng, SCRIPT_WEIGHTS, scripts)
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


def timeline(rng: np.random.Generator, frames: int, emotions: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    while len(out) < frames:
        emotion = weighted(rng, EMOTION_WEIGHTS, emotions)
        out.extend([emotion] * int(3 + rng.geometric(1 / 10)))
    return tuple(out[:frames])


def person_looks(rng: np.random.Generator) -> dict[str, Any]:
    """What a client style draws of a student beyond the face: whether an avatar disc stands for
    the camera when it is off, and the colour of the shoulders."""
    return {"avatar_roll": float(rng.random()), "clothes": tuple(int(v) for v in rng.integers(20, 230, 3))}


def cast_students(
    rng: np.random.Generator,
    library: FaceLibrary,
    count: int,
    frames: int,
    dynamics: bool,
    text: TextRenderer,
    theme_bg: np.ndarray,
    people_drawn: bool = False,
) -> list[Student]:
    """The lecture's students; ``people_drawn`` (a client style) draws what :func:`person_looks` gives
    too (other lectures keep their random draws, hence their pictures, as they were)."""
    people: list[Student] = []
    for i, (name, script, initials) in enumerate(pick_names(rng, count, text)):
        join, leave = 0, frames
        if dynamics and i > 0 and frames > 10:
            if rng.random() < 0.2:
                join = int(rng.integers(1, max(2, frames * 6 // 10)))
            if rng.random() < 0.15:
                leave = int(rng.integers(join + max(1, frames // 5), frames + 1))
        camera = np.ones(frames, dtype=bool)
        roll = rng.random()
        if roll < 0.15:
            camera[:] = False
        elif roll < 0.27 and frames > 4:
            start = int(rng.integers(0, frames - 2))
            camera[start : start + int(rng.integers(2, max(3, frames // 3)))] = False
        faces = {}
        for emotion, files in library.files.items():
            picks = rng.choice(len(files), size=min(FACES_PER_EMOTION, len(files)), replace=False)
            faces[emotion] = tuple(files[int(k)] for k in picks)
        emotions = timeline(rng, frames, library.emotions)
        room = room_image(rng, theme_bg)
        tint = skin_tint(rng)
        face_scale, face_offset = face_placement(rng)
        people.append(
            Student(
                name=name,
                script=script,
                initials=initials,
                present=(join, leave),
                camera=camera,
                emotions=emotions,
                faces=faces,
                room=room,
                tint=tint,
                face_scale=face_scale,
                face_offset=face_offset,
                avatar=bool(rng.random() < 0.5),
                avatar_colour=avatar_colour(rng),
                **(person_looks(rng) if people_drawn else {}),
            )
        )
    return people


def avatar_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    blue, green, red = (int(v) for v in rng.integers(60, 200, 3))
    return blue, green, red


def skin_tint(rng: np.random.Generator) -> tuple[float, float, float]:
    return float(rng.uniform(0.72, 0.9)), float(rng.uniform(0.85, 0.96)), 1.0


def face_placement(rng: np.random.Generator) -> tuple[float, tuple[float, float]]:
    """A student's face size (share of the tile height) and offset (shares of the tile's sides)."""
    return float(rng.uniform(0.55, 0.78)), (float(rng.uniform(-0.12, 0.12)), float(rng.uniform(-0.06, 0.06)))
