"""Errors of the model package."""

from __future__ import annotations


class ModelError(RuntimeError):
    """Weights that cannot be loaded or used; the message names the file."""
