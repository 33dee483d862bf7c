"""`classmood demo --no-serve` and `classmood capture` through the real pipeline into SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

REPO_ROOT = Path(__file__).resolve().parents[2]


def _classmood(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "classmood.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )


def test_demo_writes_a_lecture(tmp_path: Path, fer_root: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("storage:\n  data_dir: state\n")
    result = _classmood(
        "demo",
        "--students",
        "4",
        "--frames",
        "3",
        "--no-serve",
        "--faces",
        str(fer_root),
        "--config",
        str(config),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # the configured database, said on one line as it is made; progress in a log: a line, not a bar
    database = tmp_path / "state" / "classmood.db"
    assert f"created the database {database}" in result.stderr.splitlines()
    assert "capturing: 1/3 frames (33%)" in result.stderr and "capturing: 3/3 frames (100%)" in result.stderr
    assert "\r" not in result.stderr and "INFO:" not in result.stderr
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        frames = connection.execute(
            text("SELECT COUNT(DISTINCT frame), MIN(frame), MAX(frame) FROM observations")
        ).one()
        names = {row[0] for row in connection.execute(text("SELECT display_name FROM participants"))}
        ended = connection.execute(text("SELECT ended_at IS NOT NULL FROM lecture_sessions")).scalar()
    assert tuple(frames) == (3, 0, 2)
    assert len(names) >= 3 and ended
    from capture import class_list

    # the demo gives the synthetic class list as the roster, so the records carry real names
    assert names <= set(class_list(fer_root / "test", students=4, frames=3))


def test_demo_without_faces_says_what_to_download(tmp_path: Path) -> None:
    result = _classmood("demo", "--no-serve", "--faces", str(tmp_path / "nothing"), cwd=tmp_path)
    assert result.returncode == 2 and "FER2013" in result.stderr and "Traceback" not in result.stderr


def test_capture_images_folder_keeps_source_frame_numbers(tmp_path: Path, fer_root: Path) -> None:
    frames = tmp_path / "frames"
    made = _classmood(
        "synth",
        "--faces",
        str(fer_root / "test"),
        "--out",
        str(frames),
        "--students",
        "4",
        "--frames",
        "3",
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    (frames / "notes.txt").write_text("not an image")
    db = tmp_path / "c.db"
    result = _classmood("capture", "--source", "images", str(frames), "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    with create_engine(f"sqlite:///{db}").connect() as connection:
        got = (
            connection.execute(text("SELECT DISTINCT frame FROM observations ORDER BY frame")).scalars().all()
        )
    assert got == [0, 1, 2]


def test_demo_writes_where_db_says_and_keeps_what_is_there(tmp_path: Path, fer_root: Path) -> None:
    db = tmp_path / "school.db"
    for run in (1, 2):
        result = _classmood(
            "demo",
            "--students",
            "2",
            "--frames",
            "1",
            "--no-serve",
            "--faces",
            str(fer_root),
            "--db",
            f"sqlite:///{db}",
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert ("created the database" in result.stderr) == (run == 1)
    with create_engine(f"sqlite:///{db}").connect() as connection:
        sessions = connection.execute(text("SELECT COUNT(*) FROM lecture_sessions")).scalar()
    assert sessions == 2 and not (tmp_path / "data").exists()
