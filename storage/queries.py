"""Read queries for the dashboard: pandas DataFrames, aggregated in SQL.

Every time bucket is computed in the database from epoch seconds with integer division,
so SQLite and PostgreSQL return the same buckets and no Python loop walks the observations.
Timestamps come back as timezone-aware UTC pandas datetimes.

Whole-session aggregates read the rollups that :func:`storage.writes.write_frame` keeps in each
frame's transaction (``frame_rollups``: one row per frame; ``student_minute_rollups``: one row per
student per minute) instead of every observation; ``from_rollups=False`` reads the observations
(same results, slower: for checks). Per-student buckets that are not whole minutes, and the
short windows of the live page, read the observations through their indexes.

Definitions shared by every query:

* a *face* is an observation with probabilities (camera on and a face found);
* *absent* means camera off or no face;
* the mood index and the epoch seconds of a timestamp are defined once, in :mod:`storage.measures`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import Float, Integer, String, and_, case, cast, func, literal, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import ClauseElement

from model.emotions import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from model.moments import aware_utc
from storage.measures import epoch_seconds_sql, mood_index_sql
from storage.schema import FrameRollup, LectureSession, Observation, Participant, StudentMinuteRollup
from storage.writes import utc

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.sql import Select


class _HasEngine(Protocol):
    """What the queries need from :class:`storage.database.Database`: its ``engine``."""

    @property
    def engine(self) -> Engine: ...


_NICE_BUCKETS: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)

_O = Observation.__table__.c
_P = Participant.__table__.c
_S = LectureSession.__table__.c
_F = FrameRollup.__table__.c
_M = StudentMinuteRollup.__table__.c


class EpochBucket(ColumnElement[int]):
    """Start of the ``seconds``-wide bucket holding ``column``, as integer epoch seconds."""

    inherit_cache = False
    type = Integer()

    def __init__(self, column: ClauseElement, seconds: int) -> None:
        if int(seconds) != seconds or seconds < 1:
            raise ValueError(f"bucket_seconds: must be a whole number >= 1 (got {seconds!r})")
        self.column = column
        self.seconds = int(seconds)


@compiles(EpochBucket)
def _epoch_bucket(element: EpochBucket, compiler: Any, **kw: Any) -> str:
    epoch = epoch_seconds_sql(compiler.process(element.column, **kw), compiler.dialect.name)
    return f"(({epoch} / {element.seconds}) * {element.seconds})"


def _mood_expr() -> ColumnElement[float]:
    return mood_index_sql(lambda name: _O[name])


def _is_face() -> ColumnElement[bool]:
    return _O.happy.is_not(None)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _student_name() -> ColumnElement[str]:
    return func.coalesce(_P.display_name, _P.pseudonym, literal("Student ") + cast(_P.id, String))


def _utc(value: datetime | None) -> datetime | None:
    """A caller's time in UTC; naive values are refused (unlike the database's, which are UTC)."""
    return None if value is None else aware_utc(value)


def _read(db: _HasEngine, stmt: Select[Any]) -> pd.DataFrame:
    with db.engine.connect() as conn:
        result = conn.execute(stmt)
        columns = list(result.keys())
        # Plain tuples: pandas probes each Row object for named-tuple attributes, which costs more than the query.
        return pd.DataFrame([tuple(row) for row in result.fetchall()], columns=columns)


def _as_utc_times(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        df[column] = pd.to_datetime(df[column], utc=True)
    return df


def _as_floats(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    return df


def _epoch_to_utc(df: pd.DataFrame, column: str) -> pd.DataFrame:
    df[column] = pd.to_datetime(df[column].astype("int64"), unit="s", utc=True)
    return df


def dominant_emotion(df: pd.DataFrame) -> pd.Series:
    """Per row, the emotion column with the highest value; None where all seven are missing."""
    values = df[list(EMOTIONS)].to_numpy(dtype=float)
    missing = np.isnan(values).all(axis=1) if len(values) else np.zeros(0, dtype=bool)
    best = np.argmax(np.nan_to_num(values, nan=-1.0), axis=1) if len(values) else np.zeros(0, dtype=int)
    names = np.asarray(EMOTIONS, dtype=object)[best]
    names[missing] = None
    return pd.Series(names, index=df.index, dtype=object)


def auto_bucket_seconds(duration_seconds: float, max_buckets: int = 360) -> int:
    """The smallest 'nice' bucket width giving at most ``max_buckets`` buckets."""
    for seconds in _NICE_BUCKETS:
        if duration_seconds / seconds <= max_buckets:
            return seconds
    return int(math.ceil(duration_seconds / max_buckets))


# ---------------------------------------------------------------- sessions


def list_sessions(db: _HasEngine) -> pd.DataFrame:
    """All sessions, newest first: id, title, source, privacy_mode, started_at, ended_at (those of
    the first and last frame, :func:`_frame_times`), frames_written, class_size (the class list's
    length, or missing), running, n_students, last_seen."""
    students = (
        select(func.count(_P.id))
        .where(_P.session_id == _S.id)
        .correlate(LectureSession.__table__)
        .scalar_subquery()
    )
    last_seen = (
        select(func.max(_P.last_seen))
        .where(_P.session_id == _S.id)
        .correlate(LectureSession.__table__)
        .scalar_subquery()
    )
    first_seen = (
        select(func.min(_P.first_seen))
        .where(_P.session_id == _S.id)
        .correlate(LectureSession.__table__)
        .scalar_subquery()
    )
    stmt = select(
        _S.id,
        _S.title,
        _S.source,
        _S.privacy_mode,
        _S.started_at,
        _S.ended_at,
        _S.frames_written,
        _S.class_size,
        students.label("n_students"),
        last_seen.label("last_seen"),
        first_seen.label("first_seen"),
    ).order_by(_S.started_at.desc(), _S.id.desc())
    df = _read(db, stmt)
    df["running"] = df["ended_at"].isna()
    _as_utc_times(df, "started_at", "ended_at", "last_seen", "first_seen")
    return _frame_times(df, "first_seen", "last_seen").drop(columns="first_seen")


def _frame_times(df: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """A lecture's start and end as its first and last frame show them (``first``, ``last``): the
    capture run's own clock can differ (a recording analysed later, frames dated by the video); the
    run's clock stays where no frame was written. A running session has no end."""
    df["started_at"] = df[first].fillna(df["started_at"])
    df["ended_at"] = df[last].where(~df["running"], pd.NaT).fillna(df["ended_at"])
    return df


def latest_session_id(db: _HasEngine) -> int | None:
    """The most recently started running session, else the most recently started one."""
    stmt = (
        select(_S.id)
        .order_by(case((_S.ended_at.is_(None), 0), else_=1), _S.started_at.desc(), _S.id.desc())
        .limit(1)
    )
    with db.engine.connect() as conn:
        value = conn.execute(stmt).scalar_one_or_none()
    return None if value is None else int(value)


def _last_timestamp(db: _HasEngine, session_id: int) -> datetime | None:
    stmt = select(func.max(_O.timestamp)).where(_O.session_id == session_id)
    with db.engine.connect() as conn:
        value = conn.execute(stmt).scalar_one_or_none()
    return None if value is None else utc(value)


# ---------------------------------------------------------------- class level

_TIMELINE_COLUMNS = (
    "bucket_start",
    *EMOTIONS,
    "mood_index",
    "n_frames",
    "n_faces",
    "n_students",
    "peak_students",
    "n_camera_off",
)


def _frames(session_id: int, since: datetime | None) -> Select[Any]:
    """Per frame of the session: its timestamp and sums of the face probabilities (one indexed pass)."""
    stmt = select(
        _O.frame.label("frame"),
        func.min(_O.timestamp).label("ts"),
        *(func.sum(_O[name]).label(name) for name in EMOTIONS),
        func.sum(_mood_expr()).label("mood"),
        func.count(_O.happy).label("faces"),
        func.count().label("rows"),
        _count_if(_O.camera_on == False).label("camera_off"),  # noqa: E712
    ).where(_O.session_id == session_id)
    since = _utc(since)
    if since is not None:
        stmt = stmt.where(*_since_filter(session_id, since))
    return stmt.group_by(_O.frame)


def _since_filter(session_id: int, since: datetime) -> tuple[ColumnElement[bool], ...]:
    """Rows at or after ``since``. The frame bound (frame numbers grow with time within a session)
    lets the planner range-scan the (session_id, frame) index instead of the whole session."""
    first_frame = (
        select(_O.frame)
        .where(_O.session_id == session_id, _O.timestamp >= since)
        .order_by(_O.timestamp, _O.frame)
        .limit(1)
        .scalar_subquery()
    )
    return (_O.timestamp >= since, _O.frame >= first_frame)


def _rollup_frames(session_id: int, since: datetime | None) -> Select[Any]:
    """The same per-frame totals as :func:`_frames`, read from ``frame_rollups``."""
    stmt = select(
        _F.frame.label("frame"),
        _F.ts.label("ts"),
        *(_F[f"sum_{name}"].label(name) for name in EMOTIONS),
        _F.sum_mood.label("mood"),
        _F.faces.label("faces"),
        _F.rows.label("rows"),
        _F.camera_off.label("camera_off"),
    ).where(_F.session_id == session_id)
    if since is not None:
        stmt = stmt.where(_F.ts >= since)
    return stmt


def class_timeline(
    db: _HasEngine,
    session_id: int,
    bucket_seconds: int,
    since: datetime | None = None,
    *,
    from_rollups: bool = True,
) -> pd.DataFrame:
    """The class per time bucket (buckets starting at or after ``since`` when given).

    Columns: bucket_start, mean of each probability over the faces, mood_index, n_frames,
    n_faces (face observations), n_students (students per frame, mean), peak_students (max),
    n_camera_off (cameras off per frame, mean). Aggregated per frame first, then per bucket,
    so the time arithmetic runs once per frame (the per-frame totals come from ``frame_rollups``).
    """
    if since is not None:
        since = _floor_to_bucket(_utc(since), bucket_seconds)
    frames = (_rollup_frames if from_rollups else _frames)(session_id, since).subquery()
    bucket = EpochBucket(frames.c.ts, bucket_seconds).label("bucket_start")
    faces = func.nullif(func.sum(frames.c.faces), 0)
    stmt = (
        select(
            bucket,
            *((cast(func.sum(frames.c[name]), Float) / faces).label(name) for name in EMOTIONS),
            (cast(func.sum(frames.c.mood), Float) / faces).label("mood_index"),
            func.count().label("n_frames"),
            func.sum(frames.c.faces).label("n_faces"),
            func.avg(cast(frames.c.rows, Float)).label("n_students"),
            func.max(frames.c.rows).label("peak_students"),
            func.avg(cast(frames.c.camera_off, Float)).label("n_camera_off"),
        )
        .group_by(bucket)
        .order_by(bucket)
    )
    df = _read(db, stmt)
    if df.empty:
        return pd.DataFrame(columns=list(_TIMELINE_COLUMNS))
    df.columns = list(_TIMELINE_COLUMNS)
    _epoch_to_utc(df, "bucket_start")
    for column in ("n_frames", "n_faces", "peak_students"):
        df[column] = pd.to_numeric(df[column]).astype("int64")
    return _as_floats(df, *EMOTIONS, "mood_index", "n_students", "n_camera_off")


def _floor_to_bucket(value: datetime | None, bucket_seconds: int) -> datetime | None:
    if value is None:
        return None
    epoch = int(value.timestamp())
    return datetime.fromtimestamp(epoch - epoch % bucket_seconds, tz=UTC)


def current_state(
    db: _HasEngine, session_id: int, window_seconds: float = 60.0, now: datetime | None = None
) -> pd.DataFrame:
    """One row describing the class over the last ``window_seconds`` before ``now``
    (default: the session's latest observation).

    Columns: as_of, window_seconds, students_present and cameras_off (in the latest frame of the
    window), faces_visible (same frame), faces (face observations in the window),
    positive_share, negative_share, neutral_share (mean probability mass) and mood_index.
    """
    end = _utc(now) or _last_timestamp(db, session_id)
    columns = [
        "as_of",
        "window_seconds",
        "students_present",
        "cameras_off",
        "faces_visible",
        "faces",
        "positive_share",
        "negative_share",
        "neutral_share",
        "mood_index",
    ]
    if end is None:
        return pd.DataFrame(columns=columns)
    start = end - timedelta(seconds=window_seconds)
    in_window = and_(_O.session_id == session_id, _O.timestamp > start, _O.timestamp <= end)
    last_frame = select(func.max(_O.frame)).where(in_window).scalar_subquery()
    positive = sum((_O[name] for name in sorted(POSITIVE_EMOTIONS)), literal(0.0, Float))
    negative = sum((_O[name] for name in sorted(NEGATIVE_EMOTIONS)), literal(0.0, Float))
    latest = _O.frame == last_frame
    stmt = select(
        _count_if(latest).label("students_present"),
        _count_if(and_(latest, _O.camera_on == False)).label("cameras_off"),  # noqa: E712
        _count_if(and_(latest, _is_face())).label("faces_visible"),
        func.count(_O.happy).label("faces"),
        func.avg(positive).label("positive_share"),
        func.avg(negative).label("negative_share"),
        func.avg(_O.neutral).label("neutral_share"),
        func.avg(_mood_expr()).label("mood_index"),
    ).where(in_window)
    df = _read(db, stmt)
    df.insert(0, "window_seconds", float(window_seconds))
    df.insert(0, "as_of", pd.Timestamp(end))
    for column in ("students_present", "cameras_off", "faces_visible", "faces"):
        df[column] = pd.to_numeric(df[column]).fillna(0).astype(int)
    return _as_floats(df, "positive_share", "negative_share", "neutral_share", "mood_index")[columns]


_ATTENTION_COLUMNS = [
    "participant_id",
    "student",
    "frames",
    "negative_share",
    "absent_share",
    "camera_off_share",
    "mood_index",
    "last_seen",
    "reason",
]


def _attention_statement(
    session_id: int,
    start: datetime,
    end: datetime,
    negative_share: float,
    absent_share: float,
    min_frames: int,
) -> Select[Any]:
    """Per named student in (start, end]: frame count, negative, absent and camera-off shares, mean
    mood and last time seen, kept only for students over either threshold."""
    frames = func.count()
    neg = cast(_count_if(_O.emotion.in_(sorted(NEGATIVE_EMOTIONS))), Float) / frames
    absent = cast(_count_if(_O.happy.is_(None)), Float) / frames
    camera_off = cast(_count_if(_O.camera_on == False), Float) / frames  # noqa: E712
    per_student = (
        select(
            _O.participant_id.label("participant_id"),
            frames.label("frames"),
            neg.label("negative_share"),
            absent.label("absent_share"),
            camera_off.label("camera_off_share"),
            func.avg(_mood_expr()).label("mood_index"),
            func.max(_O.timestamp).label("last_seen"),
        )
        .where(
            _O.session_id == session_id,
            _O.participant_id.is_not(None),
            _O.timestamp > start,
            _O.timestamp <= end,
        )
        .group_by(_O.participant_id)
        .having(and_(frames >= min_frames, (neg >= negative_share) | (absent >= absent_share)))
        .subquery()
    )
    return select(
        per_student.c.participant_id,
        _student_name().label("student"),
        per_student.c.frames,
        per_student.c.negative_share,
        per_student.c.absent_share,
        per_student.c.camera_off_share,
        per_student.c.mood_index,
        per_student.c.last_seen,
    ).join_from(per_student, Participant.__table__, _P.id == per_student.c.participant_id)


def _worst_first(df: pd.DataFrame, negative_share: float, absent_share: float) -> pd.DataFrame:
    """Flagged students with their reason, ordered by how far past its threshold each one is, then by name."""
    is_negative = df["negative_share"] >= negative_share
    is_absent = df["absent_share"] >= absent_share
    df["reason"] = np.where(
        is_negative & is_absent, "negative, absent", np.where(is_negative, "negative", "absent")
    )
    severity = np.maximum(df["negative_share"] / negative_share, df["absent_share"] / absent_share)
    order = np.lexsort((df["student"].to_numpy(dtype=str), -np.asarray(severity)))
    return df.iloc[order].reset_index(drop=True)[_ATTENTION_COLUMNS]


def needs_attention(
    db: _HasEngine,
    session_id: int,
    minutes: float,
    negative_share: float,
    absent_share: float,
    now: datetime | None = None,
    min_frames: int = 3,
) -> pd.DataFrame:
    """Students whose frames over the last ``minutes`` were negative (dominant emotion angry,
    disgust, fear or sad) at least ``negative_share`` of the time, or absent (camera off or no
    face) at least ``absent_share`` of the time. Worst first.

    Columns: participant_id, student, frames, negative_share, absent_share, camera_off_share,
    mood_index, last_seen, reason ("negative", "absent" or "negative, absent").
    """
    end = _utc(now) or _last_timestamp(db, session_id)
    if end is None:
        return pd.DataFrame(columns=_ATTENTION_COLUMNS)
    start = end - timedelta(minutes=minutes)
    df = _read(db, _attention_statement(session_id, start, end, negative_share, absent_share, min_frames))
    if df.empty:
        return pd.DataFrame(columns=_ATTENTION_COLUMNS)
    _as_floats(df, "negative_share", "absent_share", "camera_off_share", "mood_index")
    _as_utc_times(df, "last_seen")
    return _worst_first(df, negative_share, absent_share)


# ---------------------------------------------------------------- per student


_CELL_COLUMNS = (
    "participant_id",
    "student",
    "bucket_start",
    "frames",
    "camera_on_frames",
    "faces",
    *EMOTIONS,
    "mood_index",
    "emotion",
    "absent_share",
    "first_seen",
    "last_seen",
)


def student_heatmap(
    db: _HasEngine,
    session_id: int,
    bucket_seconds: int,
    since: datetime | None = None,
    *,
    from_rollups: bool = True,
) -> pd.DataFrame:
    """Student x time bucket cells (buckets starting at or after ``since`` when given), one row
    per (student, bucket) observed: frames, camera_on_frames, faces, mean probabilities,
    mood_index, dominant emotion (of the mean probabilities), absent_share, first/last seen.

    Buckets of whole minutes read ``student_minute_rollups``; other widths read the observations,
    each frame's bucket computed once (per-frame subquery joined back by frame number).
    """
    since = _floor_to_bucket(_utc(since), bucket_seconds)
    if from_rollups and bucket_seconds % 60 == 0:
        cells = _rollup_cells(session_id, bucket_seconds, since)
    else:
        cells = _raw_cells(session_id, bucket_seconds, since)
    stmt = (
        select(
            cells.c.participant_id,
            _student_name().label("student"),
            cells.c.bucket.label("bucket_start"),
            *(c for c in cells.c if c.name not in ("participant_id", "bucket")),
        )
        .join_from(cells, Participant.__table__, _P.id == cells.c.participant_id)
        .order_by(_student_name(), cells.c.participant_id, cells.c.bucket)
    )
    df = _read(db, stmt)
    if df.empty:
        return pd.DataFrame(columns=list(_CELL_COLUMNS))
    _epoch_to_utc(df, "bucket_start")
    _as_floats(df, *EMOTIONS, "mood_index")
    _as_utc_times(df, "first_seen", "last_seen")
    for column in ("frames", "camera_on_frames", "faces"):
        df[column] = pd.to_numeric(df[column]).astype("int64")
    df["absent_share"] = 1.0 - df["faces"] / df["frames"]
    df["emotion"] = dominant_emotion(df)
    return df[list(_CELL_COLUMNS)]


def _per_face(total: ColumnElement[Any], faces: ColumnElement[Any]) -> ColumnElement[float | Decimal]:
    return cast(total, Float) / func.nullif(faces, 0)


def _rollup_cells(session_id: int, bucket_seconds: int, since: datetime | None) -> Any:
    """Heatmap cells from ``student_minute_rollups`` (``bucket_seconds`` a multiple of 60).

    One-minute cells are the rollup's own rows (nothing to group); wider cells sum several."""
    minutes = bucket_seconds // 60
    grouped = minutes > 1

    def as_is(column: Any) -> Any:
        return column

    total, first, last = (func.sum, func.min, func.max) if grouped else (as_is, as_is, as_is)
    bucket = (
        _M.minute.op("/", return_type=Integer)(literal_column(str(minutes))).op("*", return_type=Integer)(
            literal_column(str(bucket_seconds))
        )
        if grouped
        else _M.minute * literal_column("60")
    )
    stmt = select(
        _M.participant_id.label("participant_id"),
        bucket.label("bucket"),
        total(_M.rows).label("frames"),
        total(_M.camera_on).label("camera_on_frames"),
        total(_M.faces).label("faces"),
        *(_per_face(total(_M[f"sum_{name}"]), total(_M.faces)).label(name) for name in EMOTIONS),
        _per_face(total(_M.sum_mood), total(_M.faces)).label("mood_index"),
        first(_M.first_seen).label("first_seen"),
        last(_M.last_seen).label("last_seen"),
    ).where(_M.session_id == session_id)
    if since is not None:
        stmt = stmt.where(_M.minute >= int(since.timestamp()) // 60)
    return (stmt.group_by(_M.participant_id, bucket) if grouped else stmt).subquery()


def _raw_cells(session_id: int, bucket_seconds: int, since: datetime | None) -> Any:
    """Heatmap cells from the observations (any bucket width)."""
    times = select(_O.frame.label("frame"), func.min(_O.timestamp).label("ts")).where(
        _O.session_id == session_id
    )
    if since is not None:
        times = times.where(*_since_filter(session_id, since))
    frame_times = times.group_by(_O.frame).subquery()
    buckets = select(
        frame_times.c.frame, EpochBucket(frame_times.c.ts, bucket_seconds).label("bucket")
    ).subquery()
    frames = func.count()
    return (
        select(
            _O.participant_id.label("participant_id"),
            buckets.c.bucket.label("bucket"),
            frames.label("frames"),
            _count_if(_O.camera_on).label("camera_on_frames"),
            func.count(_O.happy).label("faces"),
            *(func.avg(_O[name]).label(name) for name in EMOTIONS),
            func.avg(_mood_expr()).label("mood_index"),
            func.min(_O.timestamp).label("first_seen"),
            func.max(_O.timestamp).label("last_seen"),
        )
        .join_from(buckets, Observation.__table__, _O.frame == buckets.c.frame)
        .where(_O.session_id == session_id, _O.participant_id.is_not(None))
        .group_by(_O.participant_id, buckets.c.bucket)
        .subquery()
    )


_SUMMARY_COLUMNS = (
    "participant_id",
    "student",
    "frames",
    "camera_on_share",
    "face_share",
    *EMOTIONS,
    "emotion",
    "mood_index",
    "first_seen",
    "last_seen",
)


def summarize_students(cells: pd.DataFrame) -> pd.DataFrame:
    """:func:`student_summary` computed from :func:`student_heatmap` cells (vectorized pandas),
    so a cached heatmap gives the summary without another pass over the observations."""
    if cells.empty:
        return pd.DataFrame(columns=list(_SUMMARY_COLUMNS))
    weighted = cells[["participant_id", "student", "frames", "camera_on_frames", "faces"]].copy()
    for name in (*EMOTIONS, "mood_index"):
        weighted[name] = cells[name].fillna(0.0) * cells["faces"]
    grouped = weighted.groupby(["participant_id", "student"], sort=False)
    totals = grouped.sum(numeric_only=True)
    times = cells.groupby(["participant_id", "student"], sort=False).agg(
        first_seen=("first_seen", "min"), last_seen=("last_seen", "max")
    )
    out = totals.join(times).reset_index()
    faces = out["faces"].where(out["faces"] > 0)
    for name in (*EMOTIONS, "mood_index"):
        out[name] = out[name] / faces
    out["camera_on_share"] = out["camera_on_frames"] / out["frames"]
    out["face_share"] = out["faces"] / out["frames"]
    out["emotion"] = dominant_emotion(out)
    out = out.sort_values(["student", "participant_id"], kind="stable").reset_index(drop=True)
    return out[list(_SUMMARY_COLUMNS)]


def participant_name(db: _HasEngine, participant_id: int) -> str | None:
    """The name a student is shown under (display name, else pseudonym)."""
    with db.engine.connect() as conn:
        return conn.execute(select(_student_name()).where(_P.id == participant_id)).scalar_one_or_none()


def student_timeline(
    db: _HasEngine, session_id: int, participant_id: int, bucket_seconds: int | None = None
) -> pd.DataFrame:
    """One student's probabilities over time: every observation (``bucket_seconds`` None) or
    bucket means. Columns: timestamp, the seven probabilities, mood_index, camera_on share
    (``camera_on``), emotion (dominant)."""
    where = (_O.session_id == session_id, _O.participant_id == participant_id)
    if bucket_seconds is None:
        stmt = (
            select(
                _O.timestamp,
                *(_O[name] for name in EMOTIONS),
                _mood_expr().label("mood_index"),
                cast(case((_O.camera_on, 1.0), else_=0.0), Float).label("camera_on"),
                _O.emotion,
            )
            .where(*where)
            .order_by(_O.timestamp, _O.frame)
        )
        df = _read(db, stmt)
        _as_utc_times(df, "timestamp")
        return _as_floats(df, *EMOTIONS, "mood_index", "camera_on")
    bucket = EpochBucket(_O.timestamp, bucket_seconds).label("bucket")
    rows = (
        select(bucket, _O.camera_on, *(_O[name] for name in EMOTIONS), _mood_expr().label("mood"))
        .where(*where)
        .subquery()
    )
    stmt = (
        select(
            rows.c.bucket.label("timestamp"),
            *(func.avg(rows.c[name]).label(name) for name in EMOTIONS),
            func.avg(rows.c.mood).label("mood_index"),
            (cast(_count_if(rows.c.camera_on), Float) / func.count()).label("camera_on"),
        )
        .group_by(rows.c.bucket)
        .order_by(rows.c.bucket)
    )
    df = _read(db, stmt)
    if df.empty:
        return pd.DataFrame(columns=["timestamp", *EMOTIONS, "mood_index", "camera_on", "emotion"])
    _epoch_to_utc(df, "timestamp")
    _as_floats(df, *EMOTIONS, "mood_index", "camera_on")
    df["emotion"] = dominant_emotion(df)
    return df


def student_summary(db: _HasEngine, session_id: int, *, from_rollups: bool = True) -> pd.DataFrame:
    """Per student: frames, camera_on_share, face_share, mean probabilities, dominant emotion,
    mood_index, first_seen and last_seen (of their observations). Sorted by name."""
    per_student = _rollup_summary(session_id) if from_rollups else _raw_summary(session_id)
    stmt = (
        select(_student_name().label("student"), *per_student.c)
        .join_from(per_student, Participant.__table__, _P.id == per_student.c.participant_id)
        .order_by(_student_name(), per_student.c.participant_id)
    )
    df = _read(db, stmt)
    columns = [
        "participant_id",
        "student",
        "frames",
        "camera_on_share",
        "face_share",
        *EMOTIONS,
        "emotion",
        "mood_index",
        "first_seen",
        "last_seen",
    ]
    if df.empty:
        return pd.DataFrame(columns=columns)
    _as_floats(df, "camera_on_share", "face_share", *EMOTIONS, "mood_index")
    _as_utc_times(df, "first_seen", "last_seen")
    df["frames"] = pd.to_numeric(df["frames"]).astype("int64")
    df["emotion"] = dominant_emotion(df)
    return df[columns]


def _rollup_summary(session_id: int) -> Any:
    frames = func.sum(_M.rows)
    faces = func.sum(_M.faces)
    return (
        select(
            _M.participant_id.label("participant_id"),
            frames.label("frames"),
            (cast(func.sum(_M.camera_on), Float) / frames).label("camera_on_share"),
            (cast(faces, Float) / frames).label("face_share"),
            *(_per_face(func.sum(_M[f"sum_{name}"]), faces).label(name) for name in EMOTIONS),
            _per_face(func.sum(_M.sum_mood), faces).label("mood_index"),
            func.min(_M.first_seen).label("first_seen"),
            func.max(_M.last_seen).label("last_seen"),
        )
        .where(_M.session_id == session_id)
        .group_by(_M.participant_id)
        .subquery()
    )


def _raw_summary(session_id: int) -> Any:
    frames = func.count()
    return (
        select(
            _O.participant_id.label("participant_id"),
            frames.label("frames"),
            (cast(_count_if(_O.camera_on), Float) / frames).label("camera_on_share"),
            (cast(func.count(_O.happy), Float) / frames).label("face_share"),
            *(func.avg(_O[name]).label(name) for name in EMOTIONS),
            func.avg(_mood_expr()).label("mood_index"),
            func.min(_O.timestamp).label("first_seen"),
            func.max(_O.timestamp).label("last_seen"),
        )
        .where(_O.session_id == session_id, _O.participant_id.is_not(None))
        .group_by(_O.participant_id)
        .subquery()
    )


# ---------------------------------------------------------------- report


@dataclass(frozen=True)
class SessionReport:
    """Everything the post-lecture report shows."""

    session: pd.DataFrame  # session_info
    attendance: pd.DataFrame  # one row: students, mean_present, peak_present, camera_on_share, face_share
    bucket_seconds: int
    timeline: pd.DataFrame  # class_timeline
    hardest: pd.DataFrame  # start, end, mood_before, mood_after, drop
    students: pd.DataFrame  # student_summary


def hardest_moments(
    timeline: pd.DataFrame, bucket_seconds: int, count: int = 3, span_seconds: int = 120
) -> pd.DataFrame:
    """Where the class mood index fell most within ``span_seconds`` (non-overlapping, biggest first).

    Columns: start, end, mood_before, mood_after, drop (positive = got worse).
    """
    columns = ["start", "end", "mood_before", "mood_after", "drop"]
    if timeline.empty or count < 1:
        return pd.DataFrame(columns=columns)
    steps = max(1, int(round(span_seconds / bucket_seconds)))
    mood = timeline["mood_index"].astype(float).rolling(3, min_periods=1, center=True).mean().to_numpy()
    times = timeline["bucket_start"].reset_index(drop=True)
    n = len(mood)
    if n < 2:
        return pd.DataFrame(columns=columns)
    steps = min(steps, n - 1)
    before = mood[:-steps]
    after = mood[steps:]
    drops = before - after
    starts = np.arange(n - steps)
    picked: list[int] = []
    available = ~np.isnan(drops) & (drops > 0)
    for _ in range(count):
        if not available.any():
            break
        best = int(np.nanargmax(np.where(available, drops, -np.inf)))
        picked.append(best)
        available &= np.abs(starts - best) >= steps
    if not picked:
        return pd.DataFrame(columns=columns)
    index = np.asarray(picked)
    return pd.DataFrame(
        {
            "start": times.iloc[index].to_numpy(),
            "end": (times.iloc[index + steps] + pd.Timedelta(seconds=bucket_seconds)).to_numpy(),
            "mood_before": before[index],
            "mood_after": after[index],
            "drop": drops[index],
        }
    ).assign(
        start=lambda d: pd.to_datetime(d["start"], utc=True), end=lambda d: pd.to_datetime(d["end"], utc=True)
    )


def session_info(db: _HasEngine, session_id: int) -> pd.DataFrame:
    """One row: id, title, source, privacy_mode, started_at, ended_at, frames_written, class_size, running,
    last_observation and duration_seconds (to the end, or to the latest observation while running);
    start and end are those of the first and last frame (:func:`_frame_times`)."""
    last = select(func.max(_O.timestamp)).where(_O.session_id == _S.id).scalar_subquery()
    first = select(func.min(_O.timestamp)).where(_O.session_id == _S.id).scalar_subquery()
    df = _read(
        db,
        select(
            _S.id,
            _S.title,
            _S.source,
            _S.privacy_mode,
            _S.started_at,
            _S.ended_at,
            _S.frames_written,
            _S.class_size,
            last.label("last_observation"),
            first.label("first_frame"),
        ).where(_S.id == session_id),
    )
    if df.empty:
        raise LookupError(f"session {session_id}: no such session")
    _as_utc_times(df, "started_at", "ended_at", "last_observation", "first_frame")
    df["running"] = df["ended_at"].isna()
    df = _frame_times(df, "first_frame", "last_observation").drop(columns="first_frame")
    finish = df["ended_at"].fillna(df["last_observation"]).fillna(df["started_at"])
    df["duration_seconds"] = (finish - df["started_at"]).dt.total_seconds().clip(lower=0.0)
    return df


ROLLUP_HEATMAP_AFTER_SECONDS = 15 * 60


def report_buckets(duration_seconds: float) -> tuple[int, int]:
    """(timeline, heatmap) bucket widths for a session of this length (timeline: at least 5 s;
    heatmap: whole minutes past :data:`ROLLUP_HEATMAP_AFTER_SECONDS`, so it reads the minute rollup)."""
    cells = auto_bucket_seconds(duration_seconds, 120)
    if duration_seconds > ROLLUP_HEATMAP_AFTER_SECONDS:
        cells = max(60, cells)
    return max(5, auto_bucket_seconds(duration_seconds, 360)), cells


def build_session_report(
    session: pd.DataFrame,
    timeline: pd.DataFrame,
    cells: pd.DataFrame,
    bucket_seconds: int,
    n_hardest: int = 3,
) -> SessionReport:
    """Assemble the report from :func:`session_info`, :func:`class_timeline` and
    :func:`student_heatmap` results (pure pandas)."""
    frames = timeline["n_frames"].astype(float)
    tiles = float((timeline["n_students"] * frames).sum()) if not timeline.empty else 0.0
    total_frames = float(frames.sum()) if not timeline.empty else 0.0
    attendance = pd.DataFrame(
        {
            "students": [int(cells["participant_id"].nunique()) if not cells.empty else 0],
            "mean_present": [tiles / total_frames if total_frames else 0.0],
            "peak_present": [int(timeline["peak_students"].max()) if not timeline.empty else 0],
            "camera_on_share": [
                1.0 - float((timeline["n_camera_off"] * frames).sum()) / tiles if tiles else float("nan")
            ],
            "face_share": [float(timeline["n_faces"].sum()) / tiles if tiles else float("nan")],
        }
    )
    return SessionReport(
        session=session,
        attendance=attendance,
        bucket_seconds=bucket_seconds,
        timeline=timeline,
        hardest=hardest_moments(timeline, bucket_seconds, n_hardest),
        students=summarize_students(cells),
    )


def session_report(
    db: _HasEngine,
    session_id: int,
    bucket_seconds: int | None = None,
    n_hardest: int = 3,
    *,
    from_rollups: bool = True,
) -> SessionReport:
    """Duration, attendance, mood timeline, hardest moments and per-student summary of a session."""
    session = session_info(db, session_id)
    timeline_bucket, cell_bucket = report_buckets(float(session["duration_seconds"].iloc[0]))
    bucket = bucket_seconds or timeline_bucket
    return build_session_report(
        session,
        class_timeline(db, session_id, bucket, from_rollups=from_rollups),
        student_heatmap(db, session_id, cell_bucket, from_rollups=from_rollups),
        bucket,
        n_hardest,
    )
