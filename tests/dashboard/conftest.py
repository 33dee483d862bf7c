"""A served dashboard for the dashboard tests (databases: ``sqlite_db``/``any_db`` from tests/conftest.py)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage import connect


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
    from dashboard import create_app
    from dashboard.settings import DashboardSettings
    from dashboard_seed import ADMIN, TEACHER, seed_lecture
    from storage import add_user

    db = connect(f"sqlite:///{tmp_path / 'classmood.db'}")
    add_user(db, ADMIN[0], ADMIN[1], "admin")
    add_user(db, TEACHER[0], TEACHER[1], "teacher")
    with db.session() as s:
        lecture = seed_lecture(s, seconds=240, ended=False)
    settings = DashboardSettings(login_attempts_per_minute=3, refresh_seconds=1)
    server, app = create_app(settings, db, data_dir=tmp_path / "data")
    server.config["TESTING"] = True
    yield DashboardEnv(db, settings, server, app, lecture.session_id, lecture.participant_ids)
    db.dispose()


def _run_until_closed(server) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(OSError, ValueError):  # the socket was closed under the loop at teardown
        server.run()


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
