"""The database goes away (PostgreSQL stopped, disk full): frames wait in memory and none is lost."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from reliability_helpers import LECTURE_FRAMES, LECTURE_STUDENTS, Lecture, integrity, query
from storage import Database, PrivacyPolicy, StudentObservation, connect, start_session
from storage.spool import SpoolingWriter

NAMED = PrivacyPolicy("named")
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def _students(count: int, frame: int) -> list[StudentObservation]:
    scores = tuple([0.1] * 6 + [0.4])
    return [
        StudentObservation(
            f"Student {i:02d}",
            camera_on=(i + frame) % 5 != 0,
            face_box=(10, 10, 40, 40),
            scores=scores if (i + frame) % 5 else None,
        )
        for i in range(count)
    ]


def _frame_counts(db: Database, session_id: int) -> list[tuple[int, int]]:
    with db.engine.connect() as connection:
        return [
            tuple(r)
            for r in connection.execute(
                text(
                    "SELECT frame, COUNT(*) FROM observations WHERE session_id = :s GROUP BY frame ORDER BY frame"
                ),
                {"s": session_id},
            )
        ]


# --- PostgreSQL stopped and started again -------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False)


class ThrowAwayPostgres:
    """A PostgreSQL server of our own (initdb in a temporary folder, free loopback port, trust auth)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="classmood-pg-"))
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        made = _as_postgres(
            str(bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed: {made.stderr[-1000:]}")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        started = _as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        if started.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {started.stderr[-1000:]}")

    def stop(self) -> None:
        _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture()
def own_postgres() -> Iterator[ThrowAwayPostgres]:
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not installed (Debian package postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser not available to run PostgreSQL as the postgres user")
    try:
        server = ThrowAwayPostgres(bin_dir)
    except (KeyError, LookupError, PermissionError, RuntimeError) as exc:
        pytest.skip(f"cannot create a throw-away PostgreSQL server here ({exc})")
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.mark.postgres
def test_ten_minutes_of_postgres_outage_at_1_fps_of_49_students_lose_nothing(
    own_postgres: ThrowAwayPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="storage.spool")
    db = connect(own_postgres.url)
    try:
        session_id = start_session(db, "Outage", "synth", NAMED, started_at=T0)
        writer = SpoolingWriter(db, NAMED, retry_seconds=0.2, max_retry_seconds=1.0)
        for frame in range(5):
            assert writer.write(session_id, frame, T0 + timedelta(seconds=frame), _students(49, frame))

        own_postgres.stop()
        outage = 600  # 10 minutes at 1 frame per second
        started = time.monotonic()
        for frame in range(5, 5 + outage):
            assert not writer.write(session_id, frame, T0 + timedelta(seconds=frame), _students(49, frame))
        assert time.monotonic() - started < 60, "writes during the outage must not stall the agent"
        assert writer.pending == outage and writer.pending_observations == outage * 49 and writer.dropped == 0
        assert writer.outage and writer.end_session(session_id) is False

        own_postgres.start()
        assert writer.close(wait_seconds=120) == 0
        assert writer.written == 5 + outage and writer.end_session(session_id)
        counts = _frame_counts(db, session_id)
        assert [f for f, _ in counts] == list(range(5 + outage)) and {n for _, n in counts} == {49}
    finally:
        db.dispose()
    warnings = [r.getMessage() for r in caplog.records]
    assert sum("keeping frames in memory" in m for m in warnings) == 1, warnings
    assert sum("available again" in m for m in warnings) == 1, warnings


def test_the_buffer_is_bounded_and_drops_the_oldest(caplog: pytest.LogCaptureFixture) -> None:
    """A database that never answers (nothing listens on loopback port 1): memory stays bounded,
    the oldest frames go first, with one warning."""
    from sqlalchemy.orm import sessionmaker

    from storage.database import create_database_engine

    engine = create_database_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing")
    dead = Database(engine, sessionmaker(engine))
    writer = SpoolingWriter(dead, NAMED, max_observations=100, retry_seconds=0.0, max_retry_seconds=0.0)
    for frame in range(30):
        assert not writer.write(1, frame, T0 + timedelta(seconds=frame), _students(10, frame))
    assert writer.pending == 10 and writer.pending_observations == 100 and writer.dropped == 20
    assert "127.0.0.1" in (writer.last_error or "") or "refused" in (writer.last_error or ""), (
        writer.last_error
    )
    assert sum("buffer full" in r.getMessage() for r in caplog.records) == 1
    assert sum("keeping frames in memory" in r.getMessage() for r in caplog.records) == 1
    assert writer.close(wait_seconds=0) == 10
    dead.dispose()


# --- disk full ----------------------------------------------------------------------------------


@pytest.fixture()
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MiB tmpfs mounted for this test (needs root; skipped otherwise)."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8M", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up ({mounted.stderr.strip() or 'needs root'})")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def _fill(folder: Path) -> Path:
    """Fill the file system holding ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    os.write(descriptor, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(descriptor)
    return filler


def test_disk_full_keeps_frames_in_memory_until_space_is_back(
    tiny_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="storage.spool")
    path = tiny_disk / "classmood.db"
    db = connect(f"sqlite:///{path}")
    try:
        session_id = start_session(db, "Disk full", "synth", NAMED, started_at=T0)
        writer = SpoolingWriter(db, NAMED, retry_seconds=0.01, max_retry_seconds=0.05)
        filler = _fill(tiny_disk)
        for frame in range(40):
            writer.write(session_id, frame, T0 + timedelta(seconds=frame), _students(25, frame))
            time.sleep(0.01)
        assert writer.outage and writer.pending > 0
        assert "full" in (writer.last_error or ""), writer.last_error
        filler.unlink()
        assert writer.close(wait_seconds=30) == 0 and writer.end_session(session_id)
        counts = _frame_counts(db, session_id)
        assert [f for f, _ in counts] == list(range(40)) and {n for _, n in counts} == {25}
    finally:
        db.dispose()
    assert integrity(path) == "ok"
    assert sum("keeping frames in memory" in r.getMessage() for r in caplog.records) == 1


def test_the_agent_keeps_running_on_a_full_disk(
    tiny_disk: Path, lecture: Lecture, caplog: pytest.LogCaptureFixture
) -> None:
    """The whole pipeline on a full disk: capture goes on; space comes back mid-lecture; every frame lands."""
    from capture import open_source
    from classmood.config import Settings
    from classmood.recording import record_lecture
    from classmood.wiring import open_database

    settings = Settings()
    settings.storage.data_dir = tiny_disk / "data"
    settings.storage.url = f"sqlite:///{tiny_disk / 'agent.db'}"
    db = open_database(settings)
    source = open_source("images", settings=settings.capture, path=lecture.folder)
    seen: list[int] = []
    filler = tiny_disk / "filler"

    def status(state) -> None:  # type: ignore[no-untyped-def]
        seen.append(state.frames)
        if state.frames == 2:
            _fill(tiny_disk)
        if state.frames == 12:
            filler.unlink()

    try:
        recording = record_lecture(
            settings,
            db,
            source,
            title="Full disk",
            max_frames=20,
            on_status=status,
            writer_options={"retry_seconds": 0.01, "max_retry_seconds": 0.05},
        )
    finally:
        db.dispose()
    assert seen == list(range(1, 21)) and recording.frames == 20 and recording.unwritten == 0
    path = tiny_disk / "agent.db"
    assert integrity(path) == "ok"
    rows = query(path, "SELECT frame, COUNT(*) FROM observations GROUP BY frame ORDER BY frame")
    assert [f for f, _ in rows] == list(range(20)) and {n for _, n in rows} == {LECTURE_STUDENTS}
    assert query(path, "SELECT ended_at IS NOT NULL FROM lecture_sessions") == [(1,)]
    assert any("keeping frames in memory" in r.getMessage() for r in caplog.records)
    assert LECTURE_FRAMES >= 20
