"""Which exceptions are the user's to fix, so the CLI prints them as one line and exits 2.

Each package keeps its own error types; they are named here rather than imported, so that
starting the CLI does not import every package (and Dash, TensorFlow, ...) up front.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix (bad argument, missing file); printed without a traceback."""


USER_ERROR_TYPES: frozenset[tuple[str, str]] = frozenset(
    {
        ("training.errors", "DatasetError"),
        ("training.errors", "TrainingError"),
        ("model.errors", "ModelError"),
        ("storage.errors", "StorageError"),
        ("capture.errors", "CaptureError"),
        ("dashboard.errors", "DashboardError"),
        ("pydantic_core._pydantic_core", "ValidationError"),
    }
)


def is_user_error(exc: BaseException) -> bool:
    """True for :class:`UserError` and the packages' documented error types (and their subclasses)."""
    return any(
        cls is UserError or (cls.__module__, cls.__name__) in USER_ERROR_TYPES for cls in type(exc).__mro__
    )


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
