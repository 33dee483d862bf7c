"""Storage on SQLite and PostgreSQL: migrations, per-frame writes, privacy, users, export, retention."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from model import EMOTIONS
from storage import (
    EXPORT_COLUMNS,
    Database,
    PrivacyPolicy,
    StorageError,
    StudentObservation,
    add_user,
    authenticate,
    end_session,
    export_csv,
    open_session,
    purge,
    start_session,
    write_frame,
)
from storage.schema import Base, LectureSession, Observation, Participant

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
HAPPY = (0.05, 0.0, 0.05, 0.7, 0.1, 0.05, 0.05)
NAMED = PrivacyPolicy("named")


def _frame(*names: str, camera: bool = True) -> list[StudentObservation]:
    return [StudentObservation(n, camera, (10, 20, 30, 40) if camera else None, HAPPY if camera else None) for n in names]


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_migrated_schema_matches_the_models(any_db: Database) -> None:
    with any_db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_sqlite_pragmas(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_frames_participants_and_dominant_emotion(any_db: Database) -> None:
    sid = start_session(any_db, "Algebra", "synth", NAMED, started_at=T0)
    write_frame(any_db, sid, 0, T0, _frame("Ana", "Bo"), NAMED)
    write_frame(any_db, sid, 1, T0 + timedelta(seconds=1), _frame("Ana") + _frame("Bo", camera=False), NAMED)
    with any_db.session() as session:
        people = {p.display_name: p for p in session.scalars(select(Participant))}
        assert set(people) == {"Ana", "Bo"}
        assert people["Ana"].last_seen.replace(tzinfo=timezone.utc) == T0 + timedelta(seconds=1)
        rows = session.execute(select(Observation.frame, Observation.emotion, Observation.confidence, Observation.camera_on)
                               .order_by(Observation.id)).all()
    assert [(r.frame, r.emotion, r.camera_on) for r in rows] == [(0, "happy", True), (0, "happy", True), (1, "happy", True), (1, None, False)]
    assert rows[0].confidence == pytest.approx(0.7)
    assert open_session(any_db, "Algebra", "synth") == (sid, 2)
    end_session(any_db, sid, T0 + timedelta(minutes=1))
    assert open_session(any_db, "Algebra", "synth") is None


def test_a_failing_frame_leaves_nothing(any_db: Database) -> None:
    sid = start_session(any_db, "L", "synth", NAMED)
    bad = _frame("Ana") + [StudentObservation("Bo", True, None, (0.5, 0.5))]
    with pytest.raises(StorageError, match="7 emotion scores"):
        write_frame(any_db, sid, 0, T0, bad, NAMED)
    assert _count(any_db, Observation) == 0 and _count(any_db, Participant) == 0


def test_unknown_session_is_an_error(any_db: Database) -> None:
    with pytest.raises(StorageError, match="no lecture session"):
        write_frame(any_db, 999, 0, T0, _frame("Ana"), NAMED)
    assert _count(any_db, Observation) == 0


def test_pseudonymous_mode_never_stores_the_name(tmp_path: Path) -> None:
    from storage import connect

    db = connect(f"sqlite:///{tmp_path / 'p.db'}")
    policy = PrivacyPolicy("pseudonymous", pseudonym_key=b"k" * 32)
    sid = start_session(db, "L", "synth", policy)
    write_frame(db, sid, 0, T0, _frame("Zoë Ünal", "Ана"), policy)
    write_frame(db, sid, 1, T0, _frame("zoë  ünal"), policy)
    with db.session() as session:
        names = session.execute(select(Participant.display_name, Participant.pseudonym)).all()
    assert len(names) == 2 and all(d is None and p.startswith("Student ") for d, p in names)
    db.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("p.db*"))
    assert "Zoë".encode() not in raw and "Ана".encode() not in raw and b"Unal" not in raw
    assert policy.pseudonym("Zoë Ünal") == PrivacyPolicy("pseudonymous", pseudonym_key=b"k" * 32).pseudonym("ZOË ÜNAL")


def test_aggregate_mode_keeps_no_student(any_db: Database) -> None:
    policy = PrivacyPolicy("aggregate")
    sid = start_session(any_db, "L", "synth", policy)
    write_frame(any_db, sid, 0, T0, _frame("Ana", "Bo"), policy)
    with any_db.session() as session:
        assert session.scalar(select(func.count()).where(Observation.participant_id.is_not(None))) == 0
        assert session.scalar(select(func.count()).where(Observation.face_x.is_not(None))) == 0
    assert _count(any_db, Participant) == 0 and _count(any_db, Observation) == 2


def test_excluded_names_are_dropped(any_db: Database) -> None:
    policy = PrivacyPolicy("named", exclude=frozenset({"Teacher Kim"}))
    sid = start_session(any_db, "L", "synth", policy)
    write_frame(any_db, sid, 0, T0, _frame("teacher  kim", "Ana"), policy)
    with any_db.session() as session:
        assert session.scalars(select(Participant.display_name)).all() == ["Ana"]


def test_users_hash_and_check_passwords(any_db: Database) -> None:
    add_user(any_db, "admin", "correct horse", "admin")
    assert authenticate(any_db, "admin", "correct horse").role == "admin"
    assert authenticate(any_db, "admin", "wrong horse") is None
    assert authenticate(any_db, "nobody", "correct horse") is None
    with pytest.raises(StorageError, match="already exists"):
        add_user(any_db, "admin", "another pass", "teacher")
    with pytest.raises(StorageError, match="at least 8"):
        add_user(any_db, "t", "short", "teacher")
    with any_db.session() as session:
        stored = session.execute(text("SELECT password_hash FROM dashboard_users")).scalar()
    assert "correct horse" not in stored and stored.startswith("scrypt$")


def test_export_format_and_formula_escaping(any_db: Database) -> None:
    sid = start_session(any_db, "=HYPERLINK(\"x\")", "synth", NAMED, started_at=T0)
    write_frame(any_db, sid, 0, T0, _frame("@Ana") + _frame("-Bo", camera=False), NAMED)
    out = io.StringIO()
    assert export_csv(any_db, out, session_id=sid) == 2
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["session_title"].startswith("'=") and rows[0]["student"] == "'@Ana"
    assert rows[0]["timestamp"] == "2026-11-24T09:00:00.000Z" and rows[0]["camera"] == "on"
    assert rows[0]["emotion"] == "happy" and float(rows[0]["happy"]) == pytest.approx(0.7)
    assert rows[1]["student"] == "'-Bo" and rows[1]["camera"] == "off" and rows[1]["emotion"] == ""
    assert [r["frame"] for r in rows] == ["0", "0"]


def test_purge_removes_old_sessions_with_their_rows(any_db: Database) -> None:
    old = start_session(any_db, "old", "synth", NAMED, started_at=T0 - timedelta(days=40))
    new = start_session(any_db, "new", "synth", NAMED, started_at=T0)
    write_frame(any_db, old, 0, T0 - timedelta(days=40), _frame("Ana"), NAMED)
    write_frame(any_db, new, 0, T0, _frame("Ana"), NAMED)
    assert purge(any_db, 30, now=T0) == 1
    with any_db.session() as session:
        assert session.scalars(select(LectureSession.title)).all() == ["new"]
        assert session.scalar(select(func.count()).select_from(Observation)) == 1


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "classmood.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_cli_db_users_export_roundtrip(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert "0001_initial" in _cli("db", "upgrade", "--db", url).stdout
    added = _cli("users", "add", "kim", "--role", "teacher", "--db", url, env={"CLASSMOOD_PASSWORD": "s3cret-pass"})
    assert added.returncode == 0, added.stderr
    again = _cli("users", "add", "kim", "--role", "teacher", "--db", url, env={"CLASSMOOD_PASSWORD": "s3cret-pass"})
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    exported = _cli("export", "--all", "--db", url)
    assert exported.returncode == 0 and exported.stdout.strip() == ",".join(EXPORT_COLUMNS)
    missing = _cli("export", "--session", "42", "--db", url)
    assert missing.returncode == 2 and missing.stderr.strip() == "classmood: no lecture session with id 42"
    out = tmp_path / "x.csv"
    assert _cli("export", "--all", "--db", url, "--out", str(out)).returncode == 0 and out.exists()


def test_cli_bad_config_value_exits_2(tmp_path: Path) -> None:
    result = _cli("db", "upgrade", "--db", f"sqlite:///{tmp_path / 'x.db'}", env={"CLASSMOOD_DASHBOARD__PORT": "abc"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "dashboard.port" in result.stderr


def test_cli_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = _cli("export", "--all", "--db", "postgresql://nobody@127.0.0.1:9/none")
    assert result.returncode == 2 and "cannot open database" in result.stderr and "Traceback" not in result.stderr
