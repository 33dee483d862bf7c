"""Emotion model: shared preprocessing and the CPU inference runtime.

Exports load on first use (PEP 562): the config loader reads ``model.settings`` for
every command, and that must not start ONNX Runtime.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.classifier import DEFAULT_WEIGHTS, EmotionClassifier
    from model.emotions import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
    from model.errors import ModelError
    from model.preprocess import INPUT_SIZE, preprocess

_EXPORTS: dict[str, tuple[str, ...]] = {
    "model.classifier": ("DEFAULT_WEIGHTS", "EmotionClassifier"),
    "model.emotions": ("EMOTIONS", "NEGATIVE_EMOTIONS", "POSITIVE_EMOTIONS"),
    "model.errors": ("ModelError",),
    "model.preprocess": ("INPUT_SIZE", "preprocess"),
}
__all__ = [name for names in _EXPORTS.values() for name in names]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            value = getattr(import_module(module), name)
            globals()[name] = value     # the next lookup is a plain attribute
            return value
    raise AttributeError(f"module 'model' has no attribute {name!r}")
