"""The mood index is one definition: Python, the SQL of SQLite and PostgreSQL, and the words the pages show."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import select, text

from model import EMOTIONS, NEGATIVE_EMOTIONS, POSITIVE_EMOTIONS
from storage import Database, PrivacyPolicy, StudentObservation, start_session, write_frame
from storage.measures import MOOD_INDEX_DEFINITION, MOOD_SIGNS, epoch_seconds_sql, mood_index, mood_index_sql
from storage.schema import FrameRollup, Observation

T0 = datetime(2026, 11, 24, 9, 0, 40, 500_000, tzinfo=UTC)


def _faces() -> list[tuple[float, ...]]:
    """Every pure emotion, an even spread, and random mixtures."""
    pure = [tuple(float(i == k) for i in range(len(EMOTIONS))) for k in range(len(EMOTIONS))]
    rng = np.random.default_rng(7)
    mixed = [tuple(float(v) for v in rng.dirichlet(np.ones(len(EMOTIONS)))) for _ in range(40)]
    return [*pure, tuple([1 / len(EMOTIONS)] * len(EMOTIONS)), *mixed]


def test_the_signs_follow_the_emotion_groups() -> None:
    assert set(MOOD_SIGNS) == set(POSITIVE_EMOTIONS) | set(NEGATIVE_EMOTIONS)
    assert all(MOOD_SIGNS[n] == 1 for n in POSITIVE_EMOTIONS) and all(
        MOOD_SIGNS[n] == -1 for n in NEGATIVE_EMOTIONS
    )
    for name, sign in MOOD_SIGNS.items():
        assert (
            f"{'+' if sign > 0 else '−'} P({name})" in MOOD_INDEX_DEFINITION
            or MOOD_INDEX_DEFINITION.startswith(f"Mood index = P({name})")
        )
    for k, name in enumerate(EMOTIONS):
        assert mood_index(dict(zip(EMOTIONS, _faces()[k], strict=True))) == MOOD_SIGNS.get(name, 0)


def test_python_and_sql_give_the_same_mood_index(any_db: Database) -> None:
    faces = _faces()
    privacy = PrivacyPolicy("named")
    sid = start_session(any_db, "Mood", "synth", privacy, started_at=T0)
    write_frame(
        any_db,
        sid,
        0,
        T0,
        [StudentObservation(f"S{i}", True, (1, 2, 30, 30), f) for i, f in enumerate(faces)],
        privacy,
    )
    columns = Observation.__table__.c
    stmt = (
        select(columns.id, mood_index_sql(lambda name: columns[name]))
        .where(columns.session_id == sid)
        .order_by(columns.id)
    )
    with any_db.engine.connect() as conn:
        in_sql = [value for _, value in conn.execute(stmt)]
        summed = conn.execute(select(FrameRollup.sum_mood).where(FrameRollup.session_id == sid)).scalar_one()
    in_python = [mood_index(dict(zip(EMOTIONS, f, strict=True))) for f in faces]
    assert in_sql == in_python  # the same sum in the same order: bit for bit
    assert summed == pytest.approx(sum(in_python), abs=1e-12)
    assert min(in_python) == -1.0 and max(in_python) == 1.0


def test_epoch_seconds_are_the_same_in_both_dialects(any_db: Database) -> None:
    sql = epoch_seconds_sql(":moment", any_db.engine.dialect.name)
    with any_db.engine.connect() as conn:
        moment = T0.replace(tzinfo=None) if any_db.engine.dialect.name == "sqlite" else T0
        assert conn.execute(text(f"SELECT {sql}"), {"moment": moment}).scalar_one() == int(T0.timestamp())
