"""`classmood start` as a teacher runs it: a real gallery window on a real (virtual) screen, the agent
and the dashboard in one process, stopped by Ctrl-C (SIGINT) or SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

PASSWORD = "start-test-password"
REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Started:
    """A running ``classmood start``: its process, dashboard URL and database file."""

    process: subprocess.Popen[str]
    url: str
    db: Path

    def stop(self, sig: int) -> tuple[int, str]:
        self.process.send_signal(sig)
        _, err = self.process.communicate(timeout=60)
        return self.process.returncode, err


def start_classmood(folder: Path, display: str, *, env: dict[str, str] | None = None, privacy: str = "named") -> Started:
    port = free_port()
    config = folder / "config.yaml"
    config.write_text(f"storage:\n  data_dir: data\ndashboard:\n  port: {port}\n  refresh_seconds: 1\n"
                      f"capture:\n  fps: 2\nprivacy:\n  mode: {privacy}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "classmood.cli", "start", "--no-browser", "--config", str(config)],
        cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "DISPLAY": display, **(env or {})},
    )
    return Started(process, f"http://127.0.0.1:{port}", folder / "data" / "classmood.db")


def wait_for(condition, what: str, started: Started, timeout: float = 120):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if started.process.poll() is not None:
            raise AssertionError(f"classmood start exited early: {started.process.stderr.read()[-3000:]}")
        try:
            value = condition()
        except (requests.ConnectionError, Exception):  # noqa: BLE001 - not up yet
            value = None
        if value:
            return value
        time.sleep(0.5)
    started.process.kill()
    raise AssertionError(f"timed out waiting for {what}: {started.process.communicate()[1][-3000:]}")


def frames_written(db: Path) -> int:
    with create_engine(f"sqlite:///{db}").connect() as connection:
        return int(connection.execute(text("SELECT COUNT(DISTINCT frame) FROM observations")).scalar() or 0)


def sign_in(url: str, name: str, password: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{url}/login", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    browser.post(f"{url}/login", data={"name": name, "password": password, "csrf": csrf.group(1)}, timeout=10)
    live = browser.get(f"{url}/", timeout=10, allow_redirects=False)
    assert live.status_code == 200, f"{name} could not sign in ({live.status_code})"
    return browser


@pytest.fixture(scope="module")
def screen(fer_root: Path) -> Iterator[str]:
    """Xvfb showing a synthetic 9-student gallery in a window, as a meeting would."""
    from screen_helpers import ImageWindow, missing_requirements, xvfb_display

    from capture import render_lecture

    reason = missing_requirements()
    if reason:
        pytest.skip(reason)
    image, _ = next(render_lecture(fer_root / "test", students=9, frames=1, seed=4))
    with xvfb_display(1920, 1080) as display, ImageWindow(display, image, title="Zoom Meeting"):
        yield display


def test_start_watches_the_screen_serves_the_dashboard_and_stops_on_ctrl_c(tmp_path: Path, screen: str) -> None:
    started = start_classmood(tmp_path, screen, env={"CLASSMOOD_PASSWORD": PASSWORD})
    wait_for(lambda: requests.get(f"{started.url}/login", timeout=5).ok, "the dashboard", started)
    wait_for(lambda: frames_written(started.db) >= 2, "two frames in the database", started)
    browser = sign_in(started.url, "admin", PASSWORD)
    # what the agent sees now: drawn from memory on request, never a file
    picture = browser.get(f"{started.url}/agent-view.png", timeout=30)
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert picture.headers["Cache-Control"] == "no-store"
    assert requests.get(f"{started.url}/agent-view.png", timeout=10, allow_redirects=False).status_code in (302, 401)
    code, err = started.stop(signal.SIGINT)
    assert code == 0, err[-3000:]
    assert "Traceback" not in err and "INFO: Created TensorFlow Lite" not in err
    watching = [line for line in err.splitlines() if line.startswith("ClassMood: watching")]
    assert watching == [f"ClassMood: watching screen monitor 1; dashboard on {started.url}/ (Ctrl-C stops)"]
    assert "created the database" in err and "added admin 'admin'" in err
    with create_engine(f"sqlite:///{started.db}").connect() as connection:
        ended, students = connection.execute(text(
            "SELECT ended_at IS NOT NULL, (SELECT COUNT(*) FROM participants) FROM lecture_sessions")).one()
    assert ended and students >= 9
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{started.url}/login", timeout=5)
    assert [p for p in tmp_path.rglob("*") if p.suffix.lower() in (".png", ".jpg")] == []

    # the second start finds the user and stops as cleanly on SIGTERM (a service manager's stop)
    again = start_classmood(tmp_path, screen)
    wait_for(lambda: requests.get(f"{again.url}/login", timeout=5).ok, "the dashboard again", again)
    code, err = again.stop(signal.SIGTERM)
    assert code == 0 and "Traceback" not in err, err[-3000:]
    assert "added admin" not in err and "created the database" not in err


def test_first_start_without_terminal_or_password_says_what_to_do(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("storage:\n  data_dir: data\n")
    env = {**{k: v for k, v in os.environ.items() if k != "CLASSMOOD_PASSWORD"}, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-m", "classmood.cli", "start", "--no-browser", "--config", str(config)],
                            cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=120,
                            check=False)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("classmood: ") and "created" not in line]
    assert errors == [("classmood: no dashboard user yet and no password: set CLASSMOOD_PASSWORD or run in a terminal "
                       "to be asked")], result.stderr
