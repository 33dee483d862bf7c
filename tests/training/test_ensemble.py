"""`classmood ensemble`: one ONNX file whose probabilities are its members' mean, through the real
command line and the runtime that loads it (emotion models and text-line recognisers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from model import EMOTIONS, EmotionClassifier
from model.text_lines import CHARSET, LINE_HEIGHT, LINE_WIDTH, TextLineReader


def _linear_model(path: Path, seed: int) -> Path:
    """A small real emotion model: 48x48 faces, flattened, times a random matrix, softmax."""
    weights = np.random.default_rng(seed).normal(0, 0.05, (48 * 48, len(EMOTIONS))).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Flatten", ["face"], ["flat"]),
            helper.make_node("MatMul", ["flat", "w"], ["scores"]),
            helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1),
        ],
        "linear",
        [helper.make_tensor_value_info("face", TensorProto.FLOAT, ["n", 48, 48, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["n", len(EMOTIONS)])],
        [numpy_helper.from_array(weights, "w")],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], ir_version=8), str(path))
    return path


def _linear_recogniser(path: Path, seed: int) -> Path:
    """A small real text-line recogniser: each pair of a line's columns (its 32 rows) times a random
    matrix, softmax over the characters and the blank: 128 steps."""
    classes = len(CHARSET) + 1
    weights = np.random.default_rng(seed).normal(0, 0.05, (2 * LINE_HEIGHT, classes)).astype(np.float32)
    steps = LINE_WIDTH // 2
    graph = helper.make_graph(
        [
            helper.make_node("Transpose", ["line"], ["columns"], perm=[0, 2, 1, 3]),
            helper.make_node("Reshape", ["columns", "shape"], ["pairs"]),
            helper.make_node("MatMul", ["pairs", "w"], ["scores"]),
            helper.make_node("Softmax", ["scores"], ["probabilities"], axis=-1),
        ],
        "linear_lines",
        [helper.make_tensor_value_info("line", TensorProto.FLOAT, ["n", LINE_HEIGHT, LINE_WIDTH, 1])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["n", steps, classes])],
        [
            numpy_helper.from_array(weights, "w"),
            numpy_helper.from_array(np.array([0, steps, 2 * LINE_HEIGHT], np.int64), "shape"),
        ],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], ir_version=8), str(path))
    return path


def _untyped_model(path: Path) -> Path:
    """A real ONNX model that is neither kind: five numbers in, the same five out."""
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 5])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], ir_version=8), str(path))
    return path


def _classmood(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "classmood.cli", *args], check=False, capture_output=True, text=True
    )


def test_the_ensemble_gives_the_mean_of_its_members(tmp_path: Path) -> None:
    members = [_linear_model(tmp_path / f"m{seed}.onnx", seed) for seed in range(3)]
    out = tmp_path / "ensemble.onnx"
    result = _classmood("ensemble", *map(str, members), "--out", str(out))
    assert result.returncode == 0, result.stderr
    faces = np.random.default_rng(9).integers(0, 256, (5, 60, 50, 3), dtype=np.uint8)
    each = [EmotionClassifier.load(path, temperature=1.0).predict(faces) for path in members]
    joined = EmotionClassifier.load(out, temperature=1.0).predict(faces)
    assert np.allclose(joined, np.mean(each, axis=0), atol=1e-6)
    assert not np.allclose(each[0], each[1], atol=1e-3)  # the members differ, so the mean means something


def test_text_line_recognisers_join_step_by_step(tmp_path: Path) -> None:
    members = [_linear_recogniser(tmp_path / f"r{seed}.onnx", seed) for seed in range(2)]
    out = tmp_path / "lines.onnx"
    result = _classmood("ensemble", *map(str, members), "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = list(np.random.default_rng(3).integers(0, 256, (4, 12, 90), dtype=np.uint8))
    each = [np.stack([r.steps for r in TextLineReader.load(path).read(lines)]) for path in members]
    joined = np.stack([r.steps for r in TextLineReader.load(out).read(lines)])
    assert joined.shape == (4, LINE_WIDTH // 2, len(CHARSET) + 1)
    assert np.allclose(joined, np.mean(each, axis=0), atol=1e-6)
    assert not np.allclose(each[0], each[1], atol=1e-3)


def test_bad_members_are_one_line(tmp_path: Path) -> None:
    good = _linear_model(tmp_path / "good.onnx", 0)
    text = tmp_path / "notes.onnx"
    text.write_text("not a model")
    out = tmp_path / "out.onnx"
    cases = {
        "not an ONNX model": [str(text), str(good)],
        "two models or more": [str(good)],
        "no such model file": [str(tmp_path / "missing.onnx"), str(good)],
        "models of two kinds": [str(Path("model/weights/name-lines.onnx")), str(good)],
        "not a model to join": [str(_untyped_model(tmp_path / "untyped.onnx")), str(good)],
    }
    for message, members in cases.items():
        result = _classmood("ensemble", *members, "--out", str(out))
        assert result.returncode == 2 and message in result.stderr, (message, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
