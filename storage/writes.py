"""What the capture agent writes: sessions, one transaction per frame, privacy applied here."""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    TextClause,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from model.emotions import EMOTIONS
from model.moments import aware_utc
from model.names import name_key
from storage.database import Database
from storage.errors import StorageError
from storage.measures import epoch_seconds_sql, mood_index, mood_index_sql
from storage.schema import (
    SUM_COLUMNS,
    FrameRollup,
    LectureSession,
    Observation,
    Participant,
    StudentMinuteRollup,
)
from storage.settings import PrivacyMode


@dataclass(frozen=True)
class StudentObservation:
    """One student in one frame, as the agent saw it. ``scores`` follow ``EMOTIONS``; None = no face."""

    name: str | None
    camera_on: bool
    face_box: tuple[int, int, int, int] | None = None
    scores: tuple[float, ...] | None = None


@dataclass(frozen=True)
class PrivacyPolicy:
    """How names are stored: as given, as keyed pseudonyms, or not at all."""

    mode: PrivacyMode = PrivacyMode.NAMED
    exclude: frozenset[str] = field(default_factory=frozenset)
    pseudonym_key: bytes = b""

    def __post_init__(self) -> None:
        if self.mode not in set(PrivacyMode):
            raise StorageError(f"privacy mode {self.mode!r} is not one of {', '.join(PrivacyMode)}")
        object.__setattr__(self, "mode", PrivacyMode(self.mode))
        if self.mode == PrivacyMode.PSEUDONYMOUS and len(self.pseudonym_key) < 16:
            raise StorageError("pseudonymous mode needs a secret pseudonym key of at least 16 bytes")
        object.__setattr__(self, "exclude", frozenset(name_key(n) for n in self.exclude))

    def excludes(self, name: str | None) -> bool:
        return name is not None and name_key(name) in self.exclude

    def key(self, name: str) -> str:
        """What identifies a student in the database: the name (at most 200 characters) or its pseudonym."""
        return name[:200] if self.mode == "named" else self.pseudonym(name)

    def pseudonym(self, name: str) -> str:
        """A stable pseudonym: the same name and key always give the same one."""
        digest = hmac.new(self.pseudonym_key, name_key(name).encode("utf-8"), hashlib.sha256).hexdigest()
        return f"Student {digest[:8]}"


def utc(moment: datetime | None = None) -> datetime:
    """``moment`` (or now) as an aware UTC datetime; naive values are taken as UTC (the database
    stores UTC without a zone)."""
    if moment is None:
        return datetime.now(UTC)
    return aware_utc(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)


def start_session(
    db: Database,
    title: str,
    source: str,
    privacy: PrivacyPolicy,
    started_at: datetime | None = None,
    class_size: int | None = None,
) -> int:
    """Open a lecture session; returns its id. ``class_size``: the length of the class list, if one was given."""
    with db.session() as session:
        row = LectureSession(
            title=title[:200],
            source=source[:500],
            privacy_mode=privacy.mode,
            started_at=utc(started_at),
            frames_written=0,
            class_size=class_size,
        )
        session.add(row)
        session.flush()
        return row.id


def end_session(db: Database, session_id: int, ended_at: datetime | None = None) -> None:
    """Mark the lecture ended; a participant seen in a single frame and never again (a label misread
    once, a tile matched to nobody for one frame) stops being a student: its rows stay in the class
    figures, without a name."""
    with db.transaction() as connection:
        result = connection.execute(
            update(LectureSession.__table__)
            .where(LectureSession.id == session_id)
            .values(ended_at=utc(ended_at))
        )
        if result.rowcount == 0:
            raise StorageError(f"no lecture session with id {session_id}")
        _forget_fleeting_participants(connection, session_id)


def _forget_fleeting_participants(connection: Connection, session_id: int) -> None:
    observations, participants = Observation.__table__, Participant.__table__
    last_frame = connection.execute(
        select(func.max(observations.c.frame)).where(observations.c.session_id == session_id)
    ).scalar()
    if last_frame is None:
        return
    fleeting = [
        row[0]
        for row in connection.execute(
            select(observations.c.participant_id)
            .where(observations.c.session_id == session_id, observations.c.participant_id.is_not(None))
            .group_by(observations.c.participant_id)
            .having(
                func.count(func.distinct(observations.c.frame)) == 1,
                func.max(observations.c.frame) < last_frame,
            )
        )
    ]
    if not fleeting:
        return
    connection.execute(
        update(observations).where(observations.c.participant_id.in_(fleeting)).values(participant_id=None)
    )
    connection.execute(
        delete(StudentMinuteRollup.__table__).where(StudentMinuteRollup.participant_id.in_(fleeting))
    )
    connection.execute(delete(participants).where(participants.c.id.in_(fleeting)))


def _merge_participant(
    connection: Connection, session_id: int, column: str, placeholder: str, name: str, sqlite_db: bool
) -> None:
    """What was recorded under ``placeholder`` follows ``name`` (a label read later named that tile):
    the participant is renamed, or, if ``name`` was recorded already, its rows move there."""
    participants, observations = Participant.__table__, Observation.__table__
    key = participants.c[column]
    ids: dict[str, int] = dict(
        connection.execute(
            select(key, participants.c.id).where(
                participants.c.session_id == session_id, key.in_((placeholder, name))
            )
        )
        .tuples()
        .all()
    )
    old_id, new_id = ids.get(placeholder), ids.get(name)
    if old_id is None:
        return
    if new_id is None:
        connection.execute(update(participants).where(participants.c.id == old_id).values({column: name}))
        return
    old = participants.alias("old")
    smaller, larger = (func.min, func.max) if sqlite_db else (func.least, func.greatest)
    connection.execute(
        update(participants)
        .where(participants.c.id == new_id)
        .values(
            first_seen=smaller(
                participants.c.first_seen,
                select(old.c.first_seen).where(old.c.id == old_id).scalar_subquery(),
            ),
            last_seen=larger(
                participants.c.last_seen, select(old.c.last_seen).where(old.c.id == old_id).scalar_subquery()
            ),
        )
    )
    connection.execute(
        update(observations).where(observations.c.participant_id == old_id).values(participant_id=new_id)
    )
    rollups = StudentMinuteRollup.__table__
    connection.execute(delete(rollups).where(rollups.c.participant_id.in_((old_id, new_id))))
    connection.execute(delete(participants).where(participants.c.id == old_id))
    _, students = _rollup_sql(
        connection.dialect.name, "session_id = :session_id AND participant_id = :participant_id"
    )
    connection.execute(text(students), {"session_id": session_id, "participant_id": new_id})


def _forget_participant(connection: Connection, session_id: int, column: str, key: str) -> None:
    """Everything recorded under ``key`` deleted (a placeholder that turned out to be an excluded name)."""
    participants = Participant.__table__
    found = connection.execute(
        select(participants.c.id).where(
            participants.c.session_id == session_id, participants.c[column] == key
        )
    ).scalar()
    if found is None:
        return
    connection.execute(delete(Observation.__table__).where(Observation.participant_id == found))
    connection.execute(delete(participants).where(participants.c.id == found))
    rebuild_rollups(connection, session_id)


def latest_open_session(db: Database, source: str, title: str | None = None) -> int | None:
    """The newest never-ended session from ``source`` (and ``title``, when given): a restarted agent's."""
    stmt = select(LectureSession.id).where(
        LectureSession.source == source[:500], LectureSession.ended_at.is_(None)
    )
    if title is not None:
        stmt = stmt.where(LectureSession.title == title[:200])
    with db.session() as session:
        return session.scalar(
            stmt.order_by(LectureSession.started_at.desc(), LectureSession.id.desc()).limit(1)
        )


def resume_session(db: Database, session_id: int) -> int:
    """Continue writing to a session (reopening it if it was ended); returns the next frame number."""
    with db.session() as session:
        row = session.get(LectureSession, session_id)
        if row is None:
            raise StorageError(f"no lecture session with id {session_id}")
        row.ended_at = None
        return row.frames_written


def open_session(db: Database, title: str, source: str) -> tuple[int, int] | None:
    """The latest unfinished session with this title and source, and the next frame number to write."""
    session_id = latest_open_session(db, source, title)
    return None if session_id is None else (session_id, resume_session(db, session_id))


def _participant_ids(
    connection: Connection, session_id: int, keys: set[str], column: str, moment: datetime, sqlite: bool
) -> dict[str, int]:
    """Ids of this session's participants by name (or pseudonym), creating the new ones."""
    if not keys:
        return {}
    table = Participant.__table__
    attribute = table.c[column]
    found: dict[str, int] = dict(
        connection.execute(
            select(attribute, table.c.id).where(table.c.session_id == session_id, attribute.in_(keys))
        )
        .tuples()
        .all()
    )
    missing = keys - found.keys()
    if missing:
        connection.execute(
            insert(table),
            [
                {"session_id": session_id, column: key, "first_seen": moment, "last_seen": moment}
                for key in sorted(missing)
            ],
        )
        found.update(
            connection.execute(
                select(attribute, table.c.id).where(table.c.session_id == session_id, attribute.in_(missing))
            )
            .tuples()
            .all()
        )
    if found:
        smaller, larger = (func.min, func.max) if sqlite else (func.least, func.greatest)
        connection.execute(
            update(table)
            .where(table.c.id.in_(found.values()))
            .values(
                first_seen=smaller(table.c.first_seen, moment), last_seen=larger(table.c.last_seen, moment)
            )
        )
    return found


def _observation_row(
    session_id: int,
    participant_id: int | None,
    frame: int,
    moment: datetime,
    seen: StudentObservation,
    keep_box: bool,
) -> dict[str, object]:
    row: dict[str, object] = {
        "session_id": session_id,
        "participant_id": participant_id,
        "frame": frame,
        "timestamp": moment,
        "camera_on": bool(seen.camera_on),
        "face_x": None,
        "face_y": None,
        "face_w": None,
        "face_h": None,
        "emotion": None,
        "confidence": None,
        **dict.fromkeys(EMOTIONS),
    }
    if seen.face_box is not None and keep_box:
        row["face_x"], row["face_y"], row["face_w"], row["face_h"] = (int(v) for v in seen.face_box)
    if seen.scores is not None and seen.camera_on:
        if len(seen.scores) != len(EMOTIONS):
            raise StorageError(f"expected {len(EMOTIONS)} emotion scores, got {len(seen.scores)}")
        scores = [float(s) for s in seen.scores]
        if not all(math.isfinite(s) for s in scores):
            raise StorageError(f"emotion scores must be finite numbers, got {scores}")
        best = max(range(len(scores)), key=scores.__getitem__)
        row.update(zip(EMOTIONS, scores))
        row["emotion"], row["confidence"] = EMOTIONS[best], scores[best]
    return row


def write_frame(
    db: Database,
    session_id: int,
    frame: int,
    timestamp: datetime,
    observations: Sequence[StudentObservation],
    privacy: PrivacyPolicy,
    renamed: Sequence[tuple[str, str]] = (),
) -> int:
    """Write one frame's observations in one transaction; returns the number of rows written.

    ``renamed``: (placeholder, name) pairs the agent resolved on this frame; what was recorded under
    the placeholder follows the name first (and is deleted if the name is excluded)."""
    if frame < 0:
        raise StorageError(f"frame numbers start at 0, got {frame}")
    moment = utc(timestamp)
    kept = [o for o in observations if not privacy.excludes(o.name)]
    sqlite = db.engine.dialect.name == "sqlite"
    larger = func.max if sqlite else func.greatest
    lectures = LectureSession.__table__
    # SQLAlchemy Core on one connection, upserts built once: the ORM's bulk machinery and compiling
    # the upserts on every frame cost more than SQLite itself (docs/benchmarks.md)
    with db.transaction() as connection:
        updated = connection.execute(
            update(lectures)
            .where(lectures.c.id == session_id)
            .values(frames_written=larger(lectures.c.frames_written, frame + 1))
        )
        if updated.rowcount == 0:
            raise StorageError(f"no lecture session with id {session_id}")
        if privacy.mode == "aggregate":
            rows = [_observation_row(session_id, None, frame, moment, o, keep_box=False) for o in kept]
            secrets.SystemRandom().shuffle(rows)
        else:
            column = "display_name" if privacy.mode == "named" else "pseudonym"
            for placeholder, name in renamed:
                if privacy.excludes(placeholder):
                    continue
                if privacy.excludes(name):
                    _forget_participant(connection, session_id, column, privacy.key(placeholder))
                else:
                    _merge_participant(
                        connection, session_id, column, privacy.key(placeholder), privacy.key(name), sqlite
                    )
            keyed = [(o, privacy.key(o.name) if o.name else None) for o in kept]
            ids = _participant_ids(connection, session_id, {k for _, k in keyed if k}, column, moment, sqlite)
            rows = [
                _observation_row(session_id, ids.get(k) if k else None, frame, moment, o, keep_box=True)
                for o, k in keyed
            ]
        if rows:
            connection.execute(insert(Observation.__table__), rows)
            _upsert_rollups(connection, session_id, frame, moment, rows, sqlite)
    return len(rows)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _totals(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    faces = [r for r in rows if r["happy"] is not None]
    return {
        "rows": len(rows),
        "faces": len(faces),
        **{f"sum_{name}": sum((r[name] for r in faces), 0.0) for name in EMOTIONS},
        "sum_mood": sum((mood_index(r) for r in faces), 0.0),
    }


@functools.lru_cache(maxsize=8)
def _upsert_statement(
    table: Table, keys: tuple[str, ...], columns: tuple[str, ...], sqlite_db: bool
) -> TextClause:
    """INSERT ... ON CONFLICT (keys) DO UPDATE adding the counts and sums, widening first/last times.

    Built and compiled once per table and dialect. SQLAlchemy does not cache the compiled form of
    its dialect-specific INSERT (docs/dashboard.md gives the cost), so the statement is kept as the
    SQL it compiles to, with its parameters typed as the columns are (dates bound as the dialect binds
    them)."""
    stmt = (sqlite.insert if sqlite_db else postgresql.insert)(table)
    smaller, larger = (func.min, func.max) if sqlite_db else (func.least, func.greatest)
    changes: dict[str, Any] = {}
    for column in columns:
        if column in keys:
            continue
        if column in ("ts", "first_seen"):
            changes[column] = smaller(table.c[column], stmt.excluded[column])
        elif column == "last_seen":
            changes[column] = larger(table.c[column], stmt.excluded[column])
        else:
            changes[column] = table.c[column] + stmt.excluded[column]
    upsert = stmt.values({column: bindparam(column) for column in columns}).on_conflict_do_update(
        index_elements=list(keys),
        set_=changes,
    )
    dialect = sqlite.dialect(paramstyle="named") if sqlite_db else postgresql.dialect(paramstyle="named")
    return text(str(upsert.compile(dialect=dialect))).bindparams(
        *(bindparam(column, type_=table.c[column].type) for column in columns)
    )


def _upsert(
    connection: Connection, table: Table, keys: list[str], params: list[dict[str, Any]], sqlite_db: bool
) -> None:
    connection.execute(_upsert_statement(table, tuple(keys), tuple(params[0]), sqlite_db), params)


def _upsert_rollups(
    connection: Connection,
    session_id: int,
    frame: int,
    moment: datetime,
    rows: Sequence[dict[str, Any]],
    sqlite_db: bool,
) -> None:
    """Add one frame's observation rows to ``frame_rollups`` and ``student_minute_rollups``
    (inside the frame's transaction, so the rollups always match the observations)."""
    frame_row = {
        "session_id": session_id,
        "frame": frame,
        "ts": moment,
        "camera_off": sum(1 for r in rows if not r["camera_on"]),
        **_totals(rows),
    }
    _upsert(connection, FrameRollup.__table__, ["session_id", "frame"], [frame_row], sqlite_db)
    by_student: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["participant_id"] is not None:
            by_student.setdefault(int(row["participant_id"]), []).append(row)
    if not by_student:
        return
    minute = (moment - _EPOCH) // timedelta(minutes=1)
    students = [
        {
            "session_id": session_id,
            "participant_id": participant_id,
            "minute": minute,
            "camera_on": sum(1 for r in mine if r["camera_on"]),
            **_totals(mine),
            "first_seen": moment,
            "last_seen": moment,
        }
        for participant_id, mine in sorted(by_student.items())
    ]
    _upsert(
        connection,
        StudentMinuteRollup.__table__,
        ["session_id", "participant_id", "minute"],
        students,
        sqlite_db,
    )


def _rollup_sql(dialect: str, where: str) -> tuple[str, str]:
    """INSERT ... SELECT statements rebuilding both rollups from the observations matching ``where``."""
    minute = f"{epoch_seconds_sql('timestamp', dialect)} / 60"
    probabilities = Observation.__table__.c
    mood = mood_index_sql(lambda name: probabilities[name]).compile(
        dialect=(sqlite.dialect if dialect == "sqlite" else postgresql.dialect)(),
        compile_kwargs={"literal_binds": True},
    )
    sums = ", ".join([*(f"COALESCE(SUM({name}), 0.0)" for name in EMOTIONS), f"COALESCE(SUM({mood}), 0.0)"])
    sum_columns = ", ".join(SUM_COLUMNS)
    frames = (
        f"INSERT INTO frame_rollups (session_id, frame, ts, rows, faces, camera_off, {sum_columns}) "
        f"SELECT session_id, frame, MIN(timestamp), COUNT(*), COUNT(happy), "
        f"SUM(CASE WHEN camera_on THEN 0 ELSE 1 END), {sums} "
        f"FROM observations WHERE {where} GROUP BY session_id, frame"
    )
    students = (
        f"INSERT INTO student_minute_rollups (session_id, participant_id, minute, rows, camera_on, faces, "
        f"{sum_columns}, first_seen, last_seen) "
        f"SELECT session_id, participant_id, {minute}, COUNT(*), SUM(CASE WHEN camera_on THEN 1 ELSE 0 END), "
        f"COUNT(happy), {sums}, MIN(timestamp), MAX(timestamp) "
        f"FROM observations WHERE participant_id IS NOT NULL AND {where} "
        f"GROUP BY session_id, participant_id, {minute}"
    )
    return frames, students


def rebuild_rollups(connection: Connection, session_id: int) -> None:
    """Recompute one session's rollups from its observations (for rows inserted around
    :func:`write_frame`, e.g. bulk-loaded benchmark or test data). Runs in the caller's transaction."""
    for table in (FrameRollup, StudentMinuteRollup):
        connection.execute(delete(table).where(table.session_id == session_id))
    for statement in _rollup_sql(connection.dialect.name, "session_id = :session_id"):
        connection.execute(text(statement), {"session_id": session_id})
