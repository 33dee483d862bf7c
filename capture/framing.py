"""The agent's framing of a face image: how a face looks to the emotion model after capture.

A face image is painted into a synthetic camera tile (as ``capture.synth`` draws students), found
with the agent's detector and cut with the agent's crop (``capture.faces.crop_face``). Training on
faces framed this way teaches the model the framing it is given at run time, not only FER2013's own.
"""

from __future__ import annotations

import numpy as np

from capture.faces import FaceDetector, crop_face
from capture.synth import camera_tile

# Tile heights the agent meets in 1920x1080 galleries: about 150 px at 49 students, 210 at 25, 340 at 9.
TILE_HEIGHTS = (140, 360)


def agent_crop(face: np.ndarray, detector: FaceDetector, rng: np.random.Generator) -> np.ndarray | None:
    """The BGR crop the capture agent would classify for a grayscale ``face`` image shown in a
    camera tile of random size, room and placement; None when the detector finds no face."""
    height = int(rng.integers(TILE_HEIGHTS[0], TILE_HEIGHTS[1] + 1))
    tile, _ = camera_tile(face, rng, (round(height * 16 / 9), height))
    found = detector.best_face(tile)
    if found is None:
        return None
    return crop_face(tile, found.box)
