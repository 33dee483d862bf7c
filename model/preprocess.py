"""The one preprocessing function shared by training and inference.

Face crops of any size, BGR or grayscale, become 48x48 grayscale images whose
histogram is equalised (so a dim or over-exposed face looks like a normal one
to the network), scaled to [0, 1] as float32 with a trailing channel axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

INPUT_SIZE = 48


def to_gray(crop: np.ndarray) -> np.ndarray:
    """Return a uint8 single-channel view of a BGR, BGRA or grayscale crop."""
    if crop.size == 0:
        raise ValueError(f"empty face crop of shape {crop.shape}")
    if crop.ndim == 3 and crop.shape[2] == 1:
        crop = crop[:, :, 0]
    if crop.ndim == 3 and crop.shape[2] in (3, 4):
        code = cv2.COLOR_BGRA2GRAY if crop.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        crop = cv2.cvtColor(crop, code)
    if crop.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale or 3-D colour image, got shape {crop.shape}")
    if crop.dtype != np.uint8:
        crop = np.clip(crop, 0, 255).astype(np.uint8)
    return crop


def resize_gray(crop: np.ndarray) -> np.ndarray:
    """One crop -> 48x48 uint8 grayscale (area interpolation when shrinking), not yet equalised."""
    gray = to_gray(crop)
    if gray.shape != (INPUT_SIZE, INPUT_SIZE):
        interp = cv2.INTER_AREA if min(gray.shape) > INPUT_SIZE else cv2.INTER_LINEAR
        gray = cv2.resize(gray, (INPUT_SIZE, INPUT_SIZE), interpolation=interp)
    return gray


def normalize_face(crop: np.ndarray) -> np.ndarray:
    """One crop -> equalised 48x48 uint8 grayscale."""
    return cv2.equalizeHist(np.ascontiguousarray(resize_gray(crop)))


def preprocess(crops: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    """Face crops -> float32 array of shape (n, 48, 48, 1) in [0, 1]."""
    if isinstance(crops, np.ndarray) and crops.ndim == 3 and crops.shape[1:] == (INPUT_SIZE, INPUT_SIZE):
        crops = list(crops)
    out = np.empty((len(crops), INPUT_SIZE, INPUT_SIZE, 1), dtype=np.float32)
    for i, crop in enumerate(crops):
        out[i, :, :, 0] = normalize_face(crop)
    out *= 1.0 / 255.0
    return out
