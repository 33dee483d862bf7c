"""The text-line recogniser's runtime: preprocessing, CTC decoding, loading, and the committed weights
on small name labels drawn by the synthetic generator's renderer (not the training renderer)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from capture.name_words import NameWords
from capture.synth.text import TextRenderer
from model import ModelError
from model.text_lines import (
    CHARSET,
    LINE_HEIGHT,
    LINE_WIDTH,
    TextLineReader,
    decode,
    line_input,
    log_likelihoods,
)

WEIGHTS = Path(__file__).resolve().parents[2] / "model" / "weights"


def _steps(path: str) -> np.ndarray:
    """One line's probabilities: each character of ``path`` a step ("_" the blank), sure of it."""
    blank = len(CHARSET)
    steps = np.full((len(path), blank + 1), 0.01, np.float32)
    for t, ch in enumerate(path):
        steps[t, blank if ch == "_" else CHARSET.index(ch)] = 0.9
    return steps[None]


def test_decode_merges_repeats_and_drops_blanks() -> None:
    (read,) = decode(_steps("__AA_nn_n__"))
    assert read.text == "Ann"
    assert read.confidence == pytest.approx(90.0, abs=0.1)
    (empty,) = decode(_steps("____"))
    assert (empty.text, empty.confidence) == ("", 0.0)


def test_decode_folds_spaces() -> None:
    (read,) = decode(_steps("_ _Li_ _ _Wu_ _"))
    assert read.text == "Li Wu"


def test_log_likelihoods_sum_every_alignment() -> None:
    """The CTC forward pass against the sum over every path of four steps that reads the text."""
    rng = np.random.default_rng(1)
    steps = rng.random((4, len(CHARSET) + 1))
    steps /= steps.sum(axis=1, keepdims=True)
    blank, a, b = len(CHARSET), CHARSET.index("A"), CHARSET.index("b")

    def reads(path: tuple[int, ...]) -> list[int]:
        merged = [c for i, c in enumerate(path) if i == 0 or path[i - 1] != c]
        return [c for c in merged if c != blank]

    texts = ["A", "Ab", "AA", "bA", ""]
    paths = list(itertools.product([a, b, blank], repeat=4))
    expected = [
        np.log(
            sum(
                np.prod(steps[np.arange(4), path])
                for path in paths
                if reads(path) == [CHARSET.index(ch) for ch in text]
            )
        )
        for text in texts
    ]
    assert np.allclose(log_likelihoods(steps, texts), expected)
    assert log_likelihoods(steps, ["A≠"])[0] == -np.inf


def test_line_input_scales_standardises_and_pads() -> None:
    rng = np.random.default_rng(0)
    short = rng.integers(0, 255, (10, 40), dtype=np.uint8)
    wide = rng.integers(0, 255, (10, 400, 3), dtype=np.uint8)
    batch = line_input([short, wide])
    assert batch.shape == (2, LINE_HEIGHT, LINE_WIDTH, 1) and batch.dtype == np.float32
    width = round(40 * LINE_HEIGHT / 10)
    assert abs(float(batch[0, :, :width].mean())) < 1e-3
    assert np.all(batch[0, :, width:] == 0.0)  # padded with the line's mean
    assert np.any(batch[1, :, -1] != 0.0)  # cut at the full width, not squeezed:
    cut = line_input([wide[:, : 10 * LINE_WIDTH // LINE_HEIGHT]])
    assert np.allclose(batch[1], cut[0], atol=1e-4)


def test_load_gives_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        TextLineReader.load(tmp_path / "missing.onnx")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not onnx")
    with pytest.raises(ModelError, match="not a loadable ONNX model"):
        TextLineReader.load(broken)
    with pytest.raises(ModelError, match="expects input"):
        TextLineReader.load(WEIGHTS / "emotion.onnx")


def test_committed_weights_read_small_labels(bench_script: Callable[[str], ModuleType]) -> None:
    """Names of the generator's Latin lists without their marks at 8 and 10 px, drawn by the
    generator's renderer, not the training one (bench/name_lines.py; model card)."""
    bench = bench_script("name_lines")
    names = bench.latin_names(marks=False)
    assert len(names) >= 40
    rng = np.random.default_rng(3)
    renderer = TextRenderer()
    labels = [(name, bench.zoom_label(renderer, name, size, rng)) for name in names for size in (8, 10)]
    reads = TextLineReader.load().read([label for _, label in labels])
    exact = np.mean([read.text == name for (name, _), read in zip(labels, reads, strict=True)])
    assert exact >= 0.8, [(n, r.text) for (n, _), r in zip(labels, reads, strict=True) if r.text != n]


@pytest.mark.parametrize("script", ["korean", "cjk", "arabic", "hebrew", "devanagari", "thai"])
def test_labels_of_other_scripts_are_left_to_tesseract(
    script: str, bench_script: Callable[[str], ModuleType]
) -> None:
    """The recogniser reads Latin names only: on a small label in another script it is unsure or
    reads fewer than three letters (the name reader's bars), even spelled with the name words, so
    Tesseract's script models read it.
    (Cyrillic and Greek, whose letters look like Latin ones, are its known limit: model card.)"""
    bench = bench_script("name_lines")
    renderer = TextRenderer()
    if not renderer.supports(script):
        pytest.skip(f"no font for {script} here")
    rng = np.random.default_rng(4)
    labels = [
        bench.zoom_label(renderer, name, size, rng, script)
        for name in bench.other_names(script)
        for size in (7, 8, 10)
    ]
    words = NameWords()
    spelled = [words.respelled(read) for read in TextLineReader.load().read(labels)]
    assert [s.text for s in spelled if bench.taken(s)] == []
