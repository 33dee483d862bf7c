"""Retention: delete lectures (and everything recorded in them) older than a number of days."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from storage.database import Database
from storage.errors import StorageError
from storage.schema import LectureSession, Observation, Participant
from storage.writes import utc


def purge(db: Database, older_than_days: int, now: datetime | None = None) -> int:
    """Delete sessions started more than ``older_than_days`` days ago; returns how many."""
    if older_than_days < 0:
        raise StorageError("--older-than must be 0 days or more")
    cutoff = utc(now) - timedelta(days=older_than_days)
    with db.session() as session:
        old = LectureSession.__table__.select().with_only_columns(LectureSession.id).where(LectureSession.started_at < cutoff)
        session.execute(delete(Observation).where(Observation.session_id.in_(old)))
        session.execute(delete(Participant).where(Participant.session_id.in_(old)))
        return session.execute(delete(LectureSession).where(LectureSession.started_at < cutoff)).rowcount


def apply_retention(db: Database, retention_days: int, now: datetime | None = None) -> int:
    """The automatic retention setting: 0 keeps everything."""
    return purge(db, retention_days, now) if retention_days > 0 else 0
