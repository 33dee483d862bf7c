"""Alembic owns the schema: migrations build exactly the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from alembic import command
from storage import StorageError, connect, current_revision, head_revision, upgrade
from storage.database import alembic_config
from storage.schema import Base

TABLES = {
    "lecture_sessions",
    "participants",
    "observations",
    "dashboard_users",
    "frame_rollups",
    "student_minute_rollups",
    "alembic_version",
}


def _diff(db) -> list:  # type: ignore[no-untyped-def]
    with db.engine.connect() as connection:
        return compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )


def test_connect_migrates_an_empty_database_to_exactly_the_models(empty_url: str) -> None:
    db = connect(empty_url)
    try:
        assert set(inspect(db.engine).get_table_names()) == TABLES
        assert current_revision(db) == head_revision() == "0003_class_size"
        assert _diff(db) == []
    finally:
        db.dispose()


def test_downgrade_then_upgrade_round_trips(empty_url: str) -> None:
    db = connect(empty_url)
    try:
        command.downgrade(alembic_config(db.engine), "base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        assert current_revision(db) is None
        assert upgrade(db) == "0003_class_size"
        assert _diff(db) == []
    finally:
        db.dispose()


def test_without_migrate_an_empty_database_stays_empty(empty_url: str) -> None:
    db = connect(empty_url, migrate=False)
    try:
        assert inspect(db.engine).get_table_names() == []
    finally:
        db.dispose()


def test_a_database_from_a_newer_version_is_a_clear_error(empty_url: str) -> None:
    db = connect(empty_url)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    with pytest.raises(StorageError, match=r"cannot migrate database .*9999_future"):
        connect(empty_url)


def _connect_when_released(url: str, barrier) -> None:  # type: ignore[no-untyped-def]
    barrier.wait()
    connect(url).dispose()


def test_processes_starting_together_migrate_once(empty_url: str) -> None:
    """The agent and the dashboard may both open a brand-new database at the same moment."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    workers = [context.Process(target=_connect_when_released, args=(empty_url, barrier)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    db = connect(empty_url, migrate=False)
    assert current_revision(db) == "0003_class_size"
    db.dispose()


def test_sqlite_folder_is_created_and_pragmas_are_set(tmp_path: Path) -> None:
    db = connect(f"sqlite:///{tmp_path / 'a' / 'b' / 'lectures.db'}")
    try:
        assert (tmp_path / "a" / "b" / "lectures.db").is_file()
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10000
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    finally:
        db.dispose()


def test_bad_urls_and_files_are_storage_errors(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="not a database URL"):
        connect("no url at all")
    with pytest.raises(StorageError, match="unsupported database 'mysql'"):
        connect("mysql://localhost/x")
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StorageError, match=r"cannot open database .*notes\.db"):
        connect(f"sqlite:///{not_a_db}")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot create the database folder"):
        connect(f"sqlite:///{blocker / 'sub' / 'x.db'}")
