"""Reading the small Latin name labels of big galleries: a convolutional text-line recogniser (CTC).

Tesseract reads labels of 10 px letters and more; a 7x7 gallery on a laptop screen draws names with
letters of 5-6 px, which it cannot read. This recogniser was trained (``classmood train-lines``,
:mod:`training.text_lines`) on names drawn the way video clients draw their labels, at those
sizes. The shared preprocessing (:func:`line_input`) is here so training and inference agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from model.errors import ModelError
from model.runtime import cpu_session

# What the recogniser can write: Latin names, their accents, student numbers and the marks names carry.
CHARSET = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    " .,'-()_&@#/"
    "ÁÀÂÄÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕØÚÙÛÜÝŠŽČŁŚßáàâäãåçéèêëíìîïñóòôöõøúùûüýÿšžčćłńśźżğışăęąő…"
)
LINE_HEIGHT = 32  # a text line is scaled to this height ...
LINE_WIDTH = 256  # ... and padded (or squeezed) to this width
STEP = 2  # input columns per output step
SURE_BLANK = 0.999  # a step this sure of the blank, at a line's ends, writes nothing any text could
WEIGHTS = Path(__file__).resolve().parent / "weights" / "name-lines.onnx"


def line_input(lines: Sequence[np.ndarray]) -> np.ndarray:
    """Text-line crops (gray or BGR, any size) -> ``(n, LINE_HEIGHT, LINE_WIDTH, 1)`` float32.

    Each crop is cut where it would be wider than :data:`LINE_WIDTH` once scaled (the video beyond a
    label; a name is not that long), scaled to :data:`LINE_HEIGHT` keeping its shape, standardised
    (zero mean, unit spread: either polarity of text, any contrast), and padded on the right with
    its mean.
    """
    out = np.zeros((len(lines), LINE_HEIGHT, LINE_WIDTH, 1), np.float32)
    for i, line in enumerate(lines):
        gray = (
            line if line.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(line[:, :, :3]), cv2.COLOR_BGR2GRAY)
        )
        gray = gray[:, : gray.shape[0] * LINE_WIDTH // LINE_HEIGHT]
        h, w = gray.shape[:2]
        if h == 0 or w == 0:
            continue
        width = max(1, min(LINE_WIDTH, round(w * LINE_HEIGHT / h)))
        scaled = cv2.resize(gray.astype(np.float32), (width, LINE_HEIGHT), interpolation=cv2.INTER_LINEAR)
        scaled = (scaled - scaled.mean()) / max(float(scaled.std()), 8.0)
        out[i, :, :width, 0] = scaled
    return out


@dataclass(frozen=True)
class LineRead:
    """The text the recogniser reads on one line, and how sure it is (0-100: the geometric mean of
    each written letter's probability); ``steps``: the probabilities it was decoded from
    ``(steps, len(CHARSET) + 1)``, for weighing other spellings (:func:`log_likelihoods`)."""

    text: str
    confidence: float
    steps: np.ndarray | None = field(default=None, compare=False, repr=False)


def written(steps: np.ndarray) -> list[tuple[str, float]]:
    """The characters greedy decoding writes from one line's probabilities ``(steps, len(CHARSET) +
    1)``, each with its probability: the best class per step, repeats merged, blanks dropped (spaces
    at the ends and runs of them kept, as written)."""
    blank = len(CHARSET)
    out = []
    previous = blank
    for step, cls in enumerate(steps.argmax(axis=1)):
        if cls != blank and cls != previous:
            out.append((CHARSET[cls], max(float(steps[step, cls]), 1e-6)))
        previous = cls
    return out


def decode(probabilities: np.ndarray) -> list[LineRead]:
    """Greedy CTC decoding of ``(n, steps, len(CHARSET) + 1)`` probabilities (the last class is the
    blank): :func:`written`, with runs of spaces made one and none at either end."""
    reads = []
    for steps in probabilities:
        letters = written(steps)
        logs = [math.log(p) for _, p in letters]
        confidence = 100.0 * math.exp(sum(logs) / len(logs)) if logs else 0.0
        reads.append(LineRead(" ".join("".join(ch for ch, _ in letters).split()), confidence, steps))
    return reads


def log_likelihoods(steps: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """The CTC log-likelihood of each text on one line's probabilities ``(steps, len(CHARSET) + 1)``:
    the log of the summed probability of every alignment of its letters and blanks to the steps
    (the CTC forward pass, all texts at once). A text with a character outside :data:`CHARSET`
    cannot be written: ``-inf``. The steps at either end where the blank is all but certain
    (:data:`SURE_BLANK`) are left out: every text spends them on the blank alike, so the
    differences between texts, which is what the likelihoods are compared by, stay the same."""
    blank = len(CHARSET)
    steps = np.asarray(steps, np.float64)
    unsure = np.flatnonzero(steps[:, blank] < SURE_BLANK)
    if unsure.size:
        steps = steps[unsure[0] : unsure[-1] + 1]
    log_steps = np.log(np.maximum(steps, 1e-12))
    count = len(texts)
    labels = [[CHARSET.find(ch) for ch in text] for text in texts]
    width = 2 * max((len(label) for label in labels), default=0) + 1
    extended = np.full((count, width), blank)  # blank, letter, blank, letter, ..., blank
    for i, label in enumerate(labels):
        extended[i, 1 : 2 * len(label) : 2] = label
    writable = np.array([min(label, default=0) >= 0 for label in labels])
    extended[~writable] = blank
    skip = np.zeros((count, width), bool)  # a letter may follow the letter before its blank
    skip[:, 2:] = (extended[:, 2:] != blank) & (extended[:, 2:] != extended[:, :-2])
    alpha = np.full((count, width), -np.inf)
    alpha[:, 0] = log_steps[0, blank]
    if width > 1:
        alpha[:, 1] = log_steps[0, extended[:, 1]]
    for t in range(1, len(log_steps)):
        one = np.concatenate([np.full((count, 1), -np.inf), alpha[:, :-1]], axis=1)
        two = np.concatenate([np.full((count, 2), -np.inf), alpha[:, :-2]], axis=1)
        alpha = np.logaddexp(np.logaddexp(alpha, one), np.where(skip, two, -np.inf)) + log_steps[t, extended]
    ends = np.array([2 * len(label) for label in labels])
    last = alpha[np.arange(count), ends]
    before = np.where(ends > 0, alpha[np.arange(count), np.maximum(ends - 1, 0)], -np.inf)
    return np.where(writable, np.logaddexp(last, before), -np.inf)


class TextLineReader:
    """Text-line crops in, :class:`LineRead` out (ONNX Runtime on the CPU)."""

    def __init__(self, session: ort.InferenceSession, path: Path) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self.path = path

    @classmethod
    def load(cls, path: Path | None = None, threads: int = 1) -> TextLineReader:
        """Load the recogniser (default: the committed ``model/weights/name-lines.onnx``)."""
        path = Path(path) if path is not None else WEIGHTS
        session = cpu_session(path, threads, "text-line recogniser")
        shape = session.get_inputs()[0].shape
        classes = session.get_outputs()[0].shape[-1]
        if list(shape[1:]) != [LINE_HEIGHT, LINE_WIDTH, 1] or classes != len(CHARSET) + 1:
            raise ModelError(
                f"{path}: expects input {shape} with {classes} classes, not "
                f"(n, {LINE_HEIGHT}, {LINE_WIDTH}, 1) with {len(CHARSET) + 1}"
            )
        return cls(session, path)

    def read(self, lines: Sequence[np.ndarray]) -> list[LineRead]:
        """The text on each crop."""
        if not lines:
            return []
        (probabilities,) = self._session.run(None, {self._input: line_input(lines)})
        return decode(np.asarray(probabilities))
