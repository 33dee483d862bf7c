"""Reading participant names from their tile labels: Tesseract script models, a label cache, fuzzy matching.

OCR runs through ``tesserocr`` (a PyPI wheel with libtesseract inside) on Tesseract's per-script
models (Debian ``tesseract-ocr-script-*`` packages), so names in Latin with diacritics, Cyrillic,
Greek, Arabic, Devanagari, Hebrew, Thai, Chinese, Japanese and Korean are read. Each label is
read once: its text is binarised and the binary mask is the cache key, so the video showing through
a semi-transparent label box does not trigger a new read. Reads are fuzzy-matched (rapidfuzz) to
the session's known names: the roster given by the teacher and the names read so far.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from capture.box import Box
from capture.errors import CaptureError
from capture.roster_look import LookMatch, RosterLook

# Tesseract script model for each Unicode script prefix of a character name.
SCRIPT_MODELS: dict[str, str] = {
    "LATIN": "Latin",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "DEVANAGARI": "Devanagari",
    "HEBREW": "Hebrew",
    "THAI": "Thai",
    "CJK": "HanS",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Hangul",
}
MODEL_ORDER: tuple[str, ...] = (
    "Latin",
    "Cyrillic",
    "HanS",
    "Arabic",
    "Devanagari",
    "Greek",
    "Japanese",
    "kor",
    "Hebrew",
    "Thai",
    "Hangul",
)
# Models that also read a script, after its own script model, when installed: Tesseract's Korean
# language model (Debian tesseract-ocr-kor) reads small Hangul labels the Hangul model cuts short.
ALSO_READ_BY: dict[str, tuple[tuple[str, float], ...]] = {
    "HanS": (("Japanese", 0.5),),
    "Hangul": (("kor", 0.9),),
}
TESSDATA_DIRS: tuple[str, ...] = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
    "C:/Program Files/Tesseract-OCR/tessdata",
)
ACCEPT_CONFIDENCE = 90  # without a roster, a read this confident in its script model ends the search
MIN_CONFIDENCE = 55  # below this (and matching no known name) a read counts as unreadable
ROSTER_MATCH = 80.0  # rapidfuzz ratio (0..100) for a read to be taken as a roster name
LEARNED_MATCH = 90.0  # ... as a name read earlier in the session (similar names are common)
SURE_MATCH = 90.0  # a read matching a known name this well ends the search over models
PREFIX_MIN = 5  # a read this long may match the beginning of a roster name (label cut short)
FOLDED_WEIGHT = 0.97  # a match found only without accents scores this share of its ratio
FOLDED_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC"})
PREFIX_WEIGHT = 0.95  # ... scored as this share of its ratio with that beginning
MASK_HEIGHT = 16  # label masks are compared at this height
SAME_LABEL = 0.95  # cosine similarity of two label masks that show the same text
MAX_LINE_SHARE = 0.25  # a name's text line alone is at most this share of its tile's height (measured: 0.10 median, 0.14 at the 95th percentile)
GUESS_SIMILARITY = 0.5  # ... of a new label to a read one, for that name's script models to be tried first
HINT_OVERRIDE = 0.93  # ... for them to come before those of the name its tile is expected to show
CONFIRM_SIMILARITY = (
    0.9  # ... to the label last read as the name its tile is expected to show: that name, unread
)
CONFUSABLE_EDITS = 2  # known names this few letter edits apart (प्रिया शर्मा / प्रिया वर्मा) look alike as masks,
CONFUSABLE_SHARE = 0.2  # when the edits are at most this share of the name (吴磊 / 吴伟 do not look alike)
INK_DEPTH = 0.4  # ink is within this share of the core's range from its brightest pixels
BOX_TOLERANCE = 30  # a label box's background varies this much (0..255) around its median
GREY_SPREAD = 50  # anti-aliased edges of white or black text are this close to grey
RAW_CACHE_SIZE = 20000  # crops remembered by their near-white and near-black pixels
EXTREME_DARK, EXTREME_LIGHT = 55, 200  # gray levels of white or black label text, not of the video behind
EXTREME_SHARE = 0.03  # share of a core's pixels that must be extreme for them alone to stand for the crop
LOOK_EVERY = (
    5  # after a lecture's first frame, unread labels are compared by their look every this many frames
)
LOOK_AGREEMENT = 50.0  # a sure read (SURE_READ_LETTERS or more) this unlike a roster name overrules its look
SURE_READ_LETTERS = 4


@dataclass(frozen=True)
class NameRead:
    """The name on one label: ``name`` None when unreadable; ``cached`` when no OCR ran for it;
    ``deferred`` when it was not read because the frame's OCR budget was spent."""

    name: str | None
    raw: str
    confidence: float
    cached: bool
    deferred: bool = False


def _unnamed(read: NameRead | None) -> bool:
    """No name for this label yet, and not one waiting for OCR budget: its look may name it."""
    return read is None or (read.name is None and not read.deferred)


@dataclass(frozen=True)
class _Candidate:
    text: str
    confidence: float
    model: str


def normalise(name: str) -> str:
    """Compare-form of a name: NFKC, case-folded, no spaces, Persian letter forms as Arabic.

    Spaces are dropped because OCR puts them between CJK and Thai letters, which have none.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("\u06cc", "\u064a").replace("\u06a9", "\u0643").replace("\u0640", "")
    return "".join(text.split())


def match_key(name: str) -> str:
    """What fuzzy matching compares: :func:`normalise` keeping only letters, marks and digits.

    OCR adds stray punctuation ("| Ana Novák |") and Zoom cuts long names with an ellipsis.
    """
    return "".join(ch for ch in normalise(name) if unicodedata.category(ch)[0] in "LMN")


def fold_marks(key: str) -> str:
    """``key`` without the accents of Latin, Greek and Cyrillic letters (OCR often drops or swaps them).

    Marks of other scripts (Devanagari and Thai vowel signs, Arabic and Hebrew points) are letters'
    substance there and stay.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", key):
        if (
            unicodedata.category(ch) == "Mn"
            and out
            and unicodedata.name(out[-1], "").split(" ")[0] in FOLDED_SCRIPTS
        ):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def display_form(text: str) -> str:
    """OCR text as a name: NFC, single spaces, no spaces between letters of unspaced scripts nor
    after a lone Hangul syllable (OCR spaces a name's syllables: "이 성 민") nor between a Hangul
    name and the bracket after it (OCR's spacing there is a guess either way), no stray one-character
    tokens at either end ("| Ana Novák |"; label edges read as letters), and no two-character token
    of other than letters before it (the microphone or phone icon of a label)."""
    words = [_without_loose_jamo(w) for w in unicodedata.normalize("NFC", text).split()]
    words = [w for w in words if w]
    while (
        len(words) > 1
        and not _kept_alone(words[0])
        and (len(words[0]) == 1 or (len(words[0]) == 2 and not words[0].isalpha()))
    ):
        words.pop(0)  # a label's icon read as a letter and a sign ("X% Linda Lucas", "15 Ana")
    while len(words) > 1 and len(words[-1]) == 1 and not _kept_alone(words[-1]) and words[-1] != ")":
        words.pop()
    out, previous = "", ""
    for word in words:
        lone_syllable = len(previous) == 1 and _syllable(previous) and _syllable(word[0])
        bracketed = _syllable(out[-1:] or " ") and word[0] == "("  # 김선경(20200756): a space is OCR's guess
        inside = out[-1:] == "(" or word[0] == ")"
        if (
            out
            and not (_unspaced(out[-1]) and _unspaced(word[0]))
            and not (lone_syllable or bracketed or inside)
        ):
            out += " "
        out, previous = out + word, word
    return out


def _without_loose_jamo(word: str) -> str:
    """``word`` without lone Hangul letters (jamo) at its end after syllables ("전금랑ㅠ"): names
    are written in syllables, a loose jamo is a stroke of the label's edge read as a letter."""
    end = len(word)
    while (
        end > 1
        and unicodedata.name(word[end - 1], "").startswith("HANGUL LETTER")
        and _syllable(word[end - 2])
    ):
        end -= 1
    return word[:end]


def _kept_alone(word: str) -> bool:
    """Whether a one-character token is a name's letter (of an unspaced script, or a Hangul syllable)."""
    return _unspaced(word[0]) or _syllable(word[0])


def _syllable(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("HANGUL SYLLABLE")


EDGE_WORD_CONFIDENCE = 70  # a short first or last word read less surely than this ...
EDGE_WORD_MARGIN = 20  # ... and this much less surely than the line's surest word is not part of the name
EDGE_WORD_LENGTH = 2  # ... when it is this short, or has no letter at all
TRAILING_SIGNS = ",;|_"  # signs no name ends with: OCR reads them from a label's edge
CLOSING_MISREADS = ";:,.|]}"  # what OCR makes of the ")" closing a label's "(student number)"


def trimmed_words(words: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """A line's words (text, confidence) without short unsure words at either end: the edge of a
    name plate, the video past it, or a label icon read as letters ("Monica Adebayo È-")."""
    kept = [(w, c) for w, c in words if w.strip()]
    while len(kept) > 1:
        for edge in (len(kept) - 1, 0):
            word, confidence = kept[edge]
            surest = max(c for i, (_, c) in enumerate(kept) if i != edge)
            junk = _signs_only(word) or (len(word) <= EDGE_WORD_LENGTH and _alphabetic(word))
            if junk and confidence < min(EDGE_WORD_CONFIDENCE, surest - EDGE_WORD_MARGIN):
                kept.pop(edge)
                break
        else:
            break
    return kept


def _signs_only(word: str) -> bool:
    """Whether ``word`` has no letter, nor a bracket or a number of several digits (a student number)."""
    return not any(ch.isalpha() or ch in "()" for ch in word) and sum(ch.isdigit() for ch in word) < 4


def _alphabetic(word: str) -> bool:
    """Whether ``word``'s letters are of an alphabet whose names have words longer than
    :data:`EDGE_WORD_LENGTH` (Latin, Greek, Cyrillic; not Hangul syllables or Chinese characters)."""
    return all(unicodedata.name(ch, "").split(" ")[0] in FOLDED_SCRIPTS for ch in word if ch.isalpha())


def closed_brackets(text: str) -> str:
    """``text`` with a "(" left open at its end closed: the ")" read as another sign or lost
    ("김선경(20200756;" is "김선경(20200756)")."""
    if text.count("(") != text.count(")") + 1 or text.rfind("(") < text.rfind(")"):
        return text
    opened = text[text.rfind("(") + 1 :]
    if not opened or not any(ch.isalnum() for ch in opened):
        return text
    if text[-1] in CLOSING_MISREADS and len(opened) > 1:
        return text[:-1] + ")"
    return text + ")" if text[-1].isalnum() else text


RIGHT_TO_LEFT = frozenset({"Arabic", "Hebrew"})  # script models whose word list runs in visual order


def _line_read(api: Any) -> tuple[str, float]:
    """The text Tesseract read on its line (after :meth:`SetImageBytes`) and its confidence, without
    unsure words at either end (:func:`trimmed_words`) and with an open bracket closed."""
    line = unicodedata.normalize("NFC", api.GetUTF8Text())
    if not line.strip():
        return "", 0.0
    whole = display_form(line.strip().rstrip(TRAILING_SIGNS))
    scripts = scripts_of(whole)
    if scripts and scripts[0] in RIGHT_TO_LEFT:
        return whole, float(api.MeanTextConf())
    words = [(unicodedata.normalize("NFC", w).strip(), float(c)) for w, c in api.MapWordConfidences()]
    tokens = line.split()
    if [w for w, _ in words if w] != tokens:  # the word list is not the line's words: keep the line
        return closed_brackets(whole), float(api.MeanTextConf())
    kept = trimmed_words(words)
    text = display_form(" ".join(w for w, _ in kept).rstrip(TRAILING_SIGNS))
    confidence = (
        float(api.MeanTextConf()) if len(kept) == len(tokens) else float(np.mean([c for _, c in kept]))
    )
    return closed_brackets(text), confidence


def _unspaced(ch: str) -> bool:
    prefix = unicodedata.name(ch, "").split(" ")[0]
    return prefix in ("CJK", "HIRAGANA", "KATAKANA", "THAI")


def scripts_of(name: str) -> list[str]:
    """Tesseract script models for the letters of ``name``, most frequent first."""
    return list(_scripts(name))


@functools.lru_cache(maxsize=4096)
def _scripts(name: str) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for ch in name:
        if not ch.isalpha():
            continue
        prefix = unicodedata.name(ch, "").split(" ")[0]
        model = SCRIPT_MODELS.get(prefix)
        if model is not None:
            counts[model] = counts.get(model, 0) + 1
    return tuple(sorted(counts, key=lambda m: -counts[m]))


def compatible(text: str, model: str) -> bool:
    """Whether ``model`` reads the main script of ``text`` (its script model or one of :data:`ALSO_READ_BY`)."""
    scripts = scripts_of(text)
    if not scripts:
        return False
    return model == scripts[0] or any(model == other for other, _ in ALSO_READ_BY.get(scripts[0], ()))


def find_tessdata(explicit: Path | None = None) -> Path:
    """The folder with Tesseract's ``*.traineddata`` (argument, $TESSDATA_PREFIX, or the usual places)."""
    candidates = [explicit] if explicit is not None else []
    if os.environ.get("TESSDATA_PREFIX"):
        prefix = Path(os.environ["TESSDATA_PREFIX"])
        candidates += [prefix, prefix / "tessdata"]
    candidates += [Path(p) for p in TESSDATA_DIRS]
    for folder in candidates:
        if folder is not None and (folder / "Latin.traineddata").is_file():
            return folder
    where = str(explicit) if explicit is not None else "the usual places"
    raise CaptureError(
        f"tesseract script models not found in {where}: install the Debian packages "
        "tesseract-ocr-script-latn (and -cyrl, -grek, -arab, -deva, -hebr, -thai, -hans, -jpan, -hang)"
    )


TILE_EDGE_SLACK = 2  # px below a tile box that may still be its label's


def label_region(image: np.ndarray, tile_box: Box, name_box: Box) -> tuple[np.ndarray, Box]:
    """The name box grown up, down, to the tile's left and right edges, and where it lies in that crop.

    Layout boxes can cut a label's top or bottom (diacritics, Thai vowels) or its first letters, and
    a tile box read from a subsampled frame can end a pixel or two above the plate's last rows;
    :meth:`NameReader.read` finds the text line itself inside this larger crop.
    """
    tx, ty, tw, th = tile_box
    x, y, w, h = name_box
    pad_y = max(h // 2, 8)
    x0 = tx
    y0 = max(ty, y - pad_y)
    x1, y1 = tx + tw, min(image.shape[0], ty + th + TILE_EDGE_SLACK, y + h + pad_y)
    crop = image[y0:y1, x0:x1]
    return crop, (x - x0, y - y0, min(w, x1 - x), min(h, y1 - y))


def _text_channels(label: np.ndarray, core: Box) -> tuple[np.ndarray, np.ndarray] | None:
    """Two channels in which the label's text is bright: the darkest and the brightest of B, G, R
    for light text (min, max), the same turned over for dark text; None when the core is flat."""
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
    if float((inner > threshold).mean()) < 0.5:
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


def crop_key(label: np.ndarray, core: Box | None = None) -> bytes:
    """What identifies a label crop between frames: the near-white (or near-black) pixels of the core's
    rows, over the core and half its height either side (not a bright face further along those
    rows), whichever are fewer there, i.e. white (or black) text, which the video showing through a
    see-through label box does not change; the exact pixels when neither is common enough (text in
    mid greys)."""
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
    if text == "light":
        digest.update(np.packbits(rows >= EXTREME_LIGHT).tobytes())
    elif text == "dark":
        digest.update(np.packbits(rows <= EXTREME_DARK).tobytes())
    else:
        digest.update(np.ascontiguousarray(label).tobytes())
    digest.update(bytes(f"{text}{label.shape}{core}", "ascii"))
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


def text_line(label: np.ndarray, core: Box | None = None) -> np.ndarray | None:
    """The label's text line as ink coverage (float32, 1 = text, 0 = background), or None when blank.

    ``core`` is the part of ``label`` known to hold (some of) the text, by default all of it. Ink is
    the minority side of an Otsu split inside ``core``, bright or dark. Rows and columns of the crop
    around the core are added while they hold ink (small gaps allowed: diacritics, word spaces) and
    are not flooded with it (a bright room around the label box is not text).
    """
    core = core or (0, 0, label.shape[1], label.shape[0])
    channels = _text_channels(label, core)
    if channels is None:
        return None
    chan, other = channels
    cx, cy, cw, ch = core
    inner = np.ascontiguousarray(chan[cy : cy + ch, cx : cx + cw])
    otsu, _ = cv2.threshold(inner, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    darkest, brightest = _percentiles(inner, (5, 99.5))
    # text is the extreme end (white or black): a room showing in the core sits between it and the box
    threshold = max(float(otsu), brightest - INK_DEPTH * (brightest - darkest))
    ink = chan > threshold
    core_ink = _text_band(ink[cy : cy + ch, cx : cx + cw])
    core_rows = np.flatnonzero(core_ink.any(axis=1))
    if core_rows.size == 0:
        return None
    # label-like pixels: the label box's own background (sampled between the inked rows and
    # columns of the core), ink, or greyish anti-aliased ink edges
    cols = np.flatnonzero(core_ink.any(axis=0))
    rows_slice = slice(cy + int(core_rows[0]), cy + int(core_rows[-1]) + 1)
    cols_slice = slice(cx + int(cols[0]), cx + int(cols[-1]) + 1)
    back = ~ink[rows_slice, cols_slice]
    if not back.any():
        return None
    (back_chan,) = _percentiles(chan[rows_slice, cols_slice][back], (50,))
    (back_other,) = _percentiles(other[rows_slice, cols_slice][back], (50,))
    edge_level = back_chan + 0.3 * (threshold - back_chan)
    near_ink = cv2.dilate(ink.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool)
    boxlike = (
        ink
        | (other <= back_other + BOX_TOLERANCE)
        | (near_ink & (chan > edge_level) & (other.astype(np.int16) - chan <= GREY_SPREAD))
    )
    # seed columns: inked core columns outside runs flooded with ink over the core's inked rows
    col_fill = core_ink[core_rows[0] : core_rows[-1] + 1].mean(axis=0)
    seed_cols = np.flatnonzero(core_ink.any(axis=0) & ~_runs_at_least(col_fill > 0.75, 4)) + cx
    if seed_cols.size == 0:
        return None
    sx0, sx1 = int(seed_cols[0]), int(seed_cols[-1])
    soft = chan > edge_level  # ink with its anti-aliased edges: for the line's extent
    seed_rows = np.flatnonzero(core_ink.any(axis=1)) + cy
    top, bottom, x0, x1 = int(seed_rows[0]), int(seed_rows[-1]), sx0, sx1
    for _ in range(2):  # rows seen over the columns found, then columns over those rows
        row_blocked = (ink[:, x0 : x1 + 1].mean(axis=1) > 0.6) | (boxlike[:, x0 : x1 + 1].mean(axis=1) < 0.7)
        row_ink = soft[:, x0 : x1 + 1].any(axis=1) & ~row_blocked
        max_gap = 1 + (bottom - top + 1) // 8
        top = _grow(row_ink, row_blocked, top, -1, max_gap)
        bottom = _grow(row_ink, row_blocked, bottom, 1, max_gap)
        band = ink[top : bottom + 1]
        col_blocked = _runs_at_least(band.mean(axis=0) > 0.75, 4) | _runs_at_least(
            boxlike[top : bottom + 1].mean(axis=0) < 0.7, 2
        )
        col_ink = band.any(axis=0) & ~col_blocked
        gap_cols = max(4, (bottom - top + 1) * 3 // 4)
        x0 = _grow(col_ink, col_blocked, x0, -1, gap_cols)
        x1 = _grow(col_ink, col_blocked, x1, 1, gap_cols)
    top, bottom = max(top - 1, 0), min(bottom + 1, ink.shape[0] - 1)
    x0, x1 = max(x0 - 1, 0), min(x1 + 1, ink.shape[1] - 1)
    values = chan[top : bottom + 1, x0 : x1 + 1].astype(np.float32)
    text = ink[top : bottom + 1, x0 : x1 + 1]
    text_px, back_px = values[text], values[~text]
    high = _percentiles(text_px, (90,))[0] if text_px.size else 255.0
    low = _percentiles(back_px, (50,))[0] if back_px.size else 0.0
    if high - low < 30:
        return None
    coverage: np.ndarray = np.clip((values - low) / (high - low), 0.0, 1.0)
    # keep only strokes joined to ink (faint ones too): the room around a label box is not text
    box_soft = np.ascontiguousarray(soft[top : bottom + 1, x0 : x1 + 1]).view(np.uint8)
    count, parts = cv2.connectedComponents(box_soft, connectivity=8)
    inked = np.zeros(count, bool)
    inked[np.unique(parts[text])] = True
    # ... and faint strokes of their own (a thin anti-aliased vertical stroke) inside the line
    height = bottom - top + 1
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
    keep = inked[parts] | (boxlike[top : bottom + 1, x0 : x1 + 1] & ~box_soft.view(bool))
    coverage[~keep] = 0.0
    return coverage


def label_mask(label: np.ndarray, core: Box | None = None) -> np.ndarray:
    """The label's text (see :func:`text_line`) as a soft mask scaled to :data:`MASK_HEIGHT`.

    Scaling makes the mask the same when the app redraws the label at another size (tiles resize
    when someone joins), and only text pixels count, so the video behind a label box does not.
    """
    line = text_line(label, core)
    return _mask_of(line)


def _mask_of(line: np.ndarray | None) -> np.ndarray:
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


RAW_HEIGHT = 48  # a label box's height for OCR from its own pixels (raw_line_image)
INVERTED_COVERAGE = 0.5  # a text line this much ink on average came out light-on-dark (real lines: 0.2 median, 0.36 at the 95th percentile)
OCR_VARIANTS: tuple[tuple[int, bool], ...] = ((40, False), (24, False), (20, False), (48, True))


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
    """The label's text box (``core``) as it is on screen, for OCR: gray, dark text on white (the text
    is the minority side of an Otsu split), upscaled to :data:`RAW_HEIGHT` px with a white margin.
    None without a core, or when it is flat."""
    if core is None:
        return None
    x, y, w, h = core
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


@dataclass
class _Entry:
    """One distinct label seen this session: its mask, every read so far and the name they give."""

    mask: np.ndarray
    candidates: list[_Candidate]
    attempts: int
    frame: int
    result: NameRead


class NameReader:
    """Reads names from label crops for one session; keeps the OCR engines and the label cache.

    :meth:`read_frame` reads all labels of one frame: labels seen before come from the cache, at
    most ``max_reads_per_frame`` new or unreadable labels are OCRed (the rest wait for a later
    frame; the default reads a whole 7x7 gallery on its first frame), and a label that gave no name is
    read again on later frames, up to ``max_attempts`` times, each time prepared another way.
    ``budget_ms`` caps the OCR time of one frame: once it is spent, the remaining labels wait for
    later frames too (at least one label is read per frame; None: no time cap).
    The script models of the roster's names are loaded when the reader is made.
    """

    def __init__(
        self,
        roster: Iterable[str] = (),
        tessdata: Path | None = None,
        models: Sequence[str] | None = None,
        *,
        max_reads_per_frame: int = 49,
        max_attempts: int = len(OCR_VARIANTS),
        budget_ms: float | None = None,
    ) -> None:
        try:
            import tesserocr
        except ImportError:
            raise CaptureError("name reading needs the 'tesserocr' package (pip install tesserocr)") from None
        if max_reads_per_frame < 1 or max_attempts < 1:
            raise CaptureError("name reader: max_reads_per_frame and max_attempts must be at least 1")
        if budget_ms is not None and budget_ms <= 0:
            raise CaptureError(f"name reader: budget_ms must be positive (got {budget_ms})")
        self._tesserocr: Any = tesserocr
        self.tessdata = find_tessdata(tessdata)
        available = [m for m in (models or MODEL_ORDER) if (self.tessdata / f"{m}.traineddata").is_file()]
        if not available:
            raise CaptureError(
                f"tesseract script models: none of {', '.join(models or MODEL_ORDER)} in {self.tessdata}"
            )
        self.models = tuple(available)
        self.max_reads_per_frame = max_reads_per_frame
        self.max_attempts = max_attempts
        self.budget_ms = budget_ms
        self._apis: dict[str, Any] = {}
        self.known: dict[str, str] = {}  # normalised -> display form
        self._keys: dict[str, str] = {}  # match key -> normalised
        self._folded: dict[str, str] = {}  # match key -> the same without Latin/Greek/Cyrillic accents
        self._roster: set[str] = set()
        self._confusable: set[str] = set()  # normalised names with a look-alike among the known names
        self._seen_models: dict[str, float] = {}
        self._roster_models: set[str] = set()
        for name in roster:
            self.add_known(name)
        self._exact: dict[bytes, _Entry] = {}  # mask key -> the label it shows
        self._masks: dict[bytes, np.ndarray] = {}  # mask key -> mask, for labels not read yet
        self._raw: dict[bytes, bytes | None] = {}  # hash of a crop's pixels -> its mask key (None: blank)
        self._entries: list[_Entry] = []
        self._frame = 0
        self._previous: set[str] = set()  # normalised names read on the previous frame
        self._name_masks: dict[str, np.ndarray] = {}  # name -> the mask of its last label read by OCR
        self.ocr_calls = 0
        roster_names = sorted(self.known[key] for key in self._roster)
        self._look = RosterLook(roster_names) if roster_names else None
        self._looked: dict[bytes, LookMatch | None] = {}  # crop key -> the roster name it looks like
        for model in self._model_order():
            if model in self._roster_models:  # loaded now, at session start, not in the first frame
                self._api(model)

    def close(self) -> None:
        for api in self._apis.values():
            api.End()
        self._apis.clear()

    def __enter__(self) -> NameReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_known(self, name: str, roster: bool = True) -> None:
        """Add a name to the session's known names (from the roster, or learned from a confident read).

        A roster name keeps its spelling (spaces normalised only: "มาลี ศรีสุข" stays two words,
        though OCR's spacing of Thai is dropped); a read one is OCR text made a name (:func:`display_form`)."""
        clean = " ".join(unicodedata.normalize("NFC", name).split()) if roster else display_form(name)
        key = normalise(clean)
        if not key:
            return
        letters = match_key(clean)
        if key not in self.known:
            for other_letters, other in self._keys.items():
                longest = max(len(letters), len(other_letters))
                allowed = min(CONFUSABLE_EDITS, int(CONFUSABLE_SHARE * longest))
                if (
                    allowed
                    and abs(len(other_letters) - len(letters)) <= 1
                    and (Levenshtein.distance(letters, other_letters, score_cutoff=allowed) <= allowed)
                ):
                    self._confusable.update((key, other))
        self.known.setdefault(key, clean)
        self._keys.setdefault(letters, key)
        self._folded.setdefault(letters, fold_marks(letters))
        if roster:
            self._roster.add(key)
        for m, w in self._model_weights(clean):
            self._seen_models[m] = self._seen_models.get(m, 0.0) + w
            if roster:
                self._roster_models.add(m)

    def _model_weights(self, name: str) -> list[tuple[str, float]]:
        """The installed script models that read ``name``, with how much each counts: 1 for its main
        script, 0.5 for others, times the share of :data:`ALSO_READ_BY` for the models that also read one."""
        out: list[tuple[str, float]] = []
        for rank, model in enumerate(scripts_of(name)):
            weight = 1.0 if rank == 0 else 0.5
            for m, w in (
                (model, weight),
                *((other, weight * share) for other, share in ALSO_READ_BY.get(model, ())),
            ):
                if m in self.models:
                    out.append((m, w))
        return out

    def match(self, text: str) -> tuple[str, float] | None:
        """The known name closest to ``text`` with its score (0..100), if it is close enough.

        Roster names match from :data:`ROSTER_MATCH`; a read of at least :data:`PREFIX_MIN` letters
        also matches the beginning of a roster name (a label cut short), when only one roster name
        begins that way. Names learned from reads match only from :data:`LEARNED_MATCH` (two
        students often share a first or family name).
        """
        key = match_key(text)
        if not self._keys or not key:
            return None
        scored: list[tuple[float, bool, str]] = []
        folded = fold_marks(key)
        for candidate, known in self._keys.items():
            score, prefix = float(fuzz.ratio(key, candidate)), False
            if folded != key or self._folded[candidate] != candidate:
                score = max(score, FOLDED_WEIGHT * fuzz.ratio(folded, self._folded[candidate]))
            if known in self._roster and PREFIX_MIN <= len(key) < len(candidate):
                cut = PREFIX_WEIGHT * fuzz.ratio(key, candidate[: len(key)])
                if cut > score:
                    score, prefix = cut, True
            scored.append((score, prefix, known))
        scored.sort(reverse=True)
        best_score, prefix, best = scored[0]
        cutoff = ROSTER_MATCH if best in self._roster else LEARNED_MATCH
        if best_score < cutoff:
            return None
        if prefix and len(scored) > 1 and scored[1][0] >= cutoff:
            return None  # the beginning of several names
        return self.known[best], best_score

    def _api(self, model: str) -> Any:
        api = self._apis.get(model)
        if api is None:
            tess = self._tesserocr
            try:
                # the line is always dark on white (ocr_image): no second read of it inverted,
                # which Tesseract does after every unconfident read (a third of each such call)
                api = tess.PyTessBaseAPI(
                    path=str(self.tessdata),
                    lang=model,
                    psm=tess.PSM.SINGLE_LINE,
                    variables={"tessedit_do_invert": "0"},
                )
            except RuntimeError:
                raise CaptureError(f"tesseract model {model}: cannot load it from {self.tessdata}") from None
            self._apis[model] = api
        return api

    def _model_order(self, hint: str | None = None, absent: Sequence[str] = ()) -> list[str]:
        """Script models in the order to try: those of ``hint`` (the name expected on the label), then
        those of the ``absent`` roster names (no other label of the frame shows them), most common
        first, then the scripts of the known names, most common first, then the rest."""
        seen = sorted(self._seen_models, key=lambda m: -self._seen_models[m])
        return list(
            dict.fromkeys([*self._hint_models(hint), *self._likely_models(absent), *seen, *self.models])
        )

    def _likely_models(self, names: Sequence[str]) -> list[str]:
        """The installed script models that read ``names``, weighted as the known names are
        (:meth:`add_known`), each name counting less than the one before it."""
        weights: dict[str, float] = {}
        for order, name in enumerate(names):
            for m, w in self._model_weights(name):
                weights[m] = weights.get(m, 0.0) + w * 0.9**order
        return sorted(weights, key=lambda m: -weights[m])

    def _hint_models(self, hint: str | None) -> list[str]:
        """The installed script models that read ``hint``'s scripts (:data:`ALSO_READ_BY` included)."""
        models: list[str] = []
        for script in scripts_of(hint) if hint else ():
            models += [
                m for m in (script, *(other for other, _ in ALSO_READ_BY.get(script, ()))) if m in self.models
            ]
        return list(dict.fromkeys(models))

    def _ocr(
        self,
        line: np.ndarray,
        variant: int,
        hint: str | None = None,
        only_hint: bool = False,
        absent: Sequence[str] = (),
        raw: np.ndarray | None = None,
    ) -> list[_Candidate]:
        """Reads of a text line by the script models, stopping at a known name or a confident read.

        A known name stops the search when it matches from :data:`SURE_MATCH`, or from its match
        cutoff when the read and the name are both of the script the model reads (the other
        scripts' models cannot match that label better).

        The models of ``hint``'s scripts come first (``only_hint``: no others); then those of the
        ``absent`` roster names (a label nobody is expected on is most likely one of them: a student
        who joins); then, with a roster, the models of the roster's scripts, and the others only when
        none of them gave a roster name.

        With ``raw`` (the label's own pixels, :func:`raw_line_image`), when no model read the text
        line decisively, the models read the raw pixels too: the ink coverage is clean where the
        label is drawn sharply, the raw pixels keep the thin strokes of the small, blurred labels
        of real calls.
        """
        order = (only_hint and self._hint_models(hint)) or self._model_order(hint, absent)
        found: list[_Candidate] = []
        for image in (np.ascontiguousarray(ocr_image(line, variant)), raw):
            if image is None:
                continue
            decided = self._read_with(image, order, found)
            if decided:
                break
        return found

    def _read_with(self, image: np.ndarray, order: Sequence[str], found: list[_Candidate]) -> bool:
        """Reads of ``image`` by the models of ``order`` added to ``found``, until one is decisive (see
        :meth:`_ocr`); True when one was."""
        height, width = image.shape
        for index, model in enumerate(order):
            api = self._api(model)
            api.SetImageBytes(image.tobytes(), width, height, 1, width)
            text, confidence = _line_read(api)
            self.ocr_calls += 1
            if any(ch.isalpha() for ch in text):
                candidate = _Candidate(text, confidence, model)
                found.append(candidate)
                matched = self.match(text)
                if matched is not None and matched[1] >= SURE_MATCH:
                    return True
                if matched is not None and compatible(text, model) and compatible(matched[0], model):
                    return True
                if not self._roster and candidate.confidence >= ACCEPT_CONFIDENCE and compatible(text, model):
                    return True
            last_roster_model = (
                index + 1 < len(order)
                and model in self._roster_models
                and (order[index + 1] not in self._roster_models)
            )
            if last_roster_model and any(self.match(c.text) is not None for c in found):
                return True
        return False

    def read(self, label: np.ndarray | None, core: Box | None = None) -> NameRead:
        """The name on one label crop (BGR or gray), as a frame of its own (see :meth:`read_frame`)."""
        return self.read_frame([label if core is None or label is None else (label, core)])[0]

    def read_frame(
        self,
        labels: Sequence[np.ndarray | tuple[np.ndarray, Box] | None],
        expected: Sequence[str | None] | None = None,
        tile_heights: Sequence[int] | None = None,
        look_labels: Sequence[tuple[np.ndarray, Box] | None] | None = None,
    ) -> list[NameRead]:
        """The names on the labels of one frame; each label is a crop or (crop, box of the text in it).

        ``expected`` may give, per label, the name its tile is thought to show (tile and face
        continuity): a new label is then read with that name's script models only (all models on
        its last attempt), so a label redrawn at another size usually takes one OCR call. The read
        still decides the name. A label without an expected name is read first with the script
        models of the name whose label looks most like it.
        ``tile_heights`` may give each label's tile height: a text line taller than
        :data:`MAX_LINE_SHARE` of it holds video above the label too (a label box found too tall),
        and is read only with the script models of its expected name, not at all without one.
        ``look_labels`` may give, per label, the crop that roster look matching compares instead
        (where the gallery's labels agree the label is; :meth:`_match_by_look`).
        """
        hints = list(expected) if expected is not None else [None] * len(labels)
        if len(hints) != len(labels):
            raise CaptureError(f"name reader: {len(hints)} expected names for {len(labels)} labels")
        if tile_heights is not None and len(tile_heights) != len(labels):
            raise CaptureError(f"name reader: {len(tile_heights)} tile heights for {len(labels)} labels")
        if look_labels is not None and len(look_labels) != len(labels):
            raise CaptureError(f"name reader: {len(look_labels)} look-up crops for {len(labels)} labels")
        self._frame += 1
        started = time.perf_counter()
        if len(self._raw) > RAW_CACHE_SIZE:
            self._raw.clear()
            self._looked.clear()  # keyed by the same crops
        out: list[NameRead | None] = [None] * len(labels)
        work: list[tuple[int, int, bytes, np.ndarray | None, tuple[np.ndarray, Box | None]]] = []
        raw_keys: dict[int, bytes] = {}
        for i, item in enumerate(labels):
            label, core = item if isinstance(item, tuple) else (item, None)
            if label is None or label.size == 0 or min(label.shape[:2]) < 4:
                out[i] = NameRead(None, "", 0.0, True)
                continue
            raw_key = raw_keys[i] = crop_key(label, core)
            looked = self._looked.get(raw_key)
            if looked is not None:
                out[i] = NameRead(looked.name, "", 100 * looked.score, True)
                continue
            if raw_key in self._raw:  # the same text pixels as before: no image work at all
                key = self._raw[raw_key]
                line = None
            else:
                line = text_line(label, core)
                key = None if line is None else self._mask_key(_mask_of(line))
                self._raw[raw_key] = key
            if key is None:
                out[i] = NameRead(None, "", 0.0, True)
                continue
            entry = self._exact.get(key)
            if entry is not None and (
                entry.result.name is not None
                or entry.attempts >= self.max_attempts
                or entry.frame == self._frame
            ):
                out[i] = NameRead(entry.result.name, entry.result.raw, entry.result.confidence, True)
                continue
            work.append((0 if entry is None else 1, i, key, line, (label, core)))
        shown = {normalise(r.name) for r in out if r is not None and r.name} | {
            normalise(h) for h in hints if h
        }
        # names no other label shows: first those read on the previous frame (tiles moved), then the roster's
        recent = [self.known[key] for key in sorted(self._previous - shown)]
        absent = recent + [self.known[key] for key in sorted(self._roster - shown - self._previous)]
        reads = 0
        for _, i, key, line, (label, core) in sorted(work, key=lambda w: (w[0], w[1])):
            entry = self._exact.get(key)
            if entry is not None and entry.frame == self._frame:
                out[i] = NameRead(entry.result.name, entry.result.raw, entry.result.confidence, True)
                continue
            over_budget = (
                self.budget_ms is not None and (time.perf_counter() - started) * 1000 >= self.budget_ms
            )
            if reads >= self.max_reads_per_frame or (reads and over_budget):
                out[i] = NameRead(None, "", 0.0, False, deferred=True)
                continue
            line = text_line(label, core) if line is None else line
            if line is None:
                continue
            # a line this tall holds video above the label too: read only as the name the tile is
            # expected to show (all script models on such a line mostly read the video)
            tall = tile_heights is not None and line.shape[0] > MAX_LINE_SHARE * tile_heights[i]
            if tall and not (look_labels and look_labels[i] is not None):
                raw_keys.pop(i)  # nor matched by its look: the crop holds video
            if tall and hints[i] is None:
                out[i] = NameRead(None, "", 0.0, False)
                continue
            look_alike, similarity = self._look_alike(self._masks[key] if entry is None else entry.mask)
            if (
                entry is None
                and not tall
                and hints[i] is not None
                and look_alike == hints[i]
                and (similarity >= CONFIRM_SIMILARITY and not self._looks_alike(look_alike))
            ):
                # the name its tile is expected to show (tile continuity), on a label that looks like
                # the last one read as that name (redrawn at another size): two cues agree, no OCR.
                # Kept for this exact label only, so that similar labels are not taken from it in turn.
                self._exact[key] = _Entry(
                    self._masks[key], [], 0, self._frame, NameRead(look_alike, "", 0.0, True)
                )
                out[i] = self._exact[key].result
                if look_alike in absent:
                    absent.remove(look_alike)
                continue
            reads += 1
            if entry is None:
                entry = _Entry(self._masks[key], [], 0, self._frame, NameRead(None, "", 0.0, False))
                self._exact[key] = entry
                self._entries.append(entry)
            last_attempt = entry.attempts + 1 >= self.max_attempts
            hint, only_hint = hints[i], tall or not last_attempt
            if hint is None:  # no tile continuity: the name whose label looks most like it goes first
                hint, only_hint = look_alike, False
            elif look_alike is not None and similarity >= HINT_OVERRIDE:
                hint = (
                    look_alike  # the label looks like another name's: tiles moved, continuity guessed wrong
                )
            raw = raw_line_image(label, core) if entry.attempts == 0 else None
            entry.candidates.extend(
                self._ocr(line, entry.attempts, hint, only_hint=only_hint, absent=absent, raw=raw)
            )
            entry.attempts += 1
            entry.frame = self._frame
            entry.result = self._resolve(entry.candidates)
            out[i] = entry.result
            if entry.result.name is not None:
                self._name_masks[entry.result.name] = entry.mask
                if entry.result.name in absent:
                    absent.remove(entry.result.name)
        if self._look is not None and (self._frame == 1 or self._frame % LOOK_EVERY == 0):
            looks = (
                [look or label for look, label in zip(look_labels, labels, strict=True)]
                if look_labels
                else labels
            )
            self._match_by_look(looks, out, raw_keys, {w[1]: w[2] for w in work})
        self._previous = {normalise(r.name) for r in out if r is not None and r.name}
        return [r if r is not None else NameRead(None, "", 0.0, True) for r in out]

    def _match_by_look(
        self,
        labels: Sequence[np.ndarray | tuple[np.ndarray, Box] | None],
        out: list[NameRead | None],
        raw_keys: dict[int, bytes],
        keys: dict[int, bytes],
    ) -> None:
        """The labels of this frame that gave no name, each tried once by its look against the roster
        names no other label shows (:mod:`capture.roster_look`); a match stands for a read. Every
        label of a lecture's first frame, later only every :data:`LOOK_EVERY` frames (OCR tries again
        in between; a comparison costs tens of milliseconds)."""
        assert self._look is not None
        todo = [
            i
            for i, raw_key in raw_keys.items()
            if raw_key not in self._looked and keys.get(i) not in self._looked and _unnamed(out[i])
        ]
        if not todo:
            return
        shown = {normalise(r.name) for r in out if r is not None and r.name}
        free = [name for name in self._look.names if normalise(name) not in shown]
        crops: list[tuple[np.ndarray, Box | None]] = []
        for i in todo:  # every label in raw_keys has a crop
            item = labels[i]
            crops.append(item if isinstance(item, tuple) else (np.asarray(item), None))
        for i, match in zip(todo, self._look.assign(crops, free), strict=True):
            if match is not None and self._contradicted(out[i], match.name):
                match = None
            self._looked[raw_keys[i]] = match
            if i in keys:  # the same text over other video: not compared again
                self._looked[keys[i]] = match
            if match is None:
                continue
            read = out[i] = NameRead(match.name, "", 100 * match.score, False)
            entry = self._exact.get(keys[i]) if i in keys else None
            if entry is not None:
                entry.result = read

    @property
    def matches_looks(self) -> bool:
        """Whether labels OCR leaves unread are compared with the roster's names by their look
        (there is a roster): only then does :meth:`read_frame` use ``look_labels``."""
        return self._look is not None

    @staticmethod
    def _contradicted(read: NameRead | None, name: str) -> bool:
        """Whether OCR read the label surely enough, as text unlike ``name``, to overrule its look: a
        guest's legible label that merely looks like a roster name is no roster name."""
        if read is None or read.confidence < MIN_CONFIDENCE:
            return False
        text = match_key(read.raw)
        return len(text) >= SURE_READ_LETTERS and fuzz.ratio(text, match_key(name)) < LOOK_AGREEMENT

    def _mask_key(self, mask: np.ndarray) -> bytes:
        """The cache key of a label mask: its own, or that of a cached label showing the same text."""
        key = hashlib.blake2b(
            (mask > 0.5).tobytes() + bytes(str(mask.shape), "ascii"), digest_size=16
        ).digest()
        if key not in self._exact and key not in self._masks:
            similar = next((e for e in self._entries if same_label(mask, e.mask)), None)
            if similar is not None and not self._looks_alike(similar.result.name):
                self._exact[key] = similar
            else:
                self._masks[key] = mask
        return key

    def _look_alike(self, mask: np.ndarray) -> tuple[str | None, float]:
        """The name whose last read label looks most like ``mask`` (widths within a quarter, cosine at
        least :data:`GUESS_SIMILARITY`) and that cosine, or (None, 0): a guess that orders the script
        models (and, with the tile's expected name agreeing, stands for a read)."""
        best, best_score = None, GUESS_SIMILARITY
        for name, other in self._name_masks.items():
            if abs(other.shape[1] - mask.shape[1]) > 0.25 * mask.shape[1]:
                continue
            score = mask_similarity(mask, other)
            if score > best_score:
                best, best_score = name, score
        return best, (best_score if best is not None else 0.0)

    def _looks_alike(self, name: str | None) -> bool:
        """Whether a label read as ``name`` may look like another known name's label: such a label
        is only taken from the cache when its mask is the same exactly, not when it is similar."""
        return name is not None and normalise(name) in self._confusable

    def _resolve(self, candidates: Sequence[_Candidate]) -> NameRead:
        """Reads -> a known name (best fuzzy match), a new name (a confident read), or unreadable."""
        best_match: tuple[str, float, _Candidate] | None = None
        for candidate in candidates:
            matched = self.match(candidate.text)
            if matched is not None and (best_match is None or matched[1] > best_match[1]):
                best_match = (matched[0], matched[1], candidate)
        if best_match is not None:
            return NameRead(best_match[0], best_match[2].text, best_match[2].confidence, False)
        plausible = [c for c in candidates if compatible(c.text, c.model)]
        if not plausible:
            best = max(candidates, key=lambda c: c.confidence, default=None)
            return NameRead(None, best.text if best else "", best.confidence if best else 0.0, False)
        best = max(plausible, key=lambda c: c.confidence)
        letters = sum(ch.isalpha() for ch in best.text)
        if not self._roster and best.confidence >= MIN_CONFIDENCE and letters >= 2:
            self.add_known(best.text, roster=False)
            return NameRead(best.text, best.text, best.confidence, False)
        return NameRead(None, best.text, best.confidence, False)
