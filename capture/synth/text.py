"""Names drawn in any script: a font that covers it, anti-aliased masks, and blending them into a frame."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from capture.synth.names import NAMES


def font_file(lang: str) -> Path | None:
    """A font file that fontconfig says covers ``lang`` (a Noto Sans one when there is one)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run(
        [fc_list, f":lang={lang}", "file"], capture_output=True, text=True, timeout=20, check=False
    ).stdout
    files = sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})
    if not files:
        return None

    def rank(path: str) -> tuple[int, int, str]:
        name = Path(path).name
        noto_regular = name.startswith("NotoSans") and "-Regular" in name
        plain = not any(word in name for word in ("Mono", "Display", "UI", "Condensed", "Serif"))
        return (0 if noto_regular else 1, 0 if plain else 1, name)

    return Path(sorted(files, key=rank)[0])


class TextRenderer:
    """Draws names in any of our scripts with a font that has their glyphs; keeps fonts and masks."""

    def __init__(self) -> None:
        self.fonts: dict[str, Path | None] = {}
        self._faces: dict[tuple[str, int], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
        self._masks: dict[tuple[str, str, int], np.ndarray] = {}
        self._subpixel: dict[tuple[str, str, int], np.ndarray] = {}

    def supports(self, script: str) -> bool:
        """Whether ``script``'s names can be drawn (Latin always can, with Pillow's own font)."""
        if script not in self.fonts:
            self.fonts[script] = font_file(NAMES[script][0])
        return self.fonts[script] is not None or script == "latin"

    def _font(self, script: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        """The font for ``script`` at pixel ``size`` (Pillow's own without a covering one)."""
        key = (script, size)
        if key not in self._faces:
            path = self.fonts.get(script) if self.supports(script) else None
            if path is None:
                self._faces[key] = ImageFont.load_default(size)
            else:
                self._faces[key] = ImageFont.truetype(str(path), size)
        return self._faces[key]

    def mask(self, text: str, script: str, size: int) -> np.ndarray:
        """Anti-aliased coverage (uint8, 255 = ink) of ``text`` at pixel ``size``."""
        key = (text, script, size)
        cached = self._masks.get(key)
        if cached is not None:
            return cached
        font = self._font(script, size)
        left, top, right, bottom = font.getbbox(text)
        width, height = max(int(right - left) + 2, 1), max(int(bottom - top) + 2, 1)
        canvas = Image.new("L", (width, height), 0)
        ImageDraw.Draw(canvas).text((1 - left, 1 - top), text, font=font, fill=255)
        mask = np.asarray(canvas, dtype=np.uint8)
        self._masks[key] = mask
        return mask

    def subpixel_mask(self, text: str, script: str, size: int) -> np.ndarray:
        """``text`` at pixel ``size`` as Windows ClearType draws it: the glyphs rendered at three times
        the horizontal resolution, each pixel's blue, green and red taking a third of it (uint8,
        height x width x 3 in B, G, R order), so the letters' vertical edges are fringed with colour."""
        key = (text, script, size)
        cached = self._subpixel.get(key)
        if cached is not None:
            return cached
        fine = self.mask(text, script, 3 * size)
        height, width = max(fine.shape[0] // 3, 1), max(fine.shape[1] // 3, 1)
        fine = cv2.resize(fine, (3 * width, height), interpolation=cv2.INTER_AREA)
        red, green, blue = (fine[:, shift::3] for shift in range(3))
        mask = np.ascontiguousarray(np.dstack([blue, green, red]))
        self._subpixel[key] = mask
        return mask


def paint(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, colour: Sequence[int]) -> None:
    """Blend ``colour`` into ``canvas`` through coverage ``mask`` placed at (x, y), clipped; a mask of
    three channels (:meth:`TextRenderer.subpixel_mask`) covers each channel on its own."""
    h, w = mask.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, canvas.shape[1]), min(y + h, canvas.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    alpha = mask[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32) * (1.0 / 255.0)
    if alpha.ndim == 2:
        alpha = alpha[:, :, None]
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    region += (np.asarray(colour, np.float32) - region) * alpha
    canvas[y0:y1, x0:x1] = region.astype(np.uint8)
