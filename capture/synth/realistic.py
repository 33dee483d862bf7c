"""The choices that make one lecture look like a real screenshot of its client, drawn once from the
lecture's own random stream (so lectures without them keep every random draw they had)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from capture.synth.looks import Client
from capture.synth.shot import Shot, choose_shot
from capture.synth.webcam import Pose, draw_pose


@dataclass
class Realism:
    """One realistic lecture's screenshot (:class:`Shot`), whether its window is drawn, Teams'
    app side panel, column of camera-off people and tiles of mixed sizes, the pop-up over a tile (the tile's place in
    reading order, or None), and each student's webcam :class:`Pose` (drawn when first shown)."""

    shot: Shot
    chrome: bool
    panel: bool
    column: bool
    mixed: bool
    popup: int | None
    rng: np.random.Generator
    poses: dict[int, Pose] = field(default_factory=dict)

    def pose(self, student: int) -> Pose:
        """The student's webcam pose, the same on every frame."""
        if student not in self.poses:
            self.poses[student] = draw_pose(self.rng)
        return self.poses[student]


def choose_realism(seed: int, client: Client) -> Realism:
    """The realistic choices of the lecture of ``seed`` drawn as ``client`` draws its calls: the
    screenshot; Teams' side panel and avatar column in most Teams calls, mixed sizes in half; a pop-up in some calls."""
    rng = np.random.default_rng([seed, 21])
    shot = choose_shot(rng)
    chrome = bool(rng.random() < 0.75)
    teams = client == "teams"
    panel = teams and bool(rng.random() < 0.6)
    column = teams and bool(rng.random() < 0.7)
    mixed = teams and bool(rng.random() < 0.5)
    popup = int(rng.integers(0, 4)) if rng.random() < 0.3 else None
    return Realism(shot, chrome, panel, column, mixed, popup, rng)
