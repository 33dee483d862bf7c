"""The face images synthetic students show, by emotion, read once and kept."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from capture.errors import CaptureError
from model.emotions import EMOTIONS

log = logging.getLogger(__name__)

FACE_SUFFIXES: frozenset[str] = frozenset({".jpg", ".jpeg", ".png", ".bmp"})


@dataclass
class FaceLibrary:
    """Face image files by emotion; images are read (as 48x48-ish grayscale) once and kept."""

    root: Path
    files: dict[str, tuple[Path, ...]]
    _cache: dict[Path, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: Path) -> FaceLibrary:
        """The face images under ``root``'s emotion subfolders; a CaptureError when there are none."""
        root = Path(root)
        if not root.is_dir():
            raise CaptureError(
                f"faces folder {root}: not found (expected <emotion>/ subfolders of face images)"
            )
        files: dict[str, tuple[Path, ...]] = {}
        for emotion in EMOTIONS:
            folder = root / emotion
            if folder.is_dir():
                found = tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in FACE_SUFFIXES))
                if found:
                    files[emotion] = found
        if not files:
            raise CaptureError(
                f"faces folder {root}: no face images in any of the subfolders {', '.join(EMOTIONS)}"
            )
        return cls(root, files)

    @property
    def emotions(self) -> tuple[str, ...]:
        """The emotions with face images, in EMOTIONS' order."""
        return tuple(e for e in EMOTIONS if e in self.files)

    def image(self, path: Path) -> np.ndarray:
        """The grayscale face at ``path`` (a grey square, with a warning, when it cannot be read)."""
        image = self._cache.get(path)
        if image is None:
            image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if image is None:
                image = np.full((48, 48), 128, np.uint8)
                log.warning("faces: cannot read %s, using a grey square", path)
            self._cache[path] = image
        return image
