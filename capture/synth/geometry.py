"""Where a synthetic meeting puts its tiles: the gallery grid and the speaker views' strips."""

from __future__ import annotations

import math

from capture.box import Box
from capture.synth.looks import View

FRAME_SIZE: tuple[int, int] = (1920, 1080)


def grid_shape(n: int) -> tuple[int, int]:
    """Zoom-like (columns, rows) for ``n`` tiles: 2x1, 2x2, 3x2, 3x3, 4x3 ... 7x7, 8x8."""
    cols = max(1, math.ceil(math.sqrt(n)))
    return cols, max(1, math.ceil(n / cols))


def gallery_boxes(n: int, content: Box, gap: int) -> list[Box]:
    """16:9 tiles for ``n`` students in a grid centred in ``content``; the last row is centred."""
    if n <= 0:
        return []
    cx, cy, cw, ch = content
    cols, rows = grid_shape(n)
    tw = min((cw - (cols + 1) * gap) / cols, (ch - (rows + 1) * gap) / rows * 16 / 9)
    tw_i, th_i = int(tw), int(tw * 9 / 16)
    x0 = cx + (cw - (cols * tw_i + (cols - 1) * gap)) // 2
    y0 = cy + (ch - (rows * th_i + (rows - 1) * gap)) // 2
    boxes = []
    for i in range(n):
        r, c = divmod(i, cols)
        in_row = min(cols, n - r * cols)
        shift = (cols - in_row) * (tw_i + gap) // 2
        boxes.append((x0 + shift + c * (tw_i + gap), y0 + r * (th_i + gap), tw_i, th_i))
    return boxes


def is_speaker(view: View) -> bool:
    """Whether ``view`` is one of the speaker views (a big tile and a strip of small ones)."""
    return view.startswith("speaker")


def speaker_boxes(n: int, content: Box, gap: int, view: View = "speaker") -> list[Box]:
    """Speaker view: the first box is the big tile, then a centred strip of small tiles on top
    (``speaker``), at the bottom (``speaker-bottom``) or in a column on the right (``speaker-side``)."""
    if n <= 0:
        return []
    cx, cy, cw, ch = content
    if n == 1:
        return gallery_boxes(1, content, gap)
    sh = max(int(ch * 0.14), 20)
    sw = sh * 16 // 9
    if view == "speaker-side":
        strip = min(n - 1, 6, max(1, (ch - gap) // (sh + gap)))
        sy = cy + (ch - (strip * sh + (strip - 1) * gap)) // 2
        column = cx + cw - sw - gap
        small = [(column, sy + i * (sh + gap), sw, sh) for i in range(strip)]
        return gallery_boxes(1, (cx, cy, cw - sw - 2 * gap, ch), gap) + small
    strip = min(n - 1, 6, max(1, (cw - gap) // (sw + gap)))
    sx = cx + (cw - (strip * sw + (strip - 1) * gap)) // 2
    if view == "speaker-bottom":
        small = [(sx + i * (sw + gap), cy + ch - sh - gap, sw, sh) for i in range(strip)]
        return gallery_boxes(1, (cx, cy, cw, ch - sh - 2 * gap), gap) + small
    small = [(sx + i * (sw + gap), cy + gap, sw, sh) for i in range(strip)]
    big = gallery_boxes(1, (cx, cy + sh + 2 * gap, cw, ch - sh - 2 * gap), gap)
    return big + small
