"""Storage on SQLite and PostgreSQL: migrations, per-frame writes, privacy, users, export, retention."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from storage import (
    EXPORT_COLUMNS,
    Database,
    PrivacyPolicy,
    StorageError,
    StudentObservation,
    add_user,
    apply_retention,
    authenticate,
    count_users,
    end_session,
    export_csv,
    get_user,
    iter_csv,
    latest_open_session,
    list_users,
    open_session,
    purge,
    resume_session,
    sessions_older_than,
    start_session,
    write_frame,
)
from storage.schema import LectureSession, Observation, Participant

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HAPPY = (0.05, 0.0, 0.05, 0.7, 0.1, 0.05, 0.05)
NAMED = PrivacyPolicy("named")


def _frame(*names: str, camera: bool = True) -> list[StudentObservation]:
    return [
        StudentObservation(n, camera, (10, 20, 30, 40) if camera else None, HAPPY if camera else None)
        for n in names
    ]


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_frames_participants_and_dominant_emotion(any_db: Database) -> None:
    sid = start_session(any_db, "Algebra", "synth", NAMED, started_at=T0)
    write_frame(any_db, sid, 0, T0, _frame("Ana", "Bo"), NAMED)
    write_frame(any_db, sid, 1, T0 + timedelta(seconds=1), _frame("Ana") + _frame("Bo", camera=False), NAMED)
    with any_db.session() as session:
        people = {p.display_name: p for p in session.scalars(select(Participant))}
        assert set(people) == {"Ana", "Bo"}
        assert people["Ana"].last_seen.replace(tzinfo=UTC) == T0 + timedelta(seconds=1)
        rows = session.execute(
            select(
                Observation.frame, Observation.emotion, Observation.confidence, Observation.camera_on
            ).order_by(Observation.id)
        ).all()
    assert [(r.frame, r.emotion, r.camera_on) for r in rows] == [
        (0, "happy", True),
        (0, "happy", True),
        (1, "happy", True),
        (1, None, False),
    ]
    assert rows[0].confidence == pytest.approx(0.7)
    assert open_session(any_db, "Algebra", "synth") == (sid, 2)
    end_session(any_db, sid, T0 + timedelta(minutes=1))
    assert open_session(any_db, "Algebra", "synth") is None


def test_a_failing_frame_leaves_nothing(any_db: Database) -> None:
    sid = start_session(any_db, "L", "synth", NAMED)
    bad = [*_frame("Ana"), StudentObservation("Bo", True, None, (0.5, 0.5))]
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
    assert policy.pseudonym("Zoë Ünal") == PrivacyPolicy("pseudonymous", pseudonym_key=b"k" * 32).pseudonym(
        "ZOË ÜNAL"
    )


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
    assert "correct horse" not in stored and stored.startswith("scrypt:")


def test_passwords_hashed_before_werkzeug_still_verify(any_db: Database) -> None:
    """Users added by earlier versions keep their hashes (``scrypt$N$r$p$salt$digest``) and can sign in."""
    salt = bytes(range(16))
    digest = hashlib.scrypt(b"correct horse", salt=salt, n=2**14, r=8, p=1, dklen=32)
    add_user(any_db, "old", "placeholder", "teacher")
    with any_db.session() as session:
        session.execute(
            text("UPDATE dashboard_users SET password_hash = :h WHERE name = 'old'"),
            {"h": f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"},
        )
    assert authenticate(any_db, "old", "correct horse").name == "old"
    assert authenticate(any_db, "old", "wrong horse") is None
    assert authenticate(any_db, "old", "placeholder") is None


def test_export_format_and_formula_escaping(any_db: Database) -> None:
    sid = start_session(any_db, '=HYPERLINK("x")', "synth", NAMED, started_at=T0)
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


def test_first_and_last_seen_follow_the_frames_even_out_of_order(any_db: Database) -> None:
    sid = start_session(any_db, "L", "synth", NAMED, started_at=T0)
    write_frame(any_db, sid, 5, T0 + timedelta(seconds=5), _frame("Ana"), NAMED)
    write_frame(any_db, sid, 9, T0 + timedelta(seconds=9), _frame("Ana", "Bo"), NAMED)
    write_frame(any_db, sid, 2, T0 + timedelta(seconds=2), _frame("Ana"), NAMED)
    with any_db.session() as session:
        seen = {
            p.display_name: (utc_of(p.first_seen), utc_of(p.last_seen))
            for p in session.scalars(select(Participant))
        }
        frames_written = session.scalar(select(LectureSession.frames_written))
    assert seen == {
        "Ana": (T0 + timedelta(seconds=2), T0 + timedelta(seconds=9)),
        "Bo": (T0 + timedelta(seconds=9), T0 + timedelta(seconds=9)),
    }
    assert frames_written == 10


def utc_of(moment: datetime) -> datetime:
    """SQLite hands back naive UTC, PostgreSQL aware values."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def test_same_name_twice_in_a_frame_is_one_participant(any_db: Database) -> None:
    sid = start_session(any_db, "L", "synth", NAMED)
    write_frame(any_db, sid, 0, T0, _frame("Ana", "ana ", "Ana"), NAMED)
    assert _count(any_db, Participant) == 2  # "Ana" and "ana " are displayed differently in named mode
    assert _count(any_db, Observation) == 3


def test_a_restarted_agent_finds_and_resumes_its_session(any_db: Database) -> None:
    first = start_session(any_db, "Algebra", "screen", NAMED, started_at=T0)
    write_frame(any_db, first, 0, T0, _frame("Ana"), NAMED)
    write_frame(any_db, first, 1, T0, _frame("Ana"), NAMED)
    other = start_session(any_db, "Algebra", "video:/x.mp4", NAMED, started_at=T0 + timedelta(minutes=1))
    assert latest_open_session(any_db, "screen") == first
    assert latest_open_session(any_db, "video:/x.mp4") == other
    assert latest_open_session(any_db, "screen", title="Biology") is None
    assert resume_session(any_db, first) == 2
    end_session(any_db, first)
    assert latest_open_session(any_db, "screen") is None
    assert resume_session(any_db, first) == 2  # resuming an ended session reopens it
    assert latest_open_session(any_db, "screen") == first
    with pytest.raises(StorageError, match="no lecture session with id 777"):
        resume_session(any_db, 777)
    with pytest.raises(StorageError, match="no lecture session with id 777"):
        end_session(any_db, 777)


@pytest.mark.parametrize("scores", [(math.nan,) * 7, (0.1, 0.1, 0.1, math.inf, 0.1, 0.1, 0.1)])
def test_non_finite_scores_are_refused(sqlite_db: Database, scores: tuple[float, ...]) -> None:
    sid = start_session(sqlite_db, "L", "synth", NAMED)
    with pytest.raises(StorageError, match="finite"):
        write_frame(sqlite_db, sid, 0, T0, [StudentObservation("Ana", True, None, scores)], NAMED)
    with pytest.raises(StorageError, match="start at 0"):
        write_frame(sqlite_db, sid, -1, T0, _frame("Ana"), NAMED)
    assert _count(sqlite_db, Observation) == 0


def test_camera_off_stores_no_scores_and_no_face(any_db: Database) -> None:
    sid = start_session(any_db, "L", "synth", NAMED)
    write_frame(any_db, sid, 0, T0, [StudentObservation("Ana", False, None, HAPPY)], NAMED)
    with any_db.session() as session:
        row = session.scalars(select(Observation)).one()
    assert (row.camera_on, row.emotion, row.confidence, row.happy, row.face_x) == (
        False,
        None,
        None,
        None,
        None,
    )


def test_privacy_policy_checks_its_inputs() -> None:
    with pytest.raises(StorageError, match="privacy mode 'public'"):
        PrivacyPolicy("public")  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="pseudonym key"):
        PrivacyPolicy("pseudonymous", pseudonym_key=b"short")
    a, b = (
        PrivacyPolicy("pseudonymous", pseudonym_key=b"a" * 32),
        PrivacyPolicy("pseudonymous", pseudonym_key=b"b" * 32),
    )
    assert a.pseudonym("Ana") != b.pseudonym("Ana")
    assert a.pseudonym("Ana") != a.pseudonym("Bo")


def test_pseudonymous_export_shows_pseudonyms_only(any_db: Database) -> None:
    policy = PrivacyPolicy("pseudonymous", pseudonym_key=b"k" * 32)
    sid = start_session(any_db, "L", "synth", policy)
    write_frame(any_db, sid, 0, T0, _frame("Zoë Ünal"), policy)
    out = io.StringIO()
    export_csv(any_db, out, session_id=sid)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["student"] for r in rows] == [policy.pseudonym("Zoë Ünal")]
    assert "Zoë" not in out.getvalue()


def test_export_streams_in_chunks_in_frame_order(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.export

    monkeypatch.setattr(storage.export, "CHUNK_ROWS", 4)
    sid = start_session(any_db, "L", "synth", NAMED, started_at=T0)
    for frame in range(5):
        write_frame(any_db, sid, frame, T0 + timedelta(seconds=frame), _frame("Ana", "Bo"), NAMED)
    chunks = list(iter_csv(any_db, session_id=sid))
    assert len(chunks) == 1 + 3  # header, then 4 + 4 + 2 rows
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert [int(r["frame"]) for r in rows] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert export_csv(any_db, io.StringIO(), session_id=sid) == 10


def test_export_time_range_and_utc_timestamps(any_db: Database) -> None:
    plus_two = timezone(timedelta(hours=2))
    sid = start_session(any_db, "L", "synth", NAMED, started_at=T0)
    for minute in range(4):
        write_frame(any_db, sid, minute, T0 + timedelta(minutes=minute), _frame("Ana"), NAMED)
    start = (T0 + timedelta(minutes=1)).astimezone(plus_two)
    out = io.StringIO()
    assert export_csv(any_db, out, start=start, end=T0 + timedelta(minutes=3)) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["timestamp"] for r in rows] == ["2026-11-24T09:01:00.000Z", "2026-11-24T09:02:00.000Z"]
    assert export_csv(any_db, io.StringIO()) == 4
    with pytest.raises(StorageError, match="no lecture session with id 31"):
        export_csv(any_db, io.StringIO(), session_id=31)


def test_export_quotes_commas_newlines_and_every_formula_prefix(sqlite_db: Database) -> None:
    names = ["+1", "=SUM(A1)", "-2", "@cmd", "\tTab", "\rCR", "Smith, Jo", "Line\nBreak", "李雷", "O'Neil"]
    sid = start_session(sqlite_db, "L", "synth", NAMED)
    write_frame(sqlite_db, sid, 0, T0, _frame(*names), NAMED)
    out = io.StringIO()
    export_csv(sqlite_db, out, session_id=sid)
    got = sorted(r["student"] for r in csv.DictReader(io.StringIO(out.getvalue())))
    expected = sorted(
        ["'+1", "'=SUM(A1)", "'-2", "'@cmd", "'\tTab", "'\rCR", "Smith, Jo", "Line\nBreak", "李雷", "O'Neil"]
    )
    assert got == expected


def test_retention_counts_and_keeps_everything_at_zero(any_db: Database) -> None:
    start_session(any_db, "old", "synth", NAMED, started_at=T0 - timedelta(days=200))
    start_session(any_db, "new", "synth", NAMED, started_at=T0)
    assert sessions_older_than(any_db, 180, now=T0) == 1
    assert apply_retention(any_db, 0, now=T0) == 0
    assert _count(any_db, LectureSession) == 2
    assert apply_retention(any_db, 180, now=T0) == 1
    assert _count(any_db, LectureSession) == 1
    with pytest.raises(StorageError, match="0 days or more"):
        purge(any_db, -1)


def test_user_lookup_and_listing(any_db: Database) -> None:
    kim = add_user(any_db, "  kim ", "long enough", "teacher")
    assert kim.name == "kim" and get_user(any_db, kim.id) == kim
    assert get_user(any_db, kim.id + 100) is None
    add_user(any_db, "ada", "long enough", "admin")
    assert [(u.name, u.role) for u in list_users(any_db)] == [("ada", "admin"), ("kim", "teacher")]
    assert count_users(any_db) == 2
    assert authenticate(any_db, "kim", "LONG ENOUGH") is None
    with pytest.raises(StorageError, match="role 'root'"):
        add_user(any_db, "x", "long enough", "root")
    with pytest.raises(StorageError, match="must not be empty"):
        add_user(any_db, "  ", "long enough", "teacher")
    with pytest.raises(StorageError, match="at most 100"):
        add_user(any_db, "n" * 101, "long enough", "teacher")
    with any_db.session() as session:
        salts = [h.split("$")[1] for h in session.scalars(text("SELECT password_hash FROM dashboard_users"))]
    assert len(set(salts)) == 2  # the same password hashes differently for each user


def _students(db: Database, session_id: int) -> dict[str, tuple[int, int]]:
    """Each participant's name with its observation rows and its rows in the per-minute rollups."""
    from storage.schema import StudentMinuteRollup

    with db.session() as s:
        found = {}
        for pid, name in s.execute(
            select(Participant.id, Participant.display_name).where(Participant.session_id == session_id)
        ):
            rows = s.scalar(select(func.count()).where(Observation.participant_id == pid))
            rolled = s.scalar(
                select(func.coalesce(func.sum(StudentMinuteRollup.rows), 0)).where(
                    StudentMinuteRollup.participant_id == pid
                )
            )
            found[name] = (rows, rolled)
        return found


def test_a_placeholder_later_named_takes_its_records_along(any_db: Database) -> None:
    policy = PrivacyPolicy("named", exclude=frozenset({"Teacher"}))
    sid = start_session(any_db, "Merge", "synth", policy, T0)
    seen = lambda *names: [StudentObservation(n, True, (1, 1, 10, 10), HAPPY) for n in names]  # noqa: E731
    write_frame(any_db, sid, 0, T0, seen("Ana", "Participant 1", "Participant 2", "Participant 3"), policy)
    # frame 1: the label of Participant 1 is read: Bo (not recorded yet, so the participant is renamed)
    write_frame(
        any_db,
        sid,
        1,
        T0 + timedelta(seconds=1),
        seen("Ana", "Bo", "Participant 2", "Participant 3"),
        policy,
        renamed=[("Participant 1", "Bo")],
    )
    assert _students(any_db, sid) == {
        "Ana": (2, 2),
        "Bo": (2, 2),
        "Participant 2": (2, 2),
        "Participant 3": (2, 2),
    }
    # after a restart the tracker knows no names: a placeholder of a name already recorded moves into it
    write_frame(
        any_db,
        sid,
        2,
        T0 + timedelta(seconds=70),
        seen("Ana", "Bo", "Participant 2", "Participant 3"),
        policy,
    )
    write_frame(
        any_db,
        sid,
        3,
        T0 + timedelta(seconds=71),
        seen("Ana", "Bo", "Teacher"),
        policy,
        renamed=[("Participant 2", "Ana"), ("Participant 3", "Teacher")],
    )
    assert _students(any_db, sid) == {
        "Ana": (7, 7),
        "Bo": (4, 4),
    }  # Teacher is excluded: its records are gone
    with any_db.session() as s:
        first, last = s.execute(
            select(Participant.first_seen, Participant.last_seen).where(Participant.display_name == "Ana")
        ).one()
        assert (
            s.scalar(select(func.count()).select_from(Observation).where(Observation.session_id == sid)) == 11
        )
    assert (first.replace(tzinfo=UTC), last.replace(tzinfo=UTC)) == (T0, T0 + timedelta(seconds=71))


def test_a_participant_seen_in_one_frame_only_is_no_student_once_the_lecture_ends(any_db: Database) -> None:
    policy = PrivacyPolicy("named")
    sid = start_session(any_db, "Ghosts", "synth", policy, T0)
    seen = lambda *names: [StudentObservation(n, True, (1, 1, 10, 10), HAPPY) for n in names]  # noqa: E731
    write_frame(any_db, sid, 0, T0, seen("Ana", "Participant 4", "Anna"), policy)
    write_frame(any_db, sid, 1, T0 + timedelta(seconds=1), seen("Ana"), policy)
    write_frame(any_db, sid, 2, T0 + timedelta(seconds=2), seen("Ana", "Late Joiner"), policy)
    end_session(any_db, sid, T0 + timedelta(seconds=3))
    # seen once and never again: gone as students; one who joined on the last frame stays
    assert _students(any_db, sid) == {"Ana": (3, 3), "Late Joiner": (1, 1)}
    with any_db.session() as s:
        assert (
            s.scalar(select(func.count()).select_from(Observation).where(Observation.session_id == sid)) == 6
        )
