"""Faces and emotion scores of a frame's tiles beside name reading: in a child process or a thread.

:class:`FaceProcess` (the default) finds them in a child process. Threads of one Python process share one interpreter lock. Face detection and name reading both run
many small steps of Python and numpy between their native calls (BlazeFace, Tesseract), so on two
cores two threads were hardly faster than one after the other (49 tiles: 0.82 s of detection and
0.51 s of text-line extraction took 1.62 s side by side in threads, docs/benchmarks.md). The worker
process has its own interpreter, face detector and emotion model: the frame reaches it through
shared memory, and only face boxes, flatness shares and emotion probabilities come back. Once this
process has read the names it searches the tiles the worker has not reached yet (one shared
counter hands out the tiles), so both cores work on faces until the frame is done. This process
keeps the last frame's faces (:class:`capture.faces.FaceTracks`) and sends them with each frame as
the priors of its search, which both processes use, so a face that stayed put is looked for only
around where it was.

:class:`FaceThread` does the same on a thread of this process (the caller's thread joins the face
search once its names are read); it needs no picklable emotion model, and is what runs where a
process cannot be started (``capture.face_process: false``).

The process is started with ``spawn`` (the same on Linux, macOS and Windows; the parent's threads and
native libraries are not forked). It ignores Ctrl-C, which the parent handles, and stops with it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from capture.box import Box
from capture.errors import CaptureError
from capture.faces import (
    MIN_FACE_SIZE,
    FaceBox,
    FaceDetector,
    FaceSearch,
    FaceTracks,
    TileFace,
    crop_face,
    search_tile,
    tile_faces,
)
from capture.identity import face_signature

START_TIMEOUT_S = 120.0  # loading the detector and the emotion model (a cold disk, a slow laptop)
STOP_TIMEOUT_S = 5.0
EMOTION_CHUNK = 8  # faces classified together while the face search goes on
LOCK_TIMEOUT_S = 5.0  # the tile counter is held for microseconds; longer means its holder died


class EmotionModel(Protocol):
    """What the worker needs of :class:`model.EmotionClassifier`: ``predict``, and to be picklable
    (the worker process loads its own copy)."""

    def predict(self, crops: Sequence[np.ndarray]) -> np.ndarray: ...


@dataclass(frozen=True)
class FrameFaces:
    """Every tile's face, the emotion probabilities and identity signature
    (:func:`capture.identity.face_signature`) of each tile with a face (by tile position), the
    milliseconds each step took, and the CPU milliseconds of the worker process for the frame (0 on
    a thread, whose CPU is this process's)."""

    tiles: list[TileFace]
    scores: dict[int, np.ndarray] = field(repr=False)
    detection_ms: float
    emotions_ms: float
    worker_cpu_ms: float = 0.0
    signatures: dict[int, np.ndarray | None] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class _Request:
    memory: str
    shape: tuple[int, ...]
    tiles: list[tuple[int, Box]]
    priors: list[Box | None]


def faces_and_scores(search: FaceSearch, classifier: EmotionModel) -> FrameFaces:
    """Work on ``search`` until its tiles are done, then one emotion batch over the tiles with a face
    (the worker thread's part; the caller's thread may join the search)."""
    start = time.perf_counter()
    search.work(0)
    found = search.result()
    detected = time.perf_counter()
    with_face = [k for k, tf in enumerate(found) if tf.face is not None]
    scores: dict[int, np.ndarray] = {}
    signatures: dict[int, np.ndarray | None] = {}
    _score(classifier, with_face, [tf.face.image for tf in found if tf.face is not None], scores, signatures)
    return FrameFaces(
        found,
        scores,
        (detected - start) * 1000,
        (time.perf_counter() - detected) * 1000,
        signatures=signatures,
    )


def _score(
    classifier: EmotionModel,
    positions: Sequence[int],
    crops: Sequence[np.ndarray],
    scores: dict[int, np.ndarray],
    signatures: dict[int, np.ndarray | None],
) -> None:
    """One emotion batch over ``crops`` (the faces of the tiles at ``positions``): their
    probabilities and identity signatures into ``scores`` and ``signatures``."""
    if not crops:
        return
    probs = classifier.predict(crops)
    for row, k in enumerate(positions):
        scores[k], signatures[k] = probs[row], face_signature(crops[row])


class TileCounter(Protocol):
    """A counter shared by the two processes (``multiprocessing.Value("i")``): the next tile to search."""

    value: int

    def get_lock(self) -> Any: ...


def _claim(counter: TileCounter, count: int) -> int | None:
    """The next unclaimed tile position of the frame, or None when every tile is taken."""
    lock = counter.get_lock()
    if not lock.acquire(timeout=LOCK_TIMEOUT_S):
        raise CaptureError("face worker: the shared tile counter stayed locked (the other process died?)")
    try:
        k = counter.value
        if k >= count:
            return None
        counter.value = k + 1
        return k
    finally:
        lock.release()


def claim_and_score(
    detector: FaceDetector,
    classifier: EmotionModel,
    image: np.ndarray,
    tiles: Sequence[tuple[int, Box]],
    counter: TileCounter,
    priors: Sequence[Box | None] | None = None,
) -> tuple[
    dict[int, tuple[FaceBox | None, float | None]],
    dict[int, np.ndarray],
    dict[int, np.ndarray | None],
    float,
    float,
]:
    """Search the tiles claimed from ``counter`` until none are left (each near its face of the last
    frame, ``priors``, when it has one: :func:`capture.faces.search_tile`), classifying their faces
    :data:`EMOTION_CHUNK` at a time as they are found (a batch of 8 costs ONNX Runtime what 8
    faces of a batch of 40 do, and only the last chunk waits for the search to end): {tile
    position: (best face, flat share)}, {tile position: probabilities}, {tile position: face
    signature}, and the milliseconds spent searching and classifying. Both processes run it on the
    same frame, so both cores search."""
    found: dict[int, tuple[FaceBox | None, float | None]] = {}
    scores: dict[int, np.ndarray] = {}
    signatures: dict[int, np.ndarray | None] = {}
    classifying = 0.0

    def classify(positions: list[int]) -> float:
        crops = []
        for k in positions:
            _, (x, y, w, h) = tiles[k]
            face = found[k][0]
            assert face is not None  # only tiles with a face wait to be classified
            crops.append(crop_face(image[y : y + h, x : x + w], face.box))
        start = time.perf_counter()
        _score(classifier, positions, crops, scores, signatures)
        return time.perf_counter() - start

    start = time.perf_counter()
    waiting: list[int] = []
    while (k := _claim(counter, len(tiles))) is not None:
        _, (x, y, w, h) = tiles[k]
        found[k] = search_tile(
            detector, image[y : y + h, x : x + w], prior=priors[k] if priors is not None else None
        )
        if found[k][0] is not None:
            waiting.append(k)
        if len(waiting) >= EMOTION_CHUNK:
            classifying += classify(waiting)
            waiting = []
    searching = time.perf_counter() - start - classifying
    if waiting:
        classifying += classify(waiting)
    return found, scores, signatures, searching * 1000, classifying * 1000


def _serve(
    conn: Connection, classifier: EmotionModel, detector_options: dict[str, Any], counter: TileCounter
) -> None:
    """The worker process: load, say ready (or why not), then answer one request per frame until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    cv2.setNumThreads(1)
    try:
        detector = FaceDetector.load(threads=1, **detector_options)
    except Exception as exc:  # noqa: BLE001 - any failure to load is reported to the parent as a message
        conn.send(("error", str(exc)))
        return
    conn.send(("ready", detector.backend))
    memory: SharedMemory | None = None
    try:
        while True:
            request = conn.recv()
            if request is None:
                break
            try:
                if memory is None or memory.name != request.memory:
                    if memory is not None:
                        memory.close()
                    memory = SharedMemory(request.memory)
                image = np.ndarray(request.shape, np.uint8, memory.buf)
                cpu = time.process_time()
                found = claim_and_score(detector, classifier, image, request.tiles, counter, request.priors)
                conn.send(("ok", found, (time.process_time() - cpu) * 1000))
                del image, found
            except Exception as exc:  # noqa: BLE001 - reported per frame; the worker keeps serving
                conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"))
    except (EOFError, OSError):
        pass  # the parent went away
    finally:
        detector.close()
        if memory is not None:
            memory.close()


class FaceProcess:
    """The child process that finds faces and classifies emotions for :class:`capture.pipeline.FrameAnalyser`.

    :meth:`start` hands it a frame and returns at once. :meth:`finish`, called once this process
    has read the names, searches the tiles the worker has not taken yet with a detector of its own
    (the two take tiles from one shared counter), classifies their faces with ``classifier``, and
    waits for the worker's answer. One frame at a time.
    """

    def __init__(
        self,
        classifier: EmotionModel,
        *,
        model_path: Path | None = None,
        min_face_size: int = MIN_FACE_SIZE,
        backend: str = "auto",
        start_timeout_s: float = START_TIMEOUT_S,
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._counter: TileCounter = context.Value("i", 0)
        self.classifier = classifier
        options = {"model_path": model_path, "min_face_size": min_face_size, "backend": backend}
        self._detector = FaceDetector.load(
            threads=1, model_path=model_path, min_face_size=min_face_size, backend=backend
        )
        self._process = context.Process(
            target=_serve,
            args=(child, classifier, options, self._counter),
            name="classmood-faces",
            daemon=True,
        )
        try:
            self._process.start()
        except Exception as exc:  # noqa: BLE001 - pickling the classifier, or the platform refusing a process
            self._detector.close()
            raise CaptureError(
                f"face worker process: cannot start it ({type(exc).__name__}: {exc})"
            ) from None
        finally:
            child.close()
        self._memory: SharedMemory | None = None
        self._retired: SharedMemory | None = None
        self._pending: tuple[np.ndarray, list[tuple[int, Box]], list[Box | None]] | None = None
        self._tracks = FaceTracks()
        if not self._conn.poll(start_timeout_s):
            self.close()
            raise CaptureError(f"face worker process: not ready after {start_timeout_s:.0f} s")
        kind, detail = self._receive()
        if kind != "ready":
            self.close()
            raise CaptureError(f"face worker process: {detail}")
        self.backend: str = detail

    @property
    def pid(self) -> int | None:
        """The worker process's id (for a task manager or a test)."""
        return self._process.pid

    def _receive(self) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = self._conn.recv()
            return message
        except (EOFError, OSError):
            self._process.join(1.0)
            code = self._process.exitcode
            raise CaptureError(f"face worker process stopped unexpectedly (exit code {code})") from None

    def start(self, image: np.ndarray, tiles: Sequence[tuple[int, Box]]) -> None:
        """Send one frame (BGR uint8) and its tiles' ``(index, box)`` to the worker."""
        if self._pending is not None:
            raise CaptureError("face worker process: the previous frame's faces were not collected")
        frame = np.ascontiguousarray(image)
        if frame.dtype != np.uint8:
            raise CaptureError(f"face worker process: expected a uint8 image, got {frame.dtype}")
        if self._memory is None or self._memory.size < frame.nbytes:
            self._retired, self._memory = self._memory, SharedMemory(create=True, size=max(frame.nbytes, 1))
        np.copyto(np.ndarray(frame.shape, np.uint8, self._memory.buf), frame)
        boxes: list[tuple[int, Box]] = [
            (int(i), (int(x), int(y), int(w), int(h))) for i, (x, y, w, h) in tiles
        ]
        priors = self._tracks.priors(boxes)
        self._counter.value = 0  # the worker is idle between frames
        try:
            self._conn.send(_Request(self._memory.name, frame.shape, boxes, priors))
        except (BrokenPipeError, OSError):
            raise CaptureError("face worker process stopped unexpectedly") from None
        self._pending = (frame, boxes, priors)

    def finish(self) -> FrameFaces:
        """The faces and scores of the frame given to :meth:`start`."""
        if self._pending is None:
            raise CaptureError("face worker process: no frame was started")
        frame, boxes, priors = self._pending
        self._pending = None
        try:
            own, own_scores, own_signatures, _, _ = claim_and_score(
                self._detector,
                self.classifier,
                frame,
                boxes,
                self._counter,
                priors,
            )
        finally:
            reply = self._receive()
        if self._retired is not None:  # the worker has moved to the new memory
            _release(self._retired)
            self._retired = None
        if reply[0] != "ok":
            raise CaptureError(f"face worker process: {reply[1]}")
        (found, scores, signatures, detection_ms, emotions_ms), cpu_ms = reply[1], reply[2]
        found.update(own)
        scores.update(own_scores)
        signatures.update(own_signatures)
        if len(found) != len(boxes):
            raise CaptureError(f"face worker: {len(found)} of {len(boxes)} tiles searched")
        faces = [found[k][0] for k in range(len(boxes))]
        self._tracks.update(boxes, faces)
        tiles = tile_faces(frame, boxes, faces, [found[k][1] for k in range(len(boxes))])
        return FrameFaces(tiles, scores, detection_ms, emotions_ms, cpu_ms, signatures)

    def close(self) -> None:
        """Stop the worker process and free the shared memory."""
        if self._process.is_alive():
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(None)
            self._process.join(STOP_TIMEOUT_S)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(STOP_TIMEOUT_S)
        self._conn.close()
        self._detector.close()
        for memory in (self._memory, self._retired):
            if memory is not None:
                _release(memory)
        self._memory = self._retired = None

    def __enter__(self) -> FaceProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _release(memory: SharedMemory) -> None:
    memory.close()
    with contextlib.suppress(FileNotFoundError):
        memory.unlink()


class FaceThread:
    """Faces and emotions on a worker thread of this process, with the same :meth:`start` and
    :meth:`finish` as :class:`FaceProcess`. The worker takes the frame's tiles from the start; the
    caller's thread joins the search in :meth:`finish` (when the detector has a second worker slot)."""

    def __init__(self, detector: FaceDetector, classifier: EmotionModel) -> None:
        self.detector = detector
        self.classifier = classifier
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="faces-emotions")
        self._pending: tuple[FaceSearch, Future[FrameFaces]] | None = None
        self._tracks = FaceTracks()

    def start(self, image: np.ndarray, tiles: Sequence[tuple[int, Box]]) -> None:
        """Start the face search of one frame's tiles on the worker thread."""
        if self._pending is not None:
            raise CaptureError("face worker thread: the previous frame's faces were not collected")
        search = self.detector.search(image, tiles, self._tracks.priors(tiles))
        self._pending = (search, self._pool.submit(self._run, search))

    def finish(self) -> FrameFaces:
        """Help with the tiles not searched yet, then the faces and scores of the frame."""
        if self._pending is None:
            raise CaptureError("face worker thread: no frame was started")
        search, job = self._pending
        self._pending = None
        if self.detector.threads > 1:
            search.work(1)
        faces = job.result()
        self._tracks.update(search.tiles, search.boxes()[0])
        return faces

    def _run(self, search: FaceSearch) -> FrameFaces:
        return faces_and_scores(search, self.classifier)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.detector.close()

    def __enter__(self) -> FaceThread:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
