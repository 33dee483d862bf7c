"""Emotion model: shared preprocessing and the CPU inference runtime.

Exports load on first use (PEP 562): the config loader reads ``model.settings`` for
every command, and that must not start ONNX Runtime.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
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
__all__ = [  # written out: linters and type checkers read the exports from it
    "DEFAULT_WEIGHTS",
    "EMOTIONS",
    "INPUT_SIZE",
    "NEGATIVE_EMOTIONS",
    "POSITIVE_EMOTIONS",
    "EmotionClassifier",
    "ModelError",
    "preprocess",
]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            value = getattr(import_module(module), name)
            globals()[name] = value  # the next lookup is a plain attribute
            return value
    raise AttributeError(f"module 'model' has no attribute {name!r}")


class _Package(ModuleType):
    """The import system binds each submodule on its package; the function ``preprocess`` wins
    over the submodule ``model.preprocess``, as it did when the exports were imported eagerly."""

    def __setattr__(self, name: str, value: Any) -> None:
        if not (isinstance(value, ModuleType) and name in __all__):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
