"""Emotion model: shared preprocessing and the CPU inference runtime."""

from model.classifier import DEFAULT_WEIGHTS, EmotionClassifier
from model.emotions import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from model.errors import ModelError
from model.preprocess import INPUT_SIZE, preprocess

__all__ = [
    "DEFAULT_WEIGHTS",
    "EMOTIONS",
    "INPUT_SIZE",
    "NEGATIVE_EMOTIONS",
    "POSITIVE_EMOTIONS",
    "EmotionClassifier",
    "ModelError",
    "preprocess",
]
