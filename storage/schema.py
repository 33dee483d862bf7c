"""SQLAlchemy 2.x models. Alembic (``alembic/``) owns the schema in every real database."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from model.emotions import EMOTIONS
from storage.settings import PrivacyMode

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every class here is mapped to a Table; SQLAlchemy types it as the wider FromClause.
        __table__: ClassVar[Table]


UtcDateTime = DateTime(timezone=True)
# The rollups' sums over their faces: one per emotion, in EMOTIONS order, and the mood index.
SUM_COLUMNS: tuple[str, ...] = (*(f"sum_{name}" for name in EMOTIONS), "sum_mood")


class _Probabilities:
    """One nullable column per emotion (``model.EMOTIONS``): a face's probabilities, None without a face."""


class _FaceSums:
    """The :data:`SUM_COLUMNS` of a rollup row."""


for _name in EMOTIONS:
    setattr(_Probabilities, _name, mapped_column(Float, nullable=True))
for _name in SUM_COLUMNS:
    setattr(_FaceSums, _name, mapped_column(Float, nullable=False))


class LectureSession(Base):
    """One lecture captured by the agent."""

    __tablename__ = "lecture_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(500))
    privacy_mode: Mapped[str] = mapped_column(String(16), default="named")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    frames_written: Mapped[int] = mapped_column(Integer, default=0)
    # students on the class list the agent was given (None: no list), for "present: 23 of 25"
    class_size: Mapped[int | None] = mapped_column(Integer, nullable=True)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint(
            f"privacy_mode IN ({', '.join(repr(mode.value) for mode in PrivacyMode)})", name="privacy_mode"
        ),
    )


class Participant(Base):
    """A student as seen in one session: display name (or only a pseudonym)."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lecture_sessions.id", ondelete="CASCADE"))
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    pseudonym: Mapped[str | None] = mapped_column(String(64), nullable=True)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)

    session: Mapped[LectureSession] = relationship(back_populates="participants")

    __table_args__ = (
        UniqueConstraint("session_id", "display_name"),
        UniqueConstraint("session_id", "pseudonym"),
    )


class Observation(_Probabilities, Base):
    """One student (or, in aggregate mode, one anonymous face) in one frame."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("lecture_sessions.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), nullable=True
    )
    frame: Mapped[int] = mapped_column(Integer)
    timestamp: Mapped[datetime] = mapped_column(UtcDateTime)
    camera_on: Mapped[bool] = mapped_column(Boolean)
    face_x: Mapped[int | None] = mapped_column(Integer, nullable=True)
    face_y: Mapped[int | None] = mapped_column(Integer, nullable=True)
    face_w: Mapped[int | None] = mapped_column(Integer, nullable=True)
    face_h: Mapped[int | None] = mapped_column(Integer, nullable=True)
    emotion: Mapped[str | None] = mapped_column(String(16), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        Index("ix_observations_session_time", "session_id", "timestamp"),
        Index("ix_observations_participant_time", "participant_id", "timestamp"),
        Index("ix_observations_session_frame", "session_id", "frame"),
    )


class FrameRollup(_FaceSums, Base):
    """One frame of a session, pre-aggregated over its observations (kept by :func:`storage.writes.write_frame`
    in the frame's transaction): the class timeline reads these instead of the observations.

    ``ts`` is the earliest observation timestamp of the frame; ``sum_*`` are sums over the faces
    (observations with probabilities), ``sum_mood`` the sum of their mood indices.
    """

    __tablename__ = "frame_rollups"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("lecture_sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    frame: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(UtcDateTime)
    rows: Mapped[int] = mapped_column(Integer)
    faces: Mapped[int] = mapped_column(Integer)
    camera_off: Mapped[int] = mapped_column(Integer)


class StudentMinuteRollup(_FaceSums, Base):
    """One student's observations in one minute (``minute`` = integer epoch seconds // 60),
    pre-aggregated in the frame's transaction: the per-student pages read these instead of the
    observations for buckets that are whole minutes. Observations without a participant
    (aggregate mode, unnamed tiles) have no row here.
    """

    __tablename__ = "student_minute_rollups"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("lecture_sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    minute: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rows: Mapped[int] = mapped_column(Integer)
    camera_on: Mapped[int] = mapped_column(Integer)
    faces: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)


class DashboardUser(Base):
    """Someone allowed into the dashboard."""

    __tablename__ = "dashboard_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (CheckConstraint("role IN ('teacher', 'admin')", name="role"),)
