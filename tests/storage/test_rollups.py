"""The rollups kept by write_frame (and backfilled by migration 0002) give exactly what the
observations give, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select

from alembic import command
from model import EMOTIONS
from storage import (
    Database,
    PrivacyPolicy,
    StudentObservation,
    connect,
    purge,
    start_session,
    upgrade,
    write_frame,
)
from storage.database import alembic_config
from storage.queries import class_timeline, session_report, student_heatmap, student_summary
from storage.schema import FrameRollup, LectureSession, Observation, Participant, StudentMinuteRollup
from storage.writes import rebuild_rollups

# Starts 40.5 s into a minute; frames 0.7 s apart, so frames and buckets straddle minute edges.
T0 = datetime(2026, 11, 24, 9, 0, 40, 500_000, tzinfo=UTC)
NAMES = ("Ana", "Bo", "Чен", "Dee")


def _observations(rng: np.random.Generator, frame: int) -> list[StudentObservation]:
    seen = []
    for k, name in enumerate(NAMES):
        camera = (frame + k) % 6 != 1
        face = camera and (frame + 3 * k) % 9 != 4
        scores = tuple(float(v) for v in rng.dirichlet(np.ones(len(EMOTIONS)))) if face else None
        seen.append(StudentObservation(name, camera, (1, 2, 30, 30) if face else None, scores))
    if frame % 4 == 0:
        seen.append(StudentObservation(None, True, None, tuple(float(v) for v in rng.dirichlet(np.ones(7)))))
    return seen


def _lecture(db: Database, privacy: PrivacyPolicy, frames: int = 260) -> int:
    rng = np.random.default_rng(3)
    sid = start_session(db, "Rollups", "synth", privacy, started_at=T0)
    for frame in range(frames):
        write_frame(
            db, sid, frame, T0 + timedelta(milliseconds=700 * frame), _observations(rng, frame), privacy
        )
    return sid


def _same(rolled: pd.DataFrame, raw: pd.DataFrame) -> None:
    assert not raw.empty
    pd.testing.assert_frame_equal(rolled, raw, check_dtype=False, atol=1e-9, rtol=0)


def _assert_queries_match(db: Database, sid: int) -> None:
    since = T0 + timedelta(seconds=100)
    for bucket in (1, 5, 30, 60, 120, 300):
        _same(class_timeline(db, sid, bucket), class_timeline(db, sid, bucket, from_rollups=False))
        _same(
            class_timeline(db, sid, bucket, since=since),
            class_timeline(db, sid, bucket, since=since, from_rollups=False),
        )
    for bucket in (60, 120, 180):
        _same(student_heatmap(db, sid, bucket), student_heatmap(db, sid, bucket, from_rollups=False))
        _same(
            student_heatmap(db, sid, bucket, since=since),
            student_heatmap(db, sid, bucket, since=since, from_rollups=False),
        )
    _same(student_summary(db, sid), student_summary(db, sid, from_rollups=False))
    rolled, raw = (
        session_report(db, sid, bucket_seconds=60),
        session_report(db, sid, bucket_seconds=60, from_rollups=False),
    )
    for part in ("timeline", "students", "attendance", "hardest"):
        pd.testing.assert_frame_equal(
            getattr(rolled, part), getattr(raw, part), check_dtype=False, atol=1e-9, rtol=0
        )


def _rollup_rows(db: Database, sid: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    with db.engine.connect() as conn:
        frames = pd.DataFrame(
            conn.execute(
                select(FrameRollup).where(FrameRollup.session_id == sid).order_by(FrameRollup.frame)
            ).all()
        )
        students = pd.DataFrame(
            conn.execute(
                select(StudentMinuteRollup)
                .where(StudentMinuteRollup.session_id == sid)
                .order_by(StudentMinuteRollup.participant_id, StudentMinuteRollup.minute)
            ).all()
        )
    return frames, students


def test_write_frame_rollups_match_the_observations(any_db: Database) -> None:
    sid = _lecture(any_db, PrivacyPolicy("named"))
    _assert_queries_match(any_db, sid)
    summary = student_summary(any_db, sid)
    assert sorted(summary["student"]) == sorted(NAMES)
    assert summary["frames"].sum() == 260 * len(NAMES)
    written = _rollup_rows(any_db, sid)
    assert written[1]["minute"].nunique() == 4  # 09:00:40.5 + 181.3 s spans four minutes
    with any_db.engine.begin() as conn:
        rebuild_rollups(conn, sid)
    for kept, rebuilt in zip(written, _rollup_rows(any_db, sid)):
        pd.testing.assert_frame_equal(kept, rebuilt, check_dtype=False, atol=1e-9, rtol=0)


def test_aggregate_mode_rolls_up_the_class_only(any_db: Database) -> None:
    sid = _lecture(any_db, PrivacyPolicy("aggregate"), frames=90)
    for bucket in (5, 60):
        _same(class_timeline(any_db, sid, bucket), class_timeline(any_db, sid, bucket, from_rollups=False))
    assert student_summary(any_db, sid).empty
    frames, students = _rollup_rows(any_db, sid)
    assert len(frames) == 90 and students.empty


def test_rollups_go_with_their_session_on_purge(any_db: Database) -> None:
    _lecture(any_db, PrivacyPolicy("named"), frames=5)
    assert purge(any_db, 0, now=T0 + timedelta(days=1)) == 1
    with any_db.session() as session:
        for table in (FrameRollup, StudentMinuteRollup):
            assert session.scalar(select(func.count()).select_from(table)) == 0


def test_migration_backfills_rollups_from_existing_observations(empty_url: str) -> None:
    db = connect(empty_url, migrate=False)
    try:
        command.upgrade(alembic_config(db.engine), "0001_initial")
        rng = np.random.default_rng(5)
        with db.engine.begin() as conn:
            sid = conn.execute(
                insert(LectureSession).values(
                    title="Old", source="synth", privacy_mode="named", started_at=T0, frames_written=150
                )
            ).inserted_primary_key[0]
            ids = [
                conn.execute(
                    insert(Participant).values(session_id=sid, display_name=name, first_seen=T0, last_seen=T0)
                ).inserted_primary_key[0]
                for name in NAMES
            ]
            rows = []
            for frame in range(150):
                moment = T0 + timedelta(milliseconds=900 * frame)
                for k, seen in enumerate(_observations(rng, frame)):
                    scores = dict(zip(EMOTIONS, seen.scores)) if seen.scores else dict.fromkeys(EMOTIONS)
                    pid = ids[k] if k < len(ids) else None
                    rows.append(
                        {
                            "session_id": sid,
                            "participant_id": pid,
                            "frame": frame,
                            "timestamp": moment,
                            "camera_on": seen.camera_on,
                            **scores,
                        }
                    )
            conn.execute(insert(Observation), rows)
        assert upgrade(db) == "0003_class_size"
        _assert_queries_match(db, sid)
    finally:
        db.dispose()
