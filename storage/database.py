"""Engine set-up (SQLite pragmas, PostgreSQL) and Alembic migrations."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"
SQLITE_TIMEOUT_S = 10  # how long a connection waits for another one's lock


@dataclass(frozen=True)
class Database:
    """An engine and its session factory; ``db.session()`` opens one transaction-scoped session."""

    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core connection in one transaction (commit on success, rollback on any error), for hot writes."""
        with self.engine.begin() as connection:
            yield connection

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_TIMEOUT_S * 1000}")
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _write_ahead_log(cursor: sqlite3.Cursor) -> None:
    """Switch the database to WAL. Processes opening a brand-new file together race for it, and SQLite
    answers the loser "database is locked" at once, without waiting (its busy timeout does not apply
    to this switch): try again until the timeout."""
    deadline = time.monotonic() + SQLITE_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` with our SQLite pragmas; the SQLite file's folder is created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(f"{url!r} is not a database URL") from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                folder = Path(parsed.database).expanduser().parent
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StorageError(
                        f"cannot create the database folder {folder}: {exc.strerror or exc}"
                    ) from None
            engine = create_engine(parsed, connect_args={"timeout": SQLITE_TIMEOUT_S})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        if backend == "postgresql":
            if parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            return create_engine(
                parsed, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 5}
            )
    except ImportError as exc:
        raise StorageError(
            f"the database driver for {parsed.drivername} is not installed ({exc.name})"
        ) from None
    raise StorageError(f"unsupported database {backend!r}; use sqlite:/// or postgresql+psycopg://")


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration, built here (no alembic.ini): our scripts, our engine."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


@contextmanager
def _user_errors(db: Database) -> Iterator[None]:
    """Database and migration failures as one-line StorageErrors naming the database."""
    from alembic.util import CommandError

    try:
        yield
    except DBAPIError as exc:
        reason = (
            str(exc.orig).strip().splitlines()[0]
            if exc.orig is not None and str(exc.orig).strip()
            else "unreachable"
        )
        raise StorageError(f"cannot open database {db.url}: {reason}") from None
    except CommandError as exc:
        raise StorageError(f"cannot migrate database {db.url}: {str(exc).strip().splitlines()[0]}") from None


def current_revision(db: Database) -> str | None:
    """The Alembic revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with _user_errors(db), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(db: Database, revision: str = "head") -> str:
    """Apply pending migrations; returns the revision the database is now at.

    Concurrent callers are safe: migrations run under a database lock (see alembic/env.py).
    """
    from alembic import command

    if revision == "head" and current_revision(db) == head_revision():
        return head_revision()
    with _user_errors(db):
        command.upgrade(alembic_config(db.engine), revision)
    return current_revision(db) or "base"


def connect(url: str, *, migrate: bool = True) -> Database:
    """Open the database at ``url``; by default bring its schema up to date first."""
    engine = create_database_engine(url)
    db = Database(engine, sessionmaker(engine, expire_on_commit=False))
    try:
        if migrate:
            upgrade(db)
        else:
            with _user_errors(db):
                inspect(engine).get_table_names()
    except StorageError:
        engine.dispose()
        raise
    return db
