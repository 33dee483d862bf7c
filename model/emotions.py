"""The seven FER2013 emotion classes, in the dataset's label order."""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
NEGATIVE_EMOTIONS: frozenset[str] = frozenset({"angry", "disgust", "fear", "sad"})
POSITIVE_EMOTIONS: frozenset[str] = frozenset({"happy", "surprise"})
