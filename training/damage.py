"""What a video call does to a face before the agent sees it, as random damage to 48x48 gray faces.

A webcam face in a 7x7 gallery is 20-30 px across, scaled by the client, compressed by the
call's video codec and the screen grab, lit by a desk lamp, half hidden by a hand or a mask, and
cut by its tile's edge. ``damage`` applies a random mix of that to FER2013 faces, for training
(``classmood train --damage P``) and for measuring (``classmood evaluate --damage``).
"""

from __future__ import annotations

import cv2
import numpy as np

SIZE = 48
DOWNSCALE = (20, 32)  # the face's size on screen, in pixels (then scaled back up to 48)
BLUR_SIGMA = (0.4, 1.2)
JPEG_QUALITY = (20, 60)  # H.264 blocks at a call's bitrate look like JPEG at this quality
NOISE_SIGMA = (2.0, 8.0)
GAMMA = (0.6, 1.8)  # dim rooms and bright windows
OCCLUSION = (0.15, 0.35)  # a hand or a mask covers this share of the face
CUT = (0.1, 0.25)  # the tile's edge cuts this share of the face off one side
KINDS: tuple[str, ...] = ("downscale", "blur", "jpeg", "noise", "gamma", "occlusion", "cut")
CHANCE = 0.5  # each kind of damage happens to a face with this chance


def damage(faces: np.ndarray, rng: np.random.Generator, chance: float = CHANCE) -> np.ndarray:
    """A damaged copy of ``faces`` ((n, 48, 48) uint8 gray): each kind of :data:`KINDS` applied to
    each face with probability ``chance``, in the order a call applies them."""
    if faces.ndim != 3 or faces.shape[1:] != (SIZE, SIZE) or faces.dtype != np.uint8:
        raise ValueError(f"expected (n, {SIZE}, {SIZE}) uint8 faces, got {faces.shape} {faces.dtype}")
    return np.stack([_damage_one(face, rng, chance) for face in faces]) if len(faces) else faces.copy()


def _damage_one(face: np.ndarray, rng: np.random.Generator, chance: float) -> np.ndarray:
    out = face
    if rng.random() < chance:  # the tile's edge: one side of the face is not shown
        out = _cut(out, rng)
    if rng.random() < chance:  # a hand, a mask or a mug in front of the lower face
        out = _occlude(out, rng)
    if rng.random() < chance:  # lighting
        gamma = rng.uniform(*GAMMA)
        out = np.clip(255.0 * (out / 255.0) ** gamma, 0, 255).astype(np.uint8)
    if rng.random() < chance:  # a small face on screen, scaled back up
        side = int(rng.integers(DOWNSCALE[0], DOWNSCALE[1] + 1))
        small = cv2.resize(out, (side, side), interpolation=cv2.INTER_AREA)
        out = cv2.resize(small, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
    if rng.random() < chance:  # out of focus, motion
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(*BLUR_SIGMA))
    if rng.random() < chance:  # sensor noise
        noise = rng.normal(0.0, rng.uniform(*NOISE_SIGMA), out.shape)
        out = np.clip(out + noise, 0, 255).astype(np.uint8)
    if rng.random() < chance:  # the codec's blocks
        quality = int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1))
        ok, encoded = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        decoded = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE) if ok else None
        if decoded is not None:
            out = decoded
    return np.ascontiguousarray(out)


def _cut(face: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The face shifted so that one side leaves the frame; the tile beyond it is a flat colour."""
    share = rng.uniform(*CUT)
    shift = round(share * SIZE)
    side = int(rng.integers(4))
    fill = int(rng.integers(0, 256))
    out = np.full_like(face, fill)
    if side == 0:
        out[:, shift:] = face[:, : SIZE - shift]
    elif side == 1:
        out[:, : SIZE - shift] = face[:, shift:]
    elif side == 2:
        out[shift:] = face[: SIZE - shift]
    else:
        out[: SIZE - shift] = face[shift:]
    return out


def _occlude(face: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A flat, slightly textured blob (a hand, a mask) over part of the lower face."""
    out = face.copy()
    area = rng.uniform(*OCCLUSION) * SIZE * SIZE
    h = int(np.clip(np.sqrt(area * rng.uniform(0.5, 1.0)), 6, SIZE // 2))
    w = int(np.clip(area / h, 8, SIZE))
    x = int(rng.integers(0, SIZE - w + 1))
    y = int(rng.integers(SIZE // 2, SIZE - h + 1))
    tone = int(rng.integers(40, 220))
    blob = np.clip(tone + rng.normal(0, 6, (h, w)), 0, 255).astype(np.uint8)
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (w // 2, h // 2), (w // 2, h // 2), 0, 0, 360, 255, -1)
    region = out[y : y + h, x : x + w]
    region[mask > 0] = blob[mask > 0]
    return out
