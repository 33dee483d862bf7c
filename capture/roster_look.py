"""Roster names matched by their look: labels too small or blurred for OCR, compared with each name drawn.

A 7x7 gallery on a laptop draws names 5-6 px tall; OCR reads few of them, but the shape of a whole
name (its length, its capitals, ascenders and descenders) still tells the roster's names apart.
Each roster name is drawn in the sans-serif font fontconfig picks for its letters, at a few sizes
around the label's height, and compared with the label by normalised cross-correlation. Labels of
one frame take names jointly, best pairs first, each name once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from capture.box import Box
from capture.fonts import font_for

LOOK_MATCH = 0.45  # correlation of a label with a drawn name for the name to be taken ...
LOOK_MARGIN = 0.05  # ... when it is this much above the label's next best free name
WORK_HEIGHT = 48  # labels are compared scaled to about this many pixels tall
MIN_TEXT = 4  # a drawn name's font size: at least this many of the label's own pixels,
TEXT_SHARES = (0.55, 1.25)  # ... from and to these shares of the label box's height,
TEXT_STEP = 1.04  # ... each 4 % larger than the one before (a long name 5 % too large no longer lines up)
MAX_SCALE = 6  # labels are scaled up at most this many times
MASTER_SIZE = 96  # names are drawn once this large (px), then averaged down to each size
DRAWN_MARGIN = 0.4  # blank drawn either side of a name, as a share of its font size
DRAWN_CACHE_SIZE = 20000  # names drawn at a size and scale kept for reuse (labels keep their sizes)
LOOK_EVERY = 5  # after a lecture's first frame, unread labels are compared every this many frames


@dataclass(frozen=True)
class LookMatch:
    """The roster name a label looks like, and how much (correlation, 0..1)."""

    name: str
    score: float


class RosterLook:
    """Compares label crops with the roster's names drawn; keeps the drawings."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(dict.fromkeys(names))
        self._masters: dict[str, np.ndarray] = {}
        self._drawn: dict[tuple[str, float, int], np.ndarray] = {}

    def master(self, name: str) -> np.ndarray:
        """``name`` drawn once at :data:`MASTER_SIZE` px, white on black, with a blank margin either
        side (:data:`DRAWN_MARGIN`): a name that goes on past it is not this one."""
        image = self._masters.get(name)
        if image is None:
            font = font_for("".join(sorted({ch for ch in name if ord(ch) > 127})), MASTER_SIZE)
            left, top, right, bottom = font.getbbox(name)
            margin = round(DRAWN_MARGIN * MASTER_SIZE)
            pad = MASTER_SIZE // 8
            canvas = Image.new("L", (int(right - left) + 2 * margin, int(bottom - top) + 2 * pad), 0)
            ImageDraw.Draw(canvas).text((margin - left, pad - top), name, fill=255, font=font)
            image = self._masters[name] = np.asarray(canvas)
        return image

    def drawn(self, name: str, size: float, scale: int) -> np.ndarray:
        """``name`` as a screen shows it at font size ``size`` (px, quarters allowed), then scaled by
        ``scale`` as labels are: the large drawing averaged down to the screen's pixels (a screen's
        anti-aliasing), scaled up again (cubic). Float32."""
        key = (name, size, scale)
        image = self._drawn.get(key)
        if image is None:
            master = self.master(name)
            shrink = size / MASTER_SIZE
            screen = cv2.resize(
                master,
                (max(1, round(master.shape[1] * shrink)), max(1, round(master.shape[0] * shrink))),
                interpolation=cv2.INTER_AREA,
            )
            image = cv2.resize(screen, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC).astype(
                np.float32
            )
            if len(self._drawn) >= DRAWN_CACHE_SIZE:
                self._drawn.clear()
            self._drawn[key] = image
        return image

    def scores(self, label: np.ndarray, core: Box | None, names: Sequence[str]) -> np.ndarray:
        """How much ``label`` (BGR or gray crop; ``core``: the name box in it) looks like each of ``names``."""
        gray = (
            label
            if label.ndim == 2
            else cv2.cvtColor(np.ascontiguousarray(label[:, :, :3]), cv2.COLOR_BGR2GRAY)
        )
        x, y, w, h = core or (0, 0, gray.shape[1], gray.shape[0])
        inner = gray[y : y + h, x : x + w]
        out = np.zeros(len(names), np.float32)
        if inner.size == 0 or int(inner.max()) - int(inner.min()) < 30:
            return out
        threshold, _ = cv2.threshold(np.ascontiguousarray(inner), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        if float((inner > threshold).mean()) >= 0.5:  # dark text on a light label: text made bright
            gray = 255 - gray
        sizes = _sizes(max(MIN_TEXT, TEXT_SHARES[0] * h), TEXT_SHARES[1] * h)
        # only the band a name drawn from the box's left could cover: the crop's far side is video
        widest = max(self.drawn(name, sizes[-1], 1).shape[1] for name in names) if sizes else w
        gray = gray[max(0, y - h) : y + 2 * h, max(0, x - h) : x + widest + h]
        scale = int(np.clip(round(WORK_HEIGHT / gray.shape[0]), 1, MAX_SCALE))
        work = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC).astype(np.float32)
        for k, name in enumerate(names):
            best = 0.0
            for size in sizes:
                drawn = self.drawn(name, size, scale)
                if drawn.shape[0] > work.shape[0] or drawn.shape[1] > work.shape[1]:
                    continue
                best = max(best, float(cv2.matchTemplate(work, drawn, cv2.TM_CCOEFF_NORMED).max()))
            out[k] = best
        return out

    def assign(
        self, labels: Sequence[tuple[np.ndarray, Box | None]], names: Sequence[str]
    ) -> list[LookMatch | None]:
        """For each label the name it looks like, among ``names``, each given once: repeatedly the
        surest pair whose label has no other free name nearly as close (a name taken by a surer label
        no longer competes), nor any name's decoy (:func:`decoy`: the same width, capitals and
        letters in another order, so a label only as wide as a name does not take it). None where no
        name is close enough, or a rival stays nearly as close."""
        out: list[LookMatch | None] = [None] * len(labels)
        if not labels or not names:
            return out
        decoys = [decoy(name) for name in names]
        table = np.stack([self.scores(label, core, [*names, *decoys]) for label, core in labels])
        table, decoy_best = table[:, : len(names)], table[:, len(names) :].max(axis=1)
        while True:
            free = table.copy()
            free[[i for i, match in enumerate(out) if match is not None], :] = -1.0
            order = np.sort(free, axis=1)
            best = order[:, -1]
            rival = np.maximum(order[:, -2] if len(names) > 1 else -1.0, decoy_best)
            sure = (best >= LOOK_MATCH) & (best - rival >= LOOK_MARGIN)
            if not sure.any():
                return out
            label = int(np.argmax(np.where(sure, best, -1.0)))
            column = int(np.argmax(free[label]))
            out[label] = LookMatch(names[column], float(best[label]))
            table[:, column] = -1.0


class LookMemory:
    """Roster look matching over a session: the roster drawn (:class:`RosterLook`) and what each
    label crop compared looked like (a name, or None), by the crop's key, so that it is compared once."""

    def __init__(self, names: Sequence[str]) -> None:
        self.look = RosterLook(names)
        self._found: dict[bytes, LookMatch | None] = {}

    @staticmethod
    def due(frame: int) -> bool:
        """Whether unread labels are compared on ``frame`` (counted from 1): every label of a lecture's
        first frame, later only every :data:`LOOK_EVERY` frames (OCR tries again in between; a
        comparison costs tens of milliseconds)."""
        return frame == 1 or frame % LOOK_EVERY == 0

    def compared(self, key: bytes) -> bool:
        """Whether the crop with key ``key`` was compared before."""
        return key in self._found

    def recall(self, key: bytes) -> LookMatch | None:
        """The name the crop with key ``key`` was found to look like, if any."""
        return self._found.get(key)

    def remember(self, key: bytes, match: LookMatch | None) -> None:
        """Note what the crop with key ``key`` looked like (None: no roster name)."""
        self._found[key] = match

    def forget(self) -> None:
        """Forget every crop compared (the reader forgets its crops)."""
        self._found.clear()


def decoy(name: str) -> str:
    """``name`` with each word's letters after the first in reverse order ("Ana Novák" -> "Aan Nkávo")."""
    return " ".join(word[:1] + word[:0:-1] for word in name.split())


def _sizes(low: float, high: float) -> list[float]:
    """Font sizes from ``low`` to ``high`` px, each about :data:`TEXT_STEP` times the one before, in quarters."""
    out: list[float] = []
    size = low
    while size <= high:
        quarter = round(size * 4) / 4
        if not out or quarter > out[-1]:
            out.append(quarter)
        size *= TEXT_STEP
    return out
