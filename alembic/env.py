"""Alembic environment: migrations run on the engine that storage.connect() built.

Migrations hold a database-wide lock so that two processes starting at once (the capture
agent and the dashboard) never both create the schema: SQLite ``BEGIN IMMEDIATE`` (the
migration is also atomic there), a PostgreSQL transaction-scoped advisory lock.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from alembic import context
from storage.database import create_database_engine
from storage.schema import Base

target_metadata = Base.metadata
config = context.config
MIGRATION_LOCK_ID = 0x436C6173  # "Clas": any constant shared by every ClassMood process


def run_migrations() -> None:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = create_database_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_ID})
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
