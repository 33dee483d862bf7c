"""Temperature scaling and the expected calibration error (model.calibration), and the shipped temperature."""

from __future__ import annotations

import numpy as np
import pytest

from model import EmotionClassifier, ModelError
from model.calibration import expected_calibration_error, fit_temperature, with_temperature
from model.quality import FITTED_TEMPERATURES, QUALITY_WEIGHTS


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _faces(temperature: float, n: int = 20000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities softmax(logits) of faces whose labels were drawn from softmax(logits / temperature):
    a model that is over- (temperature > 1) or under-confident (< 1) by exactly that temperature."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, 2.5, (n, 7))
    truth = _softmax(logits / temperature)
    labels = np.array([rng.choice(7, p=p) for p in truth])
    return _softmax(logits).astype(np.float32), labels


def test_temperature_keeps_each_faces_top_class_and_sums_to_one() -> None:
    probabilities, _ = _faces(1.0, n=500)
    for temperature in (0.5, 1.0, 2.0):
        scaled = with_temperature(probabilities, temperature)
        assert np.allclose(scaled.sum(axis=1), 1.0, atol=1e-5)
        assert np.array_equal(scaled.argmax(axis=1), probabilities.argmax(axis=1))
    assert with_temperature(probabilities, 1.0) is probabilities
    assert with_temperature(probabilities, 2.0).max(axis=1).mean() < probabilities.max(axis=1).mean()


def test_the_fitted_temperature_is_the_one_the_labels_were_drawn_with() -> None:
    for temperature in (0.7, 1.0, 1.8):
        probabilities, labels = _faces(temperature)
        assert fit_temperature(probabilities, labels) == pytest.approx(temperature, rel=0.08)


def test_calibration_error_is_small_when_calibrated_and_large_when_overconfident() -> None:
    calibrated, labels = _faces(1.0)
    overconfident, drawn = _faces(2.0)
    assert expected_calibration_error(calibrated, labels) < 0.02
    assert expected_calibration_error(overconfident, drawn) > 0.08
    fitted = fit_temperature(overconfident, drawn)
    assert expected_calibration_error(with_temperature(overconfident, fitted), drawn) < 0.02


def test_the_committed_weights_get_their_fitted_temperature_and_others_none(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert EmotionClassifier.load().temperature == FITTED_TEMPERATURES[QUALITY_WEIGHTS["fast"]] == 0.720
    assert EmotionClassifier.load(temperature=1.3).temperature == 1.3
    other = tmp_path / "copy.onnx"
    other.write_bytes(EmotionClassifier.load().path.read_bytes())
    assert EmotionClassifier.load(other).temperature == 1.0
    with pytest.raises(ModelError, match="temperature"):
        EmotionClassifier.load(temperature=0.0)
