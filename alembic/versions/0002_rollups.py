"""Rollups for the dashboard: per-frame class totals and per-student per-minute totals, backfilled.

Revision ID: 0002_rollups
Revises: 0001_initial
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0002_rollups"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
_SUMS = (*(f"sum_{name}" for name in _EMOTIONS), "sum_mood")
# Mood index of a face: P(happy) + P(surprise) - P(angry) - P(disgust) - P(fear) - P(sad).
_MOOD = "0.0 - angry - disgust - fear + happy - sad + surprise"


def _sum_columns() -> list[sa.Column]:
    return [sa.Column(name, sa.Float(), nullable=False) for name in _SUMS]


def _backfill() -> None:
    """Both rollups from the observations already recorded (same arithmetic as the write path)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        minute = "CAST(strftime('%s', timestamp) AS INTEGER) / 60"
    else:
        minute = "CAST(FLOOR(EXTRACT(EPOCH FROM timestamp)) AS BIGINT) / 60"
    sums = ", ".join([*(f"COALESCE(SUM({name}), 0.0)" for name in _EMOTIONS), f"COALESCE(SUM({_MOOD}), 0.0)"])
    columns = ", ".join(_SUMS)
    op.execute(
        f"INSERT INTO frame_rollups (session_id, frame, ts, rows, faces, camera_off, {columns}) "
        f"SELECT session_id, frame, MIN(timestamp), COUNT(*), COUNT(happy), "
        f"SUM(CASE WHEN camera_on THEN 0 ELSE 1 END), {sums} "
        f"FROM observations GROUP BY session_id, frame"
    )
    op.execute(
        f"INSERT INTO student_minute_rollups (session_id, participant_id, minute, rows, camera_on, faces, "
        f"{columns}, first_seen, last_seen) "
        f"SELECT session_id, participant_id, {minute}, COUNT(*), SUM(CASE WHEN camera_on THEN 1 ELSE 0 END), "
        f"COUNT(happy), {sums}, MIN(timestamp), MAX(timestamp) "
        f"FROM observations WHERE participant_id IS NOT NULL "
        f"GROUP BY session_id, participant_id, {minute}"
    )


def upgrade() -> None:
    op.create_table(
        "frame_rollups",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("frame", sa.Integer(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("faces", sa.Integer(), nullable=False),
        sa.Column("camera_off", sa.Integer(), nullable=False),
        *_sum_columns(),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["lecture_sessions.id"],
            name=op.f("fk_frame_rollups_session_id_lecture_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "frame", name=op.f("pk_frame_rollups")),
    )
    op.create_table(
        "student_minute_rollups",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("camera_on", sa.Integer(), nullable=False),
        sa.Column("faces", sa.Integer(), nullable=False),
        *_sum_columns(),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_student_minute_rollups_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["lecture_sessions.id"],
            name=op.f("fk_student_minute_rollups_session_id_lecture_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "session_id", "participant_id", "minute", name=op.f("pk_student_minute_rollups")
        ),
    )
    _backfill()


def downgrade() -> None:
    op.drop_table("student_minute_rollups")
    op.drop_table("frame_rollups")
