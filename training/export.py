"""Export trained Keras weights to the ONNX file the inference runtime loads."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np

from training.errors import TrainingError


def export_onnx(model: keras.Model, path: Path) -> Path:
    """Write ``model`` as ONNX (input ``(n, 48, 48, 1)`` float32, output ``(n, 7)`` probabilities)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.predict_on_batch(np.zeros((1, 48, 48, 1), np.float32))
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / path.name
        model.export(str(staged), format="onnx", verbose=False)
        shutil.move(str(staged), path)
    return path


def load_keras(path: Path) -> keras.Model:
    """Load a ``.keras`` checkpoint, with a clear error when it is not one."""
    path = Path(path)
    if not path.is_file():
        raise TrainingError(f"{path}: no such Keras checkpoint")
    try:
        return keras.models.load_model(str(path), compile=False)
    except (ValueError, OSError) as exc:
        raise TrainingError(f"{path}: not a Keras model ({exc})") from None
