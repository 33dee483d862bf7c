"""Alembic environment: migrations run on the engine that storage.connect() built."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from storage.database import create_database_engine
from storage.schema import Base

target_metadata = Base.metadata
config = context.config


def run_migrations() -> None:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = create_database_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
