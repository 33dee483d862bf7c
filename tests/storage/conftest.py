"""Empty databases (not yet migrated) on SQLite and, when CLASSMOOD_TEST_POSTGRES_URL is set, PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("CLASSMOOD_TEST_POSTGRES_URL")


@pytest.fixture()
def empty_postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL schema (via search_path), dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("CLASSMOOD_TEST_POSTGRES_URL not set")
    schema = f"empty_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture()
def empty_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh' / 'classmood.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each engine."""
    return request.getfixturevalue(f"empty_{request.param}_url")
