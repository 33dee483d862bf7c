"""Storage: the database schema, engine set-up, and the functions capture and dashboard call."""

from storage.database import Database, connect, upgrade
from storage.errors import StorageError
from storage.export import EXPORT_COLUMNS, export_csv, iter_csv
from storage.retention import apply_retention, purge
from storage.secrets import load_or_create_secret
from storage.users import ROLES, User, add_user, authenticate, get_user, list_users
from storage.writes import (
    PrivacyPolicy,
    StudentObservation,
    end_session,
    normalize_name,
    open_session,
    start_session,
    write_frame,
)

__all__ = [
    "EXPORT_COLUMNS",
    "ROLES",
    "Database",
    "PrivacyPolicy",
    "StorageError",
    "StudentObservation",
    "User",
    "add_user",
    "apply_retention",
    "authenticate",
    "connect",
    "end_session",
    "export_csv",
    "get_user",
    "iter_csv",
    "list_users",
    "load_or_create_secret",
    "normalize_name",
    "open_session",
    "purge",
    "start_session",
    "upgrade",
    "write_frame",
]

# Dashboard read queries (storage/queries.py): pandas DataFrames aggregated in SQL.
from storage.queries import (  # noqa: E402
    MOOD_INDEX_DEFINITION,
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

__all__ += [
    "MOOD_INDEX_DEFINITION",
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
]
