"""Capture fixtures: face folders (real FER2013 test split, or a tiny generated one)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from model import EMOTIONS


@pytest.fixture(scope="session")
def faces_dir(fer_root: Path) -> Path:
    """FER2013 test/: <emotion>/*.jpg faces (skips where the dataset is not beside the checkout)."""
    return fer_root / "test"


@pytest.fixture()
def tiny_faces(tmp_path: Path) -> Path:
    """Four generated 48x48 'faces' per emotion in <emotion>/ subfolders."""
    rng = np.random.default_rng(7)
    root = tmp_path / "faces"
    for label, emotion in enumerate(EMOTIONS):
        (root / emotion).mkdir(parents=True)
        for i in range(4):
            face = rng.integers(60, 200, (48, 48), dtype=np.uint8)
            cv2.ellipse(face, (24, 30), (12, 4 + label), 0, 0, 180, 20, 2)
            cv2.imwrite(str(root / emotion / f"face_{i}.png"), face)
    return root
