"""The user-facing error types of every package, so the CLI can print them as one line."""

from __future__ import annotations

import importlib

from pydantic import ValidationError


class UserError(Exception):
    """A problem the user can fix (bad argument, missing file); printed without a traceback."""


_ERROR_TYPES: tuple[tuple[str, str], ...] = (
    ("training.errors", "DatasetError"),
    ("training.errors", "TrainingError"),
    ("model.errors", "ModelError"),
    ("storage.errors", "StorageError"),
    ("capture.errors", "CaptureError"),
    ("dashboard.errors", "DashboardError"),
)


def _load_user_errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [UserError, ValidationError]
    for module_name, class_name in _ERROR_TYPES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        error = getattr(module, class_name, None)
        if isinstance(error, type) and issubclass(error, BaseException):
            found.append(error)
    return tuple(found)


USER_ERRORS: tuple[type[BaseException], ...] = _load_user_errors()


def describe(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
