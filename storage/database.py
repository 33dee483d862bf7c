"""Engine set-up (SQLite pragmas, PostgreSQL) and Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import StorageError

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"


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

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` with our SQLite pragmas; the SQLite file's folder is created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StorageError(f"{url!r} is not a database URL") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 5})
    raise StorageError(f"unsupported database {parsed.get_backend_name()!r}; use sqlite:/// or postgresql://")


def alembic_config(engine: Engine) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(db: Database, revision: str = "head") -> str:
    """Apply pending migrations; returns the revision the database is now at."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    command.upgrade(alembic_config(db.engine), revision)
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() or "base"


def connect(url: str, *, migrate: bool = True) -> Database:
    """Open the database at ``url``; by default bring its schema up to date first."""
    engine = create_database_engine(url)
    db = Database(engine, sessionmaker(engine, expire_on_commit=False))
    try:
        if migrate:
            upgrade(db)
        else:
            inspect(engine).get_table_names()
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unreachable"
        raise StorageError(f"cannot open database {db.url}: {reason}") from None
    return db
