"""One frame in, one reading per student out: layout -> faces -> names -> identities -> emotions.

All faces of a frame go through the emotion classifier in one batch; each student's probabilities
are smoothed over the last ``smoothing_window`` frames (mean of the probability vectors).

Face detection and emotion classification run on a worker thread while this thread reads the
name labels (Tesseract, like BlazeFace and ONNX Runtime, releases the GIL), so on two cores a
frame costs about the longer of the two instead of their sum; identities are then assigned with
both. The name hints (``IdentityTracker.expect``) therefore use each tile's position and colours,
not its face.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from capture.errors import CaptureError
from capture.faces import FaceDetector, FaceSearch, TileFace
from capture.frames import Frame
from capture.identity import IdentityTracker, TileObservation
from capture.layout import GalleryLayout, parse_gallery
from capture.names import NameReader, label_region

Box = tuple[int, int, int, int]
STAGES: tuple[str, ...] = ("layout", "detection", "names", "emotions")


class EmotionModel(Protocol):
    """What the pipeline needs of :class:`model.EmotionClassifier`."""

    def predict(self, crops: Sequence[np.ndarray]) -> np.ndarray: ...


@dataclass(frozen=True)
class StudentReading:
    """One student in one frame: ``scores`` are smoothed probabilities in EMOTIONS order, or None."""

    name: str
    camera_on: bool
    face_box: Box | None
    scores: tuple[float, ...] | None
    tile_box: Box | None = None


@dataclass(frozen=True)
class FrameAnalysis:
    """The readings of one frame and the milliseconds each stage took."""

    frame_index: int
    timestamp: datetime
    students: tuple[StudentReading, ...]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def faces(self) -> int:
        return sum(1 for s in self.students if s.scores is not None)


class FrameAnalyser:
    """The per-session analysis state: detector, name reader, identities and smoothing windows.

    ``debug_dir`` (given only when ``privacy.save_debug_frames`` is on) receives each analysed frame
    annotated with tiles, faces and names; nothing else here writes an image anywhere.
    """

    def __init__(
        self,
        detector: FaceDetector,
        reader: NameReader,
        classifier: EmotionModel,
        *,
        tracker: IdentityTracker | None = None,
        smoothing_window: int = 3,
        debug_dir: Path | None = None,
    ) -> None:
        if smoothing_window < 1:
            raise CaptureError(f"smoothing window: must be at least 1 frame (got {smoothing_window})")
        self.detector = detector
        self.reader = reader
        self.classifier = classifier
        self.tracker = tracker or IdentityTracker()
        self.smoothing_window = smoothing_window
        self.debug_dir = debug_dir
        self._history: dict[str, deque[tuple[int, np.ndarray]]] = {}
        self._frames = 0
        self._faces_worker = ThreadPoolExecutor(1, thread_name_prefix="faces-emotions")

    @classmethod
    def create(
        cls,
        classifier: EmotionModel,
        *,
        roster: Iterable[str] = (),
        threads: int = 2,
        min_face_size: int = 24,
        smoothing_window: int = 3,
        debug_dir: Path | None = None,
        tessdata: Path | None = None,
        names_budget_ms: float | None = None,
    ) -> FrameAnalyser:
        """An analyser with the default detector weights and Tesseract models.

        OpenCV is set to one thread per call (process-wide): the analyser runs its own threads (the
        detector's workers, faces and emotions beside name reading), and OpenCV's pool splitting
        every small resize on top of them only fights them for the same cores (49 students on 2
        cores: 178 instead of 211 ms a frame).
        """
        cv2.setNumThreads(1)
        detector = FaceDetector.load(threads=threads, min_face_size=min_face_size)
        try:
            reader = NameReader(roster=roster, tessdata=tessdata, budget_ms=names_budget_ms)
        except CaptureError:
            detector.close()
            raise
        return cls(detector, reader, classifier, smoothing_window=smoothing_window, debug_dir=debug_dir)

    def close(self) -> None:
        self._faces_worker.shutdown(wait=True)
        self.detector.close()
        self.reader.close()

    def __enter__(self) -> FrameAnalyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, frame: Frame) -> FrameAnalysis:
        return self.analyse(frame)

    def _smooth(self, name: str, probs: np.ndarray | None) -> tuple[float, ...] | None:
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
        layout = parse_gallery(frame.image) if layout is None else layout
        timings["layout"] = (time.perf_counter() - start) * 1000
        tiles = layout.tiles

        search = self.detector.search(frame.image, [(t.index, t.box) for t in tiles])
        faces_job = self._faces_worker.submit(self._faces_and_scores, search)
        start = time.perf_counter()
        labels = [
            label_region(frame.image, tile.box, tile.name_box) if tile.name_box is not None else None
            for tile in tiles
        ]
        views = [TileObservation(tile.box, None, tile.image) for tile in tiles]
        names = [read.name for read in self.reader.read_frame(labels, self.tracker.expect(views))]
        names_ms = (time.perf_counter() - start) * 1000
        if self.detector.threads > 1:
            search.work(1)          # names done: help with the tiles not yet searched
        found, per_tile, detection_ms, emotions_ms = faces_job.result()
        start = time.perf_counter()
        observations = [
            replace(view, name=name, face_image=tf.face.image if tf.face is not None else None)
            for view, name, tf in zip(views, names, found, strict=True)
        ]
        identities = self.tracker.assign(observations)
        timings["detection"] = detection_ms
        timings["names"] = names_ms + (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        students = []
        for i, (tile, tf) in enumerate(zip(tiles, found, strict=True)):
            scores = self._smooth(identities[i], per_tile.get(i))
            face_box = tf.face.box if tf.face is not None else None
            students.append(StudentReading(identities[i], tf.camera_on, face_box, scores, tile.box))
        self._frames += 1
        timings["emotions"] = emotions_ms + (time.perf_counter() - start) * 1000
        analysis = FrameAnalysis(frame.index, frame.timestamp, tuple(students), timings)
        if self.debug_dir is not None:
            save_debug_frame(self.debug_dir, frame, analysis)
        return analysis

    def _faces_and_scores(
        self, search: FaceSearch
    ) -> tuple[list[TileFace], dict[int, np.ndarray], float, float]:
        """Faces of every tile and the emotion probabilities of each tile with a face (by tile
        position), with the milliseconds of each step; run on the worker thread, which searches
        the tiles from the start while the caller reads names and then joins it."""
        start = time.perf_counter()
        search.work(0)
        found = search.result()
        detected = time.perf_counter()
        with_face = [i for i, tf in enumerate(found) if tf.face is not None]
        probs = self.classifier.predict([found[i].face.image for i in with_face]) if with_face else None  # type: ignore[union-attr]
        per_tile = {i: probs[k] for k, i in enumerate(with_face)} if probs is not None else {}
        return found, per_tile, (detected - start) * 1000, (time.perf_counter() - detected) * 1000


def analyse_frame(frame: Frame, analyser: FrameAnalyser) -> FrameAnalysis:
    """Analyse one frame with a session's analyser."""
    return analyser.analyse(frame)


def save_debug_frame(folder: Path, frame: Frame, analysis: FrameAnalysis) -> Path:
    """Write ``frame`` annotated with tiles, faces and names as a PNG; only for ``privacy.save_debug_frames``."""
    folder.mkdir(parents=True, exist_ok=True)
    image = frame.image.copy()
    for student in analysis.students:
        if student.tile_box is not None:
            x, y, w, h = student.tile_box
            cv2.rectangle(image, (x, y), (x + w - 1, y + h - 1), (0, 200, 255), 1)
            label = student.name.encode("ascii", "replace").decode("ascii")
            cv2.putText(image, label, (x + 4, y + 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 255, 255), 1, cv2.LINE_AA)
        if student.face_box is not None:
            x, y, w, h = student.face_box
            cv2.rectangle(image, (x, y), (x + w - 1, y + h - 1), (0, 255, 0), 2)
    path = folder / f"frame_{frame.index:06d}.png"
    if not cv2.imwrite(str(path), image):
        raise CaptureError(f"debug frames folder {folder}: cannot write {path.name}")
    return path
