"""`classmood start` as a teacher runs it: a real gallery window on a real (virtual) screen, the agent
and the dashboard in one process, stopped by Ctrl-C (SIGINT) or SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from start_helpers import PASSWORD, REPO_ROOT, frames_written, sign_in, start_classmood, wait_for


def test_start_watches_the_screen_serves_the_dashboard_and_stops_on_ctrl_c(tmp_path: Path, screen) -> None:  # type: ignore[no-untyped-def]
    started = start_classmood(tmp_path, screen.display, env={"CLASSMOOD_PASSWORD": PASSWORD})
    wait_for(lambda: requests.get(f"{started.url}/login", timeout=5).ok, "the dashboard", started)
    wait_for(lambda: frames_written(started.db) >= 2, "two frames in the database", started)
    browser = sign_in(started.url, "admin", PASSWORD)
    # what the agent sees now: drawn from memory on request, never a file
    picture = browser.get(f"{started.url}/agent-view.png", timeout=30)
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert picture.headers["Cache-Control"] == "no-store"
    assert requests.get(f"{started.url}/agent-view.png", timeout=10, allow_redirects=False).status_code in (
        302,
        401,
    )
    code, err = started.stop(signal.SIGINT)
    assert code == 0, err[-3000:]
    assert "Traceback" not in err and "INFO: Created TensorFlow Lite" not in err
    watching = [line for line in err.splitlines() if line.startswith("ClassMood: watching")]
    assert watching == [f"ClassMood: watching screen monitor 1; dashboard on {started.url}/ (Ctrl-C stops)"]
    assert "created the database" in err and "added admin 'admin'" in err
    with create_engine(f"sqlite:///{started.db}").connect() as connection:
        ended, students = connection.execute(
            text("SELECT ended_at IS NOT NULL, (SELECT COUNT(*) FROM participants) FROM lecture_sessions")
        ).one()
    assert ended and students >= 9
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{started.url}/login", timeout=5)
    assert [p for p in tmp_path.rglob("*") if p.suffix.lower() in (".png", ".jpg")] == []

    # the second start finds the user and stops as cleanly on SIGTERM (a service manager's stop)
    again = start_classmood(tmp_path, screen.display)
    wait_for(lambda: requests.get(f"{again.url}/login", timeout=5).ok, "the dashboard again", again)
    code, err = again.stop(signal.SIGTERM)
    assert code == 0 and "Traceback" not in err, err[-3000:]
    assert "added admin" not in err and "created the database" not in err


def test_first_start_without_terminal_or_password_says_what_to_do(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("storage:\n  data_dir: data\n")
    env = {**{k: v for k, v in os.environ.items() if k != "CLASSMOOD_PASSWORD"}, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "classmood.cli", "start", "--no-browser", "--config", str(config)],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    errors = [
        line
        for line in result.stderr.splitlines()
        if line.startswith("classmood: ") and "created" not in line
    ]
    assert errors == [
        (
            "classmood: no dashboard user yet and no password: set CLASSMOOD_PASSWORD or run in a terminal "
            "to be asked"
        )
    ], result.stderr
