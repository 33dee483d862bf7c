"""Errors of the training package (light to import: the CLI loads them up front)."""

from __future__ import annotations


class DatasetError(ValueError):
    """A dataset that cannot be read; the message names the offending path."""


class TrainingError(RuntimeError):
    """A training run that cannot start or continue; the message says why."""
