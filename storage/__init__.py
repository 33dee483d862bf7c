"""Storage: the database schema, engine set-up, and the functions capture and dashboard call."""

from storage.database import Database, connect, current_revision, head_revision, upgrade
from storage.errors import StorageError
from storage.export import EXCEL_MARK, EXPORT_COLUMNS, export_csv, iter_csv
from storage.retention import apply_retention, purge, sessions_older_than
from storage.secrets import load_or_create_secret
from storage.users import ROLES, User, add_user, authenticate, count_users, get_user, list_users
from storage.writes import (
    PrivacyPolicy,
    StudentObservation,
    end_session,
    latest_open_session,
    normalize_name,
    open_session,
    resume_session,
    start_session,
    write_frame,
)

__all__ = [
    "EXCEL_MARK",
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
    "normalize_name",
    "open_session",
    "purge",
    "resume_session",
    "sessions_older_than",
    "start_session",
    "upgrade",
    "write_frame",
]

# Dashboard read queries (storage/queries.py): pandas DataFrames aggregated in SQL.
from storage.queries import (
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
