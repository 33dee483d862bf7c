"""Training the text-line recogniser: the drawn lines, and a short real run that exports weights the
runtime loads."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from model.text_lines import CHARSET, TextLineReader
from training.text_lines import LineTrainSettings, draw_label, font_files, random_name, train_lines


def test_names_are_written_in_the_charset_and_vary() -> None:
    rng = np.random.default_rng(0)
    names = [random_name(rng) for _ in range(500)]
    assert all(name and all(ch in CHARSET for ch in name) for name in names)
    assert len(set(names)) > 450
    assert any(ch.isdigit() for name in names for ch in name)  # student numbers
    assert any(name.endswith(("...", "…")) for name in names)  # cut labels
    # family names with a capital inside (McIntyre, VonDoupe): no space before it
    assert any(any(a.islower() and b.isupper() for a, b in itertools.pairwise(name)) for name in names)


def test_drawn_labels_are_small_gray_lines() -> None:
    rng = np.random.default_rng(1)
    fonts = font_files()
    assert len({f.name.split("-")[0] for f in fonts}) >= 3  # several families
    heights, silent = [], 0
    for _ in range(60):
        line, text = draw_label(rng, fonts)
        assert line.dtype == np.uint8 and line.ndim == 2
        assert all(ch in CHARSET for ch in text)
        assert int(line.max()) - int(line.min()) > 40  # the text stands out
        heights.append(line.shape[0])
        silent += text == ""  # a label in another script: nothing to read
    assert min(heights) < 12 and max(heights) > 20  # the sizes of big and small galleries
    assert 1 <= silent <= 20


def test_labels_are_drawn_at_the_sizes_asked_for() -> None:
    """A run may draw only the small labels the agent gives the recogniser (``--sizes``)."""
    fonts = font_files()
    small = [draw_label(np.random.default_rng(k), fonts, sizes=(5.5, 7.0))[0].shape[0] for k in range(30)]
    large = [draw_label(np.random.default_rng(k), fonts, sizes=(16.0, 18.0))[0].shape[0] for k in range(30)]
    assert np.median(small) * 1.8 < np.median(large)


def _train_lines_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``classmood train-lines ARGS`` run as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "classmood.cli", "train-lines", *args],
        check=False,
        capture_output=True,
        text=True,
    )


def test_sizes_out_of_order_are_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _train_lines_cli("--sizes", "12", "6", "--out", str(tmp_path / "run"))
    assert result.returncode == 2 and "--sizes" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_short_run_exports_weights_the_runtime_reads(tmp_path: Path) -> None:
    settings = LineTrainSettings(lines=128, validation_lines=32, epochs=1, batch_size=64)
    metrics = train_lines(settings, tmp_path, progress=lambda _: None)
    assert 0.0 <= metrics["validation_exact"] <= 1.0
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["settings"]["lines"] == 128 and len(saved["history"]) == 1
    reader = TextLineReader.load(tmp_path / "name-lines.onnx")
    reads = reader.read([np.full((10, 60), 128, np.uint8)])
    assert len(reads) == 1 and all(ch in CHARSET for ch in reads[0].text)
    assert reader.read([]) == []


def test_a_gru_headed_run_starts_from_the_shipped_convolutions_and_goes_on_from_its_snapshot(
    tmp_path: Path,
) -> None:
    """The "gru" head takes the shipped file's convolutions; its run leaves a float16 snapshot that a
    later run (on any machine) continues from, and a file the runtime reads."""
    from training.text_lines import load_onnx_recogniser, recogniser

    shipped = Path(__file__).resolve().parents[2] / "model" / "weights" / "name-lines.onnx"
    convs = [
        layer
        for layer in load_onnx_recogniser(recogniser(head="gru"), shipped).layers
        if type(layer).__name__ == "Conv2D"
    ]
    plain = [layer for layer in recogniser(head="gru").layers if type(layer).__name__ == "Conv2D"]
    assert all(
        np.abs(a.kernel.numpy() - b.kernel.numpy()).max() > 0 for a, b in zip(convs, plain, strict=True)
    )
    first = LineTrainSettings(
        lines=64, validation_lines=16, epochs=1, batch_size=64, head="gru", init_weights=str(shipped)
    )
    train_lines(first, tmp_path / "a", progress=lambda _: None)
    snapshot = tmp_path / "a" / "best.fp16.npz"
    assert snapshot.is_file()
    then = LineTrainSettings(
        lines=64, validation_lines=16, epochs=1, batch_size=64, head="gru", init_weights=str(snapshot)
    )
    train_lines(then, tmp_path / "b", progress=lambda _: None)
    reads = TextLineReader.load(tmp_path / "b" / "name-lines.onnx").read([np.full((10, 60), 128, np.uint8)])
    assert len(reads) == 1 and all(ch in CHARSET for ch in reads[0].text)


def test_the_shipped_recogniser_is_continued_from_its_own_file() -> None:
    """Each recogniser of the shipped mean, loaded into the Keras model, reads as the file does:
    training can go on from the committed file on any machine."""
    import onnxruntime as ort

    from model.text_lines import line_input
    from training.text_lines import load_onnx_recogniser, recogniser

    shipped = Path(__file__).resolve().parents[2] / "model" / "weights" / "name-lines.onnx"
    rng = np.random.default_rng(3)
    fonts = font_files()
    lines = line_input([draw_label(rng, fonts)[0] for _ in range(6)])
    session = ort.InferenceSession(str(shipped), providers=["CPUExecutionProvider"])
    (expected,) = session.run(None, {session.get_inputs()[0].name: lines})
    members = [load_onnx_recogniser(recogniser(), shipped, k)(lines, training=False).numpy() for k in (0, 1)]
    assert np.abs(np.mean(members, axis=0) - expected).max() < 1e-4
    assert np.abs(members[0] - members[1]).max() > 1e-3  # two recognisers, not one twice


def test_a_member_the_file_lacks_is_one_line_and_exit_2(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "model" / "weights" / "name-lines.onnx"
    result = _train_lines_cli(
        "--init-weights",
        str(shipped),
        "--member",
        "5",
        "--lines",
        "64",
        "--epochs",
        "1",
        "--out",
        str(tmp_path / "run"),
    )
    assert result.returncode == 2 and "--member 5" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "run" / "name-lines.onnx").exists()
