"""One frame in, one reading per student out: layout -> faces -> names -> identities -> emotions.

All faces of a frame go through the emotion classifier in one batch; each student's probabilities
are smoothed over the last ``smoothing_window`` frames (mean of the probability vectors).

Face detection and emotion classification run beside name reading: by default in a child process
(:class:`capture.face_worker.FaceProcess`: its own interpreter, so the Python work of both sides
does not queue for one interpreter lock), else on a worker thread. On two cores a frame then costs
about the longer of the two instead of their sum; identities are assigned with both. The name
hints (``IdentityTracker.expect``) therefore use each tile's position and colours, not its face.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from capture.box import Box
from capture.errors import CaptureError
from capture.face_worker import EmotionModel, FaceProcess, FaceThread, FrameFaces
from capture.faces import MIN_FACE_SIZE, FaceDetector, Sweep, default_model_path
from capture.frames import Frame
from capture.identity import IdentityTracker, TileObservation
from capture.label_pixels import label_region
from capture.layout import GalleryLayout, NameBoxMemory, Tile, TileGrid, find_tiles, tiles_with_faces
from capture.name_reader import NameReader

STAGES: tuple[str, ...] = ("layout", "detection", "names", "emotions")
# The safety net (FaceDetector.sweep over the whole frame) runs on the first frame and every
# SWEEP_EVERY frames, and when the tiles read change (unless they are a gallery of equal tiles, whose
# joins and leaves the reading follows itself), never on two frames closer than SWEEP_GAP apart (a
# layout that flickers between readings). In between, its faces are reused while the tiles stay.
SWEEP_EVERY = 30
SWEEP_GAP = 10


class FaceStage(Protocol):
    """Faces and emotions of a frame beside name reading (:class:`FaceProcess` or :class:`FaceThread`)."""

    def start(self, image: np.ndarray, tiles: Sequence[tuple[int, Box]]) -> None: ...

    def finish(self) -> FrameFaces: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class StudentReading:
    """One student in one frame: ``scores`` are smoothed probabilities in EMOTIONS order, or None;
    ``name_box`` is where the tile's name label was read (None without one)."""

    name: str
    camera_on: bool
    face_box: Box | None
    scores: tuple[float, ...] | None
    tile_box: Box | None = None
    name_box: Box | None = None


@dataclass(frozen=True)
class FrameAnalysis:
    """The readings of one frame, the milliseconds each stage took, the CPU milliseconds the face
    worker process spent on it (0 when faces ran on a thread of this process), and the placeholder
    identities ("Participant 3") that a label read on this frame named: (placeholder, name) pairs."""

    frame_index: int
    timestamp: datetime
    students: tuple[StudentReading, ...]
    timings: dict[str, float] = field(default_factory=dict)
    worker_cpu_ms: float = 0.0
    renamed: tuple[tuple[str, str], ...] = ()

    @property
    def faces(self) -> int:
        """How many students had a face read for emotions."""
        return sum(1 for s in self.students if s.scores is not None)


class FrameAnalyser:
    """The per-session analysis state: the face stage, name reader, identities and smoothing windows.

    ``debug_dir`` (given only when ``privacy.save_debug_frames`` is on) receives each analysed frame
    annotated with tiles, faces and names; nothing else here writes an image anywhere.
    """

    def __init__(
        self,
        faces: FaceStage,
        reader: NameReader,
        *,
        sweeper: FaceDetector | None = None,
        tracker: IdentityTracker | None = None,
        smoothing_window: int = 3,
        debug_dir: Path | None = None,
    ) -> None:
        if smoothing_window < 1:
            raise CaptureError(f"smoothing window: must be at least 1 frame (got {smoothing_window})")
        self.faces = faces
        self.reader = reader
        self.sweeper = sweeper
        self._swept: tuple[int, tuple[Box, ...], Sweep] | None = None  # frame, tiles read, what was found
        self._mended: tuple[Sweep, TileGrid] | None = None  # a sweep and the tiles it gave
        self._name_boxes = NameBoxMemory()  # the last frame's labels, found again while they stay put
        self.tracker = tracker or IdentityTracker()
        self.smoothing_window = smoothing_window
        self.debug_dir = debug_dir
        self._history: dict[str, deque[tuple[int, np.ndarray]]] = {}
        self._frames = 0

    @classmethod
    def create(
        cls,
        classifier: EmotionModel,
        *,
        roster: Iterable[str] = (),
        threads: int = 2,
        min_face_size: int = MIN_FACE_SIZE,
        smoothing_window: int = 3,
        debug_dir: Path | None = None,
        tessdata: Path | None = None,
        names_budget_ms: float | None = None,
        face_process: bool = True,
    ) -> FrameAnalyser:
        """An analyser with the default detector weights and Tesseract models.

        ``face_process``: faces and emotions in a child process (:class:`FaceProcess`; the
        classifier is pickled and loaded there), else on a thread of this one with ``threads``
        detector workers (:class:`FaceThread`). OpenCV is set to one thread per call (process-wide):
        the analyser runs its own threads and processes, and OpenCV's pool splitting every small
        resize on top of them only fights them for the same cores (measured in docs/capture.md,
        "OpenCV threads").
        """
        cv2.setNumThreads(1)
        reader = NameReader(roster=roster, tessdata=tessdata, budget_ms=names_budget_ms)
        faces: FaceStage
        try:
            if face_process:
                faces = FaceProcess(classifier, model_path=default_model_path(), min_face_size=min_face_size)
            else:
                faces = FaceThread(
                    FaceDetector.load(threads=threads, min_face_size=min_face_size), classifier
                )
            sweeper = FaceDetector.load(threads=1, min_face_size=min_face_size)
        except CaptureError:
            reader.close()
            raise
        return cls(faces, reader, sweeper=sweeper, smoothing_window=smoothing_window, debug_dir=debug_dir)

    def close(self) -> None:
        """Stop the face stage and the name reader, and release the sweeper's detector."""
        self.faces.close()
        self.reader.close()
        if self.sweeper is not None:
            self.sweeper.close()

    def _safety_net(self, image: np.ndarray, grid: TileGrid) -> TileGrid:
        """``grid`` with the tiles of faces it missed (:func:`capture.layout.tiles_with_faces`), from
        a whole-frame face search made as :data:`SWEEP_EVERY` and :data:`SWEEP_GAP` say, and used
        only while the grid reads the tiles it read then."""
        if self.sweeper is None:
            return grid
        last = self._swept
        equal = grid.equal_tiles()
        gallery = len(grid.boxes) >= 2 and len(equal) == len(
            grid.boxes
        )  # nothing but equal tiles: a sure reading
        changed = last is not None and last[1] != grid.boxes
        due = (
            last is None
            or self._frames - last[0] >= SWEEP_EVERY
            or (changed and not gallery and self._frames - last[0] >= SWEEP_GAP)
        )
        if due:
            # the faces of a gallery's equal tiles are the per-tile search's: the sweep looks elsewhere
            self._swept = last = (self._frames, grid.boxes, self.sweeper.sweep(image, known=equal))
        assert last is not None
        if last[1] != grid.boxes:
            return grid  # the faces were found on other tiles (a window moved, closed): stale
        if grid.boxes and self._mended is not None and self._mended[0] is last[2]:
            # the same tiles read and the same faces: the tiles they gave, without working them out again
            mended = self._mended[1]
            return replace(grid, boxes=mended.boxes, kind=mended.kind, avatars=mended.avatars)
        mended = tiles_with_faces(image, grid, [face.box for face in last[2].faces], last[2].avatars)
        self._mended = (last[2], mended)
        return mended

    def __enter__(self) -> FrameAnalyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, frame: Frame) -> FrameAnalysis:
        return self.analyse(frame)

    def _smooth(self, name: str, probs: np.ndarray | None) -> tuple[float, ...] | None:
        """``name``'s probabilities averaged over the last ``smoothing_window`` frames, this one's
        included; None when this frame has none (camera off, no face)."""
        window = self._history.setdefault(name, deque())
        if probs is not None:
            window.append((self._frames, probs))
        while window and window[0][0] <= self._frames - self.smoothing_window:
            window.popleft()
        if probs is None or not window:
            return None
        mean = np.mean([p for _, p in window], axis=0)
        return tuple(float(v) for v in mean)

    def analyse(self, frame: Frame, layout: GalleryLayout | None = None) -> FrameAnalysis:
        """Analyse one frame (``layout`` may be given when already parsed)."""
        timings: dict[str, float] = {}
        start = time.perf_counter()
        read = self._safety_net(frame.image, find_tiles(frame.image)) if layout is None else layout
        boxes = (
            list(enumerate(read.boxes))
            if isinstance(read, TileGrid)
            else [(t.index, t.box) for t in read.tiles]
        )
        layout_ms = (time.perf_counter() - start) * 1000

        self.faces.start(frame.image, boxes)
        try:
            start = time.perf_counter()
            # the name boxes and speaking borders, beside the face search
            tiles = (read.layout(self._name_boxes) if isinstance(read, TileGrid) else read).tiles
            timings["layout"] = layout_ms + (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            views, names = self._read_names(frame.image, tiles)
        except BaseException:
            with contextlib.suppress(CaptureError):
                self.faces.finish()  # collected, so that the next frame can start
            raise
        names_ms = (time.perf_counter() - start) * 1000
        faces = self.faces.finish()
        start = time.perf_counter()
        identities = self._identify(views, names, faces)
        timings["detection"] = faces.detection_ms
        timings["names"] = names_ms + (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        students = self._readings(tiles, faces, identities)
        self._frames += 1
        timings["emotions"] = faces.emotions_ms + (time.perf_counter() - start) * 1000
        analysis = FrameAnalysis(
            frame.index, frame.timestamp, tuple(students), timings, faces.worker_cpu_ms, self.tracker.renamed
        )
        if self.debug_dir is not None:
            save_debug_frame(self.debug_dir, frame, analysis)
        return analysis

    def _read_names(
        self, image: np.ndarray, tiles: Sequence[Tile]
    ) -> tuple[list[TileObservation], list[str | None]]:
        """Each tile as identity tracking sees it (no name yet), and the name its label gave or
        None; the tracker's guesses are the reader's hints, and the label bands (where the gallery's
        labels agree each is) go with the labels: the recogniser of small labels and roster look
        matching read those."""
        labels = [
            label_region(image, tile.box, box) if (box := _read_box(tile)) is not None else None
            for tile in tiles
        ]
        bands = [
            label_region(image, tile.box, tile.label_band) if tile.label_band is not None else None
            for tile in tiles
        ]
        views = [TileObservation(tile.box, None, tile.image) for tile in tiles]
        reads = self.reader.read_frame(
            labels, self.tracker.expect(views), [tile.box[3] for tile in tiles], look_labels=bands
        )
        return views, [read.name for read in reads]

    def _identify(
        self, views: Sequence[TileObservation], names: Sequence[str | None], faces: FrameFaces
    ) -> list[str]:
        """Each tile's identity from its name, looks and face; a placeholder a label named keeps
        its smoothing window under the name."""
        observations = [
            replace(
                view,
                name=name,
                face_image=tf.face.image if tf.face is not None else None,
                face=faces.signatures.get(i),
            )
            for i, (view, name, tf) in enumerate(zip(views, names, faces.tiles, strict=True))
        ]
        identities = self.tracker.assign(observations)
        for placeholder, name in self.tracker.renamed:
            if placeholder in self._history:
                self._history[name] = self._history.pop(placeholder)
        return identities

    def _readings(
        self, tiles: Sequence[Tile], faces: FrameFaces, identities: Sequence[str]
    ) -> list[StudentReading]:
        """Each tile's student: camera on (a face, and no avatar disc: a profile photo on a disc is
        no camera), the face's box and the smoothed emotion scores."""
        students = []
        for i, (tile, tf) in enumerate(zip(tiles, faces.tiles, strict=True)):
            live = tf.camera_on and not tile.disc
            scores = self._smooth(identities[i], faces.scores.get(i) if live else None)
            face_box = tf.face.box if tf.face is not None and live else None
            students.append(StudentReading(identities[i], live, face_box, scores, tile.box, _read_box(tile)))
        return students


def save_debug_frame(folder: Path, frame: Frame, analysis: FrameAnalysis) -> Path:
    """Write ``frame`` as :func:`capture.drawing.draw_analysis` draws it, as a PNG; only for ``privacy.save_debug_frames``."""
    from capture.drawing import draw_analysis

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"frame_{frame.index:06d}.png"
    if not cv2.imwrite(str(path), draw_analysis(frame.image, analysis)):
        raise CaptureError(f"debug frames folder {folder}: cannot write {path.name}")
    return path


def _read_box(tile: Tile) -> Box | None:
    """The name box a tile's label is read in: the one found, or where the gallery's labels agree it
    is (``label_band``) when the one found is under half that tall (a plate found cut to its top
    rows or to a letter or two: "(초급) 서" for "(초급) 서경숙")."""
    band, found = tile.label_band, tile.name_box
    if band is not None and found is not None and 2 * found[3] < band[3]:
        return band
    return found
