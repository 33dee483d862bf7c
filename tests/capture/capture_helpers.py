"""Small helpers shared by the capture tests."""

from __future__ import annotations

from capture.box import Box, intersection


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    inter = intersection(a, b)
    return inter / float(a[2] * a[3] + b[2] * b[3] - inter)


def matched(truth: list[Box], found: list[Box], threshold: float = 0.8) -> int:
    """How many truth boxes have a found box with IoU >= ``threshold``."""
    return sum(1 for t in truth if max((iou(t, f) for f in found), default=0.0) >= threshold)
