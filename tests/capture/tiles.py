"""Generated participant tiles for the capture tests: a real FER2013 face in a 'room', a name label."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from capture.synth.text import TextRenderer
from model.emotions import EMOTIONS

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class GeneratedTile:
    image: np.ndarray
    face_box: Box | None
    label_box: Box | None
    name: str
    emotion: str | None


def fer_faces(faces_dir: Path, per_emotion: int, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """``per_emotion`` random FER2013 faces of each emotion from ``faces_dir``, as (emotion, 48x48 gray)."""
    rng = np.random.default_rng(seed)
    out: list[tuple[str, np.ndarray]] = []
    for emotion in EMOTIONS:
        files = sorted((faces_dir / emotion).glob("*.jpg"))
        for k in rng.choice(len(files), size=min(per_emotion, len(files)), replace=False):
            image = cv2.imread(str(files[int(k)]), cv2.IMREAD_GRAYSCALE)
            assert image is not None, files[int(k)]
            out.append((emotion, image))
    return out


def _blend(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, colour: tuple[int, int, int]) -> None:
    h = min(mask.shape[0], canvas.shape[0] - y)
    w = min(mask.shape[1], canvas.shape[1] - x)
    alpha = mask[:h, :w].astype(np.float32)[:, :, None] / 255.0
    region = canvas[y : y + h, x : x + w].astype(np.float32)
    canvas[y : y + h, x : x + w] = (region + (np.array(colour, np.float32) - region) * alpha).astype(np.uint8)


def make_tile(
    rng: np.random.Generator,
    text: TextRenderer,
    name: str,
    script: str = "latin",
    face: np.ndarray | None = None,
    emotion: str | None = None,
    size: tuple[int, int] = (262, 147),
    avatar: bool = False,
    label: bool = True,
) -> GeneratedTile:
    """A tile of ``size`` (w, h): camera on when ``face`` is given, else a flat camera-off tile."""
    w, h = size
    if face is not None:
        top, bottom = rng.integers(50, 210, 3).astype(np.float32), rng.integers(40, 200, 3).astype(np.float32)
        t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        tile = np.broadcast_to(top * (1 - t) + bottom * t, (h, w, 3)).copy()
        tile += rng.normal(0, 2.5, tile.shape).astype(np.float32)
        tile = np.clip(tile, 0, 255).astype(np.uint8)
        side = int(h * rng.uniform(0.55, 0.78))
        fx = int(np.clip((w - side) // 2 + rng.uniform(-0.12, 0.12) * w, 0, w - side))
        fy = int(np.clip((h - side) // 2 + rng.uniform(-0.06, 0.06) * h, 0, h - side))
        big = cv2.resize(face, (side, side), interpolation=cv2.INTER_CUBIC).astype(np.float32)
        tint = (rng.uniform(0.72, 0.9), rng.uniform(0.85, 0.96), 1.0)
        colour = np.stack([big * tint[0], big * tint[1], big * tint[2]], axis=2)
        edge = max(2, side // 12)
        alpha = np.zeros((side, side), np.float32)
        alpha[edge:-edge, edge:-edge] = 1.0
        alpha = cv2.GaussianBlur(alpha, (edge * 2 + 1,) * 2, edge / 1.5)[:, :, None]
        region = tile[fy : fy + side, fx : fx + side].astype(np.float32)
        tile[fy : fy + side, fx : fx + side] = (region + (colour - region) * alpha).astype(np.uint8)
        face_box: Box | None = (fx, fy, side, side)
    else:
        grey = int(rng.integers(20, 60)) if rng.random() < 0.5 else int(rng.integers(200, 240))
        tile = np.full((h, w, 3), grey, np.uint8)
        ink = (235, 235, 235) if grey < 128 else (60, 60, 60)
        if avatar:
            radius = max(int(h * 0.2), 6)
            cv2.circle(
                tile,
                (w // 2, h // 2),
                radius,
                tuple(int(v) for v in rng.integers(60, 200, 3)),
                -1,
                cv2.LINE_AA,
            )
            initials = text.mask(name[:1], script, max(int(radius * 0.8), 8))
            _blend(
                tile,
                initials,
                w // 2 - initials.shape[1] // 2,
                h // 2 - initials.shape[0] // 2,
                (255, 255, 255),
            )
        else:
            big = text.mask(name, script, int(np.clip(h * 0.11, 10, 48)))[:, : w - 16]
            _blend(tile, big, (w - big.shape[1]) // 2, (h - big.shape[0]) // 2, ink)
        face_box = None
    label_box: Box | None = None
    if label:
        mask = text.mask(name, script, int(np.clip(round(h * 0.085), 10, 22)))[:, : max(1, w - 20)]
        lw, lh = mask.shape[1] + 10, mask.shape[0] + 6
        lx, ly = 4, h - lh - 4
        tile[ly : ly + lh, lx : lx + lw] = (
            tile[ly : ly + lh, lx : lx + lw].astype(np.float32) * 0.42
        ).astype(np.uint8)
        _blend(tile, mask, lx + 5, ly + 3, (255, 255, 255))
        label_box = (lx, ly, lw, lh)
    return GeneratedTile(tile, face_box, label_box, name, emotion if face is not None else None)
