"""Storage: the database schema, engine set-up, and the functions capture and dashboard call.

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
    from storage.measures import MOOD_INDEX_DEFINITION
    from storage.queries import (
        SessionReport,
        class_timeline,
        current_state,
        latest_session_id,
        list_sessions,
        needs_attention,
        session_info,
        session_report,
        student_heatmap,
        student_summary,
        student_timeline,
    )
    from storage.retention import apply_retention, purge, sessions_older_than
    from storage.secrets import load_or_create_secret
    from storage.users import (
        ROLES,
        User,
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
    "storage.measures": ("MOOD_INDEX_DEFINITION",),
    # Dashboard read queries (storage/queries.py): pandas DataFrames aggregated in SQL.
    "storage.queries": (
        "SessionReport",
        "class_timeline",
        "current_state",
        "latest_session_id",
        "list_sessions",
        "needs_attention",
        "session_info",
        "session_report",
        "student_heatmap",
        "student_summary",
        "student_timeline",
    ),
    "storage.retention": ("apply_retention", "purge", "sessions_older_than"),
    "storage.secrets": ("load_or_create_secret",),
    "storage.users": (
        "ROLES",
        "User",
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
    "MOOD_INDEX_DEFINITION",
    "ROLES",
    "Database",
    "PrivacyPolicy",
    "SessionReport",
    "StorageError",
    "StudentObservation",
    "User",
    "add_user",
    "apply_retention",
    "authenticate",
    "class_timeline",
    "connect",
    "count_users",
    "current_revision",
    "current_state",
    "end_session",
    "export_csv",
    "get_user",
    "head_revision",
    "iter_csv",
    "latest_open_session",
    "latest_session_id",
    "list_sessions",
    "list_users",
    "load_or_create_secret",
    "needs_attention",
    "open_session",
    "purge",
    "resume_session",
    "session_info",
    "session_report",
    "sessions_older_than",
    "set_password",
    "start_session",
    "student_heatmap",
    "student_summary",
    "student_timeline",
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
