"""The CPU inference runtime: ONNX Runtime over the weights that training exported."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

from model.calibration import with_temperature
from model.emotions import EMOTIONS
from model.errors import ModelError
from model.preprocess import INPUT_SIZE, preprocess
from model.quality import QUALITY_WEIGHTS, fitted_temperature
from model.runtime import cpu_session

DEFAULT_WEIGHTS = QUALITY_WEIGHTS["fast"]


class EmotionClassifier:
    """Face crops in, one probability vector over :data:`EMOTIONS` per face out.

    ``mirror``: each face is also classified mirrored left to right and the two probability vectors
    are averaged (test-time augmentation: twice the network's work for a small gain in accuracy,
    model/MODEL_CARD.md). ``temperature`` calibrates the probabilities (:mod:`model.calibration`).
    """

    def __init__(
        self,
        session: ort.InferenceSession,
        path: Path,
        mirror: bool = False,
        threads: int = 2,
        temperature: float = 1.0,
    ) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.path = path
        self.mirror = mirror
        self.threads = threads
        self.temperature = temperature

    def __reduce__(self) -> tuple[object, tuple[Path, int, bool, float]]:
        """Pickled as how to load it: another process (the agent's face worker) loads its own copy."""
        return (EmotionClassifier.load, (self.path, self.threads, self.mirror, self.temperature))

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        threads: int = 2,
        mirror: bool = False,
        temperature: float | None = None,
    ) -> EmotionClassifier:
        """Load ONNX weights (default: the committed ``model/weights/emotion.onnx``). ``temperature``
        None: the one fitted for a committed file (:mod:`model.quality`), 1.0 for others."""
        path = Path(path) if path is not None else DEFAULT_WEIGHTS
        if temperature is None:
            temperature = fitted_temperature(path)
        if not temperature > 0:
            raise ModelError(f"temperature must be above 0 (got {temperature})")
        session = cpu_session(path, threads, "emotion model")
        shape = session.get_inputs()[0].shape
        outputs = session.get_outputs()[0].shape
        if list(shape[1:]) != [INPUT_SIZE, INPUT_SIZE, 1] or outputs[-1] != len(EMOTIONS):
            raise ModelError(
                f"{path}: expects input {shape} and output {outputs}, not (n, 48, 48, 1) -> (n, 7)"
            )
        return cls(session, path, mirror, threads, temperature)

    def predict_preprocessed(self, batch: np.ndarray) -> np.ndarray:
        """Probabilities for a batch already passed through :func:`model.preprocess`."""
        if batch.shape[0] == 0:
            return np.zeros((0, len(EMOTIONS)), dtype=np.float32)
        n = batch.shape[0]
        if self.mirror:
            batch = np.concatenate((batch, batch[:, :, ::-1]))  # (n, 48, 48, 1): axis 2 is x
        (scores,) = self._session.run(None, {self._input: np.ascontiguousarray(batch, dtype=np.float32)})
        scores = np.asarray(scores, dtype=np.float32)
        return with_temperature((scores[:n] + scores[n:]) / 2 if self.mirror else scores, self.temperature)

    def predict(self, crops: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
        """Face crops of any size, BGR or grayscale -> (n, 7) probabilities."""
        return self.predict_preprocessed(preprocess(crops))
