"""Privacy end to end through `classmood capture` and `classmood purge`: no images on disk,
automatic retention, names excluded or pseudonymised before they reach the database file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reliability_helpers import LECTURE_STUDENTS, Lecture, classmood_env, query, run_classmood
from storage import PrivacyPolicy, StudentObservation, connect, end_session, start_session, write_frame

IMAGE_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"BM",
    b"GIF8",
    b"RIFF",
    b"II*\x00",
    b"MM\x00*",
    b"P5",
    b"P6",
)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm"}


def _images_under(*folders: Path) -> list[Path]:
    """Files that look like images by name or by their first bytes."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            with open(path, "rb") as handle:
                head = handle.read(8)
            if path.suffix.lower() in IMAGE_SUFFIXES or head.startswith(IMAGE_MAGIC):
                found.append(path)
    return found


def _seed_session(db_url: str, title: str, days_ago: float) -> None:
    db = connect(db_url)
    try:
        started = datetime.now(UTC) - timedelta(days=days_ago)
        session_id = start_session(db, title, "synth", PrivacyPolicy("named"), started_at=started)
        write_frame(
            db,
            session_id,
            0,
            started,
            [StudentObservation("Old Student", True, None, None)],
            PrivacyPolicy("named"),
        )
        end_session(db, session_id, started + timedelta(hours=1))
    finally:
        db.dispose()


def _db_bytes(path: Path) -> bytes:
    """The database file and its WAL, as bytes (what a disk thief would get)."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_a_capture_writes_no_image_and_applies_retention(tmp_path: Path, lecture: Lecture) -> None:
    data, scratch, work = tmp_path / "data", tmp_path / "tmp", tmp_path / "work"
    for folder in (data, scratch, work):
        folder.mkdir()
    db = data / "classmood.db"
    url = f"sqlite:///{db}"
    _seed_session(url, "Last year", days_ago=200)
    _seed_session(url, "Last month", days_ago=30)
    env = classmood_env(data, {"TMPDIR": str(scratch), "CLASSMOOD_PRIVACY__RETENTION_DAYS": "180"})

    result = run_classmood(
        "capture", "--source", "images", str(lecture.folder), "--max-frames", "3", cwd=work, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert _images_under(data, scratch, work) == []
    titles = [r[0] for r in query(db, "SELECT title FROM lecture_sessions ORDER BY started_at")]
    assert titles[:1] == ["Last month"] and len(titles) == 2, (
        "the 200-day-old session was purged automatically"
    )
    assert query(db, "SELECT COUNT(*) FROM participants WHERE display_name = 'Old Student'") == [(1,)]

    debug = run_classmood(
        "capture",
        "--source",
        "images",
        str(lecture.folder),
        "--max-frames",
        "2",
        "--new-session",
        cwd=work,
        env={**env, "CLASSMOOD_PRIVACY__SAVE_DEBUG_FRAMES": "true"},
    )
    assert debug.returncode == 0, debug.stderr[-3000:]
    saved = _images_under(data, scratch, work)
    assert len(saved) == 2 and all(p.is_relative_to(data / "debug_frames") for p in saved), saved


@pytest.mark.parametrize("mode", ["named", "pseudonymous"])
def test_excluded_and_pseudonymised_names_never_reach_the_database_file(
    tmp_path: Path, lecture: Lecture, mode: str
) -> None:
    excluded = lecture.names[2]
    roster = tmp_path / "roster.txt"
    roster.write_text("\n".join(lecture.names) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    db = data / "classmood.db"
    env = classmood_env(
        data,
        {
            "CLASSMOOD_PRIVACY__MODE": mode,
            "CLASSMOOD_PRIVACY__EXCLUDE": json.dumps([excluded.upper()], ensure_ascii=False),
        },
    )
    result = run_classmood(
        "capture",
        "--source",
        "images",
        str(lecture.folder),
        "--max-frames",
        "3",
        "--roster",
        str(roster),
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = query(db, "SELECT frame, COUNT(*) FROM observations GROUP BY frame")
    assert rows == [(0, LECTURE_STUDENTS - 1), (1, LECTURE_STUDENTS - 1), (2, LECTURE_STUDENTS - 1)]
    stored = _db_bytes(db)
    assert excluded.encode("utf-8") not in stored
    people = query(db, "SELECT display_name, pseudonym FROM participants")
    assert len(people) == LECTURE_STUDENTS - 1
    if mode == "named":
        assert {name for name, _ in people} == set(lecture.names) - {excluded}
    else:
        assert all(name is None and pseudonym.startswith("Student ") for name, pseudonym in people)
        assert not any(name.encode("utf-8") in stored for name in lecture.names)
        assert (data / "pseudonym_key").stat().st_mode & 0o077 == 0


def test_purge_command_deletes_old_sessions_only(tmp_path: Path) -> None:
    db = tmp_path / "purge.db"
    url = f"sqlite:///{db}"
    for title, days in (("ancient", 400), ("old", 100), ("recent", 5)):
        _seed_session(url, title, days)
    env = classmood_env(tmp_path / "data")

    unconfirmed = run_classmood("purge", "--older-than", "90", "--db", url, cwd=tmp_path, env=env)
    assert (
        unconfirmed.returncode == 2
        and "--yes" in unconfirmed.stderr
        and "Traceback" not in unconfirmed.stderr
    )
    assert len(query(db, "SELECT id FROM lecture_sessions")) == 3

    done = run_classmood("purge", "--older-than", "90", "--yes", "--db", url, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "deleted 2" in done.stdout
    assert [r[0] for r in query(db, "SELECT title FROM lecture_sessions")] == ["recent"]
    assert query(db, "SELECT COUNT(*) FROM observations") == [(1,)]
    assert query(db, "SELECT COUNT(*) FROM participants") == [(1,)]

    negative = run_classmood("purge", "--older-than", "-1", "--yes", "--db", url, cwd=tmp_path, env=env)
    assert negative.returncode == 2 and "--older-than -1" in negative.stderr
