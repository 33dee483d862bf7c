"""The meeting app around a synthetic gallery: a desktop, the app's window, its bars and buttons."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.box import Box
from capture.synth.geometry import FRAME_SIZE
from capture.synth.looks import LectureStyle
from capture.synth.text import TextRenderer, paint

TITLES: tuple[str, ...] = ("Zoom Meeting", "Reunión de Zoom", "Zoom 会议", "Réunion Zoom", "Zoom-Besprechung")
CLIENT_TITLES: dict[str, tuple[str, ...]] = {  # realistic lectures' titles (Zoom's are TITLES)
    "meet": ("Meet - hzb-srqd-vho", "Google Meet", "Meet – Weekly lecture"),
    "teams": ("Microsoft Teams", "Marketing Review", "Fenstertitel", "Lecture | Microsoft Teams"),
}
TOOLBAR = ("Mute", "Stop Video", "Security", "Participants", "Chat", "Share Screen", "Record", "Reactions")
TITLE_H, TOP_H, TOOL_H = 30, 34, 72  # the heights of the title bar, the top bar and the toolbar (px)
Colour = tuple[int, int, int]


@dataclass(frozen=True)
class _BarColours:
    """BGR colours of the window's title bar, of its top bar and toolbar, and of their text."""

    title: Colour
    bar: Colour
    ink: Colour


def app_frame(
    style: LectureStyle,
    background: np.ndarray,
    rng: np.random.Generator,
    text: TextRenderer,
    size: tuple[int, int] = FRAME_SIZE,
    titles: tuple[str, ...] = TITLES,
) -> tuple[np.ndarray, Box]:
    """The empty frame of ``size`` (w, h) tiles are drawn on, and the gallery's box in it: the
    gallery background over the whole frame, or with ``style.chrome`` the app's window on a
    desktop around it, titled with one of ``titles``."""
    fw, fh = size
    base = np.empty((fh, fw, 3), np.uint8)
    base[:] = background.astype(np.uint8)
    if not style.chrome:
        return base, (0, 0, fw, fh)
    _paint_desktop(base, rng)
    window = _window_box(rng, size)
    colours = _bar_colours(style, background)
    _paint_bars(base, window, colours)
    _paint_title(base, window, colours.ink, rng, text, titles)
    _paint_toolbar(base, window, colours.ink, text)
    wx, wy, ww, wh = window
    gallery = (wx, wy + TITLE_H + TOP_H, ww, wh - TITLE_H - TOP_H - TOOL_H)
    gx, gy, gw, gh = gallery
    base[gy : gy + gh, gx : gx + gw] = background.astype(np.uint8)
    return base, gallery


def _paint_desktop(base: np.ndarray, rng: np.random.Generator) -> None:
    """A vertical gradient between two random colours over the whole frame."""
    fh, fw = base.shape[:2]
    top = rng.integers(40, 200, 3).astype(np.float32)
    bottom = rng.integers(40, 200, 3).astype(np.float32)
    t = np.linspace(0, 1, fh, dtype=np.float32)[:, None, None]
    base[:] = np.broadcast_to(top * (1 - t) + bottom * t, (fh, fw, 3)).astype(np.uint8)


def _window_box(rng: np.random.Generator, size: tuple[int, int]) -> Box:
    """Where the app's window sits: maximised, or at a random inset from each side of the frame."""
    fw, fh = size
    maximised = rng.random() < 0.4
    wx, wy = (0, 0) if maximised else (int(rng.integers(10, 120)), int(rng.integers(10, 80)))
    ww = fw - wx - (0 if maximised else int(rng.integers(10, 120)))
    wh = fh - wy - (0 if maximised else int(rng.integers(10, 80)))
    return wx, wy, ww, wh


def _bar_colours(style: LectureStyle, background: np.ndarray) -> _BarColours:
    """The bars' colours for the style's theme: white bars in light, a shade above the background in dark."""
    if style.theme == "light":
        return _BarColours((236, 236, 236), (255, 255, 255), (40, 40, 40))
    blue, green, red = (int(v) for v in (background + 14).clip(0, 255))
    return _BarColours((52, 52, 52), (blue, green, red), (225, 225, 225))


def _paint_bars(base: np.ndarray, window: Box, colours: _BarColours) -> None:
    """The title bar and the top bar along the window's top, the toolbar along its bottom."""
    wx, wy, ww, wh = window
    cv2.rectangle(base, (wx, wy), (wx + ww - 1, wy + TITLE_H - 1), colours.title, -1)
    cv2.rectangle(base, (wx, wy + TITLE_H), (wx + ww - 1, wy + TITLE_H + TOP_H - 1), colours.bar, -1)
    cv2.rectangle(base, (wx, wy + wh - TOOL_H), (wx + ww - 1, wy + wh - 1), colours.bar, -1)


def _paint_title(
    base: np.ndarray,
    window: Box,
    ink: Colour,
    rng: np.random.Generator,
    text: TextRenderer,
    titles: tuple[str, ...],
) -> None:
    """The window's title (one of the client's ``titles``), its three traffic-light buttons, and
    the top bar's "View" menu."""
    wx, wy, ww, _ = window
    title = str(rng.choice(list(titles)))
    script = "cjk" if text.supports("cjk") else "latin"
    paint(base, text.mask(title, script, 15), wx + ww // 2 - 60, wy + 7, ink)
    for k, colour in enumerate(((80, 80, 240), (60, 190, 250), (80, 200, 100))):
        cv2.circle(base, (wx + 16 + 22 * k, wy + TITLE_H // 2), 6, colour, -1, cv2.LINE_AA)
    paint(base, text.mask("View", "latin", 14), wx + ww - 70, wy + TITLE_H + 9, ink)


def _paint_toolbar(base: np.ndarray, window: Box, ink: Colour, text: TextRenderer) -> None:
    """The toolbar's buttons (an outlined icon over a caption each) and the red "Leave" button."""
    wx, wy, ww, wh = window
    top = wy + wh - TOOL_H
    step = max((ww - 200) // len(TOOLBAR), 60)
    for k, label in enumerate(TOOLBAR):
        x = wx + 40 + k * step
        cv2.rectangle(base, (x + 10, top + 10), (x + 38, top + 34), ink, 2, cv2.LINE_AA)
        paint(base, text.mask(label, "latin", 12), x, top + 44, ink)
    cv2.rectangle(base, (wx + ww - 110, top + 18), (wx + ww - 30, top + 50), (40, 40, 220), -1)
    paint(base, text.mask("Leave", "latin", 14), wx + ww - 92, top + 25, (255, 255, 255))
