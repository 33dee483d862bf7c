from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from model import EMOTIONS, EmotionClassifier, ModelError, preprocess
from training.evaluate import darken


def test_shapes_dtype_and_range() -> None:
    rng = np.random.default_rng(0)
    crops = [rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for h, w in ((48, 48), (130, 97), (20, 31))]
    batch = preprocess(crops)
    assert batch.shape == (3, 48, 48, 1) and batch.dtype == np.float32
    assert 0.0 <= batch.min() and batch.max() <= 1.0


def test_bgr_bgra_and_gray_crops_agree() -> None:
    rng = np.random.default_rng(1)
    gray = rng.integers(0, 256, (60, 60), dtype=np.uint8)
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    bgra = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA)
    a, b, c, d = preprocess([gray, bgr, bgra, gray[:, :, None]])
    assert np.array_equal(a, b) and np.array_equal(a, c) and np.array_equal(a, d)


def test_a_stack_of_48x48_faces_is_a_batch() -> None:
    faces = np.random.default_rng(2).integers(0, 256, (5, 48, 48), dtype=np.uint8)
    assert preprocess(faces).shape == (5, 48, 48, 1)
    assert np.array_equal(preprocess(faces), preprocess(list(faces)))


def test_equalisation_makes_dim_faces_look_normal(fer_root: Path) -> None:
    face = cv2.imread(str(next((fer_root / "test" / "happy").glob("*.jpg"))), cv2.IMREAD_GRAYSCALE)
    normal, dim = preprocess([face, darken(face[None])[0]])
    assert float(np.abs(normal - dim).mean()) < 0.08


def test_empty_and_malformed_crops_are_rejected() -> None:
    with pytest.raises(ValueError):
        preprocess([np.zeros((0, 10, 3), np.uint8)])
    with pytest.raises(ValueError):
        preprocess([np.zeros((4, 4, 4, 4), np.uint8)])


def test_classifier_outputs_one_distribution_per_face() -> None:
    classifier = EmotionClassifier.load()
    crops = [np.full((80, 64, 3), 100, np.uint8), np.zeros((48, 48), np.uint8)]
    scores = classifier.predict(crops)
    assert scores.shape == (2, len(EMOTIONS))
    assert np.allclose(scores.sum(axis=1), 1.0, atol=1e-4)
    assert classifier.predict([]).shape == (0, 7)


def test_missing_or_broken_weights_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        EmotionClassifier.load(tmp_path / "none.onnx")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x00garbage")
    with pytest.raises(ModelError, match="not a loadable ONNX model"):
        EmotionClassifier.load(broken)
