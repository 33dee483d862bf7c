"""Calibration: probabilities that mean what they say (temperature scaling).

A network trained with label smoothing on noisy labels is not confident in the right measure: its
0.6 is right more or less often than 60 % of the time. Dividing the log-probabilities by one
temperature, fitted on held-out faces, fixes most of that without changing any face's top class
(``training.evaluate`` fits it and measures the expected calibration error).
"""

from __future__ import annotations

import numpy as np

ECE_BINS = 15


def with_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log(p) / temperature)`` of (n, k) probabilities; 1.0 leaves them as they are."""
    if temperature == 1.0:
        return probabilities
    logits = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return np.asarray(scaled / scaled.sum(axis=1, keepdims=True), dtype=np.float32)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """The gap between confidence and accuracy, averaged over ``bins`` equal-width confidence bins
    weighted by how many faces fall in each (Guo et al. 2017)."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            total += members.sum() * abs(float(correct[members].mean()) - float(confidence[members].mean()))
    return total / max(len(labels), 1)


def fit_temperature(
    probabilities: np.ndarray, labels: np.ndarray, low: float = 0.25, high: float = 8.0
) -> float:
    """The temperature that minimises the negative log-likelihood of ``labels`` (golden-section search
    over log-temperature; the likelihood is unimodal in it)."""
    picked = np.arange(len(labels))

    def nll(log_t: float) -> float:
        scaled = with_temperature(probabilities, float(np.exp(log_t)))
        return float(-np.log(np.clip(scaled[picked, labels], 1e-12, 1.0)).mean())

    a, b = np.log(low), np.log(high)
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    for _ in range(60):
        if nll(c) < nll(d):
            b, d = d, c
            c = b - ratio * (b - a)
        else:
            a, c = c, d
            d = a + ratio * (b - a)
    return round(float(np.exp((a + b) / 2.0)), 3)
