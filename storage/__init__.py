"""Storage: the database schema, engine set-up, and the functions the recorder, the CLI and the
dashboard call (the dashboard's read queries are :mod:`storage.queries`).

Exports load on first use (PEP 562): the config loader reads ``storage.settings`` for every
command, and that must not start SQLAlchemy and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.database import Database, connect, current_revision, head_revision, upgrade
    from storage.errors import StorageError
    from storage.export import EXCEL_MARK, EXPORT_COLUMNS, export_csv, iter_csv
    from storage.retention import apply_retention, purge, sessions_older_than
    from storage.secrets import load_or_create_secret
    from storage.users import (
        add_user,
        authenticate,
        count_users,
        get_user,
        list_users,
        set_password,
    )
    from storage.writes import (
        PrivacyPolicy,
        StudentObservation,
        end_session,
        latest_open_session,
        open_session,
        resume_session,
        start_session,
        utc,
        write_frame,
    )

_EXPORTS: dict[str, tuple[str, ...]] = {
    "storage.database": ("Database", "connect", "current_revision", "head_revision", "upgrade"),
    "storage.errors": ("StorageError",),
    "storage.export": ("EXCEL_MARK", "EXPORT_COLUMNS", "export_csv", "iter_csv"),
    "storage.retention": ("apply_retention", "purge", "sessions_older_than"),
    "storage.secrets": ("load_or_create_secret",),
    "storage.users": (
        "add_user",
        "authenticate",
        "count_users",
        "get_user",
        "list_users",
        "set_password",
    ),
    "storage.writes": (
        "PrivacyPolicy",
        "StudentObservation",
        "end_session",
        "latest_open_session",
        "open_session",
        "resume_session",
        "start_session",
        "utc",
        "write_frame",
    ),
}
__all__ = [  # written out: linters and type checkers read the exports from it
    "EXCEL_MARK",
    "EXPORT_COLUMNS",
    "Database",
    "PrivacyPolicy",
    "StorageError",
    "StudentObservation",
    "add_user",
    "apply_retention",
    "authenticate",
    "connect",
    "count_users",
    "current_revision",
    "end_session",
    "export_csv",
    "get_user",
    "head_revision",
    "iter_csv",
    "latest_open_session",
    "list_users",
    "load_or_create_secret",
    "open_session",
    "purge",
    "resume_session",
    "sessions_older_than",
    "set_password",
    "start_session",
    "upgrade",
    "utc",
    "write_frame",
]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            value = getattr(import_module(module), name)
            globals()[name] = value  # the next lookup is a plain attribute
            return value
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
