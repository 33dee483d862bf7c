"""Mirror averaging (``model.mirror_average``): each face with its mirror image, probabilities averaged."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model import EmotionClassifier, preprocess
from training.data import load_fer

WEIGHTS = Path(__file__).resolve().parents[2] / "model" / "weights" / "emotion-fp32.onnx"


def test_mirror_average_is_the_mean_of_a_face_and_its_mirror_image(fer_root: Path) -> None:
    faces = load_fer(fer_root, "test").images[:40]
    mirrored = [face[:, ::-1].copy() for face in faces]
    plain = EmotionClassifier.load(WEIGHTS)
    averaged = EmotionClassifier.load(WEIGHTS, mirror=True)
    expected = (plain.predict(faces) + plain.predict(mirrored)) / 2
    got = averaged.predict(faces)
    assert got.shape == (40, 7)
    assert np.allclose(got, expected, atol=1e-5)
    assert np.allclose(got.sum(1), 1.0, atol=1e-5)
    assert np.allclose(averaged.predict(mirrored), got, atol=1e-5)  # a face and its mirror score alike
    assert not np.allclose(plain.predict(faces), got, atol=1e-3)  # and it is not the plain model
    assert averaged.predict([]).shape == (0, 7)


def test_mirror_average_scores_at_least_the_plain_model_on_publictest_faces(fer_root: Path) -> None:
    faces = load_fer(fer_root, "test")
    # faces of every class: the split is sorted by class
    sample = np.random.default_rng(0).permutation(len(faces))[:800]
    batch = preprocess(faces.images[sample])
    labels = np.asarray(faces.labels[sample])
    plain = EmotionClassifier.load(WEIGHTS).predict_preprocessed(batch).argmax(1)
    averaged = EmotionClassifier.load(WEIGHTS, mirror=True).predict_preprocessed(batch).argmax(1)
    assert np.mean(averaged == labels) >= np.mean(plain == labels) - 0.01
