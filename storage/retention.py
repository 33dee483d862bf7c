"""Retention: delete lectures (and everything recorded in them) older than a number of days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select

from storage.database import Database
from storage.errors import StorageError
from storage.schema import LectureSession, Observation, Participant
from storage.writes import utc


def _cutoff(older_than_days: int, now: datetime | None) -> datetime:
    if older_than_days < 0:
        raise StorageError(f"retention of {older_than_days} days: must be 0 days or more")
    return utc(now) - timedelta(days=older_than_days)


def sessions_older_than(db: Database, older_than_days: int, now: datetime | None = None) -> int:
    """How many sessions :func:`purge` would delete."""
    cutoff = _cutoff(older_than_days, now)
    with db.session() as session:
        return session.scalar(select(func.count()).where(LectureSession.started_at < cutoff)) or 0


def purge(db: Database, older_than_days: int, now: datetime | None = None) -> int:
    """Delete sessions started more than ``older_than_days`` days ago, in one transaction; returns how many."""
    cutoff = _cutoff(older_than_days, now)
    with db.session() as session:
        old = select(LectureSession.id).where(LectureSession.started_at < cutoff)
        session.execute(delete(Observation).where(Observation.session_id.in_(old)))
        session.execute(delete(Participant).where(Participant.session_id.in_(old)))
        deleted = session.execute(delete(LectureSession).where(LectureSession.started_at < cutoff))
        return cast(
            CursorResult[Any], deleted
        ).rowcount  # a DELETE's result; Session.execute is typed for any statement


def apply_retention(db: Database, retention_days: int, now: datetime | None = None) -> int:
    """The automatic retention setting (``privacy.retention_days``): 0 keeps everything."""
    return purge(db, retention_days, now) if retention_days > 0 else 0
