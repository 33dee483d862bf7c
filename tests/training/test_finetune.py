"""Fine-tuning from an exported model and training on faces framed as the capture agent frames them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from model import EMOTIONS, EmotionClassifier, preprocess
from training.data import load_fer
from training.errors import DatasetError, TrainingError

TINY_HP = {"widths": [4, 8, 8, 8], "convs_per_stage": [1, 1, 1, 1], "dropout": 0.0}


def _settings(data: Path, epochs: int, reframed: str | None = None, **transfer: object):
    """A tiny run; ``transfer`` names the fields of its Transfer (init_weights, teacher, ...)."""
    from training.train import Optimisation, TrainingFaces, TrainSettings, Transfer

    return TrainSettings(
        faces=TrainingFaces(data=str(data), reframed=reframed),
        arch="vgg_lite",
        optimisation=Optimisation(epochs=epochs, batch_size=8),
        transfer=Transfer(**transfer),
        hyper_parameters=TINY_HP,
    )


def _reframe(data: Path, out: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "classmood.cli", "reframe", "--data", str(data), "--out", str(out)]
    return subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)


@pytest.fixture()
def trained_onnx(tiny_fer: Path, tmp_path: Path) -> Path:
    from training.train import train

    train(_settings(tiny_fer, 1), tmp_path / "base", verbose=0)
    return tmp_path / "base" / "emotion.onnx"


def test_onnx_weights_load_into_keras_exactly(trained_onnx: Path, tiny_fer: Path) -> None:
    from training.architectures import build
    from training.warmstart import load_onnx_weights

    model = load_onnx_weights(build("vgg_lite", **TINY_HP), trained_onnx)
    faces = preprocess(load_fer(tiny_fer, "test").images)
    expected = EmotionClassifier.load(trained_onnx).predict_preprocessed(faces)
    assert np.abs(model.predict(faces, verbose=0) - expected).max() < 1e-4
    assert not any(layer.trainable for layer in model.layers if "batch_normalization" in layer.name)


def test_onnx_weights_of_another_architecture_are_a_clear_error(trained_onnx: Path) -> None:
    from training.architectures import build
    from training.warmstart import load_onnx_weights

    with pytest.raises(TrainingError, match="convolutions"):
        load_onnx_weights(build("vgg_lite"), trained_onnx)
    with pytest.raises(TrainingError, match="no such ONNX model"):
        load_onnx_weights(build("vgg_lite"), trained_onnx.with_name("missing.onnx"))


WIDE_HP = {"widths": [4, 8, 8, 8], "convs_per_stage": [1, 2, 1, 1], "dropout": 0.0}


def _silence_channels(source: Path, target: Path, conv: int, channels: list[int]) -> None:
    """Copy an exported model with the outputs of some channels of one convolution set to zero."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    values = {init.name: init for init in model.graph.initializer}
    node = [n for n in model.graph.node if n.op_type == "Conv"][conv]
    for name in node.input[1:3]:
        array = numpy_helper.to_array(values[name]).copy()
        array[channels] = 0
        values[name].CopyFrom(numpy_helper.from_array(array, name))
    onnx.save(model, str(target))


def test_pruning_keeps_the_channels_that_matter(tiny_fer: Path, tmp_path: Path) -> None:
    from training.architectures import build
    from training.train import Optimisation, TrainingFaces, TrainSettings, train
    from training.warmstart import load_onnx_weights

    settings = TrainSettings(
        faces=TrainingFaces(data=str(tiny_fer)),
        arch="vgg_lite",
        optimisation=Optimisation(epochs=1, batch_size=8),
        hyper_parameters=WIDE_HP,
    )
    train(settings, tmp_path / "wide", verbose=0)
    wide = tmp_path / "wide" / "emotion.onnx"
    silenced = tmp_path / "silenced.onnx"
    _silence_channels(wide, silenced, conv=1, channels=[0, 2, 5, 7])  # stage 2's inner convolution
    narrow = {**WIDE_HP, "inner_widths": [4, 4, 8, 8]}
    with pytest.raises(TrainingError, match="--prune"):
        load_onnx_weights(build("vgg_lite", **narrow), silenced)
    pruned = load_onnx_weights(build("vgg_lite", **narrow), silenced, prune=True)
    faces = preprocess(load_fer(tiny_fer, "test").images)
    expected = EmotionClassifier.load(silenced).predict_preprocessed(faces)
    # the four silent channels are the ones dropped: the narrower model computes what the file does
    assert np.abs(pruned.predict(faces, verbose=0) - expected).max() < 1e-4
    assert pruned.count_params() < build("vgg_lite", **WIDE_HP).count_params()
    other = load_onnx_weights(build("vgg_lite", **narrow), wide, prune=True)
    assert np.abs(other.predict(faces, verbose=0) - expected).max() > 1e-3


def test_vgg_slim_is_vgg_lite_with_half_width_inner_convolutions() -> None:
    from keras import layers

    from training.architectures import build

    def widths(arch: str) -> list[int]:
        return [int(layer.filters) for layer in build(arch).layers if isinstance(layer, layers.Conv2D)]

    assert widths("vgg_lite") == [32, 48, 48, 96, 96, 192, 192]
    assert widths("vgg_slim") == [32, 24, 48, 48, 96, 96, 192]
    assert build("vgg_slim").name == "vgg_slim"


def test_prune_without_init_weights_is_a_clear_error(tiny_fer: Path, tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "classmood.cli",
        "train",
        "--data",
        str(tiny_fer),
        "--arch",
        "vgg_slim",
        "--prune",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "run"),
    ]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--prune needs --init-weights" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "run").exists()


def test_fine_tuning_on_reframed_faces_starts_from_the_given_weights(
    trained_onnx: Path, tiny_fer: Path, tmp_path: Path
) -> None:
    from training.train import train

    reframed = tmp_path / "reframed"
    result = _reframe(tiny_fer, reframed)
    assert result.returncode == 0, result.stderr
    assert json.loads((reframed / "reframe.json").read_text())["splits"]["train"]["faces"] == 6 * len(
        EMOTIONS
    )
    out = tmp_path / "tuned"
    settings = _settings(tiny_fer, 1, reframed=str(reframed), init_weights=str(trained_onnx))
    settings = replace(settings, optimisation=replace(settings.optimisation, learning_rate=0.0))
    metrics = train(settings, out, verbose=0)
    assert 0.0 <= metrics["val_accuracy_int8_reframed"] <= 1.0
    saved = json.loads((out / "settings.json").read_text())
    assert saved["transfer"]["init_weights"] == str(trained_onnx)
    assert saved["faces"]["reframed"] == str(reframed)
    faces = preprocess(load_fer(tiny_fer, "test").images)
    before = EmotionClassifier.load(trained_onnx).predict_preprocessed(faces)
    after = EmotionClassifier.load(out / "emotion.onnx").predict_preprocessed(faces)
    assert np.abs(after - before).max() < 1e-3  # learning rate 0: the starting weights, unchanged


def test_reframed_data_of_other_faces_is_refused(tiny_fer: Path, tmp_path: Path) -> None:
    from training.train import train

    other = tmp_path / "other"
    shutil.copytree(tiny_fer, other)
    next((other / "train" / "happy").iterdir()).unlink()
    with pytest.raises(TrainingError, match="does not match"):
        train(_settings(tiny_fer, 1, reframed=str(other)), tmp_path / "run", verbose=0)


def test_reframe_crops_real_faces_as_the_agent_does(fer_root: Path, tmp_path: Path) -> None:
    data = tmp_path / "fer"
    for emotion in EMOTIONS:
        for split in ("train", "test"):
            (data / split / emotion).mkdir(parents=True)
        for path in sorted((fer_root / "test" / emotion).iterdir())[:2]:
            shutil.copy(path, data / "test" / emotion / path.name)
    result = _reframe(data, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    summary = json.loads((tmp_path / "out" / "reframe.json").read_text())["splits"]
    assert summary["test"]["faces"] == 14 and summary["test"]["found"] >= 12
    changed = 0
    for path in sorted((data / "test").glob("*/*.jpg")):
        framed = cv2.imread(
            str(tmp_path / "out" / "test" / path.parent.name / f"{path.stem}.png"), cv2.IMREAD_GRAYSCALE
        )
        assert framed is not None and framed.shape == (48, 48)
        original = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE).astype(np.float32)
        changed += float(np.abs(framed.astype(np.float32) - original).mean()) > 5
    assert changed >= 12


def test_reframe_needs_a_dataset(tmp_path: Path) -> None:
    result = _reframe(tmp_path, tmp_path / "out")
    assert result.returncode == 2
    assert "no train/ folder" in result.stderr and "fer2013.csv" in result.stderr
    assert "Traceback" not in result.stderr


def test_reframe_of_fer2013_csv_keeps_its_rows_for_training(tiny_fer_csv: Path, tmp_path: Path) -> None:
    from training.train import load_reframed

    out = tmp_path / "reframed"
    assert (result := _reframe(tiny_fer_csv, out)).returncode == 0, result.stderr
    summary = json.loads((out / "reframe.json").read_text())["splits"]
    assert summary["train"]["faces"] == 5 * len(EMOTIONS) and summary["test"]["faces"] == 2 * len(EMOTIONS)
    for split in ("train", "test"):
        original = load_fer(tiny_fer_csv, split)
        framed = load_reframed(out, split, like=original)
        assert framed.images.shape == original.images.shape
        assert np.array_equal(framed.labels, original.labels)
    again = _reframe(
        tiny_fer_csv.parent, out
    )  # the folder holding fer2013.csv; the rows are replaced, not added
    assert again.returncode == 0, again.stderr
    assert len(load_fer(out, "train")) == 5 * len(EMOTIONS)
    with pytest.raises(DatasetError, match="no rows with Usage PrivateTest"):
        load_fer(out, "private")


def test_reframe_of_a_broken_csv_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "fer2013.csv"
    broken.write_text("emotion,pixels,Usage\n3,1 2 3,Training\n")
    result = _reframe(broken, tmp_path / "out")
    assert result.returncode == 2
    assert f"{broken}:2" in result.stderr and "Traceback" not in result.stderr


def test_a_teacher_mixes_its_probabilities_for_the_augmented_faces_into_the_targets(
    trained_onnx: Path, tiny_fer: Path
) -> None:
    from training.train import make_train_dataset, preprocess_split

    x, y = preprocess_split(load_fer(tiny_fer, "train"))
    teacher = EmotionClassifier.load(trained_onnx)
    for share in (0.0, 0.3, 1.0):
        settings = _settings(tiny_fer, 1, teacher=str(trained_onnx), teacher_share=share)
        images, targets = next(iter(make_train_dataset(x, y, settings)))
        taught = teacher.predict_preprocessed(images.numpy())
        rest = np.asarray(targets) - share * taught  # what is left must be the one-hot label
        assert np.allclose(np.asarray(targets).sum(axis=1), 1.0, atol=1e-5)
        assert np.allclose(rest, (1.0 - share) * (rest == rest.max(axis=1, keepdims=True)), atol=1e-5)


def test_a_mirrored_teacher_gives_each_face_the_mean_of_it_and_its_mirror_image(
    trained_onnx: Path, tiny_fer: Path
) -> None:
    from training.train import make_train_dataset, preprocess_split

    x, y = preprocess_split(load_fer(tiny_fer, "train"))
    settings = _settings(tiny_fer, 1, teacher=str(trained_onnx), teacher_share=1.0, teacher_mirror=True)
    images, targets = next(iter(make_train_dataset(x, y, settings)))
    faces = images.numpy()
    teacher = EmotionClassifier.load(trained_onnx)
    mirrored = (teacher.predict_preprocessed(faces) + teacher.predict_preprocessed(faces[:, :, ::-1])) / 2
    assert np.allclose(np.asarray(targets), mirrored, atol=1e-5)
    assert not np.allclose(np.asarray(targets), teacher.predict_preprocessed(faces), atol=1e-4)


def test_a_missing_teacher_is_a_clear_error(tiny_fer: Path, tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "classmood.cli",
        "train",
        "--data",
        str(tiny_fer),
        "--teacher",
        str(tmp_path / "missing.onnx"),
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "run"),
    ]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--teacher" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr
    without = [arg for arg in command if arg not in ("--teacher", str(tmp_path / "missing.onnx"))]
    result = subprocess.run(
        [*without, "--teacher-mirror"], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "--teacher-mirror needs a --teacher" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "run").exists()


def test_export_only_without_a_snapshot_is_a_clear_error(tiny_fer: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "classmood.cli", "train", "--data", str(tiny_fer), "--export-only"]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "--export-only needs --init-weights NPZ" in result.stderr
    assert "Traceback" not in result.stderr
