"""Small helpers shared by the capture tests."""

from __future__ import annotations

from capture.box import Box, iou

__all__ = ["iou", "matched"]


def matched(truth: list[Box], found: list[Box], threshold: float = 0.8) -> int:
    """How many truth boxes have a found box with IoU >= ``threshold``."""
    return sum(1 for t in truth if max((iou(t, f) for f in found), default=0.0) >= threshold)
