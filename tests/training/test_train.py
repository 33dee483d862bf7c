"""One-epoch training, resume after a kill, and the exported model's parity with Keras."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from model import EmotionClassifier, preprocess
from training.data import load_fer
from training.errors import TrainingError

TINY_HP = {"widths": [4, 8, 8, 8], "convs_per_stage": [1, 1, 1, 1], "dropout": 0.0}


def _settings(data: Path, epochs: int):
    from training.train import Optimisation, TrainingFaces, TrainSettings

    return TrainSettings(
        faces=TrainingFaces(data=str(data)),
        arch="vgg_lite",
        optimisation=Optimisation(epochs=epochs, batch_size=8),
        hyper_parameters=TINY_HP,
    )


def _logged_epochs(out: Path) -> list[int]:
    with (out / "training_log.csv").open() as handle:
        return [int(row["epoch"]) for row in csv.DictReader(handle)]


def test_one_epoch_writes_weights_log_and_metrics(tiny_fer: Path, tmp_path: Path) -> None:
    from training.train import train

    out = tmp_path / "run"
    metrics = train(_settings(tiny_fer, 1), out, verbose=0)
    assert _logged_epochs(out) == [0]
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["val_n"] == 14 and 0.0 <= saved["val_accuracy"] <= 1.0
    assert metrics["epochs"] == 1
    classifier = EmotionClassifier.load(out / "emotion.onnx")
    probabilities = classifier.predict(load_fer(tiny_fer, "test").images)
    assert probabilities.shape == (14, 7)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    int8 = EmotionClassifier.load(out / "emotion.int8.onnx").predict(load_fer(tiny_fer, "test").images)
    assert int8.shape == (14, 7) and np.abs(int8 - probabilities).max() < 0.2
    assert 0.0 <= saved["val_accuracy_int8"] <= 1.0
    import onnx

    graph = onnx.load(str(out / "emotion.int8.onnx")).graph
    assert {"QuantizeLinear", "DequantizeLinear"} <= {node.op_type for node in graph.node}
    made_by = {output: node.op_type for node in graph.node for output in node.output}
    convs = [node for node in graph.node if node.op_type == "Conv"]
    # the first convolution reads the face and its weights in float, the others are quantised
    assert not any(made_by.get(name) == "DequantizeLinear" for name in convs[0].input)
    assert all(made_by.get(convs[1].input[i]) == "DequantizeLinear" for i in (0, 1))


def test_resume_continues_where_the_run_stopped(tiny_fer: Path, tmp_path: Path) -> None:
    from training.train import train

    out = tmp_path / "run"
    train(_settings(tiny_fer, 2), out, verbose=0)
    with pytest.raises(TrainingError, match="--resume"):
        train(_settings(tiny_fer, 2), out, verbose=0)
    train(_settings(tiny_fer, 4), out, resume=True, verbose=0)
    assert _logged_epochs(out) == [0, 1, 2, 3]


def test_resume_without_a_run_is_a_clear_error(tiny_fer: Path, tmp_path: Path) -> None:
    from training.train import train

    with pytest.raises(TrainingError, match="nothing to resume"):
        train(_settings(tiny_fer, 1), tmp_path / "none", resume=True, verbose=0)


def test_kill_then_resume_loses_at_most_one_epoch(tiny_fer: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "classmood.cli",
        "train",
        "--data",
        str(tiny_fer),
        "--arch",
        "vgg_lite",
        "--epochs",
        "400",
        "--batch-size",
        "8",
        "--out",
        str(out),
    ]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if (out / "training_log.csv").exists() and len(_logged_epochs(out)) >= 2:
                break
            time.sleep(0.2)
        else:
            pytest.fail("training never logged two epochs")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    done_before_kill = len(_logged_epochs(out))
    resumed = subprocess.run(
        [
            *command[:6],
            "--epochs",
            str(done_before_kill + 1),
            "--batch-size",
            "8",
            "--out",
            str(out),
            "--resume",
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    epochs = _logged_epochs(out)
    assert epochs[-1] == done_before_kill, epochs
    assert len(epochs) - done_before_kill <= 2, f"restarted from scratch instead of resuming: {epochs}"


def test_exported_onnx_matches_keras(tiny_fer: Path, tmp_path: Path) -> None:
    from training.architectures import build
    from training.export import export_onnx

    model = build("vgg_lite", **TINY_HP)
    batch = preprocess(load_fer(tiny_fer, "test").images)
    expected = model.predict(batch, verbose=0)
    path = export_onnx(model, tmp_path / "m.onnx")
    got = EmotionClassifier.load(path).predict_preprocessed(batch)
    assert np.allclose(got, expected, atol=1e-5)


def test_training_uses_the_inference_preprocessing(tiny_fer: Path) -> None:
    from training.train import preprocess_split

    split = load_fer(tiny_fer, "train")
    x, y = preprocess_split(split)
    assert np.array_equal(x, preprocess(split.images))
    assert np.array_equal(y.argmax(axis=1), split.labels)


def test_zoom_is_checked_and_saved_with_the_run(tiny_fer: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    base = [
        sys.executable,
        "-m",
        "classmood.cli",
        "train",
        "--data",
        str(tiny_fer),
        "--epochs",
        "1",
        "--batch-size",
        "8",
    ]
    bad = subprocess.run(
        [*base, "--zoom", "1.5", "--out", str(tmp_path / "bad")],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode != 0 and "--zoom must be in [0, 1)" in bad.stderr and "Traceback" not in bad.stderr
    good = subprocess.run(
        [*base, "--zoom", "0.2", "--out", str(tmp_path / "run")],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert good.returncode == 0, good.stderr[-2000:]
    assert json.loads((tmp_path / "run" / "settings.json").read_text())["augmentation"]["zoom"] == 0.2


def test_mixed_bfloat16_run_keeps_a_float16_snapshot_to_continue_from(tiny_fer: Path, tmp_path: Path) -> None:
    """The teacher's path: a run in mixed_bfloat16 exports a float32 ONNX model and keeps its best epoch
    as a float16 snapshot, and a new run started from that snapshot holds the same weights."""
    import keras

    from training.architectures import build
    from training.export import load_snapshot
    from training.train import SNAPSHOT_NAME, Optimisation, TrainingFaces, TrainSettings, train

    settings = TrainSettings(
        faces=TrainingFaces(data=str(tiny_fer)),
        arch="vgg_teacher",
        optimisation=Optimisation(epochs=1, batch_size=8, precision="mixed_bfloat16"),
        hyper_parameters={"widths": [4, 8, 8, 8], "convs_per_stage": [1, 1, 1, 1]},
    )
    train(settings, tmp_path / "first", verbose=0)
    assert keras.mixed_precision.global_policy().name == "float32"
    snapshot = tmp_path / "first" / SNAPSHOT_NAME
    with np.load(snapshot) as saved:
        assert {saved[name].dtype for name in saved.files} == {np.dtype(np.float16)}
    probabilities = EmotionClassifier.load(tmp_path / "first" / "emotion.onnx").predict(
        load_fer(tiny_fer, "test").images
    )
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)

    restored = load_snapshot(build("vgg_teacher", **settings.hyper_parameters), snapshot)
    with np.load(snapshot) as saved:
        for weight, name in zip(restored.get_weights(), sorted(saved.files), strict=True):
            assert np.array_equal(weight, saved[name].astype(np.float32))
    with pytest.raises(TrainingError, match="do not fit"):
        load_snapshot(build("vgg_teacher"), snapshot)


def test_a_snapshot_exports_without_training_as_a_run_would(tiny_fer: Path, tmp_path: Path) -> None:
    """`classmood train --export-only`: the accurate mode's weights are made this way from the
    committed teacher snapshot; the float32 file is the snapshot's network, the int8 file quantised."""
    import onnx

    from training.architectures import build
    from training.export import load_snapshot, save_snapshot
    from training.train import TrainingFaces, TrainSettings, Transfer, export_snapshot

    hyper_parameters: dict[str, object] = {"widths": [4, 8, 8, 8], "convs_per_stage": [1, 1, 1, 1]}
    snapshot = save_snapshot(build("vgg_teacher", **hyper_parameters), tmp_path / "teacher.fp16.npz")
    settings = TrainSettings(
        faces=TrainingFaces(data=str(tiny_fer)),
        arch="vgg_teacher",
        transfer=Transfer(init_weights=str(snapshot)),
        hyper_parameters=hyper_parameters,
    )
    metrics = export_snapshot(settings, tmp_path / "export")
    assert 0.0 <= float(metrics["val_accuracy_int8"]) <= 1.0  # type: ignore[arg-type]
    faces = preprocess(load_fer(tiny_fer, "test").images)
    keras_model = load_snapshot(build("vgg_teacher", **hyper_parameters), snapshot)
    exported = EmotionClassifier.load(tmp_path / "export" / "emotion.onnx").predict_preprocessed(faces)
    assert np.allclose(exported, keras_model.predict(faces, verbose=0), atol=1e-5)
    ops = {node.op_type for node in onnx.load(str(tmp_path / "export" / "emotion.int8.onnx")).graph.node}
    assert {"QuantizeLinear", "DequantizeLinear"} <= ops

    (tmp_path / "run" / "checkpoint").mkdir(parents=True)
    with pytest.raises(TrainingError, match="holds a training run"):
        export_snapshot(settings, tmp_path / "run")
    with pytest.raises(TrainingError, match="snapshot"):
        export_snapshot(
            TrainSettings(faces=TrainingFaces(data=str(tiny_fer)), arch="vgg_teacher"), tmp_path / "other"
        )
