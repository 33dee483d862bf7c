"""A realistic lecture's frames as screenshots are: the screen the app fills, the label size, and
the picture saved (often downscaled for a web page or a document, sometimes JPEG'd)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from capture.box import Box
from capture.synth.truth import TruthStudent

# Screens people share calls from (logical pixels times the display's scaling)
SCREENS: tuple[tuple[int, int], ...] = (
    (1920, 1080),
    (1920, 1080),
    (1366, 768),
    (1280, 720),
    (1440, 900),
    (1536, 864),
    (1600, 900),
    (1920, 1200),
    (2560, 1440),
    (2560, 1600),
    (2880, 1620),
    (3024, 1964),
    (3840, 2160),
)


@dataclass(frozen=True)
class Shot:
    """How one realistic lecture is captured: the ``screen`` (w, h) the app is drawn at, the pixel
    size of the tile labels' text there (clients draw labels at one size whatever the tile's), the
    ``out`` (w, h) the screenshot is saved at, its JPEG quality (None: lossless PNG), and whether
    the app draws its text with sub-pixel anti-aliasing (``subpixel``: Windows ClearType)."""

    screen: tuple[int, int]
    label_px: int
    out: tuple[int, int]
    quality: int | None
    subpixel: bool = False


# The text size of tile labels each client draws on a 1080p-class screen (px, low and high)
LABEL_PX: dict[str, tuple[float, float]] = {"zoom": (12.0, 15.0), "meet": (14.0, 17.0), "teams": (12.0, 15.0)}


def choose_shot(rng: np.random.Generator, client: str) -> Shot:
    """A screen, the client's label size on it (larger on high-density screens), and how the
    picture was saved: at full size, or scaled down to a web page's width, and PNG or JPEG."""
    sw, sh = SCREENS[int(rng.integers(0, len(SCREENS)))]
    density = max(1.0, sw / 1920)
    label_px = round(float(rng.uniform(*LABEL_PX[client])) * density)
    out = (sw, sh)
    if rng.random() < 0.4:
        width = int(rng.integers(640, 1280))
        out = (width, round(sh * width / sw))
    quality = int(rng.integers(80, 99)) if rng.random() < 0.3 else None
    return Shot((sw, sh), label_px, out, quality)


def take(image: np.ndarray, truth: list[TruthStudent], shot: Shot) -> tuple[np.ndarray, list[TruthStudent]]:
    """The frame as the screenshot was saved, and its truth with every box scaled to it."""
    h, w = image.shape[:2]
    ow, oh = shot.out
    if (ow, oh) != (w, h):
        image = cv2.resize(image, (ow, oh), interpolation=cv2.INTER_AREA)
    if shot.quality is not None:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, shot.quality])
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            image = np.asarray(decoded, np.uint8)
    sx, sy = ow / w, oh / h

    def scale(box: Box | None) -> Box | None:
        if box is None:
            return None
        x, y, bw, bh = box
        return round(x * sx), round(y * sy), max(1, round(bw * sx)), max(1, round(bh * sy))

    scaled = [
        replace(s, box=scale(s.box) or s.box, label_box=scale(s.label_box), face_box=scale(s.face_box))
        for s in truth
    ]
    return image, scaled
