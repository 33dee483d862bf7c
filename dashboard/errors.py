"""The dashboard's user-facing error."""

from __future__ import annotations


class DashboardError(ValueError):
    """A dashboard problem the user can fix (bad secret key, port in use, no database)."""
