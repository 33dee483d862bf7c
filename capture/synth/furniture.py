"""What real clients draw around and over tiles: muted-microphone icons beside names, pop-ups over
tiles, Teams' app side panel and its column of camera-off avatar discs, the user's own camera
floating over the call."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from capture.box import Box
from capture.synth.geometry import gallery_boxes, grid_shape
from capture.synth.library import FaceLibrary
from capture.synth.people import face_placement, skin_tint
from capture.synth.text import TextRenderer, paint
from capture.synth.tiles import feather_mask, paint_face, paint_shoulders, webcam_face
from capture.synth.webcam import textured_room

# The self-view's width as a share of the call's (low, high), and its inset from the call's
# bottom-right corner as a share of the call's width: Meet and Teams float a small picture there
SELF_VIEW_SHARE = (1 / 6, 1 / 5)
SELF_VIEW_INSET = 0.01
SELF_VIEW_CORNER = 8  # px: its rounded corners where the style's tiles are square
POPUP_LINES = ("Start Capturing", "Stop Capturing", "Save", "Reset", "Pin", "Mute", "Remove")
PANEL_LINES = ("What went well?", "Thoughts visible to all", "Responses", "Participation", "Edit", "Post")
RED = (56, 48, 217)
CAMERA_SHAPE = 16 / 9  # w / h of a camera's picture


def is_muted(name: str) -> bool:
    """Whether a student shows the muted-microphone icon (the same on every frame)."""
    return zlib.crc32(name.encode("utf-8")) % 3 != 0


def mute_icon(canvas: np.ndarray, x: int, y: int, px: int, disc: bool) -> int:
    """A muted microphone at (x, y), ``px`` high: a red disc with a white glyph (Meet) or a red
    glyph alone (Zoom). Returns the width it takes, with the space after it."""
    r = max(px // 2, 3)
    cx, cy = x + r, y + r
    glyph = (255, 255, 255) if disc else RED
    if disc:
        cv2.circle(canvas, (cx, cy), r + 1, RED, -1, cv2.LINE_AA)
    mw, mh = max(r // 3, 1), max(r // 2, 2)
    cv2.rectangle(canvas, (cx - mw, cy - mh), (cx + mw, cy + mh // 2), glyph, -1, cv2.LINE_AA)
    cv2.line(canvas, (cx - r + 2, cy - r + 2), (cx + r - 2, cy + r - 2), glyph, max(1, px // 9), cv2.LINE_AA)
    return 2 * r + max(3, px // 3)


def popup(canvas: np.ndarray, box: Box, rng: np.random.Generator, text: TextRenderer, px: int) -> Box:
    """An extension's or a dialog's pop-up over part of the tile ``box``: a light or dark panel
    with a few buttons and lines of text, reaching past the tile's side. Returns its box."""
    x, y, w, h = box
    pw, ph = int(w * rng.uniform(0.45, 0.8)), int(h * rng.uniform(0.5, 0.9))
    px0 = x + int(w * rng.uniform(0.3, 0.75))
    py0 = y + int(h * rng.uniform(-0.2, 0.3))
    fh, fw = canvas.shape[:2]
    px0, py0 = min(max(px0, 0), fw - pw), min(max(py0, 0), fh - ph)
    light = rng.random() < 0.5
    face, ink = ((255, 255, 255), (40, 40, 40)) if light else ((46, 43, 41), (235, 235, 235))
    cv2.rectangle(canvas, (px0, py0), (px0 + pw, py0 + ph), face, -1)
    cv2.rectangle(canvas, (px0, py0), (px0 + pw, py0 + ph), (120, 120, 120), 1)
    step = max(ph // 5, px + 6)
    for k, yy in enumerate(range(py0 + step // 2, py0 + ph - px, step)):
        label = POPUP_LINES[(k + int(rng.integers(0, len(POPUP_LINES)))) % len(POPUP_LINES)]
        mask = text.mask(label, "latin", px)[:, : max(1, pw - 24)]
        if k % 2:
            cv2.rectangle(canvas, (px0 + 12, yy - 4), (px0 + 12 + mask.shape[1] + 16, yy + px + 4), ink, 1)
        paint(canvas, mask, px0 + 20, yy, ink)
    return px0, py0, pw, ph


def side_panel(canvas: np.ndarray, content: Box, text: TextRenderer, px: int) -> Box:
    """Teams' app side panel along the right of the call (cards of text and buttons); returns
    what is left of the call's area beside it."""
    x, y, w, h = content
    pw = int(w * 0.24)
    left = x + w - pw
    cv2.rectangle(canvas, (left, y), (x + w, y + h), (36, 36, 36), -1)
    paint(canvas, text.mask("Contoso", "latin", px + 4), left + 16, y + 14, (240, 240, 240))
    card_h = max(h // 4, 6 * px)
    for top in range(y + 3 * px + 20, y + h - card_h, card_h + 12):
        cv2.rectangle(canvas, (left + 14, top), (x + w - 14, top + card_h), (48, 46, 44), -1)
        for k, line in enumerate(PANEL_LINES[:4]):
            paint(canvas, text.mask(line, "latin", px), left + 26, top + 10 + k * (px + 10), (220, 220, 220))
    return x, y, w - pw, h


def column_boxes(count: int, content: Box, gap: int) -> tuple[list[Box], Box]:
    """Teams' column of camera-off people on the right of the call: one box each (a disc with the
    name under it), and the area left to the video tiles."""
    x, y, w, h = content
    cw = int(w * 0.17)
    slot = min(h // max(count, 1), int(cw * 1.1))
    top = y + (h - slot * count) // 2
    boxes = [(x + w - cw, top + k * slot, cw, slot) for k in range(count)]
    return boxes, (x, y, w - cw - gap, h)


def mixed_boxes(n: int, content: Box, gap: int) -> list[Box]:
    """Teams' gallery of mixed sizes: the first tile large on the left, as tall as the area, the
    others filling the rest in a grid of cells of any shape (Teams crops the video to fit)."""
    if n < 2:
        return gallery_boxes(n, content, gap)
    x, y, w, h = content
    bw = min(int(w * 0.55), h * 4 // 3)
    cols, rows = grid_shape(n - 1) if n > 3 else (1, n - 1)
    rx, rw = x + bw + gap, w - bw - gap
    cw, ch = (rw - (cols - 1) * gap) // cols, (h - (rows - 1) * gap) // rows
    rest = [(rx + c * (cw + gap), y + r * (ch + gap), cw, ch) for r in range(rows) for c in range(cols)]
    return [(x, y, bw, h), *rest[: n - 1]]


def rows_boxes(n: int, content: Box, gap: int) -> list[Box]:
    """Teams' gallery of rows filling the call's width: as many rows as bring the fullest row's
    tiles nearest a camera's shape, the fuller rows below, each row's tiles as wide as its count
    leaves them (five people: two wide tiles over three), all as tall, touching across ``gap``
    (Teams crops the video to fit)."""
    if n < 2:
        return gallery_boxes(n, content, gap)
    x, y, w, h = content

    def fullest(rows: int) -> float:  # how far the fullest row's tiles are from a camera's shape
        across = (w - (n + rows - 1) // rows * gap) / -(-n // rows)
        return abs(math.log(across / ((h - (rows - 1) * gap) / rows) / CAMERA_SHAPE))

    rows = min(range(1, n + 1), key=fullest)
    counts = [n // rows + (1 if k >= rows - n % rows else 0) for k in range(rows)]
    th = (h - (rows - 1) * gap) // rows
    boxes: list[Box] = []
    for r, count in enumerate(counts):
        edges = [x + round(k * (w + gap) / count) for k in range(count + 1)]
        boxes += [(edges[k], y + r * (th + gap), edges[k + 1] - edges[k] - gap, th) for k in range(count)]
    return boxes


def dialog(
    canvas: np.ndarray,
    content: Box,
    colour: np.ndarray,
    rng: np.random.Generator,
    text: TextRenderer,
    px: int,
) -> Box:
    """An app's dialog (Teams' in-meeting notification) in the middle of the call, in the app's own
    background ``colour``: over the tiles and the gaps between them where they meet. Returns its box."""
    x, y, w, h = content
    dw, dh = int(w * rng.uniform(0.3, 0.4)), int(h * rng.uniform(0.4, 0.55))
    dx = x + (w - dw) // 2 + int(w * rng.uniform(-0.04, 0.04))
    dy = y + (h - dh) // 2 + int(h * rng.uniform(-0.06, 0.06))
    cv2.rectangle(canvas, (dx, dy), (dx + dw, dy + dh), colour.astype(np.uint8).tolist(), -1)
    step = max(dh // 7, px + 8)
    for k, yy in enumerate(range(dy + step // 2, dy + dh - px - 4, step)):
        line = PANEL_LINES[k % len(PANEL_LINES)]
        paint(canvas, text.mask(line, "latin", px)[:, : max(1, dw - 40)], dx + 20, yy, (235, 235, 235))
    return dx, dy, dw, dh


def column_avatar(
    canvas: np.ndarray,
    box: Box,
    colour: tuple[int, int, int],
    label: np.ndarray,
    ink: tuple[int, int, int],
    plate: bool,
) -> Box:
    """A camera-off person in Teams' column: a disc (their profile colour) with the name under it
    in ``ink``, on the app's background (white on a dark plate when they speak); returns the
    name's box."""
    x, y, w, h = box
    r = int(min(w, h) * 0.3)
    cx, cy = x + w // 2, y + int(h * 0.42)
    cv2.circle(canvas, (cx, cy), r, colour, -1, cv2.LINE_AA)
    shade = tuple(int(c * 0.6) for c in colour)
    cv2.circle(canvas, (cx, cy - r // 4), r // 2, shade, -1, cv2.LINE_AA)
    lx, ly = cx - label.shape[1] // 2, cy + r + max(4, r // 5)
    if plate:
        corners = (lx - 6, ly - 3), (lx + label.shape[1] + 6, ly + label.shape[0] + 3)
        cv2.rectangle(canvas, *corners, (20, 20, 20), -1)
        ink = (240, 240, 240)
    paint(canvas, label, lx, ly, ink)
    return lx, ly, label.shape[1], label.shape[0]


@dataclass(frozen=True)
class SelfView:
    """The user's (the teacher's) own camera as Meet and Teams float it over the call: the picture
    (a person in a room) and its width as a share of the call's width."""

    picture: np.ndarray
    share: float


def draw_self_view(library: FaceLibrary, rng: np.random.Generator) -> SelfView:
    """The teacher's camera: a room, shoulders and a tinted face of ``library`` where a webcam frames
    one, drawn from ``rng`` alone (so the lecture's students are drawn as without it)."""
    picture = textured_room(rng)
    h, w = picture.shape[:2]
    emotion = library.emotions[int(rng.integers(0, len(library.emotions)))]
    files = library.files[emotion]
    face = library.image(files[int(rng.integers(0, len(files)))])
    scale, offset = face_placement(rng)
    fx, fy, side = webcam_face(w, h, scale, offset)
    clothes = tuple(int(v) for v in rng.integers(20, 230, 3))
    paint_shoulders(picture, (fx, fy, side), (clothes[0], clothes[1], clothes[2]))
    paint_face(picture, face, (fx, fy, side, side), skin_tint(rng), feather_mask(side))
    return SelfView(picture, float(rng.uniform(*SELF_VIEW_SHARE)))


def self_view_box(content: Box, share: float) -> Box:
    """Where the self-view floats: a 16:9 box ``share`` of the call's width, inset from the call's
    bottom-right corner (over the corner tile, or the gap beside it)."""
    x, y, w, h = content
    sw = max(int(w * share), 16)
    sh = sw * 9 // 16
    inset = max(int(w * SELF_VIEW_INSET), 2)
    return x + w - sw - inset, y + h - sh - inset, sw, sh


def paint_self_view(canvas: np.ndarray, content: Box, view: SelfView, corner: int) -> Box:
    """Paint the self-view over whatever lies at the call's bottom-right corner, its corners rounded
    by ``corner`` px (what is under it shows there); returns its box."""
    x, y, w, h = box = self_view_box(content, view.share)
    picture = cv2.resize(view.picture, (w, h), interpolation=cv2.INTER_LINEAR)
    r = int(min(corner, w // 4, h // 4))
    mask = np.zeros((h, w), np.uint8)
    cv2.rectangle(mask, (r, 0), (w - 1 - r, h - 1), 255, -1)
    cv2.rectangle(mask, (0, r), (w - 1, h - 1 - r), 255, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
        cv2.circle(mask, (cx, cy), r, 255, -1, cv2.LINE_AA)
    alpha = mask[:, :, None].astype(np.float32) / 255
    region = canvas[y : y + h, x : x + w].astype(np.float32)
    canvas[y : y + h, x : x + w] = (region + (picture - region) * alpha).astype(np.uint8)
    return box
