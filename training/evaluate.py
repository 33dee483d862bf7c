"""Evaluate shipped (ONNX) weights on a FER2013 split: accuracy, macro-F1, recall, confusion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model import EMOTIONS, NEGATIVE_EMOTIONS, EmotionClassifier
from model.calibration import ECE_BINS, expected_calibration_error, fit_temperature, with_temperature
from training.data import FerSplit, load_fer

CALM = ("neutral", "happy")
DAMAGE_SEED = 2026  # the damaged test faces are the same on every run      # faces whose "needs attention" flag would be a false alarm


@dataclass(frozen=True)
class Evaluation:
    """Scores of one model on one labelled split."""

    n: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    calibration: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "labels": list(EMOTIONS),
            "per_class": self.per_class,
            "confusion": self.confusion,
            "calibration": self.calibration,
        }


def darken(images: np.ndarray, scale: float = 0.4, gamma: float = 1.5) -> np.ndarray:
    """Simulate a dim room: scale pixel values, then apply a gamma curve (uint8 in, uint8 out)."""
    scaled = images.astype(np.float32) * scale / 255.0
    return np.clip(np.round(255.0 * scaled**gamma), 0, 255).astype(np.uint8)


def calibration(probabilities: np.ndarray, labels: np.ndarray, temperature: float) -> dict[str, float]:
    """How far the probabilities (made with ``temperature``) are from meaning what they say: the
    expected calibration error (:data:`model.calibration.ECE_BINS` bins), and the temperature fitted
    on these faces with the error it leaves (the temperature to ship, if these are held-out faces);
    and the share of calm faces (neutral, happy) whose top class is a negative emotion, the false
    alarms of the dashboard's "needs attention" list."""
    raw = with_temperature(probabilities, 1.0 / temperature)  # undo the shipped temperature
    fitted = fit_temperature(raw, labels)
    calm = np.isin(labels, [EMOTIONS.index(e) for e in CALM])
    alarmed = np.isin(probabilities.argmax(axis=1), [EMOTIONS.index(e) for e in NEGATIVE_EMOTIONS])
    return {
        "bins": ECE_BINS,
        "temperature": temperature,
        "ece": expected_calibration_error(probabilities, labels),
        "fitted_temperature": fitted,
        "ece_fitted": expected_calibration_error(with_temperature(raw, fitted), labels),
        "false_alarms": float((calm & alarmed).sum() / max(int(calm.sum()), 1)),
    }


def score(
    labels: np.ndarray,
    predicted: np.ndarray,
    probabilities: np.ndarray | None = None,
    temperature: float = 1.0,
) -> Evaluation:
    """Accuracy, macro-F1, per-class precision/recall/F1, the confusion matrix (rows = truth) and,
    with the ``probabilities``, their :func:`calibration`."""
    k = len(EMOTIONS)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    support = confusion.sum(axis=1)
    predicted_count = confusion.sum(axis=0)
    hits = np.diag(confusion)
    recall = np.divide(hits, support, out=np.zeros(k), where=support > 0)
    precision = np.divide(hits, predicted_count, out=np.zeros(k), where=predicted_count > 0)
    f1 = np.divide(
        2 * precision * recall, precision + recall, out=np.zeros(k), where=(precision + recall) > 0
    )
    per_class = {
        name: {
            "recall": float(recall[i]),
            "precision": float(precision[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, name in enumerate(EMOTIONS)
    }
    n = int(labels.shape[0])
    return Evaluation(
        n=n,
        accuracy=float(hits.sum() / n) if n else 0.0,
        macro_f1=float(f1.mean()),
        per_class=per_class,
        confusion=confusion.tolist(),
        calibration=calibration(probabilities, labels, temperature) if probabilities is not None else {},
    )


def predict_split(
    classifier: EmotionClassifier,
    split: FerSplit,
    batch_size: int = 256,
    progress: Callable[[int], object] | None = None,
) -> np.ndarray:
    """The (n, 7) probabilities of every image of a split, in batches."""
    probabilities = np.empty((len(split), len(EMOTIONS)), dtype=np.float32)
    for start in range(0, len(split), batch_size):
        batch = split.images[start : start + batch_size]
        probabilities[start : start + len(batch)] = classifier.predict(batch)
        if progress is not None:
            progress(len(batch))
    return probabilities


def evaluate(
    data: Path | FerSplit,
    weights: Path | None = None,
    dim: bool = False,
    threads: int = 2,
    progress: Callable[[int], object] | None = None,
    mirror: bool = False,
    temperature: float | None = None,
    damaged: bool = False,
) -> Evaluation:
    """Evaluate weights on a split, or on ``data`` (an ``<emotion>/`` folder or a root holding ``test/``);
    ``mirror``: average each face's probabilities with its mirror image's; ``damaged``: every face
    damaged as a video call would (:func:`training.damage.damage`, the same damage on every run)."""
    split = data if isinstance(data, FerSplit) else load_fer(Path(data), "test")
    if dim:
        split = FerSplit(darken(split.images), split.labels, split.source + " (darkened)")
    if damaged:
        from training.damage import damage

        split = FerSplit(
            damage(split.images, np.random.default_rng(DAMAGE_SEED)),
            split.labels,
            split.source + " (damaged)",
        )
    classifier = EmotionClassifier.load(weights, threads=threads, mirror=mirror, temperature=temperature)
    probabilities = predict_split(classifier, split, progress=progress)
    return score(split.labels, probabilities.argmax(axis=1), probabilities, classifier.temperature)


def plot_confusion(evaluation: Evaluation, path: Path, title: str = "Confusion matrix") -> Path:
    """Write a row-normalised confusion-matrix PNG with counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = np.asarray(evaluation.confusion)
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros_like(counts, dtype=float), where=rows > 0)
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(EMOTIONS)), EMOTIONS, rotation=45, ha="right")
    ax.set_yticks(range(len(EMOTIONS)), EMOTIONS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"{title} — accuracy {evaluation.accuracy:.1%}, n={evaluation.n}")
    for i in range(len(EMOTIONS)):
        for j in range(len(EMOTIONS)):
            ax.text(
                j,
                i,
                str(counts[i, j]),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if share[i, j] > 0.5 else "black",
            )
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of true class")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def format_report(evaluation: Evaluation) -> str:
    """Human-readable summary: accuracy, macro-F1, per-class recall and the confusion matrix."""
    lines = [
        f"n = {evaluation.n}",
        f"accuracy = {evaluation.accuracy:.4f}",
        f"macro-F1 = {evaluation.macro_f1:.4f}",
        "",
        "per-class recall:",
    ]
    lines += [
        f"  {name:<9} {m['recall']:.3f}  (n={m['support']})" for name, m in evaluation.per_class.items()
    ]
    width = max(len(e) for e in EMOTIONS)
    lines += [
        "",
        "confusion (rows = true, columns = predicted):",
        " " * (width + 1) + " ".join(f"{e[:5]:>5}" for e in EMOTIONS),
    ]
    lines += [
        f"{name:<{width}} " + " ".join(f"{c:>5}" for c in row)
        for name, row in zip(EMOTIONS, evaluation.confusion)
    ]
    cal = evaluation.calibration
    if cal:
        lines += [
            "",
            (
                f"calibration ({cal['bins']} bins): ECE {cal['ece']:.3f} at temperature {cal['temperature']:g}; "
                f"fitted here {cal['fitted_temperature']:g} (ECE {cal['ece_fitted']:.3f})"
            ),
            f"false alarms: {cal['false_alarms']:.1%} of neutral and happy faces predicted as a negative emotion",
        ]
    return "\n".join(lines)
