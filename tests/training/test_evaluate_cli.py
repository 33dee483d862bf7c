"""The `classmood evaluate` contract, through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from model import EMOTIONS


def _classmood(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "classmood.cli", *args], check=False, capture_output=True, text=True
    )


def test_json_is_exactly_one_object(tiny_fer: Path, tmp_path: Path) -> None:
    plot = tmp_path / "cm.png"
    result = _classmood("evaluate", "--data", str(tiny_fer), "--json", "--plot", str(plot))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 14
    assert {"accuracy", "macro_f1", "n", "per_class", "confusion"} <= report.keys()
    assert list(report["per_class"]) == list(EMOTIONS)
    assert sum(map(sum, report["confusion"])) == 14
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    calibration = report["calibration"]
    assert (
        calibration["bins"] == 15
        and 0.0 <= calibration["ece"] <= 1.0
        and 0.0 <= calibration["ece_fitted"] <= 1.0
    )
    assert calibration["fitted_temperature"] > 0 and 0.0 <= calibration["false_alarms"] <= 1.0


def test_a_bad_temperature_is_one_line(tiny_fer: Path) -> None:
    result = _classmood("evaluate", "--data", str(tiny_fer), "--temperature", "0")
    assert result.returncode == 2 and "--temperature" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_of_emotion_folders_works_too(tiny_fer: Path) -> None:
    result = _classmood("evaluate", "--data", str(tiny_fer / "test"))
    assert result.returncode == 0, result.stderr
    assert "accuracy" in result.stdout and "confusion" in result.stdout


def test_bad_data_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _classmood("evaluate", "--data", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_mirror_flag_matches_the_config_setting_and_no_mirror_overrides_it(
    tiny_fer: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("model:\n  mirror_average: true\n")
    runs = {
        name: _classmood("evaluate", "--data", str(tiny_fer), "--json", *extra)
        for name, extra in {
            "plain": (),
            "mirror": ("--mirror",),
            "config": ("--config", str(config)),
            "config_off": ("--config", str(config), "--no-mirror"),
        }.items()
    }
    assert all(r.returncode == 0 for r in runs.values()), [r.stderr for r in runs.values()]
    reports = {name: json.loads(r.stdout) for name, r in runs.items()}
    assert reports["mirror"] == reports["config"]
    assert reports["config_off"] == reports["plain"]
