"""A name label's pixels: where its text line is, its ink as coverage and as a small mask, the
keys it is found again by, and the images OCR reads.

Each label is read once: its text is binarised and the binary mask is the cache key
(:func:`label_mask`), so the video showing through a semi-transparent label box does not trigger a
new read; :func:`crop_key` finds an unchanged crop again without that work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from capture.box import Box

TILE_EDGE_SLACK = 2  # px below a tile box that may still be its label's
MASK_HEIGHT = 16  # label masks are compared at this height
SAME_LABEL = 0.95  # cosine similarity of two label masks that show the same text
INK_DEPTH = 0.4  # ink is within this share of the core's range from its brightest pixels
# ... the core's brightest being this percentile of it: the thin strokes of small text peak grey, and
# a horizontal stroke lit whole is not how bright the rest of the text is
INK_PEAK = 97
LOOSE_CORE = (
    40  # px: a core this tall (a big screen's label found by its strokes, padded) holds video round its plate
)
# a core whose share of bright pixels is within this range is judged with a margin round it
TIGHT_SHARE = (0.4, 0.6)
STROKE_GOES_ON = 0.5  # share of a row's ink on the line's strokes for the row to be the line's
SPLIT_STROKE = 0.5  # share of a line's rows grey and half lit in a column of a stroke split over two
BOX_TOLERANCE = 30  # a label box's background varies this much (0..255) around its median
MAX_STEPS = 2  # steps in the video behind a line's text that the line is followed across (_past_step)
# ... where the line's rows past the step are this share ink, and the rows round them at most this
# share of that (_text_goes_on)
STEP_INK = (0.1, 0.5)
STEP_AROUND = 0.2
STEP_STROKES = 2  # ... crossing this many strokes along a row (median), a line's height of columns past it
STEP_GAP = 0.5  # ... and the ink either side of the step is at most this share of the line's height apart
GREY_SPREAD = 50  # anti-aliased edges of white or black text are this close to grey
EXTREME_DARK, EXTREME_LIGHT = 55, 200  # gray levels of white or black label text, not of the video behind
EXTREME_SHARE = 0.03  # share of a core's pixels that must be extreme for them alone to stand for the crop
RAW_HEIGHT = 48  # a label box's height for OCR from its own pixels (raw_line_image)
INVERTED_COVERAGE = 0.5  # a text line this much ink on average came out light-on-dark (real lines: 0.2 median, 0.36 at the 95th percentile)
# A coloured icon beside a label's text (_without_icons): pixels this far from grey (max - min of
# B, G, R), in a blob this many times the text's height across, this shape (w / h) and this full.
ICON_CHROMA = 90
ICON_SIZE = (0.5, 2.0)
ICON_SHAPE = (0.7, 1.4)
ICON_FILL = 0.5
# ... and of one hue: this share of its pixels within ICON_HUE (OpenCV's 0-180 hue) of their mean
# (sub-pixel text's fringes are orange and blue side by side, a glyph of them no icon)
ICON_ONE_HUE = 0.7
ICON_HUE = 15
# A label's own plate inside its core (_plate): first the rows whose left half is this full of
# plate-dark pixels (the darker side of an Otsu split, the text's gaps closed), then rows and columns
# this full of them, at least this share of the core's height, twice as wide as tall, not the whole core.
PLATE_SEED_ROWS = 0.6
PLATE_DARK = 0.8
PLATE_MIN_HEIGHT = 0.35
# Text drawn with sub-pixel anti-aliasing (Windows ClearType, _in_gray_when_subpixel): of the core's
# bright pixels (max of B, G, R at least SUBPIXEL_BRIGHT), this share or more far from grey (max - min
# at least SUBPIXEL_CHROMA) in runs of one or two pixels across: the colour fringes on the letters' edges.
SUBPIXEL_BRIGHT = 160
SUBPIXEL_CHROMA = 60
SUBPIXEL_SHARE = 0.3
SUBPIXEL_MIN_BRIGHT = 40  # a core with fewer bright pixels than this is judged with its rows either side
OCR_VARIANTS: tuple[tuple[int, bool], ...] = ((40, False), (24, False), (20, False), (48, True))


def label_region(image: np.ndarray, tile_box: Box, name_box: Box) -> tuple[np.ndarray, Box]:
    """The name box grown up, down, to the tile's left and right edges, and where it lies in that crop
    (not below the tile, unless the name box is).

    Layout boxes can cut a label's top or bottom (diacritics, Thai vowels) or its first letters, and
    a tile box read from a subsampled frame can end a pixel or two above the plate's last rows;
    :meth:`capture.name_reader.NameReader.read` finds the text line itself inside this larger crop.
    """
    tx, ty, tw, th = tile_box
    x, y, w, h = name_box
    pad_y = max(h // 2, 8)
    x0 = tx
    y0 = max(ty, y - pad_y)
    # a name box under the tile (a caption bar of its own) is taken whole, nothing past it
    x1, y1 = tx + tw, min(image.shape[0], max(ty + th + TILE_EDGE_SLACK, y + h), y + h + pad_y)
    crop = image[y0:y1, x0:x1]
    return crop, (x - x0, y - y0, min(w, x1 - x), min(h, y1 - y))


def _text_channels(
    label: np.ndarray, core: Box, turned: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """Two channels in which the label's text is bright: the darkest and the brightest of B, G, R
    for light text (min, max), the same turned over for dark text; None when the core is flat.
    ``turned``: the text taken for the other side than the core's pixels say."""
    x, y, w, h = core
    if label.ndim == 2:
        low = high = gray = np.ascontiguousarray(label)
    else:
        b, g, r = cv2.split(np.ascontiguousarray(label[:, :, :3]))
        low, high = cv2.min(cv2.min(b, g), r), cv2.max(cv2.max(b, g), r)
        gray = cv2.cvtColor(np.ascontiguousarray(label[:, :, :3]), cv2.COLOR_BGR2GRAY)
    inner = np.ascontiguousarray(gray[y : y + h, x : x + w])
    if inner.size == 0 or int(inner.max()) - int(inner.min()) < 40:
        return None
    threshold, _ = cv2.threshold(inner, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # which side is text is judged on the core's middle rows: a loose core's top and bottom are
    # the video round a plate (a light shirt round a dark plate is not dark text)
    middle = inner[h // 4 : h - h // 4] if h >= LOOSE_CORE else inner
    bright = float((middle > threshold).mean())
    if TIGHT_SHARE[0] <= bright <= TIGHT_SHARE[1] and h < LOOSE_CORE:
        # as much text as background: a box tight on bold letters; the margin round it decides
        pad = max(2, h // 3)
        around = gray[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad]
        bright = float((around > threshold).mean())
    if (bright < 0.5) != turned:
        return np.ascontiguousarray(low), np.ascontiguousarray(high)
    return np.ascontiguousarray(255 - high), np.ascontiguousarray(255 - low)


def _grow(has_ink: np.ndarray, blocked: np.ndarray, start: int, step: int, max_gap: int) -> int:
    """Last index from ``start`` in direction ``step`` reached through inked entries with gaps of at most
    ``max_gap`` and without a blocked one."""
    edge, gap, i = start, 0, start + step
    while 0 <= i < has_ink.size and not blocked[i]:
        if has_ink[i]:
            gap, edge = 0, i
        else:
            gap += 1
            if gap > max_gap:
                break
        i += step
    return edge


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the runs of consecutive True in ``flags``."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    return np.flatnonzero(np.diff(padded) == 1), np.flatnonzero(np.diff(padded) == -1)


def _runs_at_least(flags: np.ndarray, length: int) -> np.ndarray:
    """``flags`` keeping only runs of at least ``length`` consecutive True."""
    out = np.zeros_like(flags)
    starts, ends = _runs(flags)
    for a, b in zip(starts, ends, strict=True):
        if b - a >= length:
            out[a:b] = True
    return out


def _longest_run(flags: np.ndarray) -> tuple[int, int]:
    """Start and end (exclusive) of the longest run of True in ``flags``; (0, 0) for none."""
    starts, ends = _runs(flags)
    if starts.size == 0:
        return 0, 0
    best = int(np.argmax(ends - starts))
    return int(starts[best]), int(ends[best])


def _plate(label: np.ndarray, core: Box) -> Box:
    """The label's own plate inside ``core`` when it has one (a dark box behind light text, as Zoom
    and Teams draw it), else ``core``. A name box found too big holds the video round the plate or
    the speaking tile's coloured border, whose light pixels the text line would take for ink."""
    x, y, w, h = core
    crop = label[y : y + h, x : x + w]
    if crop.size == 0 or min(crop.shape[:2]) < 6:
        return core
    gray = crop if crop.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(crop[:, :, :3]), cv2.COLOR_BGR2GRAY)
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    width = max(3, h // 3) | 1  # the gaps between letters and inside them close; the video beside does not
    dark = cv2.morphologyEx(
        (gray <= threshold).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, width), np.uint8)
    ).astype(bool)
    top, bottom = _longest_run(dark[:, : max(w // 2, 1)].mean(axis=1) > PLATE_SEED_ROWS)
    if bottom - top < max(4, PLATE_MIN_HEIGHT * h):
        return core
    left, right = _longest_run(dark[top:bottom].mean(axis=0) > PLATE_DARK)
    top, bottom = _longest_run(dark[:, left:right].mean(axis=1) > PLATE_DARK) if right > left else (0, 0)
    tall, wide = bottom - top, right - left
    if tall < max(4, PLATE_MIN_HEIGHT * h) or wide < 2 * tall or wide * tall > 0.9 * w * h:
        return core
    if _text_runs_on(gray, threshold, (left, top, wide, tall)):
        return core
    return (x + left, y + top, wide, tall)


def _text_runs_on(gray: np.ndarray, threshold: float, plate: Box) -> bool:
    """Whether the text inside ``plate`` (light pixels of ``gray``, above ``threshold``) runs on past
    its right edge: a plate holds its whole label, so a dark patch of video that ends mid-name (the
    room behind a name drawn without a plate, bounded by something light) is no plate. A letter
    past the edge is a light blob starting within a line height of it, inside the text's rows and
    at least a third as tall as they are."""
    left, top, wide, tall = plate
    light = (gray > threshold).astype(np.uint8)
    rows = np.flatnonzero(light[top : top + tall, left : left + wide].any(axis=1)) + top
    if rows.size == 0:
        return False
    first, last = int(rows[0]), int(rows[-1])
    height = last - first + 1
    right = left + wide
    count, _, stats, _ = cv2.connectedComponentsWithStats(light, connectivity=8)
    return any(
        right - 1 <= x <= right + height and first - 1 <= y and y + h <= last + 2 and h >= height / 3
        for x, y, _, h, _ in stats[1:count].tolist()
    )


def crop_key(label: np.ndarray, core: Box | None = None) -> bytes:
    """What identifies a label crop between frames: the near-white (or near-black) pixels of the core's
    rows, over the core and half its height either side (not a bright face further along those
    rows), whichever are fewer there, i.e. white (or black) text, which the video showing through a
    see-through label box does not change, cut to where they lie (the same text cut from a tile
    that moved or was resized as the gallery reflowed is the same crop); the exact pixels, crop
    and core when neither is common enough (text in mid greys)."""
    gray = (
        label if label.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(label[:, :, :3]), cv2.COLOR_BGR2GRAY)
    )
    x, y, w, h = core or (0, 0, gray.shape[1], gray.shape[0])
    margin = max(h // 2, 2)
    rows, inner = gray[y : y + h, max(x - margin, 0) : x + w + margin], gray[y : y + h, x : x + w]
    enough = EXTREME_SHARE * max(inner.size, 1)
    light, dark = int((inner >= EXTREME_LIGHT).sum()), int((inner <= EXTREME_DARK).sum())
    sides = [(count, side) for count, side in ((light, "light"), (dark, "dark")) if count >= enough]
    text = min(sides)[1] if sides else None
    digest = hashlib.blake2b(digest_size=16)
    if text is None:
        digest.update(np.ascontiguousarray(label).tobytes())
        digest.update(bytes(f"{label.shape}{core}", "ascii"))
        return digest.digest()
    marks = ((rows >= EXTREME_LIGHT) if text == "light" else (rows <= EXTREME_DARK)).astype(np.uint8)
    bx, by, bw, bh = cv2.boundingRect(marks)
    tight = marks[by : by + bh, bx : bx + bw]
    digest.update(np.packbits(tight).tobytes())
    digest.update(bytes(f"{text}{tight.shape}", "ascii"))
    return digest.digest()


def _percentiles(values: np.ndarray, percents: Sequence[float]) -> list[float]:
    """``np.percentile(values, percents)`` (linear interpolation) of whole numbers 0..255, from their
    histogram: the same values at about half the cost on label-sized arrays."""
    flat = values.ravel().astype(np.intp, copy=False)
    counts = np.cumsum(np.bincount(flat, minlength=256))
    last = flat.size - 1
    out: list[float] = []
    for percent in percents:
        position = percent / 100 * last
        below = int(np.floor(position))
        share = position - below
        low = float(np.searchsorted(counts, below, side="right"))
        high = float(np.searchsorted(counts, min(below + 1, last), side="right"))
        step = high - low
        out.append(high - step * (1 - share) if share >= 0.5 else low + step * share)  # as numpy's _lerp
    return out


def _text_band(core_ink: np.ndarray) -> np.ndarray:
    """``core_ink`` keeping only its most text-like band of inked rows (bands are split by blank
    rows): the one with the most ink edges per row. A bright face or room showing above a label
    is a band too, with few edges for its height."""
    starts, ends = _runs(np.asarray(core_ink.any(axis=1)))
    if starts.size < 2:
        return core_ink
    edges = np.abs(np.diff(core_ink.astype(np.int8), axis=1)).sum(axis=1)
    best = max(range(starts.size), key=lambda b: edges[starts[b] : ends[b]].sum() / (ends[b] - starts[b]))
    out = np.zeros_like(core_ink)
    out[starts[best] : ends[best]] = core_ink[starts[best] : ends[best]]
    return out


@dataclass(frozen=True)
class _Ink:
    """A label crop's text as :func:`text_line` first finds it: ``chan``, the channel the text is bright
    in, and ``other`` (the other extreme of B, G, R); ``ink``, ``chan`` above ``threshold``; ``core_ink``,
    the core's most text-like band of ink (:func:`_text_band`)."""

    chan: np.ndarray
    other: np.ndarray
    threshold: float
    ink: np.ndarray
    core_ink: np.ndarray
    core: Box


def text_line(
    label: np.ndarray, core: Box | None = None, reach: float | None = None, turned: bool = False
) -> np.ndarray | None:
    """The label's text line as ink coverage (float32, 1 = text, 0 = background), or None when blank.

    ``core`` is the part of ``label`` known to hold (some of) the text, by default all of it; when it
    holds a plate of its own, the plate (:func:`_plate`). Ink is the minority side of an Otsu split
    inside the core, bright or dark. Rows and columns of the crop
    around the core are added while they hold ink (small gaps allowed: diacritics, word spaces) and
    are not flooded with it (a bright room around the label box is not text); with ``reach``, rows
    no further above or below the core's inked rows than that share of their height (a name drawn
    without a plate over textured video, whose rows the line would otherwise run into). ``turned``:
    the ink is the majority side (white text in a dark shadow over light video, whose shadow is
    the minority); None for a label on a plate of its own.
    """
    found_line = _found_line(label, core, reach, turned)
    return None if found_line is None else found_line[0]


def text_line_box(label: np.ndarray, core: Box | None = None) -> Box | None:
    """Where :func:`text_line` finds the label's text line in ``label``: its ink's box."""
    found_line = _found_line(label, core, None, False)
    return None if found_line is None else found_line[1]


def _found_line(
    label: np.ndarray, core: Box | None, reach: float | None, turned: bool
) -> tuple[np.ndarray, Box] | None:
    """:func:`text_line`'s coverage and the box it covers in ``label``."""
    loose = core if core is not None else (0, 0, label.shape[1], label.shape[0])
    # icons first: on a light plate coloured icons are dark boxes, like a plate
    label = _without_icons(label, loose)
    core = loose if core is None else _plate(label, loose)
    if core != loose:  # icons the size of the plate's text, not the loose core's
        if turned:  # a plate's text is the other side of the plate
            return None
        label = _without_icons(label, core)
    found = _core_ink(_in_gray_when_subpixel(label, core), core, turned)
    if found is None:
        return None
    label_like = _label_like(found)
    seeds = _seed_columns(found)
    if label_like is None or seeds is None:
        return None
    boxlike, edge_level = label_like
    soft = found.chan > edge_level  # ink with its anti-aliased edges: for the line's extent
    top, bottom, x0, x1 = _line_extent(found, boxlike, soft, seeds, reach)
    for _ in range(MAX_STEPS):  # past a step the line keeps the rows found before it
        stepped = _past_step(found, boxlike, soft, (top, bottom, x0, x1))
        if stepped is None:
            break
        boxlike, soft = stepped
        _, _, x0, x1 = _line_extent(found, boxlike, soft, seeds, reach, (top, bottom))
    rows, cols = slice(top, bottom + 1), slice(x0, x1 + 1)
    text = found.ink[rows, cols]
    coverage = _coverage(found.chan[rows, cols].astype(np.float32), text)
    if coverage is None:
        return None
    coverage[~_strokes(text, soft[rows, cols], boxlike[rows, cols])] = 0.0
    return coverage, (x0, top, x1 - x0 + 1, bottom - top + 1)


def _without_icons(label: np.ndarray, core: Box) -> np.ndarray:
    """``label`` with the coloured icons beside its text painted over in the box's colour: clients
    draw names in white, black or grey, and a muted microphone, a speaking bar or a pin as a filled
    coloured disc or square about the text's height (whose white glyph OCR reads as letters)."""
    if label.ndim != 3 or label.shape[2] < 3:
        return label
    bgr = np.ascontiguousarray(label[:, :, :3])
    chroma = cv2.subtract(
        cv2.max(cv2.max(bgr[:, :, 0], bgr[:, :, 1]), bgr[:, :, 2]),
        cv2.min(cv2.min(bgr[:, :, 0], bgr[:, :, 1]), bgr[:, :, 2]),
    )
    coloured = (chroma >= ICON_CHROMA).astype(np.uint8)
    if not coloured.any():
        return label
    count, components, stats, _ = cv2.connectedComponentsWithStats(coloured, connectivity=8)
    cx, cy, cw, ch = core
    icons = [
        (x, y, w, h)
        for k, (x, y, w, h, area) in enumerate(stats[1:count].tolist(), start=1)
        if ICON_SIZE[0] * ch <= max(w, h) <= ICON_SIZE[1] * ch
        and ICON_SHAPE[0] <= w / h <= ICON_SHAPE[1]
        and area >= ICON_FILL * w * h
        and y < cy + ch
        and cy < y + h
        and _one_hue(bgr[y : y + h, x : x + w][components[y : y + h, x : x + w] == k])
    ]
    if not icons:
        return label
    inner = bgr[cy : cy + ch, cx : cx + cw]
    plain = inner[chroma[cy : cy + ch, cx : cx + cw] < ICON_CHROMA]
    if plain.size == 0:
        return label
    colour = np.median(plain.reshape(-1, 3), axis=0).astype(np.uint8)
    out = label.copy()
    for x, y, w, h in icons:
        out[y : y + h, x : x + w, :3] = colour
    return out


def _one_hue(pixels: np.ndarray) -> bool:
    """Whether most of ``pixels`` (B, G, R rows) have hues near their circular mean
    (:data:`ICON_ONE_HUE`; OpenCV's hues run 0-180 round a circle)."""
    hues = cv2.cvtColor(np.ascontiguousarray(pixels.reshape(-1, 1, 3)), cv2.COLOR_BGR2HSV)[:, 0, 0]
    angles = hues.astype(np.float32) * (np.pi / 90)
    mean = float(np.arctan2(np.sin(angles).mean(), np.cos(angles).mean())) * (90 / np.pi)
    apart = np.abs(hues.astype(np.float32) - mean) % 180
    return float((np.minimum(apart, 180 - apart) <= ICON_HUE).mean()) >= ICON_ONE_HUE


def _in_gray_when_subpixel(label: np.ndarray, core: Box) -> np.ndarray:
    """``label`` in gray (as three equal channels) when its text is drawn with sub-pixel
    anti-aliasing, as Windows draws it (ClearType): each letter's vertical edges are fringed with
    colour, which the darkest channel of light text loses (strokes broken into their horizontal
    bars) and the label box's colour test rejects. In gray the fringes are the grey anti-aliased
    edges the rest of the line finding expects. Other labels are unchanged."""
    if label.ndim != 3 or label.shape[2] < 3:
        return label
    x, y, w, h = core
    bgr = np.ascontiguousarray(label[y : y + h, x : x + w, :3])
    if bgr.size == 0:
        return label
    if int((bgr.max(axis=2) >= SUBPIXEL_BRIGHT).sum()) < SUBPIXEL_MIN_BRIGHT:
        # a core of a letter or two: judged on the line's rows either side of it too
        bgr = np.ascontiguousarray(label[y : y + h, max(0, x - 2 * h) : x + w + 2 * h, :3])
    high, low = bgr.max(axis=2), bgr.min(axis=2)
    bright = high >= SUBPIXEL_BRIGHT
    coloured = (bright & ((high - low) >= SUBPIXEL_CHROMA)).astype(np.uint8)
    # fringes are a pixel or two across; coloured video behind the text is wider
    wide = cv2.morphologyEx(coloured, cv2.MORPH_OPEN, np.ones((1, 3), np.uint8))
    fringes = (coloured > 0) & (wide == 0)
    if not bright.any() or float(fringes[bright].mean()) < SUBPIXEL_SHARE:
        return label
    gray = cv2.cvtColor(np.ascontiguousarray(label[:, :, :3]), cv2.COLOR_BGR2GRAY)
    return cv2.merge([gray, gray, gray])


def _core_ink(label: np.ndarray, core: Box, turned: bool = False) -> _Ink | None:
    """The label's ink, split from its background inside ``core`` (``turned``: see
    :func:`_text_channels`); None when the core holds none."""
    channels = _text_channels(label, core, turned)
    if channels is None:
        return None
    chan, other = channels
    cx, cy, cw, ch = core
    inner = np.ascontiguousarray(chan[cy : cy + ch, cx : cx + cw])
    otsu, _ = cv2.threshold(inner, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    darkest, brightest = _percentiles(inner, (5, INK_PEAK))
    # text is the extreme end (white or black): a room showing in the core sits between it and the box
    threshold = max(float(otsu), brightest - INK_DEPTH * (brightest - darkest))
    ink = chan > threshold
    core_ink = _text_band(ink[cy : cy + ch, cx : cx + cw])
    if not core_ink.any():
        return None
    return _Ink(chan, other, threshold, ink, core_ink, core)


def _label_like(found: _Ink) -> tuple[np.ndarray, float] | None:
    """Label-like pixels: the label box's own background (sampled between the inked rows and columns
    of the core), ink, or greyish anti-aliased ink edges; and the level of those edges in ``chan``.
    None when the core's inked rows and columns hold no background."""
    chan, other, ink = found.chan, found.other, found.ink
    cx, cy, _, _ = found.core
    rows, cols = np.flatnonzero(found.core_ink.any(axis=1)), np.flatnonzero(found.core_ink.any(axis=0))
    rows_slice = slice(cy + int(rows[0]), cy + int(rows[-1]) + 1)
    cols_slice = slice(cx + int(cols[0]), cx + int(cols[-1]) + 1)
    back = ~ink[rows_slice, cols_slice]
    if not back.any():
        return None
    (back_chan,) = _percentiles(chan[rows_slice, cols_slice][back], (50,))
    (back_other,) = _percentiles(other[rows_slice, cols_slice][back], (50,))
    edge_level = back_chan + 0.3 * (found.threshold - back_chan)
    return _boxlike(found, slice(None), back_chan, back_other), edge_level


def _boxlike(
    found: _Ink, cols: slice, back_chan: float | np.ndarray, back_other: float | np.ndarray
) -> np.ndarray:
    """Label-like pixels of the crop's ``cols`` on a box whose background is ``back_chan`` and
    ``back_other`` (see :func:`_label_like`; one level, or one per column)."""
    chan, other, ink = found.chan[:, cols], found.other[:, cols], found.ink[:, cols]
    edge_level = back_chan + 0.3 * (found.threshold - back_chan)
    near_ink = cv2.dilate(ink.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool)
    boxlike: np.ndarray = (
        ink
        | (other <= back_other + BOX_TOLERANCE)
        | (near_ink & (chan > edge_level) & (other.astype(np.int16) - chan <= GREY_SPREAD))
    )
    return boxlike


def _past_step(
    found: _Ink, boxlike: np.ndarray, soft: np.ndarray, extent: tuple[int, int, int, int]
) -> tuple[np.ndarray, np.ndarray] | None:
    """``boxlike`` and ``soft`` taken again past a step in what lies behind the text at either end
    of the line found (``extent``: top, bottom, left, right), where the text's ink goes on across
    it within a letter's gap (:data:`STEP_GAP`) and holds text (:func:`_text_goes_on`): a name
    without a plate, or on a see-through one, over video that changes colour behind a word. Past
    the step each column's background is its own (the median of the crop's pixels away from ink,
    over a letter's width round it), as video behind a label changes; None without such a step."""
    top, bottom, x0, x1 = extent
    height, width = bottom - top + 1, boxlike.shape[1]
    band = slice(top, bottom + 1)
    unlike = boxlike[band].mean(axis=0) < 0.7
    inked = np.flatnonzero(found.ink[band].any(axis=0))
    for step in (1, -1):
        edge = x1 if step == 1 else x0
        near = (
            range(edge, min(width, edge + height // 2))
            if step == 1
            else range(edge, max(-1, edge - height // 2), -1)
        )
        start = next((c for c in near if unlike[c]), None)
        if start is None:
            continue
        before, after = (
            (inked[inked < start], inked[inked >= start])
            if step == 1
            else (
                inked[inked > start],
                inked[inked <= start],
            )
        )
        if before.size == 0 or after.size == 0:
            continue
        gap = after[0] - before[-1] if step == 1 else before[0] - after[-1]
        if gap > STEP_GAP * height:
            continue
        cols = slice(start, width) if step == 1 else slice(0, start + 1)
        past = slice(start, start + height) if step == 1 else slice(max(0, start - height + 1), start + 1)
        if not _text_goes_on(found.ink[:, past], top, bottom):
            continue
        # the crop's rows, not the ink's anti-aliased edges nor a shadow drawn round the letters
        near_ink = cv2.dilate(found.ink[:, cols].view(np.uint8), np.ones((5, 5), np.uint8)).view(bool)
        back_chan = _column_backs(found.chan[:, cols], near_ink, height // 2)
        back_other = _column_backs(found.other[:, cols], near_ink, height // 2)
        out, out_soft = boxlike.copy(), soft.copy()
        out[:, cols] = _boxlike(found, cols, back_chan, back_other)
        out_soft[:, cols] = found.chan[:, cols] > back_chan + 0.3 * (found.threshold - back_chan)
        return out, out_soft
    return None


def _text_goes_on(ink: np.ndarray, top: int, bottom: int) -> bool:
    """Whether ``ink`` (columns past a step) holds text on the line's rows ``top`` to ``bottom``:
    next to none above and below them, and strokes across each row (:data:`STEP_STROKES`), not a
    bright patch of video past a plate's end."""
    height = bottom - top + 1
    inside = float(ink[top : bottom + 1].mean())
    around = np.concatenate(
        (ink[max(0, top - height // 2) : top], ink[bottom + 1 : bottom + 1 + height // 2])
    )
    outside = float(around.mean()) if around.size else 0.0
    if not (STEP_INK[0] <= inside <= STEP_INK[1] and outside <= STEP_AROUND * inside):
        return False
    line = ink[top : bottom + 1].astype(np.int8)
    crossings = (np.diff(line, axis=1) == 1).sum(axis=1) + line[:, 0]  # runs of ink along each row
    return float(np.median(crossings[crossings > 0])) >= STEP_STROKES


def _column_backs(values: np.ndarray, inked: np.ndarray, reach: int) -> np.ndarray:
    """Each column's background level: the median of ``values`` not ``inked`` in it and the
    ``reach`` columns either side (columns all inked take their neighbours')."""
    plain = np.where(inked, np.nan, values.astype(np.float32))
    width = plain.shape[1]
    out = np.empty(width, np.float32)
    for c in range(width):
        near = plain[:, max(0, c - reach) : c + reach + 1]
        out[c] = np.nanmedian(near) if not np.isnan(near).all() else np.nan
    if np.isnan(out).all():
        return np.full(width, np.nan, np.float32)
    known = np.flatnonzero(~np.isnan(out))
    return np.interp(np.arange(width), known, out[known]).astype(np.float32)


def _seed_columns(found: _Ink) -> tuple[int, int] | None:
    """The first and last inked core columns outside runs flooded with ink over the core's inked
    rows, in the crop's columns; None when every inked column is flooded."""
    core_ink = found.core_ink
    core_rows = np.flatnonzero(core_ink.any(axis=1))
    col_fill = core_ink[core_rows[0] : core_rows[-1] + 1].mean(axis=0)
    seed_cols = np.flatnonzero(core_ink.any(axis=0) & ~_runs_at_least(col_fill > 0.75, 4)) + found.core[0]
    if seed_cols.size == 0:
        return None
    return int(seed_cols[0]), int(seed_cols[-1])


def _line_extent(
    found: _Ink,
    boxlike: np.ndarray,
    soft: np.ndarray,
    seeds: tuple[int, int],
    reach: float | None = None,
    rows: tuple[int, int] | None = None,
) -> tuple[int, int, int, int]:
    """Top, bottom, left and right (inclusive) of the text line: from the core's inked rows and the
    seed columns, rows seen over the columns found (with ``reach``, no further above or below those
    rows than that share of their height), then columns over those rows, twice, then the rows above
    whose ink goes on the line's strokes (:func:`_stroke_ends`), and a pixel more on each side.
    With ``rows`` (top and bottom as found before), the columns over those rows only."""
    ink = found.ink
    grey = found.other.astype(np.int16) - found.chan <= GREY_SPREAD
    seed_rows = np.flatnonzero(found.core_ink.any(axis=1)) + found.core[1]
    top, bottom, (x0, x1) = int(seed_rows[0]), int(seed_rows[-1]), seeds
    if rows is not None:
        (top, bottom), highest, lowest = rows, rows[0], rows[1]
    else:
        more = round(reach * (bottom - top + 1)) if reach is not None else ink.shape[0]
        highest, lowest = top - more, bottom + more
    for _ in range(2):
        row_blocked = (ink[:, x0 : x1 + 1].mean(axis=1) > 0.6) | (boxlike[:, x0 : x1 + 1].mean(axis=1) < 0.7)
        row_ink = soft[:, x0 : x1 + 1].any(axis=1) & ~row_blocked
        max_gap = 1 + (bottom - top + 1) // 8
        top = max(_grow(row_ink, row_blocked, top, -1, max_gap), highest)
        bottom = min(_grow(row_ink, row_blocked, bottom, 1, max_gap), lowest)
        band = ink[top : bottom + 1]
        unlike = boxlike[top : bottom + 1].mean(axis=0) < 0.7
        # two columns half lit over most rows: one stroke fallen between them on a scaled screen
        split_stroke = (soft[top : bottom + 1] & grey[top : bottom + 1]).mean(axis=0) >= SPLIT_STROKE
        col_blocked = (
            _runs_at_least(band.mean(axis=0) > 0.75, 4)
            | _runs_at_least(unlike & ~split_stroke, 2)
            | _runs_at_least(unlike, 3)
        )
        col_ink = band.any(axis=0) & ~col_blocked
        gap_cols = max(4, (bottom - top + 1) * 3 // 4)
        x0 = _grow(col_ink, col_blocked, x0, -1, gap_cols)
        x1 = _grow(col_ink, col_blocked, x1, 1, gap_cols)
    x0, x1 = max(x0 - 1, 0), min(x1 + 1, ink.shape[1] - 1)
    if rows is not None:
        return rows[0], rows[1], x0, x1
    top = max(_stroke_ends(ink[:, x0 : x1 + 1], top, bottom), highest)
    top, bottom = max(top - 1, 0), min(bottom + 1, ink.shape[0] - 1)
    return top, bottom, x0, x1


def _stroke_ends(ink: np.ndarray, top: int, bottom: int) -> int:
    """``top`` moved up over the rows whose ink goes on the line's strokes (half of it or more right
    above the line's ink, in runs no wider than a letter's top bar), a quarter of the line's height
    at most: the tops of tall letters and the dot of an "i" over video unlike the rows of the line
    (a dotless "i" read). Not down: under a label its plate's edge and the video below go on
    strokes as often (a striped shirt)."""
    most = max(1, (bottom - top + 1) // 4)
    for _ in range(most):
        row = top - 1
        if row < 0 or not ink[row].any():
            break
        starts, ends = _runs(ink[row])
        if (ink[row] & ink[top]).sum() < STROKE_GOES_ON * ink[row].sum() or (ends - starts).max() > 3 * most:
            break  # not the strokes' ends: a row of video, a plate's light edge
        top = row
    return top


def _coverage(values: np.ndarray, text: np.ndarray) -> np.ndarray | None:
    """``values`` (the line's ``chan``) as ink coverage, 0 at the background's median and 1 at the
    text's 90th percentile; None when the two are too close for text."""
    text_px, back_px = values[text], values[~text]
    high = _percentiles(text_px, (90,))[0] if text_px.size else 255.0
    low = _percentiles(back_px, (50,))[0] if back_px.size else 0.0
    if high - low < 30:
        return None
    coverage: np.ndarray = np.clip((values - low) / (high - low), 0.0, 1.0)
    return coverage


def _strokes(text: np.ndarray, soft: np.ndarray, boxlike: np.ndarray) -> np.ndarray:
    """Where the line's coverage counts: strokes joined to ink (faint ones too), strokes of their own
    that span a good part of the line inside it, and the label box's plain background. The room
    around a label box is not text."""
    box_soft = np.ascontiguousarray(soft).view(np.uint8)
    count, parts = cv2.connectedComponents(box_soft, connectivity=8)
    inked = np.zeros(count, bool)
    inked[np.unique(parts[text])] = True
    # ... and faint strokes of their own (a thin anti-aliased vertical stroke) inside the line
    height = parts.shape[0]
    for part in range(1, count):
        if inked[part]:
            continue
        ys, xs = np.nonzero(parts == part)
        if (
            ys.max() - ys.min() + 1 >= 0.3 * height
            and 0 < xs.min()
            and xs.max() < parts.shape[1] - 1
            and (0 < ys.min() or ys.max() < height - 1)
        ):
            inked[part] = True
    inked[0] = False
    keep: np.ndarray = inked[parts] | (boxlike & ~box_soft.view(bool))
    return keep


def label_mask(label: np.ndarray, core: Box | None = None) -> np.ndarray:
    """The label's text (see :func:`text_line`) as a soft mask scaled to :data:`MASK_HEIGHT`.

    Scaling makes the mask the same when the app redraws the label at another size (tiles resize
    when someone joins), and only text pixels count, so the video behind a label box does not.
    """
    line = text_line(label, core)
    return mask_of(line)


def mask_of(line: np.ndarray | None) -> np.ndarray:
    """A text line (:func:`text_line`) as :func:`label_mask` gives it: scaled to :data:`MASK_HEIGHT`
    and blurred; one blank column for no line."""
    if line is None:
        return np.zeros((MASK_HEIGHT, 1), np.float32)
    width = max(1, round(line.shape[1] * MASK_HEIGHT / line.shape[0]))
    small = cv2.resize(line, (width, MASK_HEIGHT), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (3, 3), 0.8)


def mask_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two label masks, ``b`` resized to ``a``'s shape (0 for a blank mask)."""
    if a.shape != b.shape:
        b = cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_LINEAR)
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float((a * b).sum()) / norm if norm > 0 else 0.0


def same_label(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two label masks show the same text: widths within 10% and cosine similarity high."""
    if abs(a.shape[1] - b.shape[1]) > max(2, 0.1 * a.shape[1]):
        return False
    return mask_similarity(a, b) >= SAME_LABEL


def ocr_image(line: np.ndarray, variant: int = 0) -> np.ndarray:
    """A text line (coverage, 1 = ink) as dark text on white, upscaled (INTER_CUBIC), with a margin.

    ``variant`` picks the text height in pixels and whether to binarise from :data:`OCR_VARIANTS`
    (measured on generated labels: 40 px grey reads most, the others read some of what it misses);
    rereads of a hard label try the next one.
    """
    height, binarise = OCR_VARIANTS[variant % len(OCR_VARIANTS)]
    if float(line.mean()) > INVERTED_COVERAGE:  # mostly "ink": the box behind the text was taken as ink
        line = 1.0 - line
    scale = height / max(line.shape[0], 1)
    big = cv2.resize(
        line, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    )
    gray: np.ndarray = np.clip(255.0 * (1.0 - big), 0, 255).astype(np.uint8)
    if binarise:
        _, gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    margin = max(8, gray.shape[0] // 3)
    return cv2.copyMakeBorder(gray, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)


def raw_line_image(label: np.ndarray, core: Box | None) -> np.ndarray | None:
    """The label's text box (``core``, or the plate in it: :func:`_plate`) as it is on screen, for
    OCR: gray, dark text on white (the text is the minority side of an Otsu split), upscaled to
    :data:`RAW_HEIGHT` px with a white margin. None without a core, or when it is flat."""
    if core is None:
        return None
    x, y, w, h = _plate(label, core)
    crop = label[y : y + h, x : x + w]
    if crop.size == 0 or min(crop.shape[:2]) < 4:
        return None
    gray = crop if crop.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(crop[:, :, :3]), cv2.COLOR_BGR2GRAY)
    if int(gray.max()) - int(gray.min()) < 40:
        return None
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if float((gray > threshold).mean()) < 0.5:  # light text on a dark plate
        gray = 255 - gray
    scale = RAW_HEIGHT / gray.shape[0]
    big = cv2.resize(
        gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    )
    big = cv2.normalize(big, None, 0, 255, cv2.NORM_MINMAX)  # type: ignore[call-overload]  # OpenCV's stubs lack dst=None
    margin = max(8, big.shape[0] // 4)
    return np.ascontiguousarray(cv2.copyMakeBorder(big, margin, margin, margin, margin, cv2.BORDER_REPLICATE))
