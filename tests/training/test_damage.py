"""Call damage (training.damage): what it does to faces, in training and in `classmood evaluate --damage`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from training.damage import KINDS, damage


def _faces(n: int = 64) -> np.ndarray:
    rng = np.random.default_rng(3)
    base = np.linspace(40, 220, 48 * 48).reshape(48, 48)
    return np.clip(base[None] + rng.normal(0, 20, (n, 48, 48)), 0, 255).astype(np.uint8)


def test_damage_keeps_shape_and_type_and_changes_most_faces() -> None:
    faces = _faces()
    damaged = damage(faces, np.random.default_rng(0))
    assert damaged.shape == faces.shape and damaged.dtype == np.uint8
    changed = (np.abs(damaged.astype(int) - faces).reshape(len(faces), -1).max(axis=1) > 0).mean()
    assert changed > 0.9
    assert np.array_equal(damage(faces, np.random.default_rng(0)), damaged)  # seeded: the same damage
    assert np.array_equal(damage(faces, np.random.default_rng(0), chance=0.0), faces)
    assert len(KINDS) == 7


def test_full_damage_changes_every_face_and_bad_input_is_refused() -> None:
    faces = _faces(8)
    full = damage(faces, np.random.default_rng(1), chance=1.0)
    assert (np.abs(full.astype(int) - faces).mean(axis=(1, 2)) > 3).all()
    with pytest.raises(ValueError, match="uint8 faces"):
        damage(faces.astype(np.float32), np.random.default_rng(0))


def test_evaluate_damage_reports_on_damaged_faces(tiny_fer: Path) -> None:
    def run(*extra: str) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "classmood.cli", "evaluate", "--data", str(tiny_fer), "--json", *extra],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    clean, damaged = run(), run("--damage")
    assert clean["n"] == damaged["n"] == 14
    assert run("--damage") == damaged  # the same damage on every run


def test_training_with_damage_runs(tiny_fer: Path, tmp_path: Path) -> None:
    from training.train import Augmentation, Optimisation, TrainingFaces, TrainSettings, train

    settings = TrainSettings(
        faces=TrainingFaces(data=str(tiny_fer)),
        arch="vgg_lite",
        optimisation=Optimisation(epochs=1, batch_size=8),
        augmentation=Augmentation(damage=0.5),
        hyper_parameters={"widths": [4, 8, 8, 8], "convs_per_stage": [1, 1, 1, 1], "dropout": 0.0},
    )
    metrics = train(settings, tmp_path / "run", verbose=0)
    assert 0.0 <= float(metrics["val_accuracy"]) <= 1.0
    assert json.loads((tmp_path / "run" / "settings.json").read_text())["augmentation"]["damage"] == 0.5
