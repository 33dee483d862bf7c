"""Find the participant tiles of a video-meeting screenshot (Zoom, Meet, Teams; any theme).

The approach is theme-agnostic: the meeting background is the flat colour whose pixels form the
largest connected network (the gaps and margins between tiles); a recursive XY-cut on that
background mask splits the content into tiles; the tiles are then regularised (equal sizes in a
gallery, tiles merged by a missing gap split apart, places of the grid that something floating over
the gallery hides read as its tiles) and sorted in reading order. Speaker view (one big tile and a
strip of small ones) is recognised. Work is done on a 2x subsampled frame.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import cv2
import numpy as np

from capture.box import Box, intersection

LayoutKind = Literal["gallery", "speaker", "empty"]
# whether the band x0, y0, x1, y1 (frame pixels) between two tiles parts them, vertical or not (_parted)
Parting = Callable[[int, int, int, int, bool], bool]

BG_TOLERANCE = 6  # per channel, on 0..255
GAP_SHARE = 0.98  # a row/column is background when this share of it is background
# Lossy frames (JPEG screenshots, H.264 recordings) ring around every tile edge, so gaps are only
# roughly the background colour. A frame is lossy when under this share of its background pixels
# have exactly the background's colour (measured: lossless 0.82-0.94, JPEG q95-q50 0-0.66).
EXACT_BACKGROUND_SHARE = 0.75
LOSSY_TOLERANCE = 20
LOSSY_GAP_SHARE = 0.92
MIN_LOSSY_COVER = 0.25
NEAR_GAP_EXACT = 0.9  # share of a gap line the exact background colour, the rest within LOSSY_TOLERANCE
# Where tiles touch (or a gap is thinner than the subsampling) a tile's edge is a straight colour step:
# a row or column is a separator when this share of it steps by more than EDGE_STEP in some channel.
EDGE_STEP = 40
EDGE_SHARE = 0.75
# A call inside a window inside a page (a browser tab, a desktop app's window): when one piece of the
# frame's reading covers this share of it, the piece is read again with its own background, this many
# levels deep; the deeper reading is kept when it finds more tiles.
NESTED_AREA = 0.3
# a nested reading of one tile covering this share of the piece read restates the piece (_read)
RESTATED_PIECE = 0.9
# A face's own tile (tile_around): how far to look for the tile's edges, in face widths left and right
# and face heights up and down, and where to put them when none is found there (webcam framing).
FACE_TILE_REACH = (4.0, 4.0, 2.5, 5.0)
FACE_TILE_FRAMING = (1.5, 1.5, 0.8, 2.0)
MAX_TILES_ACROSS = 16
ALIGN_SLACK = 0.1  # share of a tile's width a gallery tile may stand off its grid's column (_aligned_share)
SURE_COVER = 0.5
# Equal tiles of a gallery reading lying in a speaker reading's tile that make that tile the gallery
DIVIDED_SPEAKER = 4
# ... the share of that tile a grid read inside it covers that makes it the gallery (a shared screen's
# lines and charts read as a grid cover less)
DIVIDING_COVER = 0.4
DIVIDING_EQUAL = 0.75  # ... a grid of tiles this share or more of them of one size (a dialog cuts the others)
MAX_TOUCHING = 8  # a grid of touching tiles is looked for up to this many columns and rows
TOUCHING_LINE = 0.5
# A leaf split into tiles of the gallery's size (its gaps lost) shows each line between them: along
# this share of each line, at least (a pop-up over a gap hides the rest), the background or a colour
# step from one side to the other
PARTED_SHARE = 0.3
PARTED_SLACK = 2  # subsampled pixels either side of where the split puts the line
WIDE_STEPS_BELOW = 2  # a call read as this many tiles or fewer is read again along steps over two pixels
# A touching grid's edge is a gap of another colour when lines along it are one colour over this
# share, and the lines beside them that colour over GAP_CONTRAST less
GAP_LINE = 0.4
GAP_CONTRAST = 0.3
GAP_REACH = 3  # px of the subsampled frame either side of a touching grid's edge a gap may lie
DISC_CORNER = 0.07
# A disc read as a tile stands for its gallery cell (_disc_cells) when the cell is this much bigger each
# way; with nothing but discs and one of them a row, the cell has a camera's shape (w / h).
DISC_CELL = 1.1
CELL_ASPECT = 16 / 9
# Camera-off cells that make a grid whose empty places may hold a hidden one (_named_cells).
MIN_NAMED_GRID = 3
# A speaker view's big tile is a shared screen (_without_shared_screen) when this share of it is one
# exact colour at least this light in every channel.
SCREEN_FLAT = 0.3
SCREEN_LIGHT = 180
DISC_CELL_OVERLAP = 0.1  # share of a video tile a disc's cell may cover (a gap lost, a disc off centre)
# A place of a gallery's grid that no tile read holds is a tile whose edges something floating over the
# gallery hides (the user's own camera, a pop-up) when the other leaves cover this share of it and this
# share of it differs from the colour between the tiles, in a grid whose neighbouring columns and rows
# lie at most HIDDEN_CELL_SPACING tiles apart (_hidden_cells).
HIDDEN_CELL_COVER = 0.6
# A leaf of another size is a tile of the gallery (_mixed_neighbours) when it lies beside one of its
# tiles across a gap of at most MIXED_GAP of its size, a side's end in line within EDGE_ALIGN of its
# size, and is at least MIXED_SIZE of the gallery's tile size each way (at most its inverse).
MIXED_GAP = 0.05
EDGE_ALIGN = 0.02
MIXED_SIZE = 0.45
HIDDEN_CELL_SPACING = 1.25
# An empty place of a gallery's grid (_grid_holes) is a tile when this share of it differs from the colour
# between the tiles: a camera-off tile in that colour shows no more than its avatar disc and name.
HOLE_CONTENT = 0.05
# The user's own camera floating in the call's corner is at most this share of the smallest other
# camera tile's area (_without_self_view).
SELF_VIEW_AREA = 0.5
# an avatar disc found on its own is a tile this many times its width, reaching this share of its
# height below it, where its name is (_disc_tile)
DISC_TILE_WIDTH = 1.6
DISC_NAME_DEPTH = 0.45
NAME_UNDER_ROWS = 3  # rows of ink under a disc beside a gallery that make it a camera-off participant
CENTRED_NAME_REACH = 0.95  # share of a disc's tile its name centred under the disc may reach
SELF_VIEW_INSET = 0.1  # ... and floats inset from the corner by this share of its size at most
# faces in the one tile a reading found that make it a gallery it did not read (_mend_tiles)
LONE_TILE_FACES = 3
FACE_IN_TILE = 0.75  # share of a face a tile read holding its centre holds, else the tile cuts it (_cuts)
NESTED_WINDOWS = 2
APP_BACKGROUND_SHARE = 0.1  # ... a lone tile holds an app's window when this share of it is one flat colour
CANDIDATES = 4  # background colours tried
NETWORK_PIECE = 0.5  # a background piece this share of the widest one's bbox area is part of the network
MIN_TILE = (32, 18)  # smallest tile (w, h) in frame pixels
# w / h of a leaf kept: a tile, or a row or column of tiles whose gaps a codec blurred (split by _gallery)
LEAF_SHAPE = (0.1, 10.0)
TILE_SHAPE = (0.4, 4.0)  # w / h of a leaf that can give a gallery its tile size
MAX_LEAVES = 600
WHITE = 200  # name-label text is at least this bright in every channel
# ... and, scaled down, a label's strokes are grey: this light in every channel and this much lighter
# than the darkest of the square of GREY_STROKE_SQUARE px round them (a white top-hat)
GREY_STROKE = (150, 60)
GREY_STROKE_SQUARE = 5
PLATE_TOLERANCE = 30  # per channel: a label plate's colour along its rows (video behind it shows through)
PLATE_ROW_SHARE = (
    0.8  # a row beyond a label's text is still its plate when this share of it is plate-coloured
)
DARK_PLATE = 100  # a plate no brighter than this (any channel) darkens the video behind it
# A small label scaled down is grey: its letters are runs of columns holding a pixel this light in every
# channel, each run narrower than a letter (a light wall's run goes on)
SMALL_TEXT_LIGHT = 150
LETTER_LIGHT = 170  # a label's letter, sub-pixel coloured or not, is this light in one channel at least
PLATE_MARGIN = 2  # subsampled rows from a label's white rows to its plate's margins above and below
ICON_ONLY = 3.0  # a name box less wide than this many times its height holds an icon (and a letter) ...
RED_ICON = 0.1  # ... a muted microphone's when this share of it is strong red:
ICON_RED = (150, 70)  # red above the first, and above the other channels by the second
# A label's text line found by its strokes (_text_line_box): in the tile's left LABEL_ZONE[0] and bottom
# LABEL_ZONE[1], starting in its left LABEL_START, LABEL_MIN_TEXT px tall up to MAX_LABEL_TEXT of the
# tile's height, its pixels of local contrast (above LABEL_STROKE and Otsu's split) filling LABEL_DENSITY of its box.
LABEL_ZONE = (0.8, 0.3)
CENTRE_NAME_FLAT = 0.9  # a camera-off tile's ring inside its edges is this much one colour
LABEL_START = 0.2
LABEL_MIN_TEXT = 5
MAX_LABEL_TEXT = 0.12
LABEL_STROKE = 24
LABEL_DENSITY = (0.2, 0.8)
DENSE_TEXT = 16  # px: text up to this tall fills LABEL_DENSITY[0] of its box with edges; taller, less
# A name in a bar of its own under the tile (_caption_bar_box): the bar starts within CAPTION_START px
# of the tile's bottom, is CAPTION_ROWS[0] px to CAPTION_ROWS[1] of the tile's height tall, each row
# of it CAPTION_FLAT one colour (within CAPTION_TOLERANCE) across the tile's middle 80 %, its first
# and last rows (the margins round its text) CAPTION_MARGIN_FLAT; its text (pixels CAPTION_INK off
# that colour) starts in the bar's left CAPTION_TEXT_START, fills CAPTION_TEXT_SHARE of its height
# and at most CAPTION_INK_FILL of the columns it spans (letters and words have gaps between them);
# a bar whose first row goes on for CAPTION_BEYOND of the tile's width past either side is the
# app's toolbar or the gap between tiles.
CAPTION_START = 3
CAPTION_ROWS = (8, 0.3)
CAPTION_FLAT = 0.5
CAPTION_MARGIN_FLAT = 0.95
CAPTION_TOLERANCE = 16
CAPTION_INK = 60
CAPTION_TEXT_START = 0.5
CAPTION_TEXT_SHARE = 0.35
CAPTION_INK_FILL = 0.9
CAPTION_BEYOND = 0.25
CAPTION_STRIDE = 3  # every this many columns sampled for a row's colour
EDGE_SPECK_ROWS = 2  # rows of white on a tile's bottom edge too few for a line of text ...
EDGE_SPECK_SHARE = 0.3  # ... or, in its fullest row, this share of the white of the line above's
THIN_BAND_GAP = 4  # rows between a thin band of white and a band above it that make them one line
AGREEING_LABELS = 4  # equal tiles with a bottom label needed for their labels to be made to agree
SIGNATURE_MARGIN = 2  # rows above a white label's text that must stay the same for it to be found again
# an app panel's card (Teams' side panel), no participant: inside its edges (CARD_INSET of its size
# off each), CARD_FLAT of it within CARD_INK of one colour, and all the rest (its text) in the top
# CARD_TEXT[0] of it, starting in the left CARD_TEXT[1]
CARD_INSET = 0.06
CARD_FLAT = 0.85
CARD_INK = 40
CARD_TEXT = (0.5, 0.25)
CARD_ROW_STEP = 4  # every this many rows of its lower half looked at first


@dataclass(frozen=True)
class Tile:
    """One participant tile; ``box`` and ``name_box`` are (x, y, w, h) in frame pixels.

    ``image`` is a view of the frame inside ``box``.
    """

    index: int
    box: Box
    image: np.ndarray = field(repr=False, compare=False)
    name_box: Box | None
    speaking: bool
    disc: bool = False  # a disc on the app's background: an avatar, so the camera is off
    label_band: Box | None = None  # where the gallery's labels agree this tile's is (_agreeing_labels)


@dataclass(frozen=True)
class GalleryLayout:
    """The tiles of one frame in reading order; ``content_box`` is the meeting area found."""

    tiles: tuple[Tile, ...]
    kind: LayoutKind
    content_box: Box | None

    def __len__(self) -> int:
        return len(self.tiles)


EMPTY = GalleryLayout((), "empty", None)


class NameBoxMemory:
    """The name labels found on the last frame, by tile: a label of white text found again without
    the search while its tile has the same box and the near-white pixels from just above its text
    to the bottom of the tile's label zone are the same (a label stays put while its tile does; the
    video above it may change). One per capture session."""

    def __init__(self) -> None:
        self._found: dict[tuple[Box, bool], tuple[int, bytes, Box]] = {}
        self._seen: dict[tuple[Box, bool], tuple[int, bytes, Box]] = {}

    def recall(self, tile: Box, centred: bool, zone_white: np.ndarray) -> Box | None:
        """The name box found for ``tile`` on the last frame, when the near-white mask of its label
        zone (``zone_white``) shows the same text where it was."""
        found = self._found.get((tile, centred))
        if found is None:
            return None
        first, signature, box = found
        if _zone_signature(zone_white, first) != signature:
            return None
        self._seen[(tile, centred)] = found
        return box

    def keep(self, tile: Box, centred: bool, zone_white: np.ndarray, first: int, box: Box) -> None:
        """Remember the name box found for ``tile`` from the white text starting at row ``first`` of
        its label zone."""
        self._seen[(tile, centred)] = (first, _zone_signature(zone_white, first), box)

    def next_frame(self) -> None:
        """Forget the labels of tiles this frame did not show."""
        self._found, self._seen = self._seen, {}


def _zone_signature(zone_white: np.ndarray, first: int) -> bytes:
    """The near-white pixels of a label zone from :data:`SIGNATURE_MARGIN` rows above row ``first``
    (its text's first row) down, packed: the pixels a white label is found from."""
    rows = zone_white[max(first - SIGNATURE_MARGIN, 0) :]
    return bytes(str(rows.shape), "ascii") + np.packbits(rows > 0).tobytes()


@dataclass(frozen=True)
class TileGrid:
    """The tiles of one frame before their labels are looked at: boxes in reading order, the kind
    of view and the meeting area. :meth:`layout` finds each tile's name box and speaking border;
    the capture pipeline starts the face search on :attr:`boxes` before it does."""

    boxes: tuple[Box, ...]
    kind: LayoutKind
    content_box: Box | None
    frame: np.ndarray = field(repr=False, compare=False)
    small: np.ndarray = field(repr=False, compare=False)  # the frame subsampled by ``step``
    step: int
    background: np.ndarray = field(repr=False, compare=False)  # the app background's colour
    avatars: tuple[Box, ...] = ()  # tiles known to be avatar discs (camera off)

    def equal_tiles(self) -> list[Box]:
        """The tiles that have two or more others of their size (a gallery's tiles, not a speaker's)."""
        if len(self.boxes) < 3:
            return []
        counts = _alike(list(self.boxes)).sum(axis=1)
        return [box for box, count in zip(self.boxes, counts, strict=True) if count >= 3]

    def layout(self, memory: NameBoxMemory | None = None) -> GalleryLayout:
        """The full layout: every tile with its name box and whether its speaking border is lit;
        with a ``memory`` of the session's last frame, labels that stayed put are not searched for
        again."""
        if not self.boxes:
            return EMPTY
        small, frame = self.small, self.frame
        lo, hi = np.clip(self.background - 2, 0, 255), np.clip(self.background + 2, 0, 255)
        not_background = cv2.bitwise_not(cv2.inRange(small, lo, hi))
        white = cv2.bitwise_and(cv2.inRange(small, (WHITE, WHITE, WHITE), (255, 255, 255)), not_background)
        discs = [box in self.avatars or _disc(small, self.step, box, self.background) for box in self.boxes]
        equal = set(self.equal_tiles())
        alike = [box in equal and not disc for box, disc in zip(self.boxes, discs, strict=True)]

        name_boxes = [
            _name_box(
                small,
                white,
                self.step,
                box,
                frame,
                centred=disc,
                caption_first=box not in equal,
                memory=memory,
            )
            for box, disc in zip(self.boxes, discs, strict=True)
        ]
        if memory is not None:
            memory.next_frame()
        if _label_agreement(self.boxes, name_boxes, alike) is False:
            # the gallery's labels found white disagree: its letters may be grey (a picture scaled
            # down); found in grey strokes, the labels of its equal tiles are taken where they agree
            grey = cv2.bitwise_and(_grey_strokes(small), not_background)
            in_grey = [
                _name_box(small, grey, self.step, box, frame, caption_first=False) if same else found
                for box, same, found in zip(self.boxes, alike, name_boxes, strict=True)
            ]
            if _label_agreement(self.boxes, in_grey, alike):
                name_boxes = in_grey
        bands = _agreeing_labels(self.boxes, name_boxes, alike)
        tiles = tuple(
            Tile(
                i,
                box,
                frame[box[1] : box[1] + box[3], box[0] : box[0] + box[2]],
                name_box,
                _speaking(frame, box),
                disc,
                band,
            )
            for i, (box, name_box, disc, band) in enumerate(
                zip(self.boxes, name_boxes, discs, bands, strict=True)
            )
        )
        return GalleryLayout(tiles, self.kind, self.content_box)


EMPTY_GRID = TileGrid(
    (), "empty", None, np.zeros((0, 0, 3), np.uint8), np.zeros((0, 0, 3), np.uint8), 1, np.zeros(3)
)


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if not isinstance(image, np.ndarray):
        raise ValueError(f"expected an image as a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got dtype {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 1:
        return cv2.cvtColor(image[:, :, 0], cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return image[:, :, :3]
    raise ValueError(f"expected a gray, BGR or BGRA image, got shape {image.shape}")


def _bin_colour(sample: np.ndarray, packed_bin: int) -> np.ndarray:
    """Mean colour of the pixels of ``sample`` in one 5-bit-per-channel bin."""
    low = np.array([(packed_bin >> 10) & 31, (packed_bin >> 5) & 31, packed_bin & 31]) << 3
    mask = cv2.inRange(sample, low.astype(np.uint8), (low + 7).astype(np.uint8))
    return np.array(cv2.mean(sample, mask=mask)[:3])


def _background_candidates(small: np.ndarray) -> Iterator[np.ndarray]:
    """The most common colour of the frame's outer edge, then the most common colours of the frame.

    Colours are binned at 5 bits per channel; each candidate is the exact mean of its bin. Lazy, so
    a caller that is happy with the edge colour never pays for the histogram.
    """
    edge = np.concatenate((small[0], small[-1], small[:, 0], small[:, -1])).astype(np.int32)
    packed = (edge[:, 0] >> 3) << 10 | (edge[:, 1] >> 3) << 5 | (edge[:, 2] >> 3)
    edge_bin = int(np.argmax(np.bincount(packed, minlength=1 << 15)))
    yield _bin_colour(small, edge_bin)
    h, w = small.shape[:2]
    sample = cv2.resize(small, (max(w // 2, 1), max(h // 2, 1)), interpolation=cv2.INTER_NEAREST)
    hist = cv2.calcHist([sample], [0, 1, 2], None, [32, 32, 32], [0, 256, 0, 256, 0, 256]).ravel()
    top = np.argpartition(hist, -CANDIDATES)[-CANDIDATES:]
    minimum = max(8.0, sample.shape[0] * sample.shape[1] / 400)
    for bin_index in top[np.argsort(hist[top])[::-1]]:
        if hist[bin_index] >= minimum and int(bin_index) != edge_bin:
            yield _bin_colour(sample, int(bin_index))


def _background_mask(small: np.ndarray, colour: np.ndarray, tolerance: int = BG_TOLERANCE) -> np.ndarray:
    lo = np.clip(colour - tolerance, 0, 255).astype(np.uint8)
    hi = np.clip(colour + tolerance, 0, 255).astype(np.uint8)
    return cv2.inRange(small, lo, hi)


def _phase_backgrounds(
    frame: np.ndarray, step: int, colour: np.ndarray, tolerance: int
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The background mask of the frame at the rows (then: columns) :func:`_subsample` skips, one
    mask per skipped offset, each at the subsampled size: a gap one frame row thick that subsampling
    skipped (a 2 px gap between a gallery's rows, read every other row) is a whole row of background
    in one of them."""
    h, w = (frame.shape[0] + step - 1) // step, (frame.shape[1] + step - 1) // step
    full = _background_mask(frame, colour, tolerance)
    rows: list[np.ndarray] = []
    columns: list[np.ndarray] = []
    for offset in range(1, step):
        for masks, part in ((rows, full[offset::step, ::step]), (columns, full[::step, offset::step])):
            mask = np.zeros((h, w), np.uint8)
            mask[: part.shape[0], : part.shape[1]] = part
            masks.append(mask)
    return tuple(rows), tuple(columns)


def _looks_lossy(small: np.ndarray, mask: np.ndarray) -> bool:
    """True when the background pixels are not one exact colour (compression noise)."""
    pixels = small[::4, ::4][mask[::4, ::4] > 0]
    if len(pixels) < 64:
        return False
    mode = np.median(pixels[:: max(1, len(pixels) // 2048)], axis=0)
    return float(np.mean(np.all(pixels == mode, axis=1))) < EXACT_BACKGROUND_SHARE


def _network(mask: np.ndarray) -> tuple[tuple[int, int, int, int], int] | None:
    """Bounding box (x0, y0, x1, y1) and bbox area of the background's network: its widest connected
    piece, joined by every piece at least :data:`NETWORK_PIECE` as wide. Tiles that reach the frame's
    edges (Meet's touching tiles, a centred last row) cut the margins into pieces, and so do thin
    gaps that a video codec blurred."""
    h, w = mask.shape
    pooled = mask
    factor = 4 if min(h, w) >= 256 else 2 if min(h, w) >= 64 else 1
    if factor > 1:
        pooled = cv2.resize(mask, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
        cv2.threshold(pooled, 0, 255, cv2.THRESH_BINARY, dst=pooled)
    count, _, stats, _ = cv2.connectedComponentsWithStats(pooled, connectivity=4)
    if count <= 1:
        return None
    pieces = stats[1:, :4].astype(np.int64)
    areas = pieces[:, 2] * pieces[:, 3]
    joined = pieces[areas >= NETWORK_PIECE * areas.max()]
    x0, y0 = joined[:, 0].min(), joined[:, 1].min()
    x1, y1 = (joined[:, 0] + joined[:, 2]).max(), (joined[:, 1] + joined[:, 3]).max()
    scale_x, scale_y = w / pooled.shape[1], h / pooled.shape[0]
    box = (
        int(x0 * scale_x),
        int(y0 * scale_y),
        min(w, int(np.ceil(x1 * scale_x))),
        min(h, int(np.ceil(y1 * scale_y))),
    )
    return box, int((x1 - x0) * (y1 - y0))


def _runs(separator: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    """Runs [start, end) of non-separator positions, at least ``min_len`` long."""
    content = (~separator).astype(np.int8)
    edges = np.diff(np.concatenate(([0], content, [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = (ends - starts) >= min_len
    return list(zip(starts[keep].tolist(), ends[keep].tolist(), strict=True))


@dataclass(frozen=True)
class _Separators:
    """What can part two tiles, on the subsampled frame: the app background (``background``, a gap)
    and straight colour steps (``rows``: between a row and the next, ``columns`` likewise; where
    tiles touch, or a thin gap was lost to subsampling). All uint8 masks of the frame's shape."""

    background: np.ndarray
    rows: np.ndarray | None  # None: the background alone separates
    columns: np.ndarray | None
    gap_share: float
    # the background sampled at each frame row (column) a subsampled row (column) stands for
    # (_phase_backgrounds): a row of gap in any of them parts two tiles where ``background`` shows none
    row_phases: tuple[np.ndarray, ...] = ()
    column_phases: tuple[np.ndarray, ...] = ()
    # the background within LOSSY_TOLERANCE: a line nearly all of it the exact colour (NEAR_GAP_EXACT)
    # and the rest near it parts two tiles (a JPEG's noise in a few pixels of a thin gap)
    near: np.ndarray | None = None

    def between_rows(self, box: tuple[int, int, int, int]) -> np.ndarray:
        """Per row of ``box``: True where it parts what is above from what is below."""
        x0, y0, x1, y1 = box
        return self._separating(
            box, self.row_phases, None if self.rows is None else self.rows[y0:y1, x0:x1], 1
        )

    def between_columns(self, box: tuple[int, int, int, int]) -> np.ndarray:
        x0, y0, x1, y1 = box
        steps = None if self.columns is None else self.columns[y0:y1, x0:x1]
        return self._separating(box, self.column_phases, steps, 0)

    def _separating(
        self,
        box: tuple[int, int, int, int],
        phases: tuple[np.ndarray, ...],
        step: np.ndarray | None,
        axis: int,
    ) -> np.ndarray:
        x0, y0, x1, y1 = box
        background = self.background[y0:y1, x0:x1]
        share = self.gap_share * 255
        exact = cv2.reduce(background, axis, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
        gap = exact >= share
        mostly = (exact >= NEAR_GAP_EXACT * 255) & ~gap
        if self.near is not None and mostly.any():  # the near colour only where it can part
            close = cv2.reduce(self.near[y0:y1, x0:x1], axis, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
            gap |= mostly & (close >= share)
        if phases:
            # a gap the sampled rows skipped: where no gap shows in them or beside them, in the box or
            # just outside it (a gap they show is as wide as they show it: a phase's row beside it
            # only cuts into the tiles)
            lo, hi = (y0, y1) if axis == 1 else (x0, x1)
            a, b = max(lo - 1, 0), min(hi + 1, self.background.shape[0 if axis == 1 else 1])
            wider = self.background[a:b, x0:x1] if axis == 1 else self.background[y0:y1, a:b]
            sampled = cv2.reduce(wider, axis, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel() >= share
            near = sampled.copy()
            near[1:] |= sampled[:-1]
            near[:-1] |= sampled[1:]
            shown = near[lo - a : hi - a]
            for mask in phases:
                hidden = (
                    cv2.reduce(mask[y0:y1, x0:x1], axis, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel() >= share
                )
                gap |= hidden & ~shown
        if step is None:
            return gap
        line = cv2.reduce(step, axis, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
        either = cv2.reduce(cv2.bitwise_or(background, step), axis, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
        return gap | (line >= EDGE_SHARE * 255) | (either >= share)


def _colour_steps(frame: np.ndarray, step: int, wide: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Masks of strong colour steps between neighbouring rows and between neighbouring columns, at
    the subsampled size. The frame is shrunk by averaging, so a gap thinner than ``step`` still
    shows as a step; each step is marked on both pixels it lies between. ``wide``: steps between
    pixels two apart too, marked on the pixel between them (a frame scaled down spreads the step
    between two touching tiles over two pixels)."""
    h, w = frame.shape[:2]
    area = (
        frame
        if step == 1
        else cv2.resize(frame, ((w + step - 1) // step, (h + step - 1) // step), interpolation=cv2.INTER_AREA)
    )
    rows = np.zeros(area.shape[:2], np.uint8)
    columns = np.zeros(area.shape[:2], np.uint8)
    down = cv2.absdiff(area[1:], area[:-1]).max(axis=2) > EDGE_STEP
    across = cv2.absdiff(area[:, 1:], area[:, :-1]).max(axis=2) > EDGE_STEP
    rows[1:][down] = 255
    rows[:-1][down] = 255
    columns[:, 1:][across] = 255
    columns[:, :-1][across] = 255
    if wide:
        rows[1:-1][cv2.absdiff(area[2:], area[:-2]).max(axis=2) > EDGE_STEP] = 255
        columns[:, 1:-1][cv2.absdiff(area[:, 2:], area[:, :-2]).max(axis=2) > EDGE_STEP] = 255
    return rows, columns


def _xycut(
    separators: _Separators,
    box: tuple[int, int, int, int],
    min_len: int,
    out: list[Box],
    depth: int = 0,
) -> None:
    """Recursive XY-cut: split ``box`` at separating rows, each band at separating columns, and so on."""
    x0, y0, x1, _ = box
    for a, b in _runs(separators.between_rows(box), min_len):
        cols = _runs(separators.between_columns((x0, y0 + a, x1, y0 + b)), min_len)
        for c, d in cols:
            if len(out) >= MAX_LEAVES:
                return
            child = (x0 + c, y0 + a, x0 + d, y0 + b)
            if child == box or depth >= 12:
                out.append(child)
                continue
            rows = _runs(separators.between_rows(child), min_len)
            if len(rows) == 1 and rows[0] == (0, child[3] - child[1]):
                out.append(child)
            elif rows:
                _xycut(separators, child, min_len, out, depth + 1)


def _similar(a: Box, b: Box, share: float = 0.1) -> bool:
    return abs(a[2] - b[2]) <= share * max(a[2], b[2]) + 2 and abs(a[3] - b[3]) <= share * max(a[3], b[3]) + 2


def _alike(boxes: list[Box]) -> np.ndarray:
    """:func:`_similar` (share 0.1) of every pair of ``boxes``, as an (n, n) boolean matrix."""
    sizes = np.array([(b[2], b[3]) for b in boxes], np.float64).reshape(-1, 2)
    limit = 0.1 * np.maximum(sizes[:, None, :], sizes[None, :, :]) + 2
    return np.asarray((np.abs(sizes[:, None, :] - sizes[None, :, :]) <= limit).all(axis=2), dtype=bool)


def _tile_like(box: Box) -> bool:
    return 0.9 <= box[2] / box[3] <= 2.6


def _resize_about_centre(box: Box, w: int, h: int, frame_w: int, frame_h: int) -> Box:
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    x = int(round(min(max(cx - w / 2, 0), frame_w - w)))
    y = int(round(min(max(cy - h / 2, 0), frame_h - h)))
    return (x, y, w, h)


def _on_grid(box: Box, tiles: Sequence[Box]) -> Box:
    """``box``, a tile inferred from a leaf something over the gallery cut or joined, moved onto
    the rows and columns of the gallery's ``tiles`` whose edges were found whole, where one starts
    within :data:`ALIGN_SLACK` of its size (a pop-up across the gap above a row adds its rows to
    the leaf, and a tile resized in it lies off its row)."""
    x, y, w, h = box
    columns = [t[0] for t in tiles if abs(t[0] - x) <= ALIGN_SLACK * w]
    rows = [t[1] for t in tiles if abs(t[1] - y) <= ALIGN_SLACK * h]
    return (
        min(columns, key=lambda c: abs(c - x)) if columns else x,
        min(rows, key=lambda r: abs(r - y)) if rows else y,
        w,
        h,
    )


def _strip_gaps(big: Box, strip: Sequence[Box], size: tuple[int, int]) -> tuple[float, float]:
    """The gaps across and down between tiles of ``size``, seen round a big tile and its ``strip``:
    along the strip, between its tiles; across it, between the strip and the big tile."""
    w, h = size
    if all(b[1] + b[3] <= big[1] + 2 or b[1] >= big[1] + big[3] - 2 for b in strip):  # above or below
        between = min(b[1] - big[1] - big[3] if b[1] > big[1] else big[1] - b[1] - b[3] for b in strip)
        return _tile_gap(strip, w, h), float(max(between, 0))
    between = min(b[0] - big[0] - big[2] if b[0] > big[0] else big[0] - b[0] - b[2] for b in strip)
    turned = [(b[1], b[0], b[3], b[2]) for b in strip]  # stacked tiles, read as side by side
    return float(max(between, 0)), _tile_gap(turned, h, w)


def _merged_speaker(big: Box, strip: Sequence[Box], parted: Parting) -> list[Box] | None:
    """The tiles a speaker view's ``big`` tile is when it is tiles of its ``strip``'s size whose gaps
    were lost (:func:`_split_merged`: a speaking border and a JPEG's colour bleed over a thin gap),
    the strip's gaps apart from its top left (a border spills past the tiles' far edges) and on the
    strip's grid; None for a speaker's tile."""
    if len(strip) < 2:
        return None
    w, h = int(np.median([b[2] for b in strip])), int(np.median([b[3] for b in strip]))
    gap_x, gap_y = _strip_gaps(big, strip, (w, h))
    parts = _split_merged(big, w, h, (gap_x + gap_y) / 2, parted)
    if parts is None:
        return None
    pitch = (w + gap_x, h + gap_y)
    return [
        _on_grid(
            (
                big[0] + round(round((x - big[0]) / pitch[0]) * pitch[0]),
                big[1] + round(round((y - big[1]) / pitch[1]) * pitch[1]),
                w,
                h,
            ),
            strip,
        )
        for x, y, _, _ in parts
    ]


def _tile_gap(group: Sequence[Box], w: int, h: int) -> float:
    """The gap between tiles of size (w, h) side by side in ``group`` (the median), else 3 % of w."""
    spacings = sorted(
        b[0] - (a[0] + a[2])
        for a in group
        for b in group
        if abs(a[1] - b[1]) < h / 2 and 0 <= b[0] - (a[0] + a[2]) < w / 2
    )
    return float(spacings[len(spacings) // 2]) if spacings else 0.03 * w


def _split_merged(box: Box, w: int, h: int, gap: float, parted: Parting) -> list[Box] | None:
    """Split a leaf that is k x m tiles of size (w, h) whose separating gaps were lost, where each
    line between them shows (``parted``)."""
    kx = max(1, round((box[2] + gap) / (w + gap)))
    ky = max(1, round((box[3] + gap) / (h + gap)))
    if kx * ky < 2 or kx * ky > 49:
        return None
    if abs(kx * w + (kx - 1) * gap - box[2]) > 0.06 * box[2] + 3:
        return None
    if abs(ky * h + (ky - 1) * gap - box[3]) > 0.06 * box[3] + 3:
        return None
    step_x = (box[2] - w) / (kx - 1) if kx > 1 else 0
    step_y = (box[3] - h) / (ky - 1) if ky > 1 else 0
    x, y = box[0], box[1]
    for i in range(1, kx):
        a, b = round(x + (i - 1) * step_x + w), round(x + i * step_x)
        if not parted(min(a, b), y, max(a, b), y + box[3], True):
            return None
    for j in range(1, ky):
        a, b = round(y + (j - 1) * step_y + h), round(y + j * step_y)
        if not parted(x, min(a, b), x + box[2], max(a, b), False):
            return None
    return [
        (int(round(x + i * step_x)), int(round(y + j * step_y)), w, h) for j in range(ky) for i in range(kx)
    ]


def _gallery(
    leaves: list[Box],
    frame_w: int,
    frame_h: int,
    view: Callable[[Box], np.ndarray],
    discs: Sequence[bool],
    parted: Parting,
) -> tuple[list[Box], list[Box]]:
    """The equal tiles of a gallery: the size most tile-shaped leaves share (two video tiles or more
    before avatar ``discs``), and the leaves of about that size, resized to it, or split into it (a
    row or column of tiles whose gaps were lost), and the places of its grid that other leaves cover
    (:func:`_hidden_cells`, which looks at the frame's pixels in a box through ``view``). Also the
    tiles as the leaves alone show them, which a reading is judged by: a place inferred from the grid
    is no evidence for the reading."""
    similar = _alike(leaves)
    counts = similar.sum(axis=1)
    shaped = [i for i, b in enumerate(leaves) if TILE_SHAPE[0] <= b[2] / b[3] <= TILE_SHAPE[1]]
    if not shaped:
        return [], []
    # video tiles alike give the size before avatar discs on the background, however many: a disc's
    # tile is the background round it (its place in the grid is found from the video tiles')
    main = max(
        shaped, key=lambda i: (counts[i] >= 2 and not discs[i], counts[i], leaves[i][2] * leaves[i][3])
    )
    group = [b for b, same in zip(leaves, similar[main], strict=True) if same]
    w = int(np.median([b[2] for b in group]))
    h = int(np.median([b[3] for b in group]))
    gap = _tile_gap(group, w, h)
    exact = [leaf for leaf in leaves if _similar(leaf, (0, 0, w, h), 0.02)]  # the grid's evidence
    tiles: list[Box] = []
    others: list[Box] = []  # leaves not of the tiles' size: tiles cut or joined by something over them
    for leaf in leaves:
        if leaf in exact:
            tiles.append(leaf)
        elif _similar(leaf, (0, 0, w, h), 0.25):
            others.append(leaf)
        elif len(group) >= 2 and (parts := _split_merged(leaf, w, h, gap, parted)) is not None:
            tiles.extend(_on_grid(part, exact) for part in parts)
        else:
            others.append(leaf)
    resized: dict[Box, Box] = {}
    for leaf in others:
        # leaves that share their size are tiles of another size (Teams' rows of another count): kept
        paired = any(o != leaf and _similar(leaf, o) for o in others)
        box = leaf if paired else _on_grid(_resize_about_centre(leaf, w, h, frame_w, frame_h), exact)
        # resized over a tile of the gallery it is none (tiles do not overlap)
        if _similar(leaf, (0, 0, w, h), 0.25) and not any(
            _overlap(box, t) > DISC_CELL_OVERLAP for t in tiles
        ):
            resized[leaf] = box
    hidden = _hidden_cells(tiles, others, (w, h), (frame_w, frame_h), view)

    def unexplained(leaf: Box) -> bool:  # in no hidden place of the grid
        return not any(_overlap(leaf, cell) > DISC_CELL_OVERLAP for cell in hidden)

    kept = [box for leaf, box in resized.items() if unexplained(leaf)]
    # leaves of other sizes that no hidden place of the grid explains (a piece of a tile cut by
    # something over it) may be tiles of mixed sizes beside the gallery's
    neighbours = _mixed_neighbours(
        tiles + list(resized), [leaf for leaf in others if leaf not in resized and unexplained(leaf)]
    )
    return tiles + neighbours + hidden + kept, tiles + neighbours + list(resized.values())


def _mixed_neighbours(tiles: list[Box], leaves: list[Box]) -> list[Box]:
    """The ``leaves`` of other sizes that are tiles of the gallery of ``tiles`` (two or more): Teams fills its stage with
    tiles of mixed sizes (a big tile beside stacked ones, rows of different counts), each lying beside
    a tile of the gallery (or of another such leaf) across a gap of :data:`MIXED_GAP` of its size at
    most, with the side they share starting or ending where that tile's does (top or bottom beside
    it, left or right above or below it), and at least :data:`MIXED_SIZE` of the gallery's tile size
    each way (a piece of a tile that a pop-up cut off is smaller)."""
    if len(tiles) < 2:
        return []  # a lone leaf and the one beside it may be halves of anything
    w, h = int(np.median([t[2] for t in tiles])), int(np.median([t[3] for t in tiles]))
    candidates = [
        leaf
        for leaf in leaves
        if TILE_SHAPE[0] <= leaf[2] / leaf[3] <= TILE_SHAPE[1]
        and MIXED_SIZE <= leaf[2] / w <= 1 / MIXED_SIZE
        and MIXED_SIZE <= leaf[3] / h <= 1 / MIXED_SIZE
    ]
    gallery, found = list(tiles), list[Box]()
    while True:
        joined = [leaf for leaf in candidates if any(_beside(leaf, tile) for tile in gallery)]
        if not joined:
            return found
        found += joined
        gallery += joined
        candidates = [leaf for leaf in candidates if leaf not in joined]


def _beside(a: Box, b: Box) -> bool:
    """Whether boxes ``a`` and ``b`` lie side by side (or one above the other) across a thin gap
    (:data:`MIXED_GAP` of the smaller's size), with the top or bottom (left or right) of the side
    they share in line."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    slack_x, slack_y = max(3, EDGE_ALIGN * min(aw, bw)), max(3, EDGE_ALIGN * min(ah, bh))
    gap_x = max(bx - (ax + aw), ax - (bx + bw))
    gap_y = max(by - (ay + ah), ay - (by + bh))
    across = -slack_x <= gap_x <= MIXED_GAP * min(aw, bw) and (
        abs(ay - by) <= slack_y or abs(ay + ah - by - bh) <= slack_y
    )
    down = -slack_y <= gap_y <= MIXED_GAP * min(ah, bh) and (
        abs(ax - bx) <= slack_x or abs(ax + aw - bx - bw) <= slack_x
    )
    return across or down


def _hidden_cells(
    tiles: list[Box],
    leaves: list[Box],
    size: tuple[int, int],
    frame_size: tuple[int, int],
    view: Callable[[Box], np.ndarray],
) -> list[Box]:
    """The places of the gallery's grid (the columns and rows of its ``tiles``, each of ``size``)
    that no tile holds, the other ``leaves`` cover :data:`HIDDEN_CELL_COVER` of, and whose pixels
    (``view(box)``) differ that much from the colour between the tiles: tiles whose edges something
    floating over the gallery hides or joins to a neighbour's (the user's own camera in the call's
    corner, a pop-up), read as they lie in the grid rather than as the leaves' shapes."""
    if not tiles or not leaves:
        return []
    (w, h), (frame_w, frame_h) = size, frame_size
    columns, rows = _positions([t[0] for t in tiles], w), _positions([t[1] for t in tiles], h)
    if not (_adjacent(columns, w) and _adjacent(rows, h)):
        return []  # no gallery of tiles side by side: discs or pieces far apart on a background
    cells = [(x, y, min(w, frame_w - x), min(h, frame_h - y)) for y in rows for x in columns]
    covered = [
        cell
        for cell in cells
        if not any(_overlap(cell, t) > DISC_CELL_OVERLAP for t in tiles)
        and sum(intersection(cell, leaf) for leaf in leaves) >= HIDDEN_CELL_COVER * w * h
    ]
    gap = _gap_colour(tiles, view) if covered else None
    if gap is None:
        return covered  # tiles touching each other: no background between them to tell a place by
    return [cell for cell in covered if _unlike(view(cell), gap) >= HIDDEN_CELL_COVER]


def _grid_holes(boxes: list[Box], view: Callable[[Box], np.ndarray], frame_w: int, frame_h: int) -> list[Box]:
    """The empty places of a gallery's grid, above its last row or between two tiles of it (anywhere
    in it when one of its tiles stands in the grid's first or last column: a row short of tiles is
    centred), whose pixels (``view(box)``) differ :data:`HOLE_CONTENT` from the colour between the
    tiles: a gallery fills its rows in order, so such a place holds a tile that the reading lost (a
    camera-off tile a shade off the background, merged with it in a lossy picture, or in that very
    colour: its avatar disc and name alone show)."""
    if len(boxes) < MIN_NAMED_GRID:
        return []
    w, h = int(np.median([b[2] for b in boxes])), int(np.median([b[3] for b in boxes]))
    tiles = [b for b in boxes if _similar(b, (0, 0, w, h))]
    columns, rows = _positions([t[0] for t in tiles], w), _positions([t[1] for t in tiles], h)
    if len(rows) < 2 or not (_adjacent(columns, w) and _adjacent(rows, h)):
        return []
    last = [t[0] for t in tiles if abs(t[1] - rows[-1]) <= h / 10]
    # a last row short of tiles is centred: one standing in the grid's first or last column is full
    full_last = len(columns) >= 2 and any(
        min(abs(x - columns[0]), abs(x - columns[-1])) <= w / 10 for x in last
    )
    # the places whose own tile is there, found by position (the overlap test is for the others)
    held = {
        (min(columns, key=lambda c: abs(c - t[0])), min(rows, key=lambda r: abs(r - t[1]))) for t in tiles
    }
    holes = [
        (x, y, min(w, frame_w - x), min(h, frame_h - y))
        for y in rows
        for x in columns
        if (x, y) not in held
        and (y != rows[-1] or full_last or min(last) < x < max(last))
        and not any(_overlap((x, y, w, h), b) > DISC_CELL_OVERLAP for b in boxes)
    ]
    gap = _gap_colour(tiles, view) if holes else None
    return [] if gap is None else [cell for cell in holes if _unlike(view(cell), gap) >= HOLE_CONTENT]


def _gap_colour(tiles: list[Box], view: Callable[[Box], np.ndarray]) -> np.ndarray | None:
    """The median colour along the middle of the gaps between neighbouring tiles of a gallery (gaps a
    tenth of a tile wide at most; their sides may hold a pixel of the tiles), or None where the tiles
    touch."""
    strips: list[np.ndarray] = []
    for x, y, w, h in tiles:
        for ox, oy, _, _ in tiles:
            if abs(oy - y) <= h / 10 and 0 < ox - (x + w) <= w / 10:
                strips.append(view(((x + w + ox) // 2, y, 1, h)).reshape(-1, 3))
            if abs(ox - x) <= w / 10 and 0 < oy - (y + h) <= h / 10:
                strips.append(view((x, (y + h + oy) // 2, w, 1)).reshape(-1, 3))
    return _median_rows(np.concatenate(strips)) if strips else None


def _unlike(pixels: np.ndarray, colour: np.ndarray) -> float:
    """The share of ``pixels`` more than :data:`BG_TOLERANCE` from ``colour`` in some channel."""
    if pixels.size == 0:
        return 0.0
    far = np.abs(pixels.reshape(-1, 3).astype(np.int16) - colour.astype(np.int16)) > BG_TOLERANCE
    return float(far.any(axis=1).mean())


def _adjacent(positions: list[int], size: int) -> bool:
    """Whether a grid's sorted ``positions`` (of its columns or rows) follow each other as tiles
    ``size`` long with a gap between them do: each at most :data:`HIDDEN_CELL_SPACING` tiles on."""
    return bool(np.all(np.diff(positions) <= HIDDEN_CELL_SPACING * size))


def _positions(starts: list[int], size: int) -> list[int]:
    """The distinct values of ``starts`` (the lefts or tops of a grid's tiles, ``size`` wide or
    high): those within a tenth of ``size`` of each other are one, their median."""
    groups: list[list[int]] = []
    for start in sorted(starts):
        if groups and start - groups[-1][0] <= size / 10:
            groups[-1].append(start)
        else:
            groups.append([start])
    return [int(np.median(group)) for group in groups]


def _speaker(leaves: list[Box]) -> tuple[Box, list[Box]] | None:
    """(big tile, strip tiles) when one tile dwarfs a strip of small ones lying on one side of it."""
    tile_like = [b for b in leaves if _tile_like(b)]
    if len(tile_like) < 2:
        return None
    big = max(tile_like, key=lambda b: b[2] * b[3])
    others = [b for b in tile_like if b is not big and b[2] * b[3] >= big[2] * big[3] / 80]
    if not others or big[2] * big[3] < 3 * float(np.median([b[2] * b[3] for b in others])):
        return None
    bx0, by0, bx1, by1 = big[0], big[1], big[0] + big[2], big[1] + big[3]
    sides = (
        all(b[1] + b[3] <= by0 + 2 for b in others),
        all(b[1] >= by1 - 2 for b in others),
        all(b[0] + b[2] <= bx0 + 2 for b in others),
        all(b[0] >= bx1 - 2 for b in others),
    )
    if not any(sides):
        return None
    reference = max(others, key=lambda a: sum(_similar(a, b) for b in others))
    strip = [b for b in others if _similar(b, reference, 0.25)]
    return big, strip


def _reading_order(boxes: list[Box]) -> list[Box]:
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b[1] + b[3] / 2):
        centre = box[1] + box[3] / 2
        if rows and abs(centre - (rows[-1][0][1] + rows[-1][0][3] / 2)) < min(box[3], rows[-1][0][3]) / 2:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]


def _speaking(image: np.ndarray, box: Box) -> bool:
    """True when a saturated, uniform border runs round the tile, unlike the pixels just inside."""
    x, y, w, h = box
    if w < 24 or h < 24:
        return False
    inset = max(8, min(w, h) // 30)
    mx, my = w // 10, h // 10

    def ring(d: int) -> np.ndarray:
        return np.concatenate(
            (
                image[y + d, x + mx : x + w - mx : 2],
                image[y + h - 1 - d, x + mx : x + w - mx : 2],
                image[y + my : y + h - my : 2, x + d],
                image[y + my : y + h - my : 2, x + w - 1 - d],
            )
        ).astype(np.int16)

    for depth in (1, 3):
        probes = np.array(
            (
                image[y + depth, x + w // 2],
                image[y + h - 1 - depth, x + w // 2],
                image[y + h // 2, x + depth],
                image[y + h // 2, x + w - 1 - depth],
            ),
            dtype=np.int16,
        )
        if (
            np.abs(probes - probes[0]).max() <= 40
            and probes[0].max() >= 90
            and np.ptp(probes[0]) >= 0.3 * probes[0].max()
        ):
            break
    else:
        return False
    inner = ring(inset)
    for depth in (1, 3):
        outer = ring(depth)
        colour = np.median(outer, axis=0)
        bright, dull = float(colour.max()), float(colour.min())
        if bright < 90 or (bright - dull) < 0.35 * bright:
            continue
        uniform = float(np.mean(np.abs(outer - colour).max(axis=1) <= 40))
        inside = float(np.mean(np.abs(inner - colour).max(axis=1) <= 40))
        if uniform >= 0.85 and inside <= 0.5:
            return True
    return False


def _disc(small: np.ndarray, step: int, box: Box, background: np.ndarray) -> bool:
    """True when the tile is a disc on the app's background (an avatar circle read as a tile)
    (:func:`_disc_shaped`, the background told by its colour)."""
    return _disc_shaped(
        box,
        step,
        lambda px, py: float(np.abs(small[py, px].astype(np.float64) - background).max()) <= LOSSY_TOLERANCE,
    )


def _disc_shaped(box: Box, step: int, on_background: Callable[[int, int], bool]) -> bool:
    """True when ``box`` (frame pixels) bounds a disc on the app's background: the points
    :data:`DISC_CORNER` of its size in from each corner, outside an inscribed circle but inside even a
    rounded video tile, are all background (``on_background``, at a point of the frame subsampled by
    ``step``), and its centre is not."""
    x, y, w, h = (v // step for v in box)
    if w < 8 or h < 8 or not 0.8 <= w / h <= 1.25:
        return False
    dx, dy = max(int(w * DISC_CORNER), 1), max(int(h * DISC_CORNER), 1)
    points = [
        (x + dx, y + dy),
        (x + w - 1 - dx, y + dy),
        (x + dx, y + h - 1 - dy),
        (x + w - 1 - dx, y + h - 1 - dy),
    ]
    return all(on_background(px, py) for px, py in points) and not on_background(x + w // 2, y + h // 2)


def _grey_strokes(small: np.ndarray) -> np.ndarray:
    """The mask of pixels that may be a scaled-down label's grey strokes (:data:`GREY_STROKE`)."""
    light = cv2.inRange(small, (GREY_STROKE[0],) * 3, (255, 255, 255))
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (GREY_STROKE_SQUARE, GREY_STROKE_SQUARE))
    lift = cv2.morphologyEx(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), cv2.MORPH_TOPHAT, square)
    return cv2.bitwise_and(light, cv2.inRange(lift, GREY_STROKE[1], 255))


def _label_agreement(tiles: Sequence[Box], labels: list[Box], alike: Sequence[bool]) -> bool | None:
    """Whether most of a gallery's equal tiles' (``alike``) bottom labels agree on their bottom and
    height (:func:`_agreeing_labels`); None when fewer than :data:`AGREEING_LABELS` have one."""
    found = _label_strays(tiles, labels, alike)
    return None if found is None else bool(found[1].sum() * 2 < len(found[0]))


def _label_strays(
    tiles: Sequence[Box], labels: list[Box], alike: Sequence[bool]
) -> tuple[list[int], np.ndarray, int, int] | None:
    """The equal tiles (``alike``) with a bottom label, which of their labels stray from the bottom
    and height most have, and that bottom (above the tile's) and height; None when fewer than
    :data:`AGREEING_LABELS` tiles have one."""
    bottom = [
        i
        for i, (tile, label) in enumerate(zip(tiles, labels, strict=True))
        if alike[i] and label[1] + label[3] >= tile[1] + tile[3] * (1 - LABEL_ZONE[1])
    ]
    if len(bottom) < AGREEING_LABELS:
        return None
    offsets = np.array([tiles[i][1] + tiles[i][3] - labels[i][1] - labels[i][3] for i in bottom])
    heights = np.array([labels[i][3] for i in bottom])
    offset, height = int(np.median(offsets)), int(np.median(heights))
    slack = max(2, int(0.3 * height))
    strays = (np.abs(offsets - offset) > slack) | (np.abs(heights - height) > slack)
    return bottom, strays, offset, height


def _agreeing_labels(tiles: Sequence[Box], labels: list[Box], alike: Sequence[bool]) -> list[Box]:
    """Name boxes made to agree across a gallery's equal camera tiles (``alike``): a client draws every
    label of a gallery at the same height above the tile's bottom and the same size, so a box whose
    bottom or height strays from the boxes most of them have (a face's white, a cut plate) takes that
    bottom and height. Fewer than :data:`AGREEING_LABELS` bottom labels, or no majority: unchanged.

    Where the labels are the gallery's, not where each box was found: OCR reads the boxes found (a
    box that strays is more often right than the rule, on small galleries), the roster's look
    matching (:mod:`capture.roster_look`) these, on galleries of many small tiles too."""
    found = _label_strays(tiles, labels, alike)
    if found is None:
        return labels
    bottom, strays, offset, height = found
    if strays.sum() * 2 >= len(bottom):
        return labels
    width = int(np.median([labels[i][2] for i, stray in zip(bottom, strays, strict=True) if not stray]))
    out = list(labels)
    for i, stray in zip(bottom, strays, strict=True):
        if stray:
            tx, ty, tw, th = tiles[i]
            x, _, w, _ = labels[i]
            w = w if w >= 2 * height else min(width, tx + tw - x)  # a box cut to a letter or two
            out[i] = (x, ty + th - offset - height, w, height)
    return out


def _name_box(
    small: np.ndarray,
    white: np.ndarray,
    step: int,
    box: Box,
    frame: np.ndarray,
    centred: bool = False,
    caption_first: bool = True,
    memory: NameBoxMemory | None = None,
) -> Box:
    """The name label (white text, usually on a dark box) in the bottom-left; else (see
    :func:`_name_box_elsewhere`) the text line nearest the bottom-left corner (grey text, light
    themes, blurred video), a name written in the middle, a caption bar of its own under the tile or
    a bottom-left strip. A
    ``centred`` name (under an avatar disc) may start as far as the tile's middle and reach
    :data:`CENTRED_NAME_REACH` of its width, and is never in a caption bar. With ``caption_first``
    (a tile that is not one of a gallery's equal tiles: a speaker's, a strip's) a caption bar
    (:func:`_caption_bar_box`) comes first: a thumbnail's video may show white near its
    bottom-left corner. A white label the ``memory`` holds for this tile is not searched for again.

    ``small`` is the frame subsampled by ``step`` and ``white`` its mask of near-white pixels.
    """
    caption_later = not caption_first and not centred  # looked for where no label is found
    caption = _caption_bar_box(frame, box) if caption_first and not centred else None
    if caption is not None:
        return caption
    x, y, w, h = box
    sx, sy, sw, sh = x // step, y // step, max(w // step, 1), max(h // step, 1)
    top = sy + sh - max(int(sh * 0.3), 6)
    right = sx + max(int(sw * (CENTRED_NAME_REACH if centred else 0.75)), 4)
    first_column = 0.5 if centred else 0.25
    region_white = white[top : sy + sh, sx:right] > 0
    recalled = memory.recall(box, centred, region_white) if memory is not None else None
    if recalled is not None:
        return recalled
    rows = _white_text_rows(region_white)
    if rows is None:
        return _name_box_elsewhere(small, white, step, box, frame, caption_later)
    start, bottom = rows
    white_cols = np.flatnonzero(region_white[start : bottom + 1].any(axis=0))
    above_plate = 0  # white rows above the label's plate (a bright face just above it)
    if white_cols.size and white_cols[0] <= sw * first_column:
        above_plate = _plate_top(small[top + start : top + bottom + 1, sx:right], int(white_cols[0]))
        start += above_plate
    if bottom - start + 1 > sh * 0.2 + 2:
        return _name_box_elsewhere(small, white, step, box, frame, caption_later)
    has_text = np.asarray(region_white[start : bottom + 1].any(axis=0))
    if not has_text.any() or np.flatnonzero(has_text)[0] > sw * first_column:
        return _name_box_elsewhere(small, white, step, box, frame, caption_later)
    band = small[top + start : top + bottom + 1, sx:right].astype(np.int16)
    rows_tall = bottom - start + 1
    # on a camera-off tile, letters scaled down to grey: looked for in the line's rows and as many round them
    grey_band = (
        small[max(top + start - rows_tall, 0) : top + bottom + 1 + rows_tall, sx:right] if centred else None
    )
    margins = small[
        [max(top + start - PLATE_MARGIN, sy), min(top + bottom + PLATE_MARGIN, sy + sh - 1)], sx:right
    ]
    left, right_end, label_colour, plate = _label_span(band, has_text, margins, grey_band)
    pad_x, pad_y = 4, 3 + rows_tall * step // 4
    x0 = max(x, (sx + left) * step - pad_x)
    y0 = max(y, (top + start) * step - pad_y)
    x1 = min(x + w, (sx + right_end + 1) * step + pad_x)
    y1 = min(y + h, (top + bottom + 1) * step + pad_y)
    if plate:  # a plate of its own: the box ends where the plate does (video beyond it)
        columns = slice(sx + left, sx + right_end + 1)
        plate_top = (
            top + start if above_plate else _plate_edge(small, label_colour, top + start, sy, columns, -1)
        )
        plate_bottom = _plate_edge(small, label_colour, top + bottom, sy + sh - 1, columns, 1)
        if plate_top is not None:
            y0 = max(y0, plate_top * step)
        if plate_bottom is not None:
            y1 = min(y1, (plate_bottom + 1) * step)
    if x1 - x0 < ICON_ONLY * (y1 - y0) and _red_icon(frame[y0:y1, x0:x1]):
        # a muted microphone's red icon alone (its white slash) before a name whose letters are too
        # grey to be white (no plate, scaled down): the name goes on in strokes along its rows
        x1 = _strokes_on(frame, (x0, y0, x1 - x0, y1 - y0), x + int(w * LABEL_ZONE[0]))
    found = (x0, y0, max(x1 - x0, 1), max(y1 - y0, 1))
    if memory is not None:
        memory.keep(box, centred, region_white, start, found)
    return found


def _red_icon(pixels: np.ndarray) -> bool:
    """Whether :data:`RED_ICON` of a box's ``pixels`` (BGR) are the strong red of the muted-microphone
    icon Zoom, Meet and Teams draw before a name."""
    if pixels.ndim != 3 or pixels.size == 0:
        return False
    red = pixels[:, :, 2].astype(np.int16)
    rest = np.maximum(pixels[:, :, 0], pixels[:, :, 1]).astype(np.int16)
    return float(((red > ICON_RED[0]) & (red - rest > ICON_RED[1])).mean()) >= RED_ICON


def _strokes_on(frame: np.ndarray, found: Box, limit: int) -> int:
    """Where a text line that starts in box ``found`` ends: the last column before ``limit`` of a run
    of columns with strokes (local contrast above :data:`LABEL_STROKE`) in its rows, gaps of up to
    its height between them (the space between words)."""
    x, y, w, h = found
    band = frame[y : y + h, x + w : limit]
    if band.size == 0:
        return x + w
    columns = np.flatnonzero((_local_contrast(band) > LABEL_STROKE).any(axis=0))
    end = 0
    for column in columns:
        if column - end > h:
            break
        end = int(column) + 1
    return x + w + end


def _local_contrast(pixels: np.ndarray) -> np.ndarray:
    """Each pixel's local contrast (a 2x2 morphological gradient of the gray image): high on the
    edges of a letter's strokes."""
    gray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY) if pixels.ndim == 3 else pixels
    return np.asarray(cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, np.ones((2, 2), np.uint8)))


def _name_box_elsewhere(
    small: np.ndarray, white: np.ndarray, step: int, box: Box, frame: np.ndarray, caption: bool
) -> Box:
    """Where the name is in a tile without a white bottom-left label: the text line nearest its
    bottom-left corner (grey letters; on a camera-off tile before the initials in its avatar disc),
    else written large in its middle (:func:`_centre_name_box`), else (when ``caption`` is looked
    for) in a caption bar under it, else a bottom-left strip."""
    x, y, w, h = box
    strip = (x, y + h - max(h // 5, 1), max(w * 3 // 5, 1), max(h // 5, 1))
    return (
        _text_line_box(frame, box)
        or _centre_name_box(small, white, step, box)
        or (_caption_bar_box(frame, box) if caption else None)
        or strip
    )


def _caption_bar_box(frame: np.ndarray, box: Box) -> Box | None:
    """The name line in a caption bar right under the tile (small WebRTC apps draw the video, then a
    flat bar of its own with icons and the name; the tile box read is the video's): the box of the
    bar's text, which lies below ``box``. None when no such bar is there: a gap or the app's toolbar
    (its first row goes on past the tile's sides), the next tile (not flat), a flat area taller than
    a bar, or no line of text in it."""
    x, y, w, h = box
    frame_h = frame.shape[0]
    start, stop = max(0, y + h - CAPTION_START), min(frame_h, y + h + int(h * CAPTION_ROWS[1]) + 1)
    if stop - start < CAPTION_ROWS[0] or w < 4 * CAPTION_ROWS[0]:
        return None
    # the tile's middle 80 % (a tile box read round a face may overhang the bar a little), sampled
    middle = frame[start:stop, x + w // 10 : x + w - w // 10 : CAPTION_STRIDE].astype(np.int16)
    probe = min(2 * CAPTION_START + 1, stop - start)
    colours, share = _row_colours(middle[:probe])
    reach = max(int(w * CAPTION_BEYOND), 1)
    firsts = [r for r in range(probe) if share[r] >= CAPTION_MARGIN_FLAT]
    firsts = [r for r in firsts if not _goes_on(frame, start + r, x, w, reach, colours[r])]
    if not firsts:
        return None  # no flat first row, or one that goes on past the tile: a gap, a toolbar
    colours, share = _row_colours(middle)
    bar = _flat_run(share, colours, firsts, stop >= frame_h)
    if bar is None:
        return None
    first, last = bar
    bar_top = start + first
    pixels = frame[bar_top : start + last + 1, x : x + w].astype(np.int16)
    ink = np.abs(pixels - colours[first]).max(axis=2) > CAPTION_INK
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if (
        rows.size < LABEL_MIN_TEXT
        or columns.size < 2 * LABEL_MIN_TEXT
        or columns[0] > w * CAPTION_TEXT_START
        or rows[-1] - rows[0] + 1 < CAPTION_TEXT_SHARE * (last - first + 1)
        or columns.size > CAPTION_INK_FILL * (columns[-1] - columns[0] + 1)
    ):
        return None  # no line of text (one solid block: a video's edge beside), or one lost in a taller flat area
    pad = max((int(rows[-1]) - int(rows[0])) // 4, 2)
    top = max(bar_top, bar_top + int(rows[0]) - pad)
    bottom = min(start + last + 1, bar_top + int(rows[-1]) + pad + 1)
    left = max(x, x + int(columns[0]) - pad)
    right = min(x + w, x + int(columns[-1]) + pad + 1)
    return (left, top, right - left, bottom - top)


def _row_colours(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's colour (its median) and the share of the row within :data:`CAPTION_TOLERANCE` of it."""
    colours = np.median(pixels, axis=1)
    share = (np.abs(pixels - colours[:, None]).max(axis=2) <= CAPTION_TOLERANCE).mean(axis=1)
    return colours, share


def _goes_on(frame: np.ndarray, row: int, x: int, w: int, reach: int, colour: np.ndarray) -> bool:
    """Whether frame ``row`` is mostly ``colour`` for ``reach`` px past either side of ``x`` .. ``x + w``."""
    for side in (frame[row, max(0, x - reach) : x], frame[row, x + w : x + w + reach]):
        if (
            side.size
            and (np.abs(side.astype(np.int16) - colour).max(axis=1) <= CAPTION_TOLERANCE).mean() >= 0.9
        ):
            return True
    return False


def _flat_run(
    share: np.ndarray, colours: np.ndarray, firsts: Sequence[int], to_frame_edge: bool
) -> tuple[int, int] | None:
    """The first and last row of a caption bar in the rows under a tile, given each row's ``colours``
    and the ``share`` of it that is that colour: a run of rows of one colour from one of the rows
    ``firsts`` (flat margins; the video's last rows may be flat too: a wall), each
    :data:`CAPTION_FLAT` of it, its last :data:`CAPTION_MARGIN_FLAT`, at least
    :data:`CAPTION_ROWS` [0] tall, ending before the rows looked at do (unless they reach the
    frame's edge: ``to_frame_edge``)."""
    for first in firsts:
        last = first
        while (
            last + 1 < len(share)
            and share[last + 1] >= CAPTION_FLAT
            and float(np.abs(colours[last + 1] - colours[first]).max()) <= CAPTION_TOLERANCE
        ):
            last += 1
        ended = last + 1 < len(share) or to_frame_edge
        while last > first and share[last] < CAPTION_MARGIN_FLAT:
            last -= 1  # the bar's bottom margin: rows below it of its colour are the next thing's
        if last - first + 1 >= CAPTION_ROWS[0] and ended:
            return first, last
    return None


def _white_text_rows(region_white: np.ndarray) -> tuple[int, int] | None:
    """The first and last row of the lowest band of rows with some white (a line of text, not a
    white area) in the near-white mask of a tile's bottom-left, gaps of up to two rows closed. A
    band on the tile's bottom edge (:data:`EDGE_SPECK_ROWS` rows off at most: a tile's box may be
    that far off), with a band above it, is specks of the video the edge cuts (a
    white shirt's hem, a light table under a plate) when it has :data:`EDGE_SPECK_ROWS` rows or
    fewer, or far less white than the band above (:data:`EDGE_SPECK_SHARE`): the band above.
    Elsewhere a band that thin, :data:`THIN_BAND_GAP` rows or fewer under another, is the bottom
    stroke of the same line (a small ClearType label whose other rows hold no white): both are."""
    if region_white.size == 0:
        return None
    counts = region_white.sum(axis=1)
    rows = np.flatnonzero((counts >= 2) & (counts <= 0.45 * region_white.shape[1]))
    bands: list[tuple[int, int]] = []
    for r in rows[::-1]:
        if bands and bands[-1][0] - r <= 3:
            bands[-1] = (int(r), bands[-1][1])
        elif len(bands) == 2:  # the lowest band and the one above it are all that is looked at
            break
        else:
            bands.append((int(r), int(r)))
    if not bands:
        return None
    start, bottom = bands[0]
    if len(bands) < 2:
        return bands[0]
    above = bands[1]
    thin = bottom - start + 1 <= EDGE_SPECK_ROWS
    if bottom < region_white.shape[0] - 1 - EDGE_SPECK_ROWS:
        # a thin band just under another is the text's last white stroke (ClearType colours the rest)
        return (above[0], bottom) if thin and start - above[1] - 1 <= THIN_BAND_GAP else bands[0]
    sparse = counts[start : bottom + 1].max() < EDGE_SPECK_SHARE * counts[above[0] : above[1] + 1].max()
    return above if thin or sparse else bands[0]


def _label_span(
    band: np.ndarray, has_text: np.ndarray, margins: np.ndarray, grey_band: np.ndarray | None = None
) -> tuple[int, int, np.ndarray, bool]:
    """The first and last column of the label in ``band`` (the rows of its text; ``has_text``: the
    columns with white), the colour behind its first letter, and whether it has a plate of its own
    (else it is drawn straight on a flat tile of about that colour). Letters light in one channel
    carry the span on where ``margins`` (a row above the text and one below it) are a plate's dark
    rows; with ``grey_band`` (the same columns, rows round the text's: a camera-off tile, no video
    behind the label) letters scaled down to grey do too."""
    white_cols = np.flatnonzero(has_text)
    first = int(white_cols[0])
    behind = band[:, max(first - 2, 0) : max(first, 1)].reshape(-1, 3)
    label_colour = _median_rows(behind)
    distance = np.abs(band - label_colour).max(axis=2)
    near = (distance <= 30).mean(axis=0) >= 0.6
    if near.mean() >= 0.85:  # the plate is close to a flat tile's colour (camera off): a tighter match
        near = (distance <= 8).mean(axis=0) >= 0.6
    plate = bool(near.mean() < 0.85)
    # a label drawn straight on a flat tile has no plate of its own: only its text counts
    band_ok = has_text | near if plate else _close_gaps(has_text, 2 * band.shape[0])
    # anti-aliased stroke columns are neither white nor label-coloured: close gaps of a few columns
    closed = _close_gaps(band_ok, 5)
    bad = np.flatnonzero(~closed)
    left = int(bad[bad < first].max()) + 1 if (bad < first).any() else 0
    right_end = int(bad[bad > first].min()) - 1 if (bad > first).any() else closed.size - 1
    # a see-through plate over bright video stops matching its colour, or an icon's colour was taken for
    # the plate, but the name's letters (white, or on a camera-off tile grey: scaled down) go on
    reach = max(6, band.shape[0] * 3 // 2)
    # ... and letters drawn with coloured sub-pixel edges (ClearType), whose strokes are near-white in
    # a few pixels only, are light in one channel at least: runs narrower than a letter
    on_plate = (margins.max(axis=2) <= DARK_PLATE).all(axis=0)
    letters = has_text | (_short_runs((band.max(axis=2) >= LETTER_LIGHT).any(axis=0), reach) & on_plate)
    if grey_band is not None:
        letters = letters | _short_runs((grey_band.min(axis=2) >= SMALL_TEXT_LIGHT).any(axis=0), reach)
    for column in np.flatnonzero(letters & (np.arange(letters.size) > right_end)):
        if column - right_end > reach:
            break
        right_end = int(column)
    return left, right_end, label_colour, plate


def _centre_name_box(small: np.ndarray, white: np.ndarray, step: int, box: Box) -> Box | None:
    """The name written large in the middle of a camera-off tile (Zoom's name-only tile, whose
    bottom-left label may show only the microphone icon): the near-white pixels of the tile's
    middle band, when the tile round them is flat (:data:`CENTRE_NAME_FLAT` of a ring inside its
    edges is one colour). None otherwise."""
    x, y, w, h = (v // step for v in box)
    if w < 16 or h < 12:
        return None
    tile = small[y : y + h, x : x + w]
    edge = np.concatenate((tile[1], tile[-2], tile[:, 1], tile[:, -2])).astype(np.int16)
    if float((np.abs(edge - np.median(edge, axis=0)).max(axis=1) <= 8).mean()) < CENTRE_NAME_FLAT:
        return None
    band = white[y + h * 3 // 10 : y + h * 7 // 10, x : x + w] > 0
    rows, columns = np.flatnonzero(band.any(axis=1)), np.flatnonzero(band.any(axis=0))
    if rows.size < 3 or columns.size < 3:
        return None
    top, left = y + h * 3 // 10 + int(rows[0]), x + int(columns[0])
    bottom, right = y + h * 3 // 10 + int(rows[-1]), x + int(columns[-1])
    pad = max((bottom - top) // 3, 2)
    x0, y0 = max(left - pad, x), max(top - pad, y)
    x1, y1 = min(right + pad + 1, x + w), min(bottom + pad + 1, y + h)
    return (x0 * step, y0 * step, (x1 - x0) * step, (y1 - y0) * step)


def _text_line_box(frame: np.ndarray, box: Box) -> Box | None:
    """The text line nearest a tile's bottom-left corner, found by its strokes: a horizontal run of
    dense local contrast (letters) in the bottom :data:`LABEL_ZONE` of the tile, starting near its
    left edge, as tall as a label's text can be. None when there is none."""
    x, y, w, h = box
    inset = max(3, w // 100)  # off the tile's own edges, whose long strokes would swallow the label
    zone_h = max(int(h * LABEL_ZONE[1]), 16)
    zx, zy, zw = x + inset, y + h - zone_h, max(int(w * LABEL_ZONE[0]), 16)
    region = frame[zy : y + h - inset, zx : zx + zw]
    if region.size == 0:
        return None
    contrast = _local_contrast(region)
    level = max(LABEL_STROKE, int(cv2.threshold(contrast, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]))
    strokes = cv2.threshold(contrast, level, 255, cv2.THRESH_BINARY)[1]
    joined = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, np.ones((1, max(5, zone_h // 12)), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    best: tuple[float, Box] | None = None
    tallest = max(LABEL_MIN_TEXT, int(h * MAX_LABEL_TEXT))
    for cx, cy, cw, ch, _ in stats[1:]:
        if not LABEL_MIN_TEXT <= ch <= tallest or cw < 2 * ch or cx > w * LABEL_START:
            continue
        density = float(cv2.countNonZero(strokes[cy : cy + ch, cx : cx + cw])) / (cw * ch)
        # a 2x2 gradient marks a stroke's edges: the taller the letters, the sparser their edges
        if not LABEL_DENSITY[0] * min(1.0, DENSE_TEXT / ch) <= density <= LABEL_DENSITY[1]:
            continue
        distance = cx / w + (zone_h - (cy + ch)) / h  # from the tile's bottom-left corner
        if best is None or distance < best[0]:
            best = (distance, (int(zx + cx), int(zy + cy), int(cw), int(ch)))
    if best is None:
        return None
    bx, by, bw, bh = best[1]
    for cx, cy, cw, ch, _ in sorted(stats[1:].tolist()):  # the words after the first: same line, small gaps
        cx, cy = cx + zx, cy + zy
        overlap = min(by + bh, cy + ch) - max(by, cy)
        if cx > bx + bw and cx - (bx + bw) <= 1.5 * bh and overlap >= 0.5 * min(bh, ch) and ch <= 1.5 * bh:
            top, bottom = min(by, cy), max(by + bh, cy + ch)
            bw, by, bh = cx + cw - bx, top, bottom - top
    pad = max(bh // 3, 2)
    x0, y0 = max(bx - pad, x), max(by - pad, y)
    return (x0, y0, min(bx + bw + pad, x + w) - x0, min(by + bh + pad, y + h) - y0)


def _plate_edge(
    small: np.ndarray, colour: np.ndarray, row: int, limit: int, columns: slice, direction: int
) -> int | None:
    """The last row of a label's plate beyond its text row ``row`` in ``direction`` (-1 up, 1 down;
    not past ``limit``): rows over ``columns`` mostly of the plate's ``colour`` (:func:`_plate_range`).
    None when the next row is not plate-coloured (no plate margin there: the text reaches the
    plate's edge, or the plate's colour is the video's)."""
    low, high = _plate_range(colour)
    edge = row
    while edge != limit:
        pixels = small[edge + direction, columns]
        if cv2.countNonZero(cv2.inRange(pixels[None], low, high)) < PLATE_ROW_SHARE * pixels.shape[0]:
            break
        edge += direction
    return edge if edge != row else None


def _plate_range(colour: np.ndarray) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The pixel values (per channel, inclusive) that show a label's plate of ``colour``: that colour
    within :data:`PLATE_TOLERANCE`, or, for a dark plate (see-through: the video behind it shows
    darkened), anything no brighter than that colour plus the tolerance."""
    dark = float(colour.max()) <= DARK_PLATE
    b, g, r = (float(c) for c in colour)
    high = (
        min(math.floor(b + PLATE_TOLERANCE), 255),
        min(math.floor(g + PLATE_TOLERANCE), 255),
        min(math.floor(r + PLATE_TOLERANCE), 255),
    )
    if dark:
        return (0, 0, 0), high
    return (
        max(math.ceil(b - PLATE_TOLERANCE), 0),
        max(math.ceil(g - PLATE_TOLERANCE), 0),
        max(math.ceil(r - PLATE_TOLERANCE), 0),
    ), high


def _plate_top(band: np.ndarray, first: int) -> int:
    """How many of ``band``'s top rows lie above the label's plate. ``band`` is the subsampled rows
    holding a label's white text, which starts at column ``first``. A bright face or room just above
    a label box is white too and joins the text's rows, but the plate ends below it: the run of rows
    at the top where both pixels left of the text differ from what the lower half of the rows shows
    in their column. Without a plate (text straight on video) the margin keeps its colours, or few
    rows differ (then none go)."""
    rows = band.shape[0]
    if first < 2 or rows < 4:
        return 0
    margin = band[:, first - 2 : first].astype(np.int16)
    reference = np.stack([_median_rows(margin[rows // 2 :, k]) for k in range(2)])
    off = (np.abs(margin - reference).max(axis=2) > PLATE_TOLERANCE).all(axis=1)
    if off.all():
        return 0
    # the run of off rows at the top only: an off row lower down is a glyph's stroke reaching left
    above = int(np.argmin(off))
    return above if rows - above >= max(3, rows // 4) else 0


def _median_rows(values: np.ndarray) -> np.ndarray:
    """``np.median(values, axis=0)`` of a small (n, channels) array, without numpy's general machinery."""
    ordered = np.sort(values, axis=0)
    middle = ordered.shape[0] // 2
    if ordered.shape[0] % 2:
        median: np.ndarray = ordered[middle].astype(np.float64)
    else:
        median = (ordered[middle - 1].astype(np.float64) + ordered[middle]) / 2
    return median


def _close_gaps(columns: np.ndarray, longest: int) -> np.ndarray:
    """``columns`` with runs of False no longer than ``longest`` between two True filled in."""
    closed = columns.copy()
    ok = np.flatnonzero(columns)
    jumps = np.diff(ok)
    for k in np.flatnonzero((jumps > 1) & (jumps <= longest + 1)):
        closed[ok[k] : ok[k + 1]] = True
    return closed


def _short_runs(columns: np.ndarray, longest: int) -> np.ndarray:
    """``columns`` less its runs of True longer than ``longest``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], columns.astype(np.int8), [0]))))
    short = np.zeros_like(columns, dtype=bool)
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        short[start:stop] = stop - start <= longest
    return short


def _leaves(
    separators: _Separators,
    content: tuple[int, int, int, int],
    step: int,
    frame_w: int,
    frame_h: int,
) -> list[Box]:
    """XY-cut leaves (on the ``step``-subsampled frame) that can be tiles or rows and columns of tiles."""
    leaves_small: list[tuple[int, int, int, int]] = []
    _xycut(separators, content, max(2, 6 // step), leaves_small)
    leaves = [
        (
            x0 * step,
            y0 * step,
            min((x1 - x0) * step, frame_w - x0 * step),
            min((y1 - y0) * step, frame_h - y0 * step),
        )
        for x0, y0, x1, y1 in leaves_small
    ]
    return [
        b
        for b in leaves
        if b[2] >= MIN_TILE[0] and b[3] >= MIN_TILE[1] and LEAF_SHAPE[0] <= b[2] / b[3] <= LEAF_SHAPE[1]
    ]


@dataclass(frozen=True)
class _Reading:
    """One reading of a frame's (or a window's) tiles: the XY-cut leaves that can be tiles, the tiles
    they make, the meeting area (subsampled pixels), its background colour and how plausible the
    tiles are (:func:`_plausibility`, relative to the window read)."""

    leaves: list[Box]
    boxes: list[Box]
    kind: LayoutKind
    content: tuple[int, int, int, int]
    background: np.ndarray
    score: float = 0.0
    background_share: float = 0.0  # of the window read, the share that is its background colour
    beside: tuple[Box, ...] = ()  # the leaves of the readings round the window read, outside it


def _read(
    frame: np.ndarray,
    small: np.ndarray,
    step: int,
    steps: Callable[[], tuple[np.ndarray, np.ndarray]],
    region: tuple[int, int, int, int],
    plain: bool = True,
) -> _Reading | None:
    """The best reading inside ``region`` (x0, y0, x1, y1 of ``small``): with each candidate background
    colour, strictly and (for lossy frames) loosely, each with and (when ``plain``) without colour
    steps (``steps()``, made when first needed) as separators, and as a grid of tiles touching each other
    (:func:`_split_touching`); the most plausible wins. The search stops at the first sure reading
    (:func:`_sure`), so an ordinary gallery costs one XY-cut. Inside a piece of the frame (a nested
    reading) one tile covering nearly all of it only restates the piece: a grid of equal tiles wins
    over it however little of the piece it covers (a call's window keeps wide margins round its
    grid), anything else only by plausibility."""
    frame_h, frame_w = frame.shape[:2]
    x0, y0, x1, y1 = region
    whole = (x0, y0, x1, y1) == (0, 0, small.shape[1], small.shape[0])
    piece_area = (x1 - x0) * (y1 - y0) * step * step
    inside = np.zeros(small.shape[:2], np.uint8)
    if not whole:
        inside[y0:y1, x0:x1] = 255

    def within(mask: np.ndarray) -> np.ndarray:
        return mask if whole else cv2.bitwise_and(mask, inside)

    best: _Reading | None = None
    for colour in _background_candidates(small[y0:y1, x0:x1]):
        mask = within(_background_mask(small, colour))
        network = _network(mask)
        if network is None:
            continue
        if best is None:
            best = _Reading([], [], "empty", network[0], colour)
        near = within(_background_mask(small, colour, LOSSY_TOLERANCE))
        for background, area, gap_share, blurred in _separations(
            small, mask, near, network[0], region, whole
        ):
            # the frame rows (columns) subsampling skips, on the whole frame's exact colour only
            row_phases, column_phases = (
                _phase_backgrounds(frame, step, colour, BG_TOLERANCE)
                if step > 1 and whole and background is mask
                else ((), ())
            )
            for stepped in (False, True) if plain else (True,):
                rows, columns = steps() if stepped else (None, None)
                separators = _Separators(
                    background,
                    rows,
                    columns,
                    gap_share,
                    row_phases,
                    column_phases,
                    near if background is mask else None,
                )
                cut = _cut(
                    separators, small, area, step, (frame_w, frame_h), region, strict=background is mask
                )
                if cut is None:
                    continue
                leaves, tiles, kind, score = cut
                if blurred and not _more_tiles(tiles, kind, best):
                    continue
                if whole:
                    if _no_edge(tiles, step, (frame_w, frame_h)):
                        score /= 2  # one tile that is the whole frame: as good as reading nothing
                    wins = score > best.score
                elif _restates(tiles, piece_area):
                    wins = score > best.score and not _equal_gallery(best.boxes, best.kind)
                else:
                    wins = score > best.score or (
                        _restates(best.boxes, piece_area) and _equal_gallery(tiles, kind)
                    )
                divides = _divides(tiles, kind, score, best)
                if divides and (
                    merged := _merged_gallery(
                        best, [t for t in tiles if _overlap(t, best.boxes[0]) > 0.5], small, step
                    )
                ):
                    best = merged  # the tiles dividing the speaker's are the videos inside the gallery's
                elif wins or divides:
                    share = cv2.countNonZero(mask[y0:y1, x0:x1]) / max((x1 - x0) * (y1 - y0), 1)
                    best = _Reading(leaves, tiles, kind, area, colour, score, share)
                    if _sure(best):
                        return best
    return _touching_reading(best, small, region, steps(), step)


def _no_edge(tiles: list[Box], step: int, frame_size: tuple[int, int]) -> bool:
    """Whether ``tiles`` are one tile reaching every edge of the frame (``frame_size``, within a
    subsampled pixel, ``step``): a reading that found no edge at all."""
    if len(tiles) != 1:
        return False
    x, y, w, h = tiles[0]
    frame_w, frame_h = frame_size
    return x <= step and y <= step and x + w >= frame_w - step and y + h >= frame_h - step


def _restates(tiles: list[Box], piece_area: int) -> bool:
    """Whether ``tiles`` are one tile covering :data:`RESTATED_PIECE` of a piece of ``piece_area`` px."""
    return len(tiles) == 1 and tiles[0][2] * tiles[0][3] >= RESTATED_PIECE * piece_area


def _equal_gallery(tiles: list[Box], kind: LayoutKind) -> bool:
    """Whether ``tiles`` are a gallery of two or more equal tiles."""
    return kind == "gallery" and len(tiles) >= 2 and all(_similar(b, tiles[0]) for b in tiles)


def _mostly_equal(tiles: list[Box], kind: LayoutKind) -> bool:
    """Whether ``tiles`` are a gallery of two or more tiles, :data:`DIVIDING_EQUAL` of them or more
    of one size (a dialog over the gallery cuts a tile or two into pieces)."""
    if kind != "gallery" or len(tiles) < 2:
        return False
    w, h = int(np.median([t[2] for t in tiles])), int(np.median([t[3] for t in tiles]))
    return sum(_similar(t, (0, 0, w, h)) for t in tiles) >= DIVIDING_EQUAL * len(tiles)


def _divides(tiles: list[Box], kind: LayoutKind, score: float, best: _Reading) -> bool:
    """Whether a gallery reading of equal ``tiles`` covering :data:`SURE_COVER` of the window
    divides the ``best`` reading's speaker tile: :data:`DIVIDED_SPEAKER` of its tiles or more lie in
    it. A speaker's tile is one participant's video; a grid of equal tiles inside it is the gallery
    itself, read as one tile with the colour of the window's bars (the last row its "strip")."""
    if best.kind != "speaker" or kind != "gallery" or score < SURE_COVER or not best.boxes:
        return False
    speaker = best.boxes[0]
    inside = [t for t in tiles if _overlap(t, speaker) > 1 - DISC_CELL_OVERLAP and _similar(t, tiles[0])]
    return len(inside) >= DIVIDED_SPEAKER


def _more_tiles(tiles: list[Box], kind: LayoutKind, best: _Reading) -> bool:
    """Whether a reading of ``tiles`` finds more than the ``best`` so far: more tiles, or a gallery
    of equal tiles where the best is none."""
    return len(tiles) > len(best.boxes) or (
        _equal_gallery(tiles, kind) and not _equal_gallery(best.boxes, best.kind)
    )


def _separations(
    small: np.ndarray,
    mask: np.ndarray,
    near: np.ndarray,
    area: tuple[int, int, int, int],
    region: tuple[int, int, int, int],
    whole: bool,
) -> list[tuple[np.ndarray, tuple[int, int, int, int], float, bool]]:
    """What to cut along with one background colour, as (mask, area to cut, gap share, blurred): its
    strict ``mask`` (whose network spans ``area``), and the looser ``near`` (within
    :data:`LOSSY_TOLERANCE` of the colour) as well: on a lossy frame
    (both cut the looser one's network when ``area`` is a piece of it), and on the whole frame when
    it is not (``whole``; ``blurred``: a screenshot scaled down blurs gaps of a few pixels into the tiles'
    edges, so that no row of the exact colour crosses the call; its reading counts only where it
    finds more than the others, :func:`_more_tiles`: the loose colour also eats into tiles drawn
    near it, a self-view's frame, a camera-off tile)."""
    x0, y0, x1, y1 = region
    separations = [(mask, area, GAP_SHARE, False)]
    if _looks_lossy(small[y0:y1, x0:x1], mask[y0:y1, x0:x1]):
        lossy_network = _network(near)
        if lossy_network is not None and _inside(area, lossy_network[0]):
            # a codec blurs thin gaps apart: the exact colour's network is only a piece of the call
            separations = [(mask, lossy_network[0], GAP_SHARE, False)]
        separations.append((near, separations[0][1], LOSSY_GAP_SHARE, False))
    elif whole:
        separations.append((near, area, LOSSY_GAP_SHARE, True))
    return separations


def _cut(
    separators: _Separators,
    small: np.ndarray,
    area: tuple[int, int, int, int],
    step: int,
    frame_size: tuple[int, int],
    region: tuple[int, int, int, int],
    strict: bool,
) -> tuple[list[Box], list[Box], LayoutKind, float] | None:
    """The XY-cut of ``area`` along ``separators``: its leaves (split where they are grids of tiles
    touching each other), the tiles they make (seen on ``small``, the frame subsampled by ``step``),
    their kind and plausibility in ``region``. None without leaves, or when a loose (not ``strict``)
    cut's leaves cover too little of the region."""
    frame_w, frame_h = frame_size
    x0, y0, x1, y1 = region
    leaves = _leaves(separators, area, step, frame_w, frame_h)
    rows, columns = separators.rows, separators.columns
    if rows is not None and columns is not None and leaves:
        # a leaf the size of two others is a tile: a step across its video splits nothing
        alike = _alike(leaves).sum(axis=1)
        leaves = [
            part
            for leaf, count in zip(leaves, alike, strict=True)
            for part in (count < 3 and _split_touching(leaf, small, rows, columns, step)) or [leaf]
        ]
    covered = sum(w * h for _, _, w, h in leaves)
    if not leaves or not (strict or covered >= MIN_LOSSY_COVER * (x1 - x0) * (y1 - y0) * step * step):
        return None
    discs = [_disc_shaped(leaf, step, lambda px, py: bool(separators.background[py, px])) for leaf in leaves]
    tiles, kind, shown = _tiles_of(
        leaves,
        frame_w,
        frame_h,
        functools.partial(_view, small, step),
        discs,
        functools.partial(_parted, small, separators.background, step),
    )
    score = _plausibility(shown, ((x1 - x0) * step, (y1 - y0) * step))
    return leaves, tiles, kind, score * (_aligned_share(tiles) if kind == "gallery" else 1.0)


def _parted(
    small: np.ndarray, background: np.ndarray, step: int, x0: int, y0: int, x1: int, y1: int, vertical: bool
) -> bool:
    """Whether the band x0..x1 between two tiles (``vertical``: a line down the frame; else the band
    y0..y1 across it; frame pixels, as thin as none where tiles touch) parts them: along
    :data:`PARTED_SHARE` of its length or more one line in it or :data:`PARTED_SLACK` beside it (the
    split's places are the gallery's average) is the ``background`` mask or a colour step from its
    one side to the other (:data:`EDGE_STEP`), on the frame subsampled by ``step`` (``small``)."""
    if not vertical:
        small, background = small.transpose(1, 0, 2), background.T
        x0, y0, x1, y1 = y0, x0, y1, x1
    width = small.shape[1]
    top, bottom = y0 // step, max(y1 // step, y0 // step + 1)
    first = max(1, x0 // step - PARTED_SLACK)
    last = min(width - 1, max(x1 // step, x0 // step + 1) + PARTED_SLACK)
    if last <= first:
        return False
    pixels = small[top:bottom, first - 1 : last + 1].astype(np.int16)
    stepped = np.abs(pixels[:, 2:] - pixels[:, :-2]).max(axis=2) > EDGE_STEP
    gap = background[top:bottom, first:last] > 0
    return float((gap | stepped).mean(axis=0).max()) >= PARTED_SHARE


def _view(small: np.ndarray, step: int, box: Box) -> np.ndarray:
    """The pixels of ``box`` (frame pixels) on the frame subsampled by ``step`` (``small``): one at
    least each way."""
    x, y, w, h = box
    x0, y0 = x // step, y // step
    return small[y0 : max((y + h) // step, y0 + 1), x0 : max((x + w) // step, x0 + 1)]


def _touching_reading(
    best: _Reading | None,
    small: np.ndarray,
    region: tuple[int, int, int, int],
    steps: tuple[np.ndarray, np.ndarray],
    step: int,
) -> _Reading | None:
    """``best``, or the window read as tiles touching each other all over (no background between
    them at all) when that is more plausible."""
    x0, y0, x1, y1 = region
    rows, columns = steps
    touching = _split_touching(
        (x0 * step, y0 * step, (x1 - x0) * step, (y1 - y0) * step), small, rows, columns, step
    )
    if touching is None:
        return best
    score = _plausibility(touching, ((x1 - x0) * step, (y1 - y0) * step))
    if best is None or score > best.score:
        colour = best.background if best is not None else np.zeros(3)
        return _Reading(touching, touching, "gallery", region, colour, score, 0.0)
    return best


def _inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether the corners box ``a`` (x0, y0, x1, y1) lies inside ``b``."""
    return b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]


def _sure(reading: _Reading) -> bool:
    """A reading no other is looked for after: a gallery of two or more equal tiles covering at least
    :data:`SURE_COVER` of the window read."""
    return _equal_gallery(reading.boxes, reading.kind) and reading.score >= SURE_COVER


def _split_touching(
    leaf: Box, small: np.ndarray, rows: np.ndarray, columns: np.ndarray, step: int
) -> list[Box] | None:
    """A leaf that is a grid of equal tiles touching each other (no gap between them), split into
    them; None when it is not. Each hypothesis of c columns and r rows (up to :data:`MAX_TOUCHING`)
    puts its tile edges at equal spacing; it holds when a colour step runs along at least
    :data:`TOUCHING_LINE` of every one of its edges (the pictures of two neighbours differ there),
    and the tiles have a tile's shape. The finest grid that holds wins, unless its edges run along
    gaps of one flat colour (:func:`_gap_lines`): then the leaf is tiles parted by a gap whose colour
    was not the background cut along (a bar's colour taken for it, say), not touching tiles."""
    x, y, w, h = (v // step for v in leaf)
    if w < 2 * MIN_TILE[0] // step or h < 2 * MIN_TILE[1] // step:
        return None
    # per column: the share of the leaf's rows with a step there (either side of it, one pixel slack)
    across = cv2.reduce(columns[y : y + h, x : x + w], 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel() / 255
    down = cv2.reduce(rows[y : y + h, x : x + w], 1, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel() / 255
    across = np.maximum.reduce([across, np.roll(across, 1), np.roll(across, -1)])
    down = np.maximum.reduce([down, np.roll(down, 1), np.roll(down, -1)])

    def holds(profile: np.ndarray, parts: int) -> bool:
        edges = [round(k * profile.size / parts) for k in range(1, parts)]
        return all(profile[e] >= TOUCHING_LINE for e in edges)

    best: tuple[int, int] | None = None
    for cols in range(1, MAX_TOUCHING + 1):
        for rws in range(1, MAX_TOUCHING + 1):
            if cols * rws < 2 or not _tile_like((0, 0, w // cols, h // rws)):
                continue
            if holds(across, cols) and holds(down, rws) and (best is None or cols * rws > best[0] * best[1]):
                best = (cols, rws)
    if best is None or _gap_lines(small[y : y + h, x : x + w], *best):
        return None
    cols, rws = best
    fx, fy, fw, fh = leaf
    return [
        (
            fx + round(i * fw / cols),
            fy + round(j * fh / rws),
            round((i + 1) * fw / cols) - round(i * fw / cols),
            round((j + 1) * fh / rws) - round(j * fh / rws),
        )
        for j in range(rws)
        for i in range(cols)
    ]


def _gap_lines(area: np.ndarray, cols: int, rws: int) -> bool:
    """Whether half the edges or more of a grid of ``cols`` x ``rws`` equal cells over ``area`` (pixels of the
    subsampled frame) run along a gap (:func:`_is_gap`) rather than between two touching videos."""
    h, w = area.shape[:2]
    reach = range(-GAP_REACH - 1, GAP_REACH + 2)
    edges = [
        _is_gap([area[:, min(max(round(k * w / cols) + d, 0), w - 1)] for d in reach]) for k in range(1, cols)
    ]
    edges += [
        _is_gap([area[min(max(round(k * h / rws) + d, 0), h - 1)] for d in reach]) for k in range(1, rws)
    ]
    return sum(edges) * 2 >= len(edges)


def _is_gap(lines: list[np.ndarray]) -> bool:
    """Whether neighbouring ``lines`` of pixels (across an edge, in order) hold a gap: one to four of
    them of one colour over :data:`GAP_LINE` of their length (within :data:`LOSSY_TOLERANCE`), and
    the lines either side of them that colour over :data:`GAP_CONTRAST` less of theirs (the tiles
    beside a gap; camera-off tiles of the gap's colour may fill some of them). A wall in a video is
    one colour too, but so is its next line."""

    def near(line: np.ndarray, colour: np.ndarray) -> float:
        return float(np.mean(np.abs(line - colour).max(axis=1) <= LOSSY_TOLERANCE))

    medians = [np.median(line, axis=0) for line in lines]
    shares = [near(line, colour) for line, colour in zip(lines, medians, strict=True)]
    for first in range(1, len(lines) - 2):
        for last in range(first, min(first + 4, len(lines) - 1)):
            colour, run = medians[first], range(first, last + 1)
            if any(shares[i] < GAP_LINE or np.abs(medians[i] - colour).max() > LOSSY_TOLERANCE for i in run):
                continue
            flanks = max(near(lines[first - 1], colour), near(lines[last + 1], colour))
            if flanks <= min(shares[i] for i in run) - GAP_CONTRAST:
                return True
    return False


def _tiles_of(
    leaves: list[Box],
    frame_w: int,
    frame_h: int,
    view: Callable[[Box], np.ndarray],
    discs: Sequence[bool],
    parted: Parting,
) -> tuple[list[Box], LayoutKind, list[Box]]:
    """The tiles that XY-cut leaves make: a speaker view's big tile and strip, else a gallery
    (:func:`_gallery`, which ``view`` and ``discs``, which leaves are avatar discs, are passed to);
    their kind; and the tiles the leaves alone show, which the reading is judged by."""
    speaker = _speaker(leaves)
    if speaker is not None:
        big, strip = speaker
        size = (int(np.median([b[2] for b in strip])), int(np.median([b[3] for b in strip])))
        boxes = [big] + [
            b if _similar(b, (0, 0, *size), 0.02) else _resize_about_centre(b, *size, frame_w, frame_h)
            for b in strip
        ]
        return boxes, "speaker", boxes
    boxes, shown = _gallery(leaves, frame_w, frame_h, view, discs, parted) if leaves else ([], [])
    return boxes, "gallery" if boxes else "empty", shown


def _aligned_share(tiles: list[Box]) -> float:
    """The share of a gallery's equal tiles above its last row that stand in the columns of its
    fullest row: a gallery fills its rows in one grid (only the last row may be centred), while
    pieces of tiles (a pillarboxed video inside its tile, a camera-off tile taken for the
    background) lie anywhere. 1 for fewer than two such rows."""
    if len(tiles) < 3:
        return 1.0
    w, h = float(np.median([t[2] for t in tiles])), float(np.median([t[3] for t in tiles]))
    equal = [t for t in tiles if _similar(t, (0, 0, int(w), int(h)))]
    rows: list[list[Box]] = []
    for tile in sorted(equal, key=lambda t: t[1]):
        if rows and abs(tile[1] - rows[-1][0][1]) <= h / 2:
            rows[-1].append(tile)
        else:
            rows.append([tile])
    above = rows[:-1]
    if len(above) < 2:
        return 1.0
    columns = [t[0] for t in max(rows, key=len)]
    aligned = sum(any(abs(t[0] - c) <= w * ALIGN_SLACK for c in columns) for row in above for t in row)
    return aligned / sum(len(row) for row in above)


def _plausibility(tiles: list[Box], region: tuple[int, int]) -> float:
    """How well ``tiles`` read as a call's participants in a window of ``region`` (w, h) pixels: the
    share of the window that tiles of a plausible size cover (a participant's tile is at least
    1/:data:`MAX_TILES_ACROSS` of the window each way: smaller pieces are a pattern in a video, such
    as a tiled ceiling, or letters), and a reading of a single tile counts for half (it is also what
    reading nothing gives)."""
    region_w, region_h = region
    plausible = [
        b for b in tiles if b[2] * MAX_TILES_ACROSS >= region_w and b[3] * MAX_TILES_ACROSS >= region_h
    ]
    covered = sum(w * h for _, _, w, h in plausible) / max(region_w * region_h, 1)
    return covered / 2 if len(plausible) == 1 else covered


def parse_gallery(image: np.ndarray) -> GalleryLayout:
    """Find the participant tiles of a meeting screenshot (BGR, BGRA or gray uint8), with their
    name boxes and speaking borders.

    Returns an empty layout for blank frames or frames without tiles. Raises ValueError only for
    something that is not an 8-bit image array.
    """
    return find_tiles(image).layout()


def _subsample(frame: np.ndarray) -> tuple[np.ndarray, int]:
    """The frame subsampled for layout work (every other pixel from 720 lines up), and the step."""
    frame_h, frame_w = frame.shape[:2]
    step = 2 if min(frame_h, frame_w) >= 720 else 1
    small = cv2.resize(
        frame, ((frame_w + step - 1) // step, (frame_h + step - 1) // step), interpolation=cv2.INTER_NEAREST
    )
    return small, step


def tiles_with_faces(
    image: np.ndarray, grid: TileGrid, faces: Sequence[Box], avatars: Sequence[Box] = ()
) -> TileGrid:
    """``grid`` corrected by the faces found anywhere in the frame (``faces``, frame pixels; the safety
    net of :meth:`capture.faces.FaceDetector.sweep`): a face outside every tile gets a tile of its own,
    bounded by the nearest gaps or tile edges round it (:func:`tile_around`); a tile holding faces whose
    own tiles differ, two or more of them with edges found on three sides or more (a reading that
    missed the gaps between them), gives way to theirs, unless it is one of a gallery's equal tiles, and so does such
    a tile that cuts through a face (:func:`_cuts`). Otherwise the faces of one tile share it (a room
    of people), and tiles without a face stay. An avatar disc (``avatars``, camera off) outside every
    tile is a tile of its own."""
    if not faces and not avatars:
        return _without_shared_screen(grid)
    equal = grid.equal_tiles()
    if len(equal) == len(grid.boxes) and all(
        any(_holds(box, f) for box in equal) for f in [*faces, *avatars]
    ):
        return grid  # a gallery of equal tiles that holds every face: nothing to mend
    frame = _as_bgr(image)
    small, step = (grid.small, grid.step) if grid.boxes else _subsample(frame)
    background = (
        grid.background if grid.boxes else np.array(_median_rows(np.concatenate((small[0], small[-1]))))
    )
    separators = _Separators(_background_mask(small, background), *_colour_steps(frame, step), GAP_SHARE)
    around, bounded = _tiles_around_faces(separators, step, faces, frame.shape[1], frame.shape[0])
    # a face's tile reaches no further than the tile read round the face (its own edges guessed
    # past it would swallow the avatar discs beside a tile)
    held = [_clipped(t, next((b for b in grid.boxes if _holds(b, t)), t)) for t in around]
    discs = [
        _disc_tile(d, frame.shape[1], frame.shape[0])
        for d in avatars
        if not any(_overlap(d, t) > 0.5 for t in held)
    ]
    around += discs
    bounded.update(discs)
    # a tile read through a face (a pop-up over the gap beside it) gives way to the tiles round the
    # faces the tiles read held, cut apart halfway between the faces where they overlap
    cut = [b for b in grid.boxes if b not in equal and any(_cuts(b, f) for f in faces)]
    if cut:
        held = [f for f in faces if any(_holds(b, f) for b in cut)]
        own = [tile_around(separators, step, f, frame.shape[1], frame.shape[0])[0] for f in held]
        split = _split_overlapping(own, [(f[0] + f[2] / 2, f[1] + f[3] / 2) for f in held])
        around = [t for t in around if not any(_holds(b, t) for b in cut)]
        around += [t for i, t in enumerate(split) if not any(_same_tile(t, u) for u in split[:i])]
    kept = [b for b in grid.boxes if b not in cut]
    merged = _without_self_view(
        _mend_tiles(kept, equal, around, bounded, grid.avatars), [*grid.avatars, *discs]
    )
    if len(merged) == len(grid.boxes) and set(merged) == set(grid.boxes):
        return grid
    new_discs = tuple(d for d in discs if d in merged)
    kind: LayoutKind = grid.kind if grid.kind != "empty" else "gallery"
    return replace(
        grid,
        boxes=tuple(_reading_order(merged)),
        kind=kind,
        frame=frame,
        small=small,
        step=step,
        background=background,
        avatars=grid.avatars + new_discs,
    )


def _without_shared_screen(grid: TileGrid) -> TileGrid:
    """``grid`` without its speaker tile when that shows a shared screen, not a camera: no face was
    found anywhere outside the strip (the caller's case), and :data:`SCREEN_FLAT` of the tile is one
    light colour exactly (a slide's or a page's background; a camera's picture is never that flat,
    a camera-off tile is dark)."""
    if grid.kind != "speaker" or len(grid.boxes) < 2:
        return grid
    big = max(grid.boxes, key=lambda b: b[2] * b[3])
    x, y, w, h = (v // grid.step for v in big)
    pixels = grid.small[y : y + h, x : x + w].reshape(-1, 3)
    if pixels.size == 0:
        return grid
    packed = pixels.astype(np.int32) @ np.array([65536, 256, 1], np.int32)
    values, counts = np.unique(packed, return_counts=True)
    mode = int(values[np.argmax(counts)])
    light = min(mode >> 16, (mode >> 8) & 255, mode & 255) >= SCREEN_LIGHT
    if not light or counts.max() < SCREEN_FLAT * len(packed):
        return grid
    return replace(grid, boxes=tuple(b for b in grid.boxes if b != big))


def _tiles_around_faces(
    separators: _Separators, step: int, faces: Sequence[Box], frame_w: int, frame_h: int
) -> tuple[list[Box], set[Box]]:
    """The tile round each face (:func:`tile_around`; one for faces sharing a tile, none too small
    for a participant), and those of them with edges found on three sides or more."""
    around: list[Box] = []
    bounded: set[Box] = set()
    for face in faces:
        tile, edges = tile_around(separators, step, face, frame_w, frame_h)
        if tile[2] * MAX_TILES_ACROSS < frame_w and tile[3] * MAX_TILES_ACROSS < frame_h:
            continue  # too small for a participant: a profile picture in the browser's bar
        if not any(_same_tile(tile, other) for other in around):
            around.append(tile)
            if edges >= 3:
                bounded.add(tile)
    return around, bounded


def _mend_tiles(
    boxes: Sequence[Box],
    equal: Sequence[Box],
    around: Sequence[Box],
    bounded: set[Box],
    avatars: Sequence[Box],
) -> list[Box]:
    """The tiles read (``boxes``) mended by the tiles round faces and discs (``around``): a tile
    read holding two or more ``bounded`` ones gives way to all it holds unless it is one of the
    gallery's ``equal`` tiles (an avatar photo's tile beside them may show no edges), and so does the one tile of a reading that found no other when it
    holds :data:`LONE_TILE_FACES` or more (a gallery whose gaps follow no row or column, seen at an
    angle: their tiles are split where they overlap, :func:`_split_overlapping`); those outside every
    tile read are added. A tile without a face is kept where it is one of the ``avatars`` (camera
    off) too."""
    outside = list(around)
    kept: list[Box] = []
    faced: list[Box] = []
    for box in boxes:
        inside = [t for t in outside if _holds(box, t)]
        if len(boxes) == 1 and len(inside) >= LONE_TILE_FACES:
            outside = [t for t in outside if t not in inside] + _split_overlapping(inside)
            continue
        if sum(t in bounded for t in inside) >= 2 and box not in equal:
            continue  # the reading merged tiles whose edges the faces show
        for t in inside:
            outside.remove(t)
        kept.append(box)
        if inside:
            faced.append(box)
    faced += outside
    # a tile without a face stays when it is one of a gallery's equal tiles or the size of a tile with
    # a face (a camera-off participant); else it is a piece of the app the reading took for a tile
    kept = [
        k
        for k in kept
        if k in avatars
        or sum(_similar(k, other) for other in kept) >= 3
        or any(_similar(k, f, 0.2) for f in faced)
    ]
    return kept + [t for t in outside if not any(_overlap(t, k) > 0.5 for k in kept)]


def _without_self_view(boxes: list[Box], discs: Sequence[Box]) -> list[Box]:
    """``boxes`` without the user's own camera floating in the call's bottom-right corner (Meet,
    Teams): of three tiles or more, the camera tile (not one of the avatar ``discs``, which may sit
    further right in a column of their own) that is the lowest and the rightmost of the camera
    tiles (others may reach :data:`SELF_VIEW_INSET` of its size further), the size of no other
    tile, and at most :data:`SELF_VIEW_AREA` of the smallest other camera tile. A student's tile
    there is one of a gallery's equal tiles, or as big as the tiles beside it."""
    cameras = [b for b in boxes if b not in discs]
    if len(boxes) < 3 or len(cameras) < 2:
        return boxes
    corner = max(cameras, key=lambda b: (b[0] + b[2], b[1] + b[3]))
    others = [b for b in boxes if b != corner]
    slack_x, slack_y = corner[2] * SELF_VIEW_INSET, corner[3] * SELF_VIEW_INSET
    cameras.remove(corner)
    if (
        any(b[1] + b[3] > corner[1] + corner[3] + slack_y for b in cameras)
        or any(b[0] + b[2] > corner[0] + corner[2] + slack_x for b in cameras)
        or any(_similar(corner, b, 0.2) for b in others)
        or corner[2] * corner[3] > SELF_VIEW_AREA * min(b[2] * b[3] for b in cameras)
    ):
        return boxes
    return others


def _split_overlapping(
    tiles: Sequence[Box], anchors: Sequence[tuple[float, float]] | None = None
) -> list[Box]:
    """``tiles`` (round faces) cut apart where two overlap: each pair is cut halfway between their
    ``anchors`` (their faces' centres; default the tiles' own), across the axis along which those
    lie further apart for the tiles' size."""
    out = [list(t) for t in tiles]
    points = list(anchors) if anchors is not None else [(t[0] + t[2] / 2, t[1] + t[3] / 2) for t in tiles]
    for i, a in enumerate(out):
        for j in range(i + 1, len(out)):
            b = out[j]
            if intersection((a[0], a[1], a[2], a[3]), (b[0], b[1], b[2], b[3])) == 0:
                continue
            centres = [points[i], points[j]]
            dx, dy = centres[1][0] - centres[0][0], centres[1][1] - centres[0][1]
            axis = 0 if abs(dx) / max(a[2], 1) >= abs(dy) / max(a[3], 1) else 1
            first, second = (a, b) if (dx, dy)[axis] >= 0 else (b, a)
            cut = round((centres[0][axis] + centres[1][axis]) / 2)
            first[2 + axis] = max(1, min(first[axis] + first[2 + axis], cut) - first[axis])
            end = second[axis] + second[2 + axis]
            second[axis] = max(second[axis], cut)
            second[2 + axis] = max(1, end - second[axis])
    return [(t[0], t[1], t[2], t[3]) for t in out]


def tile_around(separators: _Separators, step: int, face: Box, frame_w: int, frame_h: int) -> tuple[Box, int]:
    """The tile of a face found outside the grid, and on how many of its sides an edge was found: from
    the face out to the nearest separating line on each side (a gap or a straight tile edge along the
    face's span, :class:`_Separators`), at most :data:`FACE_TILE_REACH` face sizes away; where none is
    that near, the usual webcam framing (:data:`FACE_TILE_FRAMING`)."""
    x, y, w, h = (v // step for v in face)
    w, h = max(w, 1), max(h, 1)
    small_h, small_w = separators.background.shape[:2]
    across = (max(y - h // 2, 0), min(y + 2 * h, small_h))  # the rows a side edge must cross
    along = (max(x - w // 2, 0), min(x + w + w // 2, small_w))  # the columns a top or bottom edge must
    reach, framing = FACE_TILE_REACH, FACE_TILE_FRAMING
    found = 0

    def nearest(lines: np.ndarray, start: int, direction: int, default: int) -> int:
        nonlocal found
        hits = np.flatnonzero(lines)
        if not hits.size:
            return default
        found += 1
        return start + int(hits[-1]) + 1 if direction < 0 else start + int(hits[0])

    lo = max(x - int(reach[0] * w), 0)
    x0 = nearest(
        separators.between_columns((lo, across[0], x, across[1])), lo, -1, max(x - int(framing[0] * w), 0)
    )
    hi = min(x + w + int(reach[1] * w), small_w)
    x1 = nearest(
        separators.between_columns((x + w, across[0], hi, across[1])),
        x + w,
        1,
        min(x + w + int(framing[1] * w), small_w),
    )
    lo = max(y - int(reach[2] * h), 0)
    y0 = nearest(
        separators.between_rows((along[0], lo, along[1], y)), lo, -1, max(y - int(framing[2] * h), 0)
    )
    hi = min(y + h + int(reach[3] * h), small_h)
    y1 = nearest(
        separators.between_rows((along[0], y + h, along[1], hi)),
        y + h,
        1,
        min(y + h + int(framing[3] * h), small_h),
    )
    box = (
        x0 * step,
        y0 * step,
        min((x1 - x0) * step, frame_w - x0 * step),
        min((y1 - y0) * step, frame_h - y0 * step),
    )
    return box, found


def _disc_tile(disc: Box, frame_w: int, frame_h: int) -> Box:
    """The tile of an avatar disc found on its own: the disc and the name drawn under it (Teams'
    column of camera-off people), :data:`DISC_TILE_WIDTH` times as wide, reaching
    :data:`DISC_NAME_DEPTH` of its height below it."""
    x, y, w, h = disc
    x0 = max(0, round(x + w / 2 - DISC_TILE_WIDTH * w / 2))
    x1 = min(frame_w, round(x + w / 2 + DISC_TILE_WIDTH * w / 2))
    y1 = min(frame_h, round(y + h + DISC_NAME_DEPTH * h))
    return (x0, y, x1 - x0, y1 - y)


def _clipped(a: Box, b: Box) -> Box:
    """The part of box ``a`` inside box ``b`` (``a`` when they do not meet)."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else a


def _overlap(a: Box, b: Box) -> float:
    """The share of the smaller of two boxes that lies inside the other."""
    return intersection(a, b) / max(min(a[2] * a[3], b[2] * b[3]), 1)


def _same_tile(a: Box, b: Box) -> bool:
    return _overlap(a, b) > 0.8 and _similar(a, b, 0.2)


def _cuts(box: Box, face: Box) -> bool:
    """True when ``box`` holds ``face``'s centre but less than :data:`FACE_IN_TILE` of it: its edge
    runs through the face, where a camera's tile edge at most grazes a face leaning out of it."""
    return _holds(box, face) and intersection(box, face) < FACE_IN_TILE * face[2] * face[3]


def _holds(box: Box, tile: Box) -> bool:
    """True when ``tile``'s centre lies inside ``box``."""
    cx, cy = tile[0] + tile[2] / 2, tile[1] + tile[3] / 2
    return box[0] <= cx < box[0] + box[2] and box[1] <= cy < box[1] + box[3]


def _nested_reading(
    frame: np.ndarray,
    small: np.ndarray,
    step: int,
    steps: Callable[[], tuple[np.ndarray, np.ndarray]],
    plain: bool = True,
) -> _Reading | None:
    """The reading of the whole frame (:func:`_read`, along the colour ``steps``, and without them
    when ``plain``), replaced by the reading of its biggest piece when that finds the call inside it
    (up to :data:`NESTED_WINDOWS` deep: a client's window in a browser in a page)."""
    frame_h, frame_w = frame.shape[:2]
    reading = _read(frame, small, step, steps, (0, 0, small.shape[1], small.shape[0]), plain)
    probe = reading  # the reading whose biggest piece is read next
    for _ in range(NESTED_WINDOWS):
        if reading is None or probe is None or not probe.leaves:
            break
        x, y, w, h = max(probe.leaves, key=lambda b: b[2] * b[3])
        if w * h < NESTED_AREA * frame_w * frame_h:
            break
        inner = _read(
            frame, small, step, steps, (x // step, y // step, (x + w) // step, (y + h) // step), plain
        )
        inner_share = w * h / (frame_w * frame_h)
        if inner is None:
            break
        # a speaker's tile that is a grid of (mostly) equal tiles covering DIVIDING_COVER of it is the
        # gallery: what was its strip lies beside it (an app's panel of cards, its colour taken for the
        # background)
        divided = (
            reading.kind == "speaker"
            and (x, y, w, h) == reading.boxes[0]
            and _mostly_equal(inner.boxes, inner.kind)
            and inner.score >= DIVIDING_COVER
        )
        if divided and (merged := _merged_gallery(reading, inner.boxes, small, step)) is not None:
            return merged
        if len(inner.boxes) <= len(reading.boxes) and not divided:
            if len(inner.boxes) == len(reading.boxes) == 1:
                probe = inner  # a window inside the window read: the call may be inside it
                continue
            break
        # a window of the app round tiles (its own background between them), not one participant's video
        # (with tiles of a participant's size: letters on an app's panel parted by its colour are none)
        app_window = (
            len(reading.boxes) == 1 and inner.background_share >= APP_BACKGROUND_SHARE and inner.score > 0
        )
        if inner.score * inner_share < reading.score / 2 and not (app_window or divided):
            break
        outside = tuple(leaf for leaf in reading.leaves if not intersection(leaf, (x, y, w, h)))
        reading = probe = replace(inner, beside=reading.beside + outside)
    return reading


def _merged_gallery(
    reading: _Reading, inside: Sequence[Box], small: np.ndarray, step: int
) -> _Reading | None:
    """A speaker ``reading`` as the gallery it is when its big tile splits into tiles of its strip's
    size (:func:`_merged_speaker`, parted by the reading's background colour) and none of the tiles
    read ``inside`` it is of that size (they are the videos pillarboxed in those tiles); None
    otherwise."""
    big, strip = reading.boxes[0], reading.boxes[1:]
    size = (0, 0, int(np.median([b[2] for b in strip])), int(np.median([b[3] for b in strip])))
    if any(_similar(tile, size) for tile in inside):
        return None
    background = _background_mask(small, reading.background)
    parts = _merged_speaker(big, strip, functools.partial(_parted, small, background, step))
    return None if parts is None else replace(reading, boxes=strip + parts, kind="gallery")


def find_tiles(image: np.ndarray) -> TileGrid:
    """The tile boxes of a meeting screenshot, in reading order (see :func:`parse_gallery`)."""
    if (
        isinstance(image, np.ndarray)
        and image.dtype == np.uint8
        and image.ndim in (2, 3)
        and 0 in image.shape[:2]
    ):
        return EMPTY_GRID
    frame = _as_bgr(image)
    frame_h, frame_w = frame.shape[:2]
    if frame_h < 2 * MIN_TILE[1] or frame_w < 2 * MIN_TILE[0]:
        return EMPTY_GRID
    small, step = _subsample(frame)
    reading = _nested_reading(frame, small, step, functools.cache(lambda: _colour_steps(frame, step)))
    if reading is None or len(reading.boxes) <= WIDE_STEPS_BELOW:
        # the call read as a piece or two: a frame scaled down may have spread the steps between
        # touching tiles over two pixels; read along those too, for more tiles in a gallery of equal ones
        wide = _nested_reading(
            frame, small, step, functools.cache(lambda: _colour_steps(frame, step, True)), plain=False
        )
        if (
            wide is not None
            and _equal_gallery(wide.boxes, wide.kind)
            and (reading is None or _more_tiles(wide.boxes, wide.kind, reading))
        ):
            reading = wide
    if reading is None:
        return EMPTY_GRID
    content, colour_found = reading.content, reading.background
    boxes, kind = reading.boxes, reading.kind
    cx0, cy0, cx1, cy1 = content
    content_box = (cx0 * step, cy0 * step, min((cx1 - cx0) * step, frame_w), min((cy1 - cy0) * step, frame_h))
    named_discs: list[Box] = []
    if kind == "gallery":
        boxes = boxes + _grid_holes(boxes, functools.partial(_view, small, step), frame_w, frame_h)
        named_discs = _named_discs(reading.leaves, boxes, small, step, colour_found, frame, reading.beside)
        boxes = boxes + named_discs
    cells = (
        _disc_cells(boxes, [_disc(small, step, box, colour_found) for box in boxes], frame_w, frame_h)
        if kind == "gallery"
        else {}
    )
    named = _named_cells(list(cells.values()), frame) if len(cells) == len(boxes) >= MIN_NAMED_GRID else []
    ordered = tuple(
        box
        for box in _reading_order([cells.get(box, box) for box in boxes] + named)
        if not _panel_card(small, step, box)
    )
    if not ordered:
        return EMPTY_GRID
    # the named discs' tiles are camera off too (a corner tile that is none is no self-view)
    avatars = (*cells.values(), *named, *(d for d in named_discs if d not in cells))
    return TileGrid(ordered, kind, content_box, frame, small, step, colour_found, avatars)


def _panel_card(small: np.ndarray, step: int, box: Box) -> bool:
    """Whether a tile read is an app panel's card, no participant's: flat inside its edges, its only
    ink lines of text from its top left (:data:`CARD_FLAT`, :data:`CARD_TEXT`). Teams' side panel
    lays out equal cards like a column of tiles; a camera-off participant shows a disc, initials or
    a name in the tile's middle, or a name at its bottom."""
    view = _view(small, step, box)
    h, w = view.shape[:2]
    dy, dx = max(1, int(h * CARD_INSET)), max(1, int(w * CARD_INSET))
    inside = view[dy : h - dy, dx : w - dx]
    if min(inside.shape[:2]) < 8:
        return False
    # most tiles are videos, told by a few rows of their lower half, which a card's text leaves flat
    lower = inside[int(inside.shape[0] * CARD_TEXT[0]) :: CARD_ROW_STEP]
    if int(lower.max()) - int(lower.min()) > 2 * CARD_INK:
        return False
    colour = np.median(inside.reshape(-1, inside.shape[-1]), axis=0)
    ink = np.abs(inside.astype(np.int16) - colour).max(axis=2) > CARD_INK
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if ink.mean() > 1 - CARD_FLAT or rows.size == 0:
        return False
    return bool(rows[-1] < CARD_TEXT[0] * ink.shape[0] and columns[0] < CARD_TEXT[1] * ink.shape[1])


def _named_discs(
    leaves: Sequence[Box],
    boxes: Sequence[Box],
    small: np.ndarray,
    step: int,
    background: np.ndarray,
    frame: np.ndarray,
    beside: Sequence[Box] = (),
) -> list[Box]:
    """The tiles of avatar discs beside a gallery of ``boxes``: leaves holding no tile that are discs
    on the background (:func:`_disc`) with a name under them (:func:`_name_under`; Teams' column of
    camera-off people, initials or a photo on a disc), each as :func:`_disc_tile` makes it, or else
    with a text line at the bottom left of the gallery cell centred on them (:func:`_cell_about`,
    :func:`_text_line_box`; Meet's borderless camera-off tile, its name where a video tile's is),
    that cell. A round button has no name under it or in such a cell. The leaves ``beside`` the
    window read (the column of discs beside a Teams stage read as a window of its own) count with
    a name under them only: the cells are the gallery's, inside the window."""
    frame_h, frame_w = frame.shape[:2]
    size = (
        (float(np.median([b[2] for b in boxes])), float(np.median([b[3] for b in boxes])))
        if len(boxes) >= 2
        else None
    )
    found: list[Box] = []
    for leaf in [*leaves, *beside]:
        disc = _round_part(leaf)
        if any(intersection(leaf, b) for b in boxes) or not _disc(small, step, disc, background):
            continue
        tile = _disc_tile(disc, frame_w, frame_h)
        if not _name_under(small, step, disc, tile, background):
            cell = _cell_about(disc, size, frame_w, frame_h) if size is not None and leaf in leaves else None
            if cell is None:
                continue
            tile = _in_rows_and_columns(cell, boxes)
            if _text_line_box(frame, tile) is None:
                continue
        if not any(intersection(tile, b) for b in [*boxes, *found]):
            found.append(tile)
    return found


def _in_rows_and_columns(cell: Box, boxes: Sequence[Box]) -> Box:
    """``cell`` moved into the row of the ``boxes`` its centre lies in (their top), and into their
    column likewise (an avatar disc sits a little above its tile's middle)."""
    x, y, w, h = cell
    cx, cy = x + w / 2, y + h / 2
    rows = [b[1] for b in boxes if b[1] <= cy < b[1] + b[3]]
    columns = [b[0] for b in boxes if b[0] <= cx < b[0] + b[2]]
    return (columns[0] if columns else x, rows[0] if rows else y, w, h)


def _round_part(leaf: Box) -> Box:
    """A disc's leaf without the name under it (a leaf taller than wide holds both): its top square."""
    x, y, w, h = leaf
    return (x, y, w, min(w, h))


def _name_under(small: np.ndarray, step: int, disc: Box, tile: Box, background: np.ndarray) -> bool:
    """Whether a line of text lies under ``disc`` in its ``tile``: :data:`NAME_UNDER_ROWS` rows or
    more between them with ink (pixels :data:`CAPTION_INK` off the background) within the disc's width."""
    x, y, w, h = (v // step for v in disc)
    bottom = (tile[1] + tile[3]) // step
    band = small[y + h : bottom, x : x + w].astype(np.int16)
    if band.size == 0:
        return False
    ink = np.abs(band - background.astype(np.int16)).max(axis=2) > CAPTION_INK
    return int((ink.sum(axis=1) >= 2).sum()) >= NAME_UNDER_ROWS


def _named_cells(cells: Sequence[Box], frame: np.ndarray) -> list[Box]:
    """The empty places of a grid of camera-off cells that hold a name label at their bottom left
    (:func:`_text_line_box`): a participant whose avatar disc a pop-up hides."""
    w, h = cells[0][2], cells[0][3]
    columns = sorted({c[0] for c in cells})
    rows = sorted({c[1] for c in cells})
    found: list[Box] = []
    for y in rows:
        for x in columns:
            place = (x, y, min(w, frame.shape[1] - x), min(h, frame.shape[0] - y))
            if any(_overlap(place, c) > DISC_CELL_OVERLAP for c in cells):
                continue
            if _text_line_box(frame, place) is not None:
                found.append(place)
    return found


def _disc_cells(boxes: Sequence[Box], discs: Sequence[bool], frame_w: int, frame_h: int) -> dict[Box, Box]:
    """The tile of each avatar disc that the reading took for a tile (a camera-off tile drawn in the
    app's background colour, so its edges do not show): the gallery cell centred on the disc, as
    big as the gallery's video tiles, or, where every tile is a disc, as the discs' spacing. A cell
    that would overlap a video tile, or is hardly bigger than its disc, is not made."""
    video = [box for box, disc in zip(boxes, discs, strict=True) if not disc]
    round_ = [box for box, disc in zip(boxes, discs, strict=True) if disc]
    if not round_:
        return {}
    if video:
        size = (float(np.median([b[2] for b in video])), float(np.median([b[3] for b in video])))
    else:
        across = _spacing([b[0] + b[2] / 2 for b in round_], max(b[2] for b in round_))
        down = _spacing([b[1] + b[3] / 2 for b in round_], max(b[3] for b in round_))
        if across is None and down is None:
            return {}
        width = across if across is not None else (down or 0.0) * CELL_ASPECT
        size = (width, down if down is not None else width / CELL_ASPECT)
    cells: dict[Box, Box] = {}
    for disc in round_:
        cell = _cell_about(disc, size, frame_w, frame_h)
        if cell is not None and not any(_overlap(cell, other) > DISC_CELL_OVERLAP for other in video):
            cells[disc] = cell
    return cells


def _cell_about(disc: Box, size: tuple[float, float], frame_w: int, frame_h: int) -> Box | None:
    """The gallery cell of ``size`` (w, h) centred on an avatar ``disc``, within the frame; None when
    it is hardly bigger than the disc (:data:`DISC_CELL`)."""
    if size[0] < DISC_CELL * disc[2] or size[1] < DISC_CELL * disc[3]:
        return None
    x0 = int(max(0.0, disc[0] + disc[2] / 2 - size[0] / 2))
    y0 = int(max(0.0, disc[1] + disc[3] / 2 - size[1] / 2))
    return (x0, y0, min(int(size[0]), frame_w - x0), min(int(size[1]), frame_h - y0))


def _spacing(centres: Sequence[float], size: float) -> float | None:
    """The smallest distance between centres that are not in one row (or column) of discs ``size`` wide."""
    steps = np.diff(np.sort(np.asarray(centres, np.float64)))
    steps = steps[steps > size / 2]
    return float(steps.min()) if steps.size else None
