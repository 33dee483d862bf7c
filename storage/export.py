"""CSV export, streamed in chunks through pandas so memory stays bounded."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

import pandas as pd
from sqlalchemy import Select, func, select

from model.emotions import EMOTIONS
from storage.database import Database
from storage.errors import StorageError
from storage.schema import LectureSession, Observation, Participant
from storage.writes import utc

# The UTF-8 byte-order mark: Excel reads a CSV that starts with it as UTF-8 (names in any script),
# and one without it in the computer's legacy code page.
EXCEL_MARK = "\ufeff"
EXPORT_COLUMNS: tuple[str, ...] = (
    "session",
    "session_title",
    "frame",
    "timestamp",
    "student",
    "camera",
    "emotion",
    "confidence",
    *EMOTIONS,
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 5000
LINE_END = "\r\n"  # RFC 4180; it also makes the csv writer quote cells holding a lone CR


def escape_formula(value: object) -> object:
    """Make a text cell inert in spreadsheets: one leading quote before = + - @ TAB CR."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _statement(session_id: int | None, start: datetime | None, end: datetime | None) -> Select[Any]:
    student = func.coalesce(Participant.display_name, Participant.pseudonym, "")
    stmt = (
        select(
            Observation.session_id.label("session"),
            LectureSession.title.label("session_title"),
            Observation.frame,
            Observation.timestamp,
            student.label("student"),
            Observation.camera_on,
            Observation.emotion,
            Observation.confidence,
            *(getattr(Observation, e) for e in EMOTIONS),
        )
        .join(LectureSession, LectureSession.id == Observation.session_id)
        .outerjoin(Participant, Participant.id == Observation.participant_id)
        .order_by(Observation.session_id, Observation.frame, Observation.id)
    )
    if session_id is not None:
        stmt = stmt.where(Observation.session_id == session_id)
    if start is not None:
        stmt = stmt.where(Observation.timestamp >= utc(start))
    if end is not None:
        stmt = stmt.where(Observation.timestamp < utc(end))
    return stmt


def _format(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))
    stamps = pd.to_datetime(df["timestamp"], utc=True)
    df["timestamp"] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    df["camera"] = df["camera"].map({True: "on", False: "off"})  # 1 and 0 hash as True and False
    df["emotion"] = df["emotion"].fillna("")
    for column in ("session_title", "student"):
        df[column] = df[column].map(escape_formula)
    for column in ("confidence", *EMOTIONS):
        df[column] = df[column].astype("float64").round(4)
    return df


def _chunks(
    db: Database, session_id: int | None, start: datetime | None, end: datetime | None
) -> Iterator[tuple[str, int]]:
    """(CSV text, data rows in it): the header first, then up to CHUNK_ROWS rows per chunk."""
    if session_id is not None:
        with db.session() as session:
            if session.get(LectureSession, session_id) is None:
                raise StorageError(f"no lecture session with id {session_id}")
    yield ",".join(EXPORT_COLUMNS) + LINE_END, 0
    with db.engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(
            _statement(session_id, start, end)
        )
        for partition in result.partitions(CHUNK_ROWS):
            buffer = io.StringIO()
            _format([tuple(row) for row in partition]).to_csv(
                buffer, header=False, index=False, lineterminator=LINE_END
            )
            yield buffer.getvalue(), len(partition)


def iter_csv(
    db: Database, session_id: int | None = None, start: datetime | None = None, end: datetime | None = None
) -> Iterator[str]:
    """CSV text in chunks: the header first, then up to CHUNK_ROWS rows per chunk.

    Rows are read with a server-side cursor (PostgreSQL) in partitions, so memory stays bounded.
    ``start`` is inclusive, ``end`` exclusive; an unknown ``session_id`` is a StorageError.
    """
    for text, _ in _chunks(db, session_id, start, end):
        yield text


def export_csv(
    db: Database,
    out: TextIO,
    session_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    excel: bool = False,
) -> int:
    """Write the CSV to ``out``; returns the number of data rows. ``excel``: begin with
    :data:`EXCEL_MARK`, so that a spreadsheet opened by a double click reads it as UTF-8."""
    rows = 0
    if excel:
        out.write(EXCEL_MARK)
    for text, count in _chunks(db, session_id, start, end):
        out.write(text)
        rows += count
    return rows
