"""Stable student identities across frames.

The name read from a tile's label is the identity. When it cannot be read, the tile is matched to
the identities seen recently by appearance (a small colour thumbnail of the tile, which captures
the room behind the student, and a normalised face thumbnail, compared by cosine) and by position
(overlap with where the identity was last seen), so identities survive reordered tiles and
unreadable labels; a named student seen in the previous frame needs less similarity than one seen
longer ago. A tile never matched and never named is ``Participant N`` until a name is read; when a
name is read for it, the placeholder becomes that name (:attr:`IdentityTracker.renamed` says so, so
that what was recorded under the placeholder can follow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from capture.box import Box

PLACEHOLDER = "Participant {}"
MATCH_THRESHOLD = 0.55  # combined similarity needed to carry an identity over to an unnamed tile
# ... for a named identity that was on screen in the previous frame and whose name no label gave
# this frame: a student there a second ago is far likelier to still be there (label redrawn at a
# new tile size, unreadable) than to have left the moment someone unnamed joined
RECENT_THRESHOLD = 0.4
APPEARANCE_UPDATE = 0.3  # weight of the newest frame in an identity's appearance signature


@dataclass(frozen=True)
class TileObservation:
    """What identity tracking needs from one tile of one frame.

    The images' signatures are computed once, when the observation is made; ``dataclasses.replace``
    (to add the name read later) carries them over instead of computing them again.
    """

    box: Box
    name: str | None
    tile_image: np.ndarray | None = field(default=None, repr=False, compare=False)
    face_image: np.ndarray | None = field(default=None, repr=False, compare=False)
    appearance: np.ndarray | None = field(default=None, repr=False, compare=False)
    face: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.appearance is None and self.tile_image is not None and self.tile_image.size:
            object.__setattr__(self, "appearance", appearance_signature(self.tile_image))
        if self.face is None and self.face_image is not None and self.face_image.size:
            object.__setattr__(self, "face", face_signature(self.face_image))


@dataclass
class _Track:
    """One identity: its name, where and when it was last seen, its signatures, and whether a label
    named it."""

    name: str
    box: Box
    appearance: np.ndarray | None
    face: np.ndarray | None
    last_seen: int
    named: bool


def _unit(vector: np.ndarray) -> np.ndarray | None:
    """``vector`` flattened, zero-mean and of length 1 (for cosines); None when it is flat."""
    vector = vector.astype(np.float32).ravel()
    vector -= vector.mean()
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-6 else None


def appearance_signature(tile: np.ndarray) -> np.ndarray | None:
    """A tile's colour layout: 8x4 Lab thumbnail of its upper four fifths (the label is left out)."""
    h, w = tile.shape[:2]
    step = max(1, min(h, w) // 32)  # a 32-px-high view is plenty for 8x4 cells, and cheap
    body = tile[: max(1, h * 4 // 5) : step, ::step]
    bgr = body if body.ndim == 3 else cv2.cvtColor(body, cv2.COLOR_GRAY2BGR)
    small = cv2.resize(bgr[:, :, :3], (8, 4), interpolation=cv2.INTER_AREA)
    return _unit(cv2.cvtColor(small, cv2.COLOR_BGR2LAB))


def face_signature(face: np.ndarray) -> np.ndarray | None:
    """A face crop as a unit vector: 16x16 grayscale, histogram-equalised, zero mean."""
    gray = face if face.ndim == 2 else cv2.cvtColor(face[:, :, :3], cv2.COLOR_BGR2GRAY)
    if gray.size == 0:
        return None
    small = cv2.equalizeHist(cv2.resize(gray, (16, 16), interpolation=cv2.INTER_AREA))
    return _unit(small)


CUE_WEIGHTS = (0.35, 0.45, 0.2)  # position (overlap), appearance (tile colours), face
MOVED_WEIGHT = 0.8  # similarity by appearance and face alone, for a tile that moved


def _ious(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of every (x, y, w, h) row of ``boxes`` with every row of ``others``: shape (n, m)."""
    a, b = boxes[:, None, :].astype(np.float64), others[None, :, :].astype(np.float64)
    iw = np.clip(
        np.minimum(a[..., 0] + a[..., 2], b[..., 0] + b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None
    )
    ih = np.clip(
        np.minimum(a[..., 1] + a[..., 3], b[..., 1] + b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None
    )
    inter = iw * ih
    union = a[..., 2] * a[..., 3] + b[..., 2] * b[..., 3] - inter
    iou: np.ndarray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return iou


def _cosines(
    vectors: Sequence[np.ndarray | None], others: Sequence[np.ndarray | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Cosines (clipped at 0) of unit vectors, and where both were present: two (n, m) arrays."""
    n, m = len(vectors), len(others)
    size = next((len(v) for v in [*vectors, *others] if v is not None), 0)
    present = np.array([v is not None and len(v) == size for v in vectors], bool)
    present_other = np.array([v is not None and len(v) == size for v in others], bool)
    if not size or not present.any() or not present_other.any():
        return np.zeros((n, m)), np.zeros((n, m), bool)
    matrix = np.zeros((n, size), np.float32)
    matrix[present] = np.stack([v for v, ok in zip(vectors, present, strict=True) if ok and v is not None])
    other = np.zeros((m, size), np.float32)
    other[present_other] = np.stack(
        [v for v, ok in zip(others, present_other, strict=True) if ok and v is not None]
    )
    return np.clip(matrix @ other.T, 0.0, 1.0).astype(np.float64), present[:, None] & present_other[None, :]


class IdentityTracker:
    """Gives each tile of each frame a stable identity name (see the module docstring).

    ``forget_after`` frames without a sighting drop an unnamed identity from matching.
    """

    def __init__(
        self,
        forget_after: int = 300,
        threshold: float = MATCH_THRESHOLD,
        recent_threshold: float = RECENT_THRESHOLD,
    ) -> None:
        self.forget_after = forget_after
        self.threshold = threshold
        self.recent_threshold = min(recent_threshold, threshold)
        self._tracks: dict[str, _Track] = {}
        self._placeholders = 0
        self._frame = -1
        self.renamed: tuple[tuple[str, str], ...] = ()

    @property
    def identities(self) -> tuple[str, ...]:
        """The names of the identities tracked: names read and placeholders."""
        return tuple(self._tracks)

    @staticmethod
    def _similarities(
        tracks: Sequence[_Track],
        boxes: Sequence[Box],
        signatures: Sequence[tuple[np.ndarray | None, np.ndarray | None]],
    ) -> np.ndarray:
        """Similarity in [0, 1] of each observation (rows) to each track (columns): a weighted mean of
        position overlap, appearance and face cosine, over the cues both sides have."""
        if not tracks or not boxes:
            return np.zeros((len(boxes), len(tracks)))
        position = _ious(np.array(boxes).reshape(-1, 4), np.array([t.box for t in tracks]).reshape(-1, 4))
        look, has_look = _cosines([sig[0] for sig in signatures], [t.appearance for t in tracks])
        face, has_face = _cosines([sig[1] for sig in signatures], [t.face for t in tracks])
        w_pos, w_look, w_face = CUE_WEIGHTS
        total = w_pos + w_look * has_look + w_face * has_face
        together = (w_pos * position + w_look * look * has_look + w_face * face * has_face) / total
        # a tile that moved (the gallery reordered, someone joined) keeps its identity by its looks alone
        looks = (w_look * look + w_face * face) / (w_look + w_face)
        scores: np.ndarray = np.where(
            has_look & has_face, np.maximum(together, MOVED_WEIGHT * looks), together
        )
        return scores

    def _update(
        self, track: _Track, box: Box, appearance: np.ndarray | None, face: np.ndarray | None
    ) -> None:
        """The track was seen at ``box`` this frame; its signatures move towards the new ones."""
        track.box = box
        track.last_seen = self._frame
        if appearance is not None:
            track.appearance = (
                appearance
                if track.appearance is None
                else _unit((1 - APPEARANCE_UPDATE) * track.appearance + APPEARANCE_UPDATE * appearance)
            )
        if face is not None:
            track.face = (
                face
                if track.face is None
                else _unit((1 - APPEARANCE_UPDATE) * track.face + APPEARANCE_UPDATE * face)
            )

    def expect(self, observations: Sequence[TileObservation]) -> list[str | None]:
        """The named identity each tile most likely shows, judged by position, appearance and face only
        (labels not read yet), or None; nothing is updated. Name reading uses it as a hint."""
        named = [t for t in self._tracks.values() if t.named]
        if not named or not observations:
            return [None] * len(observations)
        signatures = [(o.appearance, o.face) for o in observations]
        scores = self._similarities(named, [o.box for o in observations], signatures)
        result: list[str | None] = [None] * len(observations)
        taken: set[int] = set()
        for flat in np.argsort(-scores, axis=None).tolist():
            row, col = divmod(flat, len(named))
            if scores[row, col] < self.threshold:
                break
            if result[row] is None and col not in taken:
                result[row] = named[col].name
                taken.add(col)
        return result

    def assign(self, observations: Sequence[TileObservation]) -> list[str]:
        """The identity name of each observation of one frame, in the same order; :attr:`renamed` then
        holds the (placeholder, name) pairs of this frame's placeholders that a label named."""
        self._frame += 1
        self.renamed = ()
        signatures = [(o.appearance, o.face) for o in observations]
        result = self._follow_read_names(observations, signatures)
        pending = [i for i in range(len(observations)) if i not in result]
        result.update(self._match_unnamed(observations, signatures, pending, set(result.values())))
        for i in pending:
            if i not in result:
                result[i] = self._new_placeholder(observations[i].box, signatures[i])
        return [result[i] for i in range(len(observations))]

    def _follow_read_names(
        self,
        observations: Sequence[TileObservation],
        signatures: Sequence[tuple[np.ndarray | None, np.ndarray | None]],
    ) -> dict[int, str]:
        """The tiles whose label gave a name, by index, and that name: the name is the identity
        (a name read twice names its first tile only)."""
        named: dict[int, str] = {}
        for i, obs in enumerate(observations):
            if obs.name is None or obs.name in named.values():
                continue
            track = self._tracks.get(obs.name)
            if track is None:
                track = self._adopt(obs, signatures[i])
            self._update(track, obs.box, *signatures[i])
            named[i] = obs.name
        return named

    def _match_unnamed(
        self,
        observations: Sequence[TileObservation],
        signatures: Sequence[tuple[np.ndarray | None, np.ndarray | None]],
        pending: Sequence[int],
        claimed: set[str],
    ) -> dict[int, str]:
        """The ``pending`` (unnamed) tiles that match an identity not ``claimed`` yet, by index, and
        its name: the most similar pairs first, each above its identity's threshold."""
        live = [
            t
            for t in self._tracks.values()
            if t.name not in claimed and (t.named or self._frame - t.last_seen <= self.forget_after)
        ]
        scores = self._similarities(
            live, [observations[i].box for i in pending], [signatures[i] for i in pending]
        )
        rows, cols = np.nonzero(scores >= self._thresholds(live)[None, :])
        pairs = sorted(
            (
                (float(scores[r, c]), pending[r], live[c].name)
                for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
            ),
            reverse=True,
        )
        matched: dict[int, str] = {}
        taken = set(claimed)
        for _, i, name in pairs:
            if i in matched or name in taken:
                continue
            self._update(self._tracks[name], observations[i].box, *signatures[i])
            taken.add(name)
            matched[i] = name
        return matched

    def _thresholds(self, tracks: Sequence[_Track]) -> np.ndarray:
        """The similarity each track needs to be carried over: less for a named identity that was on
        screen in the previous frame."""
        return np.array(
            [
                self.recent_threshold if t.named and t.last_seen == self._frame - 1 else self.threshold
                for t in tracks
            ],
            dtype=np.float64,
        )

    def _new_placeholder(self, box: Box, signature: tuple[np.ndarray | None, np.ndarray | None]) -> str:
        """A new ``Participant N`` identity for a tile never seen before (N not taken by a name read)."""
        self._placeholders += 1
        name = PLACEHOLDER.format(self._placeholders)
        while name in self._tracks:
            self._placeholders += 1
            name = PLACEHOLDER.format(self._placeholders)
        track = _Track(name, box, None, None, self._frame, named=False)
        self._tracks[name] = track
        self._update(track, box, *signature)
        return name

    def _adopt(self, obs: TileObservation, signature: tuple[np.ndarray | None, np.ndarray | None]) -> _Track:
        """A first read name: take over the unnamed identity this tile was tracked as, if any."""
        best: tuple[float, _Track] | None = None
        candidates = [t for t in self._tracks.values() if not t.named and t.last_seen == self._frame - 1]
        for score, track in zip(
            self._similarities(candidates, [obs.box], [signature])[0].tolist(), candidates, strict=True
        ):
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, track)
        assert obs.name is not None
        if best is not None:
            old = best[1]
            del self._tracks[old.name]
            self.renamed += ((old.name, obs.name),)
            track = _Track(obs.name, old.box, old.appearance, old.face, old.last_seen, named=True)
        else:
            track = _Track(obs.name, obs.box, None, None, self._frame, named=True)
        self._tracks[obs.name] = track
        return track
