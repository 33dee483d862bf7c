"""The rule capture and storage share for the times they are given: an aware time, in UTC.

Capture stamps frames from the start time a frame source is given, storage answers queries
"since" a time a caller gives; a naive time could be any zone, so both refuse it rather than
guess. It lives here because both packages import ``model`` and neither may import the other.
"""

from __future__ import annotations

from datetime import UTC, datetime


def aware_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; ValueError for a naive time (one without a zone)."""
    if moment.tzinfo is None:
        raise ValueError(f"expected a timezone-aware time (got naive {moment.isoformat()})")
    return moment.astimezone(UTC)
