"""How a synthetic meeting looks: theme, view, client (Zoom, Meet, Teams) and the lecture's style."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Theme = Literal["dark", "light"]
View = Literal["gallery", "speaker", "speaker-bottom", "speaker-side"]  # speaker: the strip on top
Client = Literal["zoom", "meet", "teams"]

SPEAKER_COLOURS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "dark": ((64, 200, 24), (0, 214, 255)),
    "light": ((212, 96, 88), (64, 180, 32)),
}


@dataclass(frozen=True)
class ClientLook:
    """How one meeting client draws its gallery (BGR colours, pixels at 1080p): the background
    behind the tiles per theme, the gap between tiles, the tiles' corner radius, whether the name
    sits on a see-through plate (else it is drawn on the video with a shadow), the colour of a
    camera-off tile, whether a camera-off tile shows an avatar disc (else the name, large), and the
    most tiles its gallery shows on one screen."""

    background: dict[str, tuple[int, int, int]]
    gap: tuple[int, int]
    corner: tuple[int, int]
    plate: bool
    off_tile: dict[str, tuple[int, int, int]]
    avatar_share: float
    max_tiles: int = 49


CLIENT_LOOKS: dict[str, ClientLook] = {
    # Zoom: #1a1a1a, thin gaps, square (classic) or slightly rounded (2024) tiles, plate bottom-left
    "zoom": ClientLook(
        {"dark": (26, 26, 26), "light": (26, 26, 26)},
        (2, 7),
        (0, 10),
        True,
        {"dark": (38, 38, 38), "light": (38, 38, 38)},
        0.3,
    ),
    # Meet: #202124, rounded 8-12 px tiles, names on the video without a plate, avatar discs; its
    # tiled view shows 49 tiles, grid-view extensions everyone (drawn here up to 8x8)
    "meet": ClientLook(
        {"dark": (36, 33, 32), "light": (36, 33, 32)},
        (6, 12),
        (8, 12),
        False,
        {"dark": (67, 64, 60), "light": (67, 64, 60)},
        1.0,
        64,
    ),
    # Teams: dark and light themes, rounded tiles, initials discs
    "teams": ClientLook(
        {"dark": (31, 31, 31), "light": (245, 245, 245)},
        (4, 9),
        (4, 8),
        True,
        {"dark": (41, 41, 41), "light": (224, 224, 224)},
        1.0,
    ),
}


@dataclass(frozen=True)
class LectureStyle:
    """How the meeting app looks: theme, gallery or speaker view, window chrome, tile corners, gap."""

    theme: Theme = "dark"
    view: View = "gallery"
    chrome: bool = False
    rounded: bool = False
    gap: int = 6
    client: Client | None = None  # draw tiles, labels and people as this client does (None: flat faces)
    corner: int = 0  # the tiles' corner radius with a client (px)


@dataclass(frozen=True)
class Palette:
    """One lecture's colours (BGR): behind the tiles, of a camera-off tile and its text, and of the
    active speaker's border."""

    background: np.ndarray
    off_tile: np.ndarray
    off_text: tuple[int, int, int]
    speaker: tuple[int, int, int]


def choose_palette(style: LectureStyle, rng: np.random.Generator) -> Palette:
    """The app's greys for the style's theme (a client's own colours when it has one) and one of
    the theme's speaker border colours."""
    light = style.theme == "light"
    grey = int(rng.integers(238, 249)) if light else int(rng.integers(14, 34))
    background = np.array(
        [grey + (4 if light else 2), grey, grey - (2 if light else 0)], dtype=np.int32
    ).clip(0, 255)
    off_tile = (background + (-22 if light else 24)).clip(0, 255)
    if style.client is not None:
        look = CLIENT_LOOKS[style.client]
        background = np.array(look.background[style.theme], dtype=np.int32)
        off_tile = np.array(look.off_tile[style.theme], dtype=np.int32)
    off_text = (70, 70, 70) if light else (235, 235, 235)
    speaker = SPEAKER_COLOURS[style.theme][int(rng.integers(0, 2))]
    return Palette(background, off_tile, off_text, speaker)


def choose_style(
    rng: np.random.Generator,
    theme: Theme | None,
    view: View | None,
    chrome: bool | None,
    rounded: bool | None,
    gap: int | None,
    client: Client | None = None,
) -> LectureStyle:
    """The lecture's style: what the caller fixed, the rest drawn (a client's gaps and corners
    from its own ranges)."""
    if client is not None:
        look = CLIENT_LOOKS[client]
        corner = int(rng.integers(look.corner[0], look.corner[1] + 1))
        return LectureStyle(
            theme=theme
            if theme is not None
            else ("light" if client == "teams" and rng.random() < 0.3 else "dark"),
            view=view if view is not None else "gallery",
            chrome=bool(chrome),
            rounded=rounded if rounded is not None else corner > 0,
            gap=gap if gap is not None else int(rng.integers(look.gap[0], look.gap[1] + 1)),
            client=client,
            corner=corner,
        )
    return LectureStyle(
        theme=theme if theme is not None else "dark",
        view=view if view is not None else "gallery",
        chrome=bool(chrome),
        rounded=rounded if rounded is not None else bool(rng.random() < 0.3),
        gap=gap if gap is not None else int(rng.integers(2, 13)),
    )
