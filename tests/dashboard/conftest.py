"""Databases for the dashboard tests: SQLite always, PostgreSQL when CLASSMOOD_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.schema import Base

POSTGRES_URL = os.environ.get("CLASSMOOD_TEST_POSTGRES_URL")


@dataclass
class TestDatabase:
    """The part of storage.Database the read queries use, over a schema made with create_all."""

    engine: Engine

    def session(self) -> Session:
        return sessionmaker(self.engine, expire_on_commit=False)()


def _sqlite(path: Path) -> TestDatabase:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    Base.metadata.create_all(engine)
    return TestDatabase(engine)


@pytest.fixture()
def sqlite_db(tmp_path: Path) -> Iterator[TestDatabase]:
    db = _sqlite(tmp_path / "test.db")
    yield db
    db.engine.dispose()


@pytest.fixture()
def postgres_db() -> Iterator[TestDatabase]:
    if not POSTGRES_URL:
        pytest.skip("CLASSMOOD_TEST_POSTGRES_URL not set")
    schema = f"dash_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    Base.metadata.create_all(engine)
    try:
        yield TestDatabase(engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> TestDatabase:
    """Each test using this runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_db")


@dataclass
class DashboardEnv:
    """A migrated SQLite database with one admin, one teacher and a running lecture, plus its app."""

    db: object
    settings: object
    server: object
    app: object
    session_id: int
    participant_ids: dict[str, int]


@pytest.fixture()
def dashboard_env(tmp_path: Path) -> Iterator[DashboardEnv]:
    from classmood.config import Settings
    from dashboard import create_app
    from dashboard_seed import ADMIN, TEACHER, seed_lecture
    from storage import add_user, connect

    db = connect(f"sqlite:///{tmp_path / 'classmood.db'}")
    add_user(db, ADMIN[0], ADMIN[1], "admin")
    add_user(db, TEACHER[0], TEACHER[1], "teacher")
    with db.session() as s:
        lecture = seed_lecture(s, seconds=240, ended=False)
    settings = Settings()
    settings.storage.data_dir = tmp_path / "data"
    settings.dashboard.login_attempts_per_minute = 3
    settings.dashboard.refresh_seconds = 1
    server, app = create_app(settings, db)
    server.config["TESTING"] = True
    yield DashboardEnv(db, settings, server, app, lecture.session_id, lecture.participant_ids)
    db.engine.dispose()


def _run_until_closed(server) -> None:  # type: ignore[no-untyped-def]
    try:
        server.run()
    except (OSError, ValueError):
        pass  # the socket was closed under the loop at teardown


@pytest.fixture()
def served(dashboard_env: DashboardEnv) -> Iterator[str]:
    """The dashboard behind waitress on a free loopback port; yields its base URL."""
    from waitress import create_server

    server = create_server(dashboard_env.server, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=_run_until_closed, args=(server,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)
