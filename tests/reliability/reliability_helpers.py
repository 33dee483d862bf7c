"""Helpers for the reliability tests: run `classmood` in a subprocess, read its SQLite file, wait."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LECTURE_STUDENTS = 6
LECTURE_FRAMES = 40


@dataclass(frozen=True)
class Lecture:
    """An image folder of a static synthetic lecture and its students' names."""

    folder: Path
    names: tuple[str, ...]


def classmood_env(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a `classmood` subprocess with its own data directory."""
    return {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "CLASSMOOD_STORAGE__DATA_DIR": str(data_dir),
        **(extra or {}),
    }


def classmood_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "classmood.cli", *args]


def run_classmood(
    *args: str, cwd: Path, env: Mapping[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        classmood_command(*args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(env),
        timeout=timeout,
        check=False,
    )


def start_classmood(*args: str, cwd: Path, env: Mapping[str, str]) -> subprocess.Popen[str]:
    """``classmood ARGS`` started with Ctrl-C's signal handled by default, as in a terminal's
    foreground process: a shell starts background jobs (a test run started with ``&``, as CI may)
    with SIGINT ignored, a child inherits that, and a Python started so ignores Ctrl-C for good. A
    handler of ours is reset to the default in the child, an ignored signal is not."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            classmood_command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=dict(env),
        )
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:
    """Rows of ``sql`` on the SQLite file (read-only; fine while a writer is busy thanks to WAL)."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def frames_written(db_path: Path) -> int:
    """The largest frames_written over all sessions (0 before the database exists)."""
    if not db_path.exists():
        return 0
    try:
        rows = query(db_path, "SELECT MAX(frames_written) FROM lecture_sessions")
    except sqlite3.OperationalError:
        return 0
    return int(rows[0][0] or 0)


def wait_until(
    condition: Callable[[], bool], timeout: float, what: str, process: subprocess.Popen[str] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            _, err = process.communicate()
            raise AssertionError(f"process ended (rc {process.returncode}) before {what}: {err[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def integrity(db_path: Path) -> str:
    return str(query(db_path, "PRAGMA integrity_check")[0][0])
