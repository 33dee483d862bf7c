"""The choices that make one lecture look like a real screenshot of its client, drawn once from the
lecture's own random stream (so lectures without them keep every random draw they had)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from capture.synth.looks import Client, LectureStyle
from capture.synth.names import SCRIPT_WEIGHTS
from capture.synth.shot import Shot, choose_shot
from capture.synth.webcam import Pose, draw_pose

# The gaps between tiles real clients draw on a 1080p-class screen (px): Zoom's real galleries
# have wider gaps than its thinnest, Meet's tiles may touch, Teams' are thin
SCREEN_GAPS: dict[str, tuple[int, int]] = {"zoom": (4, 9), "meet": (0, 12), "teams": (2, 6)}
# The share of Zoom and Teams desktop calls shot on Windows, whose text is drawn with ClearType
# (Meet runs in a browser, which draws text over video in grey)
SUBPIXEL_SHARE = 0.5
# The share of a class's Latin-script names written without marks (José, Łukasz, Nguyễn are the rest)
PLAIN_LATIN_SHARE = 0.8
# The share of webcams whose 4:3 video a client shows whole, pillarboxed in its 16:9 tile: Zoom
# keeps a video's shape; Meet's grid and Teams' gallery crop it to fill the tile (Teams' "Fit to
# frame", chosen video by video, shows it whole)
PILLARBOX_SHARE: dict[str, float] = {"zoom": 0.2, "meet": 0.0, "teams": 0.05}


@dataclass
class Realism:
    """One realistic lecture's screenshot (:class:`Shot`), whether its window is drawn, Teams'
    app side panel, column of camera-off people, tiles of mixed sizes (else rows of different
    counts, or a grid) and dialog over the call, whether Meet's
    camera-off tiles are borderless (Meet until 2021; later a grey tile), the pop-up over a tile
    (the tile's place in reading order, or None), how often names of each script are drawn, and
    each student's webcam :class:`Pose` (drawn when first shown)."""

    shot: Shot
    chrome: bool
    panel: bool
    column: bool
    mixed: bool
    borderless: bool
    popup: int | None
    scripts: dict[str, float]
    rng: np.random.Generator
    poses: dict[int, Pose] = field(default_factory=dict)
    rows: bool = False  # Teams' rows of different counts filling the width, where tiles are not mixed
    dialog: bool = False  # Teams' dialog in the middle of the call, over tiles and gaps
    pillarbox: float = 0.0  # the share of webcams shown pillarboxed (PILLARBOX_SHARE)

    def pose(self, student: int) -> Pose:
        """The student's webcam pose, the same on every frame."""
        if student not in self.poses:
            self.poses[student] = draw_pose(self.rng, self.pillarbox)
        return self.poses[student]


def choose_realism(seed: int, client: Client) -> Realism:
    """The realistic choices of the lecture of ``seed`` drawn as ``client`` draws its calls: the
    screenshot (its text drawn with ClearType in half the Zoom and Teams calls); Teams' side panel
    and avatar column in most Teams calls, mixed sizes in half, rows in half the others, a dialog
    in some; borderless camera-off tiles in half the Meet calls; a pop-up in some calls; the
    client's share of pillarboxed webcams."""
    rng = np.random.default_rng([seed, 21])
    shot = choose_shot(rng, client)
    # Windows or not from a stream of its own, so that every other draw keeps its value
    windows = np.random.default_rng([seed, 22]).random() < SUBPIXEL_SHARE
    shot = replace(shot, subpixel=client in ("zoom", "teams") and bool(windows))
    chrome = bool(rng.random() < 0.75)
    teams = client == "teams"
    panel = teams and bool(rng.random() < 0.6)
    column = teams and bool(rng.random() < 0.7)
    mixed = teams and bool(rng.random() < 0.5)
    borderless = client == "meet" and bool(rng.random() < 0.5)
    popup = int(rng.integers(0, 4)) if rng.random() < 0.3 else None
    realism = Realism(shot, chrome, panel, column, mixed, borderless, popup, class_scripts(rng), rng)
    # Teams' rows and dialog from a stream of their own, so that every other draw keeps its value
    stage = np.random.default_rng([seed, 23])
    realism.rows = teams and not mixed and bool(stage.random() < 0.5)
    realism.dialog = teams and bool(stage.random() < 0.3)
    realism.pillarbox = PILLARBOX_SHARE[client]
    return realism


def class_scripts(rng: np.random.Generator) -> dict[str, float]:
    """How often names of each script are drawn in one class: most names in the class's own script
    (Latin in most classes, else one drawn by :data:`SCRIPT_WEIGHTS`), a few in others; of the
    Latin names, :data:`PLAIN_LATIN_SHARE` without marks."""
    others = {k: v for k, v in SCRIPT_WEIGHTS.items() if k != "latin"}
    main = "latin" if rng.random() < 0.6 else str(rng.choice(list(others), p=_normalised(others)))
    total = sum(SCRIPT_WEIGHTS.values())
    weights = {k: (0.85 if k == main else 0.0) + 0.15 * v / total for k, v in SCRIPT_WEIGHTS.items()}
    latin = weights.pop("latin")
    return {"latin": (1 - PLAIN_LATIN_SHARE) * latin, "latin_plain": PLAIN_LATIN_SHARE * latin, **weights}


def _normalised(weights: dict[str, float]) -> list[float]:
    total = sum(weights.values())
    return [v / total for v in weights.values()]


def realistic_style(style: LectureStyle, realism: Realism, gap: int | None) -> LectureStyle:
    """The style on the realistic lecture's screen: the client's gap (``gap`` when the caller
    fixed it) and corners scaled with the screen's density, as the client scales its drawing."""
    density = max(1.0, realism.shot.screen[0] / 1920)
    if gap is None and style.client is not None:
        low, high = SCREEN_GAPS[style.client]
        gap = int(realism.rng.integers(low, high + 1))
    base = style.gap if gap is None else gap
    return replace(style, gap=round(base * density), corner=round(style.corner * density))
