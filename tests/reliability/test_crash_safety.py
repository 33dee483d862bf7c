"""`kill -9` the capture agent mid-lecture: whole frames only, a sound SQLite file, and a clean continue."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np

from reliability_helpers import (
    LECTURE_FRAMES,
    LECTURE_STUDENTS,
    Lecture,
    classmood_env,
    frames_written,
    integrity,
    query,
    run_classmood,
    start_classmood,
    wait_until,
)


def _rows_per_frame(db: Path, session_id: int) -> dict[int, int]:
    return dict(
        query(db, "SELECT frame, COUNT(*) FROM observations WHERE session_id = ? GROUP BY frame", session_id)
    )


def _kill_after(args: list[str], db: Path, frames: int, cwd: Path, env: dict[str, str]) -> str:
    """Start `classmood capture ARGS`, SIGKILL it once ``frames`` frames are committed; its stderr."""
    process = start_classmood("capture", *args, cwd=cwd, env=env)
    try:
        wait_until(lambda: frames_written(db) >= frames, 240, f"{frames} frames", process)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, (
        "the agent had already finished: nothing was killed mid-lecture"
    )
    return stderr


def test_kill_9_mid_lecture_leaves_whole_frames_and_the_restart_continues(
    tmp_path: Path, lecture: Lecture
) -> None:
    db = tmp_path / "kill.db"
    env = classmood_env(tmp_path / "data")
    args = ["--source", "images", str(lecture.folder), "--db", f"sqlite:///{db}", "--title", "Kill test"]

    _kill_after(args, db, 3, tmp_path, env)
    assert integrity(db) == "ok"
    ((session_id, written, ended),) = query(db, "SELECT id, frames_written, ended_at FROM lecture_sessions")
    assert ended is None and 3 <= written < LECTURE_FRAMES
    per_frame = _rows_per_frame(db, session_id)
    assert sorted(per_frame) == list(range(written)), (
        "frames committed before the kill are all there, in order"
    )
    assert set(per_frame.values()) == {LECTURE_STUDENTS}, "no frame is partial"

    again = run_classmood("capture", *args, cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"continuing unfinished session {session_id} from frame {written}" in again.stderr
    assert f"continued from frame {written}" in again.stderr
    ((only_id, total, ended),) = query(db, "SELECT id, frames_written, ended_at FROM lecture_sessions")
    assert only_id == session_id and total == LECTURE_FRAMES and ended is not None
    per_frame = _rows_per_frame(db, session_id)
    assert sorted(per_frame) == list(range(LECTURE_FRAMES)) and set(per_frame.values()) == {LECTURE_STUDENTS}
    names = query(
        db, "SELECT COUNT(*), COUNT(DISTINCT display_name) FROM participants WHERE session_id = ?", session_id
    )
    assert names[0][0] == names[0][1] <= LECTURE_STUDENTS + 1
    assert integrity(db) == "ok"

    fresh = run_classmood("capture", *args, "--new-session", "--max-frames", "1", cwd=tmp_path, env=env)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert "continuing" not in fresh.stderr
    assert [r[0] for r in query(db, "SELECT id FROM lecture_sessions ORDER BY id")] == [
        session_id,
        session_id + 1,
    ]


def test_kill_9_of_a_live_capture_then_numbering_goes_on(tmp_path: Path, lecture: Lecture) -> None:
    """A live source (the screen, on Xvfb): the continued session numbers its frames after the last one."""
    import cv2
    import pytest

    from screen_helpers import ImageWindow, missing_requirements, xvfb_display

    reason = missing_requirements()
    if reason:
        pytest.skip(reason)
    image = cv2.imread(str(lecture.folder / "frame_00000.png"))
    half = np.ascontiguousarray(image[::2, ::2])
    db = tmp_path / "live.db"
    with xvfb_display(1280, 720) as display:
        env = classmood_env(
            tmp_path / "data", {"DISPLAY": display, "CLASSMOOD_CAPTURE__WINDOW_TITLE": "Class meeting"}
        )
        args = ["--source", "screen", "--fps", "2", "--db", f"sqlite:///{db}", "--title", "Live kill test"]
        with ImageWindow(display, half, title="Class meeting", x=40, y=30):
            _kill_after(args, db, 2, tmp_path, env)
            ((session_id, written),) = query(db, "SELECT id, frames_written FROM lecture_sessions")
            assert integrity(db) == "ok"
            again = run_classmood("capture", *args, "--max-frames", "2", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    ((only_id, total, ended),) = query(db, "SELECT id, frames_written, ended_at FROM lecture_sessions")
    assert only_id == session_id and total == written + 2 and ended is not None
    frames = [r[0] for r in query(db, "SELECT DISTINCT frame FROM observations ORDER BY frame")]
    assert frames == list(range(written + 2))


def test_sigterm_ends_the_lecture_cleanly_even_when_ctrl_c_is_ignored(
    tmp_path: Path, lecture: Lecture
) -> None:
    """`classmood capture ... &` runs with Ctrl-C ignored (a shell's background job); `kill PID` (a
    service manager's stop) finishes the frame and ends the lecture: every frame whole, the
    session ended, exit 0, no traceback."""
    import subprocess

    from reliability_helpers import classmood_command

    db = tmp_path / "term.db"
    env = classmood_env(tmp_path / "data")
    args = ["--source", "images", str(lecture.folder), "--db", f"sqlite:///{db}", "--title", "Term test"]
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited: the child ignores Ctrl-C
    try:
        process = subprocess.Popen(
            classmood_command("capture", *args), stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        wait_until(lambda: frames_written(db) >= 2, 240, "2 frames", process)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0 and "Traceback" not in stderr, stderr[-3000:]
    ((session_id, written, ended),) = query(db, "SELECT id, frames_written, ended_at FROM lecture_sessions")
    assert ended is not None and 2 <= written < LECTURE_FRAMES, "stopped mid-lecture, the lecture ended"
    per_frame = _rows_per_frame(db, session_id)
    assert sorted(per_frame) == list(range(written)) and set(per_frame.values()) == {LECTURE_STUDENTS}
    assert "(stopped)" in stderr and integrity(db) == "ok"
