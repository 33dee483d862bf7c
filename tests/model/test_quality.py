"""``model.quality``: which committed weights each mode loads, and the accurate file on real faces."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model import EMOTIONS, EmotionClassifier
from model.quality import FITTED_TEMPERATURES, WEIGHTS_DIR, weights_for
from model.settings import ModelSettings
from training.data import load_fer


def test_quality_picks_the_committed_file_and_an_explicit_path_wins(tmp_path: Path) -> None:
    assert ModelSettings().weights() == WEIGHTS_DIR / "emotion.onnx"
    assert ModelSettings(quality="accurate").weights() == WEIGHTS_DIR / "emotion-accurate.onnx"
    mine = tmp_path / "mine.onnx"
    assert ModelSettings(quality="accurate", path=mine).weights() == mine


def test_the_accurate_file_loads_with_its_fitted_temperature() -> None:
    classifier = EmotionClassifier.load(weights_for("accurate"))
    assert classifier.path.stat().st_size < 8_000_000
    assert classifier.temperature == FITTED_TEMPERATURES[weights_for("accurate")]
    assert classifier.predict(np.zeros((0, 48, 48), np.uint8)).shape == (0, len(EMOTIONS))


def test_the_accurate_file_classifies_real_faces(fer_root: Path) -> None:
    """No mocks: every FER2013 PublicTest face through the int8 teacher and default averaged, as the
    agent runs them; the bound is just under the model card's figure, above the fast default's."""
    split = load_fer(fer_root, "test")
    probabilities = EmotionClassifier.load(weights_for("accurate")).predict(split.images)
    assert probabilities.shape == (len(split), len(EMOTIONS))
    assert np.allclose(probabilities.sum(1), 1.0, atol=1e-5)
    assert float(np.mean(probabilities.argmax(1) == split.labels)) >= 0.66
