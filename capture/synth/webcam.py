"""What a real webcam shows: textured rooms, virtual and blurred backgrounds, people framed off
the tile's edge, and 4:3 video pillarboxed in a 16:9 tile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from capture.box import Box
from capture.synth.people import Looks
from capture.synth.tiles import paint_face, paint_shoulders, webcam_face

ROOM_SIZE = (320, 180)


@dataclass(frozen=True)
class Pose:
    """How one student's webcam frames them: the face's shift in face sides (x, y; a face past the
    tile's edge is cut), whether the 4:3 video is pillarboxed, and their room (or virtual
    background) at 320x180."""

    shift: tuple[float, float]
    pillarbox: bool
    room: np.ndarray


def draw_pose(rng: np.random.Generator, pillarbox_share: float) -> Pose:
    """A student's :class:`Pose`: a quarter of the faces cut by the top or a side of the tile,
    ``pillarbox_share`` of the videos 4:3 in their 16:9 tile, a fifth of the backgrounds virtual and
    some blurred."""
    shift = (0.0, 0.0)
    roll = rng.random()
    if roll < 0.1:
        shift = (0.0, float(rng.uniform(-0.45, -0.2)))
    elif roll < 0.25:
        shift = (float(rng.choice([-1.0, 1.0]) * rng.uniform(0.8, 1.6)), 0.0)
    pillarbox = bool(rng.random() < pillarbox_share)
    kind = rng.random()
    room = virtual_background(rng) if kind < 0.2 else textured_room(rng)
    if 0.2 <= kind < 0.4:
        room = cv2.GaussianBlur(room, (0, 0), 6)
    return Pose(shift, pillarbox, room)


def textured_room(rng: np.random.Generator) -> np.ndarray:
    """A room as webcams show one: a lit wall, furniture, shelves of books, frames, and noise."""
    w, h = ROOM_SIZE
    wall = rng.integers(60, 235, 3).astype(np.float32)
    light = np.linspace(float(rng.uniform(0.6, 1.0)), float(rng.uniform(0.6, 1.0)), w, dtype=np.float32)
    room = wall[None, None, :] * light[None, :, None] * np.ones((h, 1, 1), np.float32)
    for _ in range(int(rng.integers(2, 6))):
        bw, bh = int(rng.integers(20, 140)), int(rng.integers(20, 150))
        bx, by = int(rng.integers(0, w - bw)), int(rng.integers(0, h - bh))
        shelf = rng.integers(20, 240, 3).astype(np.float32)
        room[by : by + bh, bx : bx + bw] = shelf
        if rng.random() < 0.5:  # a shelf of books
            for sx in range(bx + 2, bx + bw - 6, int(rng.integers(4, 9))):
                room[by + 3 : by + bh - 3, sx : sx + 3] = shelf * 0.5 + rng.integers(20, 240, 3) * 0.5
    room += rng.normal(0.0, 6.0, room.shape).astype(np.float32)
    return np.asarray(np.clip(room, 0, 255), np.uint8)


def virtual_background(rng: np.random.Generator) -> np.ndarray:
    """A virtual background: a sky over hills or a sea, or a coloured abstract picture."""
    w, h = ROOM_SIZE
    top, bottom = rng.integers(40, 255, 3), rng.integers(20, 200, 3)
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    image = top * (1 - t) + bottom * t
    image = np.broadcast_to(image, (h, w, 3)).astype(np.float32).copy()
    xs = np.arange(w, dtype=np.float32)
    for _ in range(int(rng.integers(1, 4))):
        ridge = h * rng.uniform(0.4, 0.8) + h * 0.1 * np.sin(xs / rng.uniform(15, 60) + rng.uniform(0, 6))
        below = np.arange(h)[:, None] > ridge[None, :]
        image[below] = image[below] * 0.3 + rng.integers(10, 220, 3) * 0.7
    noise = cv2.resize(rng.normal(0, 18, (h // 20, w // 20, 3)).astype(np.float32), (w, h))
    return np.asarray(np.clip(image + noise, 0, 255), np.uint8)


def paint_webcam(
    canvas: np.ndarray,
    box: Box,
    pose: Pose,
    face: np.ndarray,
    looks: Looks,
    feather: Callable[[int], np.ndarray],
) -> Box:
    """Paint a student's webcam picture into the tile ``box``: their room, shoulders and face as
    :func:`webcam_face` frames them, shifted by the pose (cut by the tile's edge) and pillarboxed;
    returns the visible part of the face's square, in frame pixels."""
    x, y, w, h = box
    vw = min(w, h * 4 // 3) if pose.pillarbox else w
    vx = x + (w - vw) // 2
    canvas[y : y + h, x : x + w] = (0, 0, 0)
    fx, fy, side = webcam_face(vw, h, looks.face_scale, looks.face_offset)
    fx, fy = fx + int(pose.shift[0] * side), fy + int(pose.shift[1] * side)
    pad = 2 * side
    view = cv2.resize(pose.room, (vw, h), interpolation=cv2.INTER_LINEAR)
    big = cv2.copyMakeBorder(view, pad, pad, pad, pad, cv2.BORDER_REFLECT)
    paint_shoulders(big, (fx + pad, fy + pad, side), looks.clothes)
    paint_face(big, face, (fx + pad, fy + pad, side, side), looks.tint, feather(side))
    canvas[y : y + h, vx : vx + vw] = big[pad : pad + h, pad : pad + vw]
    left, top = max(fx, 0), max(fy, 0)
    right, bottom = min(fx + side, vw), min(fy + side, h)
    return vx + left, y + top, max(right - left, 0), max(bottom - top, 0)
