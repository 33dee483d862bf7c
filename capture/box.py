"""The rectangle every capture module passes around."""

Box = tuple[int, int, int, int]
"""(x, y, w, h) in pixels of the image the box belongs to."""


def intersection(a: Box, b: Box) -> int:
    """The area two boxes share, in pixels."""
    iw = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return iw * ih


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    shared = intersection(a, b)
    return shared / float(a[2] * a[3] + b[2] * b[3] - shared)
