"""Databases for the dashboard tests: SQLite always, PostgreSQL when CLASSMOOD_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
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
