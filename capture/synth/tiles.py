"""Painting a student into a tile: the feathered, tinted face, where a webcam frames it, shoulders."""

from __future__ import annotations

import cv2
import numpy as np

from capture.box import Box
from capture.synth.people import face_placement, room_image, skin_tint


def feather_mask(size: int) -> np.ndarray:
    """(size, size, 1) float32 alpha: 1 inside, a 1/48-of-the-side anti-aliased edge."""
    edge = max(1, size // 48)
    mask = np.zeros((size, size), np.float32)
    mask[edge:-edge, edge:-edge] = 1.0
    k = edge * 2 + 1
    return cv2.GaussianBlur(mask, (k, k), edge / 1.5)[:, :, None]


def paint_face(
    canvas: np.ndarray, face: np.ndarray, box: Box, tint: tuple[float, float, float], alpha: np.ndarray
) -> None:
    """Blend the grayscale ``face`` image, scaled to the square ``box`` and tinted, into ``canvas``."""
    fx, fy, size, _ = box
    big = cv2.resize(face, (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    colour = np.stack([big * tint[0], big * tint[1], big * tint[2]], axis=2)
    region = canvas[fy : fy + size, fx : fx + size].astype(np.float32)
    canvas[fy : fy + size, fx : fx + size] = (region + (colour - region) * alpha).astype(np.uint8)


def face_square(
    w: int, h: int, scale: float, offset: tuple[float, float], rng: np.random.Generator
) -> tuple[int, int, int]:
    """Where a student's face image goes in a w x h tile: (x, y, side), tile-relative, jittered by
    up to 2 px and kept inside the tile."""
    side = max(int(h * scale), 12)
    jitter = rng.integers(-2, 3, 2)
    fx = int(np.clip((w - side) // 2 + int(offset[0] * w) + int(jitter[0]), 0, w - side))
    fy = int(np.clip((h - side) // 2 + int(offset[1] * h) + int(jitter[1]), 0, h - side))
    return fx, fy, side


def webcam_face(w: int, h: int, scale: float, offset: tuple[float, float]) -> tuple[int, int, int]:
    """Where a webcam shows a student's face in a w x h tile: (x, y, side), tile-relative. The
    face's side is ``scale`` (0.55-0.78, as drawn) mapped to 0.3-0.5 of the tile's height, the face
    up to a fifth of the width off-centre, its top in the upper third."""
    side = max(int(h * (0.3 + (scale - 0.55) / 0.23 * 0.2)), 12)
    fx = int(np.clip((w - side) // 2 + int(offset[0] * 1.6 * w), 0, w - side))
    fy = int(np.clip(h * (0.2 + offset[1] * 1.5), 0, h - side))
    return fx, fy, side


def paint_shoulders(tile: np.ndarray, face: tuple[int, int, int], clothes: tuple[int, int, int]) -> None:
    """A neck and shoulders under the face square (x, y, side) in ``tile``, in the colour of ``clothes``."""
    fx, fy, side = face
    cx = fx + side // 2
    neck = (int(0.45 * side), int(0.3 * side))
    cv2.rectangle(
        tile,
        (cx - neck[0] // 2, fy + side - 4),
        (cx + neck[0] // 2, fy + side + neck[1]),
        (110, 140, 180),
        -1,
    )
    centre = (cx, fy + side + neck[1] + int(0.7 * side))
    cv2.ellipse(tile, centre, (int(1.25 * side), int(0.8 * side)), 0, 180, 360, clothes, -1, cv2.LINE_AA)
    cv2.rectangle(
        tile, (cx - int(1.25 * side), centre[1]), (cx + int(1.25 * side), tile.shape[0]), clothes, -1
    )


def camera_tile(face: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> tuple[np.ndarray, Box]:
    """One camera-on tile of ``size`` (w, h) showing the grayscale ``face`` image as a lecture
    draws a student: a random room, the face tinted, scaled and placed as ``cast_students`` and
    ``LectureRenderer`` do. Returns the BGR tile and the square the face image was painted into."""
    w, h = size
    grey = int(rng.integers(14, 34))
    room = cv2.resize(
        room_image(rng, np.array([grey + 2, grey, grey])), (w, h), interpolation=cv2.INTER_LINEAR
    )
    scale, offset = face_placement(rng)
    fx, fy, side = face_square(w, h, scale, offset, rng)
    paint_face(room, face, (fx, fy, side, side), skin_tint(rng), feather_mask(side))
    return room, (fx, fy, side, side)
