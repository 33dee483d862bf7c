"""The committed weights behind each ``model.quality`` and the temperature fitted for each.

Plain paths and numbers: the config loader reads this module, which must not start ONNX Runtime.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Quality = Literal["fast", "accurate"]

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
QUALITY_WEIGHTS: dict[str, Path] = {
    # the small network, fine-tuned on the agent's framing (the default)
    "fast": WEIGHTS_DIR / "emotion.onnx",
    # the teacher network and the small one averaged, int8 (model/MODEL_CARD.md, "Accurate mode")
    "accurate": WEIGHTS_DIR / "emotion-accurate.onnx",
}
# Fitted on FER2013 PublicTest for each committed file (`classmood evaluate --json`,
# model/MODEL_CARD.md); other weights get 1.0 unless one is given.
FITTED_TEMPERATURES: dict[Path, float] = {
    QUALITY_WEIGHTS["fast"]: 0.720,
    QUALITY_WEIGHTS["accurate"]: 0.686,
}


def weights_for(quality: Quality) -> Path:
    """The committed weights file of ``quality``."""
    return QUALITY_WEIGHTS[quality]


def fitted_temperature(path: Path) -> float:
    """The temperature fitted for a committed weights file, 1.0 for any other."""
    return FITTED_TEMPERATURES.get(Path(path).resolve(), 1.0)
