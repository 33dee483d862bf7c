"""The committed default weights on real FER2013 faces, on the machine the tests run on."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model import EmotionClassifier, preprocess
from training.data import load_fer

WEIGHTS = Path(__file__).resolve().parents[2] / "model" / "weights"


def test_int8_default_predicts_like_float32_on_this_cpu(fer_root: Path) -> None:
    """int8 kernels can saturate on some CPUs (uint8 x int8 without VNNI): the default int8 file must
    give the float32 model's class for nearly every face here, whatever this CPU is."""
    faces = preprocess(load_fer(fer_root, "test").images[:600])
    int8 = EmotionClassifier.load(WEIGHTS / "emotion.onnx").predict_preprocessed(faces)
    fp32 = EmotionClassifier.load(WEIGHTS / "emotion-fp32.onnx").predict_preprocessed(faces)
    agreement = float(np.mean(int8.argmax(1) == fp32.argmax(1)))
    assert agreement >= 0.95, f"int8 and float32 agree on {agreement:.1%} of faces"
    assert np.allclose(int8.sum(1), 1.0, atol=1e-5)
