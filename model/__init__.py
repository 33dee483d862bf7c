"""Emotion model: shared preprocessing and the CPU inference runtime."""

from model.emotions import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from model.preprocess import INPUT_SIZE, preprocess

__all__ = ["EMOTIONS", "INPUT_SIZE", "NEGATIVE_EMOTIONS", "POSITIVE_EMOTIONS", "preprocess"]
