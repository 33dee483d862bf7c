"""Running ``classmood start`` in tests: a config, the process, waiting for it, signing in."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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


def start_classmood(
    folder: Path,
    display: str,
    *,
    env: dict[str, str] | None = None,
    privacy: str = "named",
    args: tuple[str, ...] = (),
) -> Started:
    """``classmood start --no-browser`` in ``folder`` on ``display``, with a config of its own (a free port)."""
    port = free_port()
    config = folder / "config.yaml"
    config.write_text(
        f"storage:\n  data_dir: data\ndashboard:\n  port: {port}\n  refresh_seconds: 1\n"
        f"capture:\n  fps: 2\nprivacy:\n  mode: {privacy}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "classmood.cli", "start", "--no-browser", "--config", str(config), *args],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
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
