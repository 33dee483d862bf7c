"""Faults around `classmood capture`: bad sources give one clear line (exit 2); trouble during a
lecture (window closed or minimised, truncated video, undecodable files) gives a warning and the
agent keeps going."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from reliability_helpers import (
    LECTURE_STUDENTS,
    Lecture,
    classmood_env,
    frames_written,
    query,
    run_classmood,
    start_classmood,
    wait_until,
)


def _one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("classmood:")]
    assert len(lines) == 1 and expected in lines[0], result.stderr[-2000:]


def _video(path: Path, lecture: Lecture, frames: int) -> None:
    """A lossless (FFV1) video of the lecture at half size: lossy codecs defeat the layout parser (see docs)."""
    first = cv2.imread(str(lecture.folder / "frame_00000.png"))
    small = np.ascontiguousarray(first[::2, ::2])
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"FFV1"), 1.0, (960, 540))
    assert writer.isOpened(), "OpenCV cannot write FFV1 here"
    for _ in range(frames):
        writer.write(small)
    writer.release()


def test_bad_sources_and_an_unreachable_database_are_one_line_errors(
    tmp_path: Path, lecture: Lecture
) -> None:
    env = classmood_env(tmp_path / "data")
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(np.random.default_rng(0).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    _one_line_error(
        run_classmood("capture", "--source", "video", str(corrupt), cwd=tmp_path, env=env), "corrupt.mp4"
    )
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.txt").write_text("not a frame")
    (junk / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    undecodable = run_classmood(
        "capture",
        "--source",
        "images",
        str(junk),
        "--db",
        f"sqlite:///{tmp_path / 'j.db'}",
        cwd=tmp_path,
        env=env,
    )
    _one_line_error(undecodable, "could be decoded")
    assert "grfmt_png" not in undecodable.stderr  # OpenCV's own log lines stay off: the source says it
    _one_line_error(
        run_classmood(
            "capture",
            "--source",
            "images",
            str(lecture.folder),
            "--db",
            "postgresql+psycopg://nobody@127.0.0.1:1/nothing",
            cwd=tmp_path,
            env=env,
        ),
        "cannot open database",
    )


def test_truncated_video_and_undecodable_files_are_warnings(tmp_path: Path, lecture: Lecture) -> None:
    env = classmood_env(tmp_path / "data")
    video = tmp_path / "cut.avi"
    _video(video, lecture, 8)
    data = video.read_bytes()
    video.write_bytes(data[: int(len(data) * 0.6)])
    db = tmp_path / "v.db"
    result = run_classmood(
        "capture", "--source", "video", str(video), "--db", f"sqlite:///{db}", cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "(file truncated or corrupt)" in result.stderr
    frames = query(db, "SELECT frame, COUNT(*) FROM observations GROUP BY frame")
    assert 1 <= len(frames) < 8 and {n for _, n in frames} == {LECTURE_STUDENTS}

    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for index in range(3):
        (mixed / f"frame_{index}.png").write_bytes((lecture.folder / f"frame_{index:05d}.png").read_bytes())
    (mixed / "frame_1b.png").write_bytes(b"\x89PNG\r\n\x1a\n cut short")
    (mixed / "chat.txt").write_text("a chat log")
    db = tmp_path / "m.db"
    result = run_classmood(
        "capture", "--source", "images", str(mixed), "--db", f"sqlite:///{db}", cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "skipping 1 file(s) that are not images: chat.txt" in result.stderr
    assert "skipping frame_1b.png (cannot decode it)" in result.stderr
    assert len(query(db, "SELECT DISTINCT frame FROM observations")) == 3


def test_window_closed_or_minimised_mid_lecture_gives_blank_frames_and_one_warning(
    tmp_path: Path, lecture: Lecture
) -> None:
    import shutil

    from screen_helpers import ImageWindow, missing_requirements, xvfb_display

    reason = missing_requirements() or (None if shutil.which("xdotool") else "xdotool not installed")
    if reason:
        pytest.skip(reason)
    image = cv2.imread(str(lecture.folder / "frame_00000.png"))
    half = np.ascontiguousarray(image[::2, ::2])
    db = tmp_path / "window.db"

    def written() -> int:
        return frames_written(db)

    with xvfb_display(1280, 720) as display:
        env = classmood_env(
            tmp_path / "data",
            {
                "DISPLAY": display,
                "CLASSMOOD_CAPTURE__WINDOW_TITLE": "Class meeting",
                "PYTHONFAULTHANDLER": "1",  # SIGABRT dumps every thread's stack (below)
            },
        )
        with ImageWindow(display, half, title="Class meeting", x=40, y=30) as window:
            agent = start_classmood(
                "capture",
                "--source",
                "screen",
                "--fps",
                "4",
                "--db",
                f"sqlite:///{db}",
                cwd=tmp_path,
                env=env,
            )
            try:
                wait_until(lambda: written() >= 2, 240, "2 frames with the window shown", agent)
                xdo = ["xdotool", "search", "--name", "Class meeting"]
                subprocess.run(
                    [*xdo, "windowunmap", "--sync"],
                    env={**os.environ, "DISPLAY": display},
                    check=True,
                    capture_output=True,
                    timeout=30,
                )
                minimised_at = written()
                wait_until(lambda: written() >= minimised_at + 4, 120, "frames while minimised", agent)
                subprocess.run(
                    [*xdo[:2], "--name", "Class meeting", "windowmap", "--sync"],
                    env={**os.environ, "DISPLAY": display},
                    check=True,
                    capture_output=True,
                    timeout=30,
                )
                back_at = written()
                wait_until(lambda: written() >= back_at + 2, 120, "frames after the window came back", agent)
                window.close()
                closed_at = written()
                wait_until(lambda: written() >= closed_at + 3, 120, "frames after the window closed", agent)
                assert agent.poll() is None, "the agent kept running"
                agent.send_signal(signal.SIGINT)
                try:
                    _, stderr = agent.communicate(timeout=60)
                except subprocess.TimeoutExpired:
                    # still running, or gone with a child of its own holding its stderr open
                    running = agent.poll() is None
                    agent.send_signal(signal.SIGABRT)
                    _, stderr = agent.communicate(timeout=30)
                    pytest.fail(
                        f"no end of the agent's output within 60 s of Ctrl-C (agent still running: {running}); "
                        f"where it waited:\n{stderr[-6000:]}"
                    )
            finally:
                if agent.poll() is None:
                    agent.kill()
                    agent.communicate()
    assert agent.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr
    gone = [line for line in stderr.splitlines() if "closed or minimised?" in line]
    assert len(gone) == 2 and "no visible window" in gone[0], stderr[-3000:]
    assert sum("visible again" in line for line in stderr.splitlines()) == 1
    assert sum("no participant tiles found" in line for line in stderr.splitlines()) == 2
    rows = dict(query(db, "SELECT frame, COUNT(*) FROM observations GROUP BY frame"))
    total = written()
    assert set(rows.values()) == {LECTURE_STUDENTS}
    assert len(rows) < total, "blank frames were recorded with no rows"
    assert query(db, "SELECT ended_at IS NOT NULL FROM lecture_sessions") == [(1,)]
