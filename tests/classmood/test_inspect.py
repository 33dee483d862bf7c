"""`classmood inspect`: one frame analysed, each tile listed and drawn, nothing stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from capture import render_lecture
from capture.drawing import LABEL
from capture.name_text import normalise


def _classmood(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CLASSMOOD_STORAGE__DATA_DIR": str(cwd / "state")}
    return subprocess.run(
        [sys.executable, "-m", "classmood.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def test_inspect_lists_and_draws_every_tile(tmp_path: Path, fer_root: Path) -> None:
    image, truth = next(render_lecture(fer_root / "test", students=9, frames=1, seed=5, dynamics=False))
    shot = tmp_path / "call.png"
    cv2.imwrite(str(shot), image)
    roster = tmp_path / "class.txt"
    roster.write_text("\n".join(s.name for s in truth.students) + "\n", encoding="utf-8")
    result = _classmood(
        "inspect", str(shot), "--out", str(tmp_path / "seen.png"), "--roster", str(roster), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 9
    live = sum(s.camera for s in truth.students)
    assert sum(": face, " in line for line in lines) == live
    assert sum(line.endswith(": camera off") for line in lines) == 9 - live
    read = {normalise(line.split(": ")[0].split(maxsplit=1)[1]) for line in lines}
    assert len(read & {normalise(s.name) for s in truth.students}) >= 6
    assert "9 tiles" in result.stderr
    drawing = cv2.imread(str(tmp_path / "seen.png"))
    assert drawing.shape == image.shape and int(np.abs(drawing.astype(int) - image).max()) > 0
    label_lines = np.all(drawing == LABEL, axis=2)
    assert label_lines.sum() >= 9 * 20  # a box round each tile's name label
    assert not (tmp_path / "state").exists()  # nothing stored: no database, no data folder


def test_inspect_bad_input_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an image")
    for args in (
        ("inspect",),
        ("inspect", "missing.png"),
        ("inspect", "notes.txt"),
        ("inspect", "notes.txt", "--out", "x.gif"),
    ):
        result = _classmood(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, (
            args,
            result.stderr,
        )
