"""Small helpers shared by the capture tests."""

from __future__ import annotations

Box = tuple[int, int, int, int]


def intersection(a: Box, b: Box) -> int:
    """The area two (x, y, w, h) boxes share."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    inter = intersection(a, b)
    return inter / float(a[2] * a[3] + b[2] * b[3] - inter)


def matched(truth: list[Box], found: list[Box], threshold: float = 0.8) -> int:
    """How many truth boxes have a found box with IoU >= ``threshold``."""
    return sum(1 for t in truth if max((iou(t, f) for f in found), default=0.0) >= threshold)
