"""The labels a name reader has seen this session and what they were read as.

A label is found again by its crop's text pixels (:func:`~capture.label_pixels.crop_key`, no image
work at all) or by its text's mask (:func:`~capture.label_pixels.label_mask`), exactly or, unless its
name looks like another known name, by a similar mask: the app redraws a label at another size
when tiles resize.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from capture.box import Box
from capture.label_pixels import mask_of, mask_similarity, same_label, text_line
from capture.tesseract import Candidate

RAW_CACHE_SIZE = 20000  # crops remembered by their near-white and near-black pixels
# a mask's key keeps this many grey levels: at MASK_HEIGHT the strokes of small letters are grey,
# so a black-and-white key gives two labels of one width and form the same key
KEY_LEVELS = 4
GUESS_SIMILARITY = 0.5  # cosine similarity of a new label's mask to a read one's, for that name to be guessed


@dataclass(frozen=True)
class NameRead:
    """The name on one label: ``name`` None when unreadable; ``cached`` when no OCR ran for it;
    ``deferred`` when it was not read because the frame's OCR budget was spent."""

    name: str | None
    raw: str
    confidence: float
    cached: bool
    deferred: bool = False


@dataclass
class Entry:
    """One distinct label seen this session: its mask, every read so far and the name they give."""

    mask: np.ndarray
    candidates: list[Candidate]
    attempts: int
    frame: int
    result: NameRead

    def cached(self) -> NameRead:
        """This label's name as a read that ran no OCR."""
        return NameRead(self.result.name, self.result.raw, self.result.confidence, True)


class LabelCache:
    """The labels seen this session by their mask key, the crops seen by their text pixels, and the
    mask of each name's last label read by OCR.

    ``looks_alike`` tells whether a label read as a name may look like another known name's label:
    such a label is found again by its exact mask only.
    """

    def __init__(self, looks_alike: Callable[[str | None], bool]) -> None:
        self._looks_alike = looks_alike
        self._crops: dict[bytes, bytes | None] = {}  # crop key -> its mask key (None: blank)
        self._labels: dict[bytes, Entry] = {}  # mask key -> the label it shows
        self._unread: dict[bytes, np.ndarray] = {}  # mask key -> mask, for labels not read yet
        self._entries: list[Entry] = []  # the labels read by OCR, in the order first read
        self._name_masks: dict[str, np.ndarray] = {}  # name -> the mask of its last label read by OCR

    def trim(self) -> bool:
        """Forget the crops seen once there are more than :data:`RAW_CACHE_SIZE`; True when it did."""
        if len(self._crops) <= RAW_CACHE_SIZE:
            return False
        self._crops.clear()
        return True

    def mask_key(
        self, crop: bytes, label: np.ndarray, core: Box | None
    ) -> tuple[bytes | None, np.ndarray | None]:
        """The mask key of a label crop whose crop key is ``crop`` (None: blank), and its text line
        when it had to be found (None for a crop seen before)."""
        if crop in self._crops:  # the same text pixels as before: no image work at all
            return self._crops[crop], None
        line = text_line(label, core)
        key = None if line is None else self._key_of(mask_of(line))
        self._crops[crop] = key
        return key, line

    def _key_of(self, mask: np.ndarray) -> bytes:
        """The cache key of a label mask: its own, or that of a cached label showing the same text."""
        key = hashlib.blake2b(
            np.rint(mask * KEY_LEVELS).astype(np.uint8).tobytes() + bytes(str(mask.shape), "ascii"),
            digest_size=16,
        ).digest()
        if key not in self._labels and key not in self._unread:
            similar = next((e for e in self._entries if same_label(mask, e.mask)), None)
            if similar is not None and not self._looks_alike(similar.result.name):
                self._labels[key] = similar
            else:
                self._unread[key] = mask
        return key

    def entry(self, key: bytes) -> Entry | None:
        """The label with mask key ``key``, if it was read (or settled) before."""
        return self._labels.get(key)

    def mask(self, key: bytes) -> np.ndarray:
        """The mask of the label with mask key ``key`` (that of the label it was found to show)."""
        entry = self._labels.get(key)
        return self._unread[key] if entry is None else entry.mask

    def open(self, key: bytes, frame: int) -> Entry:
        """A new label to read by OCR, first read on ``frame``."""
        entry = Entry(self._unread[key], [], 0, frame, NameRead(None, "", 0.0, False))
        self._labels[key] = entry
        self._entries.append(entry)
        return entry

    def settle(self, key: bytes, read: NameRead, frame: int) -> None:
        """Take ``read`` as the name of this exact label without OCR; similar labels are not found
        from it in turn."""
        self._labels[key] = Entry(self._unread[key], [], 0, frame, read)

    def remember_name(self, name: str, mask: np.ndarray) -> None:
        """``mask`` is that of the last label OCR read as ``name``."""
        self._name_masks[name] = mask

    def look_alike(self, mask: np.ndarray) -> tuple[str | None, float]:
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
