"""Seed a database with lectures whose content the tests know exactly (ORM inserts, then the
rollups rebuilt from them as the migration's backfill does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from model.emotions import EMOTIONS
from storage.schema import LectureSession, Observation, Participant
from storage.writes import rebuild_rollups

T0 = datetime(2024, 3, 1, 10, 0, 0, tzinfo=UTC)
XSS_NAME = "<script>alert(1)</script>"
ADMIN = ("ada", "correct horse battery")
TEACHER = ("tom", "staple paper clip")


@dataclass(frozen=True)
class SeededLecture:
    session_id: int
    participant_ids: dict[str, int]
    raw: pd.DataFrame  # one row per observation, as inserted (timestamp, name, camera_on, probs, emotion)


def seed_lecture(
    session: Session,
    *,
    title: str = "Algebra",
    names: tuple[str, ...] = ("Ana", "Bo", XSS_NAME),
    seconds: int = 40,
    start: datetime = T0,
    ended: bool = True,
    seed: int = 0,
    sad_names: tuple[str, ...] = (),
    absent_names: tuple[str, ...] = (),
) -> SeededLecture:
    """One observation per student per second: random probabilities, every 7th frame of a
    student camera off, every 11th no face; ``sad_names`` are sad all the time and
    ``absent_names`` have their camera off all the time."""
    rng = np.random.default_rng(seed)
    lecture = LectureSession(
        title=title,
        source="synth",
        privacy_mode="named",
        started_at=start,
        ended_at=start + timedelta(seconds=seconds) if ended else None,
        frames_written=seconds,
    )
    session.add(lecture)
    session.flush()
    participants = {
        name: Participant(
            session_id=lecture.id,
            display_name=name,
            first_seen=start,
            last_seen=start + timedelta(seconds=seconds - 1),
        )
        for name in names
    }
    session.add_all(participants.values())
    session.flush()
    records = []
    for frame in range(seconds):
        timestamp = start + timedelta(seconds=frame, microseconds=250_000)
        for k, name in enumerate(names):
            camera_on = (frame + k) % 7 != 3 and name not in absent_names
            has_face = camera_on and (frame + 2 * k) % 11 != 5
            probs: list[float | None] = [None] * len(EMOTIONS)
            emotion = None
            if has_face:
                values = rng.dirichlet(np.ones(len(EMOTIONS)))
                if name in sad_names:
                    values = np.full(len(EMOTIONS), 0.02)
                    values[EMOTIONS.index("sad")] = 1 - 0.02 * (len(EMOTIONS) - 1)
                probs = [float(v) for v in values]
                emotion = EMOTIONS[int(np.argmax(values))]
            records.append(
                {
                    "timestamp": timestamp,
                    "frame": frame,
                    "name": name,
                    "participant_id": participants[name].id,
                    "camera_on": camera_on,
                    "emotion": emotion,
                    **dict(zip(EMOTIONS, probs)),
                }
            )
    session.add_all(
        Observation(
            session_id=lecture.id,
            participant_id=r["participant_id"],
            frame=r["frame"],
            timestamp=r["timestamp"],
            camera_on=r["camera_on"],
            emotion=r["emotion"],
            confidence=None if r["emotion"] is None else max(r[e] for e in EMOTIONS),
            **{e: r[e] for e in EMOTIONS},
        )
        for r in records
    )
    session.flush()
    rebuild_rollups(session.connection(), lecture.id)
    raw = pd.DataFrame.from_records(records)
    raw["timestamp"] = pd.to_datetime(raw["timestamp"], utc=True)
    for e in EMOTIONS:
        raw[e] = raw[e].astype(float)
    return SeededLecture(lecture.id, {n: p.id for n, p in participants.items()}, raw)


def append_frames(
    session: Session, lecture: SeededLecture, first_frame: int, count: int, mood: str = "happy"
) -> None:
    """More frames for an existing lecture: every student on camera showing ``mood``."""
    rows = []
    for frame in range(first_frame, first_frame + count):
        timestamp = T0 + timedelta(seconds=frame, microseconds=250_000)
        for pid in lecture.participant_ids.values():
            probs = dict.fromkeys(EMOTIONS, 0.02)
            probs[mood] = 1 - 0.02 * (len(EMOTIONS) - 1)
            rows.append(
                Observation(
                    session_id=lecture.session_id,
                    participant_id=pid,
                    frame=frame,
                    timestamp=timestamp,
                    camera_on=True,
                    emotion=mood,
                    confidence=probs[mood],
                    **probs,
                )
            )
    session.add_all(rows)
    session.flush()
    rebuild_rollups(session.connection(), lecture.session_id)
