"""Frame values and the sources that produce them: screen, camera, video file, image folder, synthetic lecture.

Every source is an iterable of :class:`Frame` and a context manager. Live sources (screen, camera)
grab a new image only when the consumer asks for the next frame, so nothing queues up while the
agent is busy; their ``index`` counts grabs. Offline sources (video, images, synth) yield as fast as
they are read, with ``index`` the 0-based position of the frame in the source.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

import cv2
import numpy as np

from capture.errors import CaptureError
from capture.settings import CaptureSettings, SourceKind
from model.moments import aware_utc

log = logging.getLogger(__name__)
# OpenCV's own log lines ("[ WARN:0@1.6] global grfmt_png.cpp ...") are off: every frame it cannot
# read is reported by the source itself, in one line that names the file.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)

IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm"}
)


@dataclass(frozen=True)
class Frame:
    """One captured image: ``image`` is BGR uint8 (h, w, 3); ``timestamp`` is timezone-aware UTC."""

    index: int
    timestamp: datetime
    image: np.ndarray = field(repr=False, compare=False)


@runtime_checkable
class FrameSource(Protocol):
    """An iterable of frames that can be closed; ``live`` sources are grabbed on demand."""

    live: bool

    def __iter__(self) -> Iterator[Frame]: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def _utc(moment: datetime | None) -> datetime:
    """A source's start time in UTC (now when none is given; a naive one is refused)."""
    return datetime.now(UTC) if moment is None else aware_utc(moment)


def _bgr(image: np.ndarray) -> np.ndarray:
    """Any 8-bit image cv2 returns (gray, BGR, BGRA) -> contiguous BGR uint8."""
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(float(image.max()), 1.0))
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return np.ascontiguousarray(image)


class _SourceBase:
    live: bool = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the device or file; safe to call twice."""

    def describe(self) -> str:
        raise NotImplementedError


# --- screen -------------------------------------------------------------------------------------


def _import_mss() -> Any:
    try:
        import mss
    except ImportError as exc:  # pragma: no cover - mss is a declared dependency
        raise CaptureError("screen capture needs the 'mss' package (pip install mss)") from exc
    return mss


def _monitor_list(monitors: list[dict[str, int]]) -> str:
    shown = [f"{i}={m['width']}x{m['height']}+{m['left']}+{m['top']}" for i, m in enumerate(monitors)]
    return ", ".join(shown) + " (0 = all monitors together)"


def find_window(title: str) -> tuple[int, int, int, int]:
    """Screen box (x, y, w, h) of the first visible window whose title contains ``title`` (X11, xdotool)."""
    xdotool = shutil.which("xdotool")
    if xdotool is None:
        raise CaptureError(
            f"window {title!r}: window capture is not supported here (needs X11 and the 'xdotool' program); "
            "use a monitor or region instead"
        )
    found = subprocess.run(
        [xdotool, "search", "--onlyvisible", "--name", re.escape(title)],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    ids = found.stdout.split()
    if not ids:
        raise CaptureError(f"window {title!r}: no visible window with that title")
    geometry = subprocess.run(
        [xdotool, "getwindowgeometry", "--shell", ids[0]],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    values = dict(line.split("=", 1) for line in geometry.stdout.splitlines() if "=" in line)
    try:
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])
    except (KeyError, ValueError):
        raise CaptureError(f"window {title!r}: cannot read its position") from None


class ScreenSource(_SourceBase):
    """Grabs a monitor, a region (x, y, w, h) or a window by title with mss, one shot per ``next()``."""

    live = True

    def __init__(
        self,
        monitor: int = 1,
        region: tuple[int, int, int, int] | None = None,
        window_title: str | None = None,
        start: datetime | None = None,
    ) -> None:
        self._mss_module = _import_mss()
        self.monitor = monitor
        self.region = region
        self.window_title = window_title
        self._grabber: Any = None
        self._count = 0
        self._window_missing = False
        self._last_size = (360, 640)
        try:
            self._grabber = self._mss_module.mss()
            monitors = list(self._grabber.monitors)
        except self._mss_module.exception.ScreenShotError as exc:
            self.close()
            raise CaptureError(f"screen: cannot open the display ({str(exc).splitlines()[0]})") from None
        self._monitors = monitors
        if window_title is None and region is None and not 0 <= monitor < len(monitors):
            self.close()
            raise CaptureError(f"monitor {monitor}: no such monitor; available: {_monitor_list(monitors)}")
        if region is not None:
            self._check_region(region)
        if window_title is not None:
            self._check_region(find_window(window_title), what=f"window {window_title!r}")

    def _check_region(self, box: tuple[int, int, int, int], what: str | None = None) -> None:
        x, y, w, h = box
        everything = self._monitors[0]
        inside = (
            w > 0
            and h > 0
            and x >= everything["left"]
            and y >= everything["top"]
            and x + w <= everything["left"] + everything["width"]
            and y + h <= everything["top"] + everything["height"]
        )
        if not inside:
            name = what or f"region {x},{y},{w},{h}"
            monitors = _monitor_list(self._monitors)
            self.close()
            raise CaptureError(f"{name}: not inside the screen; available monitors: {monitors}")

    def _window_target(self, title: str) -> dict[str, int] | None:
        """The window's on-screen box, or None (one warning) while it is closed, minimised or off-screen."""
        try:
            x, y, w, h = find_window(title)
        except CaptureError as exc:
            reason = str(exc)
        else:
            everything = self._monitors[0]
            left, top = max(x, everything["left"]), max(y, everything["top"])
            right = min(x + w, everything["left"] + everything["width"])
            bottom = min(y + h, everything["top"] + everything["height"])
            if right > left and bottom > top:
                if self._window_missing:
                    log.warning("window %r: visible again", title)
                    self._window_missing = False
                return {"left": left, "top": top, "width": right - left, "height": bottom - top}
            reason = f"window {title!r}: not on the screen"
        if not self._window_missing:
            log.warning("%s (closed or minimised?): blank frames until it is back", reason)
            self._window_missing = True
        return None

    def _target(self) -> dict[str, int] | None:
        if self.window_title is not None:
            return self._window_target(self.window_title)
        if self.region is not None:
            x, y, w, h = self.region
            return {"left": x, "top": y, "width": w, "height": h}
        return dict(self._monitors[self.monitor])

    def grab(self) -> Frame:
        """Take one screenshot now (a black one while the captured window is closed or minimised)."""
        if self._grabber is None:
            raise CaptureError("screen: source is closed")
        target = self._target()
        if target is None:
            image = np.zeros((*self._last_size, 3), dtype=np.uint8)
        else:
            try:
                shot = self._grabber.grab(target)
            except self._mss_module.exception.ScreenShotError as exc:
                raise CaptureError(
                    f"{self.describe()}: screenshot failed ({str(exc).splitlines()[0]})"
                ) from None
            image = np.asarray(shot, dtype=np.uint8)[:, :, :3]
            self._last_size = (image.shape[0], image.shape[1])
        frame = Frame(self._count, datetime.now(UTC), np.ascontiguousarray(image))
        self._count += 1
        return frame

    def __iter__(self) -> Iterator[Frame]:
        while self._grabber is not None:
            yield self.grab()

    def describe(self) -> str:
        if self.window_title is not None:
            return f"screen window {self.window_title!r}"
        if self.region is not None:
            return "screen region {},{},{},{}".format(*self.region)
        return f"screen monitor {self.monitor}"

    def close(self) -> None:
        if self._grabber is not None:
            self._grabber.close()
            self._grabber = None


# --- camera -------------------------------------------------------------------------------------


class CameraSource(_SourceBase):
    """A webcam through cv2.VideoCapture; each ``next()`` reads the newest frame the driver has."""

    live = True

    def __init__(self, index: int = 0) -> None:
        self.index = index
        self._capture: cv2.VideoCapture | None = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            self.close()
            raise CaptureError(f"camera {index}: cannot open it (not connected, busy, or no permission)")
        self._capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        self._count = 0

    def __iter__(self) -> Iterator[Frame]:
        while self._capture is not None:
            ok, image = self._capture.read()
            if not ok or image is None:
                raise CaptureError(f"camera {self.index}: stopped delivering frames")
            yield Frame(self._count, datetime.now(UTC), _bgr(image))
            self._count += 1

    def describe(self) -> str:
        return f"camera {self.index}"

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


# --- video file ---------------------------------------------------------------------------------


class VideoSource(_SourceBase):
    """A video file sampled at ``fps`` frames per second of video time (every frame if the file is slower).

    Timestamps are ``start`` plus the frame's position in the video. A file that ends early or has
    an undecodable frame stops the iteration with a logged warning.
    """

    live = False

    def __init__(self, path: Path, fps: float | None = None, start: datetime | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise CaptureError(f"video {self.path}: file not found")
        self._capture: cv2.VideoCapture | None = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            self.close()
            raise CaptureError(
                f"video {self.path}: cannot open it (not a video, corrupt, or unsupported codec)"
            )
        native = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.native_fps = native if math.isfinite(native) and native > 0 else 25.0
        self.frame_count = max(int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 0)
        self.step = max(1, round(self.native_fps / fps)) if fps else 1
        self.start = _utc(start)

    def __iter__(self) -> Iterator[Frame]:
        capture = self._capture
        if capture is None:
            return
        position = 0
        while True:
            ok, image = capture.read()
            if not ok or image is None:
                if position == 0:
                    raise CaptureError(f"video {self.path}: no frame could be decoded")
                if self.frame_count and position < self.frame_count - 1:
                    log.warning(
                        "video %s: stopped at frame %d of %d (file truncated or corrupt)",
                        self.path,
                        position,
                        self.frame_count,
                    )
                return
            timestamp = self.start + timedelta(seconds=position / self.native_fps)
            yield Frame(position, timestamp, _bgr(image))
            for _ in range(self.step - 1):
                position += 1
                if not capture.grab():
                    if self.frame_count and position < self.frame_count - 1:
                        log.warning(
                            "video %s: stopped at frame %d of %d (file truncated or corrupt)",
                            self.path,
                            position,
                            self.frame_count,
                        )
                    return
            position += 1

    def describe(self) -> str:
        return f"video {self.path}"

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


# --- image folder -------------------------------------------------------------------------------


class ImageFolderSource(_SourceBase):
    """The images of a folder (or one image file) in name order; other files are skipped with a warning.

    ``index`` is the position among the image files; timestamps are ``start + index / fps``.
    """

    live = False

    def __init__(self, path: Path, fps: float = 1.0, start: datetime | None = None) -> None:
        self.path = Path(path)
        if self.path.is_file():
            files = [self.path]
        elif self.path.is_dir():
            entries = sorted(p for p in self.path.iterdir() if p.is_file() and not p.name.startswith("."))
            files = [p for p in entries if p.suffix.lower() in IMAGE_SUFFIXES]
            others = [p.name for p in entries if p.suffix.lower() not in IMAGE_SUFFIXES]
            if others:
                log.warning(
                    "images %s: skipping %d file(s) that are not images: %s",
                    self.path,
                    len(others),
                    ", ".join(others[:5]) + (" ..." if len(others) > 5 else ""),
                )
        else:
            raise CaptureError(f"images {self.path}: no such file or folder")
        if not files:
            raise CaptureError(f"images {self.path}: no image files in the folder")
        self.files: tuple[Path, ...] = tuple(files)
        self.fps = fps
        self.start = _utc(start)

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[Frame]:
        decoded = 0
        for index, file in enumerate(self.files):
            image = cv2.imread(str(file), cv2.IMREAD_UNCHANGED)
            if image is None or image.size == 0:
                log.warning("images %s: skipping %s (cannot decode it)", self.path, file.name)
                continue
            decoded += 1
            yield Frame(index, self.start + timedelta(seconds=index / self.fps), _bgr(image))
        if decoded == 0:
            raise CaptureError(
                f"images {self.path}: none of the {len(self.files)} image files could be decoded"
            )

    def describe(self) -> str:
        return f"images {self.path} ({len(self.files)} files)"


# --- synthetic lecture --------------------------------------------------------------------------


class SynthSource(_SourceBase):
    """A synthetic Zoom-like lecture rendered on the fly from a folder of labelled faces.

    ``truth(index)`` returns the ground truth of a frame already yielded.
    """

    live = False

    def __init__(
        self,
        faces_dir: Path,
        *,
        students: int = 25,
        frames: int = 200,
        seed: int = 0,
        fps: float = 1.0,
        start: datetime | None = None,
        **style: Any,
    ) -> None:
        from capture.synth import FaceLibrary

        self.faces_dir = Path(faces_dir)
        self.library = FaceLibrary.load(self.faces_dir)
        self.students = students
        self.frames = frames
        self.seed = seed
        self.fps = fps
        self.style = style
        self.start = _utc(start)
        self._truth: dict[int, Any] = {}

    def __iter__(self) -> Iterator[Frame]:
        from capture.synth import render_lecture

        lecture = render_lecture(
            self.library, students=self.students, frames=self.frames, seed=self.seed, **self.style
        )
        for image, truth in lecture:
            self._truth[truth.index] = truth
            yield Frame(truth.index, self.start + timedelta(seconds=truth.index / self.fps), image)

    def class_list(self) -> tuple[str, ...]:
        """Everyone this lecture will show, as a teacher's roster would list them."""
        from capture.synth import class_list

        return class_list(
            self.library, students=self.students, frames=self.frames, seed=self.seed, **self.style
        )

    def truth(self, index: int) -> Any:
        """The :class:`capture.synth.TruthFrame` of a yielded frame."""
        return self._truth[index]

    def describe(self) -> str:
        return f"synthetic lecture ({self.students} students, {self.frames} frames, seed {self.seed})"


def open_source(
    kind: str,
    *,
    settings: CaptureSettings,
    path: Path | None = None,
    camera_index: int | None = None,
    faces_dir: Path | None = None,
    monitor: int | None = None,
    region: tuple[int, int, int, int] | None = None,
    window_title: str | None = None,
    students: int = 25,
    frames: int = 200,
    seed: int = 0,
    start: datetime | None = None,
    **synth_style: Any,
) -> FrameSource:
    """Open the source ``kind`` (one of :class:`~capture.settings.SourceKind`); arguments override ``settings``."""
    if kind == "screen":
        return ScreenSource(
            monitor=settings.monitor if monitor is None else monitor,
            region=settings.region if region is None else region,
            window_title=settings.window_title if window_title is None else window_title,
            start=start,
        )
    if kind == "camera":
        return CameraSource(settings.camera_index if camera_index is None else camera_index)
    if kind == "video":
        chosen = path if path is not None else settings.path
        if chosen is None:
            raise CaptureError("video: no file given (--source video FILE, or capture.path)")
        return VideoSource(Path(chosen), fps=settings.fps, start=start)
    if kind == "images":
        chosen = path if path is not None else settings.path
        if chosen is None:
            raise CaptureError("images: no folder given (--source images FOLDER, or capture.path)")
        return ImageFolderSource(Path(chosen), fps=settings.fps, start=start)
    if kind == "synth":
        chosen = faces_dir if faces_dir is not None else settings.path
        if chosen is None:
            raise CaptureError("synth: no faces folder given (use --faces)")
        return SynthSource(
            Path(chosen),
            students=students,
            frames=frames,
            seed=seed,
            fps=settings.fps,
            start=start,
            **synth_style,
        )
    raise CaptureError(f"source {kind!r}: unknown kind; expected one of {', '.join(SourceKind)}")
