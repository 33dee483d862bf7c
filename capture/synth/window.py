"""The meeting app around a synthetic gallery: a desktop, the app's window, its bars and buttons.

Zoom's window (and every unrealistic lecture's) has a title bar, a top bar and a toolbar of
captioned buttons at the bottom. Realistic Meet runs in a browser, as real Meet calls do: a tab
strip, an address bar with the call's URL and extension icons, and Meet's own bar below the call
(round buttons and a red hang-up pill, on the call's colour since 2021, white before). Realistic
Teams has its title bar and, over the call, its control bar: the call's timer, icons and a red
"Leave" button at the top right, nothing below. A Windows taskbar may run along the screen's bottom.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.box import Box
from capture.synth.geometry import FRAME_SIZE
from capture.synth.looks import Client, LectureStyle
from capture.synth.text import TextRenderer, paint

TITLES: tuple[str, ...] = ("Zoom Meeting", "Reunión de Zoom", "Zoom 会议", "Réunion Zoom", "Zoom-Besprechung")
CLIENT_TITLES: dict[str, tuple[str, ...]] = {  # realistic lectures' titles (Zoom's are TITLES)
    "meet": ("Meet - hzb-srqd-vho", "Google Meet", "Meet – Weekly lecture"),
    "teams": ("Microsoft Teams", "Marketing Review", "Fenstertitel", "Lecture | Microsoft Teams"),
}
TOOLBAR = ("Mute", "Stop Video", "Security", "Participants", "Chat", "Share Screen", "Record", "Reactions")
TITLE_H, TOP_H, TOOL_H = 30, 34, 72  # the heights of the title bar, the top bar and the toolbar (px)
TAB_H, ADDRESS_H, MEET_BAR_H = 34, 40, 80  # a browser's tab strip and address bar, Meet's bar (px at 1080p)
TEAMS_BAR_H = 48  # Teams' control bar over the call (px at 1080p)
TASKBAR_H = 40  # a Windows taskbar (px at 1080p)
TASKBAR_SHARE = 0.3  # of realistic Meet and Teams screens show one
LEAVE = ("Leave", "Verlassen", "Quitter", "Salir", "退出")
MEET_HANG_UP = (53, 67, 234)  # BGR: Meet's red hang-up button
TEAMS_LEAVE = (66, 53, 196)  # BGR: Teams' red "Leave" button
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
    client: Client | None = None,
) -> tuple[np.ndarray, Box]:
    """The empty frame of ``size`` (w, h) tiles are drawn on, and the gallery's box in it: the
    gallery background over the whole frame, or with ``style.chrome`` the app's window on a
    desktop around it, titled with one of ``titles``; Zoom's window, or the ``client``'s own
    (Meet in a browser, Teams with its control bar) for realistic lectures."""
    fw, fh = size
    base = np.empty((fh, fw, 3), np.uint8)
    base[:] = background.astype(np.uint8)
    if not style.chrome:
        return base, (0, 0, fw, fh)
    _paint_desktop(base, rng)
    window = _window_box(rng, size)
    scale = float(np.clip(fh / 1080, 0.75, 2.0))
    if client in ("meet", "teams") and rng.random() < TASKBAR_SHARE:
        window = _paint_taskbar(base, window, scale, rng)
    colours = _bar_colours(style, background)
    if client == "meet":
        gallery = _meet_window(base, window, style, background, scale, rng, text, titles)
    elif client == "teams":
        gallery = _teams_window(base, window, colours, scale, rng, text, titles)
    else:
        _paint_bars(base, window, colours)
        _paint_title(base, window, colours.ink, rng, text, titles)
        _paint_toolbar(base, window, colours.ink, text)
        wx, wy, ww, wh = window
        gallery = (wx, wy + TITLE_H + TOP_H, ww, wh - TITLE_H - TOP_H - TOOL_H)
    gx, gy, gw, gh = gallery
    base[gy : gy + gh, gx : gx + gw] = background.astype(np.uint8)
    return base, gallery


def _px(value: float, scale: float) -> int:
    return max(1, round(value * scale))


def _paint_taskbar(base: np.ndarray, window: Box, scale: float, rng: np.random.Generator) -> Box:
    """A Windows taskbar along the screen's bottom (a start button, pinned apps' icons, the clock's
    text); returns the window shortened to end above it."""
    fh, fw = base.shape[:2]
    bar = _px(TASKBAR_H, scale)
    top = fh - bar
    light = rng.random() < 0.3
    cv2.rectangle(base, (0, top), (fw - 1, fh - 1), (238, 238, 238) if light else (32, 32, 32), -1)
    icon = _px(22, scale)
    for k in range(int(rng.integers(5, 10))):
        x = _px(12 + 48 * k, scale)
        colour = (212, 120, 0) if k == 0 else tuple(int(v) for v in rng.integers(60, 230, 3))
        cv2.rectangle(base, (x, top + (bar - icon) // 2), (x + icon, top + (bar + icon) // 2), colour, -1)
    ink = (40, 40, 40) if light else (230, 230, 230)
    cv2.rectangle(
        base, (fw - _px(70, scale), top + bar // 2 - 2), (fw - _px(20, scale), top + bar // 2 + 2), ink, -1
    )
    wx, wy, ww, wh = window
    return wx, wy, ww, min(wh, top - wy)


def _meet_window(
    base: np.ndarray,
    window: Box,
    style: LectureStyle,
    background: np.ndarray,
    scale: float,
    rng: np.random.Generator,
    text: TextRenderer,
    titles: tuple[str, ...],
) -> Box:
    """A browser window holding Meet: its tab strip and address bar, the call, and Meet's bar below
    it; returns the call's box."""
    wx, wy, ww, wh = window
    tab_h, address_h, bar_h = _px(TAB_H, scale), _px(ADDRESS_H, scale), _px(MEET_BAR_H, scale)
    light = style.theme == "light" or rng.random() < 0.3
    strip, field, ink = (
        ((222, 225, 230), (241, 243, 244), (60, 60, 60))
        if light
        else ((32, 33, 35), (60, 64, 67), (232, 234, 237))
    )
    tab = (255, 255, 255) if light else (53, 54, 58)
    cv2.rectangle(base, (wx, wy), (wx + ww - 1, wy + tab_h + address_h - 1), strip, -1)
    tab_w = min(_px(240, scale), ww // 3)
    tab_x = wx + _px(8, scale)
    cv2.rectangle(base, (tab_x, wy + _px(6, scale)), (tab_x + tab_w, wy + tab_h), tab, -1)
    cv2.rectangle(base, (wx, wy + tab_h), (wx + ww - 1, wy + tab_h + address_h - 1), tab, -1)
    cv2.circle(
        base, (tab_x + _px(16, scale), wy + tab_h // 2 + _px(3, scale)), _px(6, scale), (70, 160, 40), -1
    )
    title = str(rng.choice(list(titles)))
    paint(base, text.mask(title, "latin", _px(13, scale)), tab_x + _px(30, scale), wy + _px(11, scale), ink)
    for k in range(3):  # the window's own buttons
        x = wx + ww - _px(40 + 46 * k, scale)
        cv2.line(base, (x, wy + tab_h // 2), (x + _px(10, scale), wy + tab_h // 2), ink, 1)
    fy = wy + tab_h + _px(6, scale)
    fx0, fx1 = wx + _px(120, scale), wx + ww - _px(40 + 34 * 5, scale)
    cv2.rectangle(base, (fx0, fy), (fx1, fy + address_h - _px(12, scale)), field, -1)
    paint(
        base,
        text.mask("https://meet.google.com/hzb-srqd-vho", "latin", _px(14, scale)),
        fx0 + _px(32, scale),
        fy + _px(6, scale),
        ink,
    )
    for k in range(3):  # back, forward, reload
        cv2.circle(
            base, (wx + _px(22 + 32 * k, scale), fy + address_h // 2 - _px(6, scale)), _px(6, scale), ink, 1
        )
    for k in range(5):  # extensions and the profile picture
        colour = tuple(int(v) for v in rng.integers(40, 230, 3))
        cv2.circle(
            base,
            (fx1 + _px(24 + 34 * k, scale), fy + address_h // 2 - _px(6, scale)),
            _px(9, scale),
            colour,
            -1,
        )
    top = wy + tab_h + address_h
    bottom = wy + wh - bar_h
    modern = rng.random() < 0.7
    bar_colour = tuple(int(v) for v in background) if modern else (255, 255, 255)
    cv2.rectangle(base, (wx, bottom), (wx + ww - 1, wy + wh - 1), bar_colour, -1)
    centre, mid = wx + ww // 2, bottom + bar_h // 2
    radius = _px(20, scale)
    buttons = (60, 64, 67) if modern else (40, 50, 217)
    for k in (-2, -1, 1, 2) if modern else (-1, 1):
        cv2.circle(base, (centre + k * _px(56, scale), mid), radius, buttons, -1, cv2.LINE_AA)
    cv2.rectangle(
        base,
        (centre - radius, mid - radius * 2 // 3),
        (centre + radius, mid + radius * 2 // 3),
        MEET_HANG_UP,
        -1,
    )
    caption_ink = (232, 234, 237) if modern else (60, 64, 67)
    caption = "20:03 | hzb-srqd-vho" if modern else "Meeting details"
    paint(
        base,
        text.mask(caption, "latin", _px(15, scale)),
        wx + _px(24, scale),
        mid - _px(8, scale),
        caption_ink,
    )
    for k in range(3):
        cv2.circle(
            base, (wx + ww - _px(40 + 48 * k, scale), mid), _px(10, scale), caption_ink, 2, cv2.LINE_AA
        )
    return wx, top, ww, bottom - top


def _teams_window(
    base: np.ndarray,
    window: Box,
    colours: _BarColours,
    scale: float,
    rng: np.random.Generator,
    text: TextRenderer,
    titles: tuple[str, ...],
) -> Box:
    """Teams' window: its title bar and its control bar over the call (the timer, icons, a red
    "Leave" button at the right); returns the call's box."""
    wx, wy, ww, wh = window
    title_h, bar_h = _px(TITLE_H, scale), _px(TEAMS_BAR_H, scale)
    cv2.rectangle(base, (wx, wy), (wx + ww - 1, wy + title_h - 1), colours.title, -1)
    cv2.rectangle(base, (wx, wy + title_h), (wx + ww - 1, wy + title_h + bar_h - 1), colours.bar, -1)
    title = str(rng.choice(list(titles)))
    paint(
        base,
        text.mask(title, "latin", _px(13, scale)),
        wx + ww // 2 - _px(40, scale),
        wy + _px(8, scale),
        colours.ink,
    )
    mid = wy + title_h + bar_h // 2
    paint(
        base,
        text.mask("00:22:06", "latin", _px(14, scale)),
        wx + _px(56, scale),
        mid - _px(8, scale),
        colours.ink,
    )
    cv2.rectangle(
        base,
        (wx + _px(16, scale), mid - _px(8, scale)),
        (wx + _px(32, scale), mid + _px(8, scale)),
        colours.ink,
        1,
    )
    leave_w = _px(110, scale)
    leave_x = wx + ww - leave_w - _px(14, scale)
    cv2.rectangle(
        base, (leave_x, mid - _px(14, scale)), (leave_x + leave_w, mid + _px(14, scale)), TEAMS_LEAVE, -1
    )
    word = str(rng.choice(list(LEAVE)))
    script = "latin" if word.isascii() else "cjk"
    if not text.supports(script):
        word, script = LEAVE[0], "latin"
    paint(
        base,
        text.mask(word, script, _px(13, scale)),
        leave_x + _px(30, scale),
        mid - _px(8, scale),
        (255, 255, 255),
    )
    for k in range(8):  # people, chat, hand, reactions, more, camera, mic, share
        x = leave_x - _px(34 + 42 * k, scale)
        cv2.rectangle(
            base,
            (x - _px(9, scale), mid - _px(9, scale)),
            (x + _px(9, scale), mid + _px(9, scale)),
            colours.ink,
            1,
            cv2.LINE_AA,
        )
    top = wy + title_h + bar_h
    return wx, top, ww, wy + wh - top


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
