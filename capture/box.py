"""The rectangle every capture module passes around."""

Box = tuple[int, int, int, int]
"""(x, y, w, h) in pixels of the image the box belongs to."""
