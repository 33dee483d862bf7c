"""Frame sources: image folders, video files (good, corrupt, truncated), synth, camera errors, factory."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture import CaptureError, Frame, FrameSource, open_source
from capture.frames import CameraSource, ImageFolderSource, VideoSource
from capture.settings import CaptureSettings

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _image(i: int, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    image = np.zeros((size[1], size[0], 3), np.uint8)
    image[:] = (10 * i % 256, 80, 200 - 10 * i % 200)
    cv2.putText(image, str(i), (5, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
    return image


def _video(path: Path, frames: int, fps: float = 5.0) -> list[np.ndarray]:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (64, 48))
    assert writer.isOpened()
    images = [_image(i) for i in range(frames)]
    for image in images:
        writer.write(image)
    writer.release()
    return images


def test_image_folder_in_name_order_skipping_non_images(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for i in (2, 0, 1):
        cv2.imwrite(str(tmp_path / f"frame_{i:05d}.png"), _image(i))
    (tmp_path / "truth.json").write_text("{}")
    (tmp_path / "frame_00003.png").write_bytes(b"not a png at all")
    settings = CaptureSettings(fps=2.0)
    with (
        caplog.at_level(logging.WARNING, logger="capture.frames"),
        open_source("images", settings=settings, path=tmp_path, start=START) as source,
    ):
        assert isinstance(source, FrameSource) and source.live is False
        frames = list(source)
    assert [f.index for f in frames] == [0, 1, 2]
    assert [f.timestamp for f in frames] == [START + timedelta(seconds=i / 2) for i in range(3)]
    assert all(f.timestamp.tzinfo is not None for f in frames)
    assert np.array_equal(frames[1].image, _image(1))
    assert "truth.json" in caplog.text and "frame_00003.png" in caplog.text


def test_gray_and_alpha_images_become_bgr(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), np.full((20, 30), 90, np.uint8))
    cv2.imwrite(str(tmp_path / "b.png"), np.full((20, 30, 4), 90, np.uint8))
    frames = list(ImageFolderSource(tmp_path))
    assert [f.image.shape for f in frames] == [(20, 30, 3), (20, 30, 3)]


def test_empty_or_missing_folder_is_a_capture_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hi")
    with pytest.raises(CaptureError, match="no image files"):
        ImageFolderSource(tmp_path / "empty")
    with pytest.raises(CaptureError, match="no such file or folder"):
        ImageFolderSource(tmp_path / "missing")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "x.png").write_bytes(b"\x89PNG garbage")
    with pytest.raises(CaptureError, match="could be decoded"):
        list(ImageFolderSource(tmp_path / "broken"))


def test_video_from_frames_every_frame_and_sampled(tmp_path: Path) -> None:
    path = tmp_path / "lecture.avi"
    images = _video(path, 12, fps=5.0)
    with VideoSource(path, fps=5.0, start=START) as source:
        frames = list(source)
    assert [f.index for f in frames] == list(range(12))
    assert frames[5].timestamp == START + timedelta(seconds=1)
    assert frames[3].image.shape == (48, 64, 3)
    assert np.abs(frames[3].image.astype(int) - images[3]).mean() < 12  # MJPG is lossy
    sampled = list(open_source("video", settings=CaptureSettings(fps=1.0), path=path, start=START))
    assert [f.index for f in sampled] == [0, 5, 10]
    assert [f.timestamp for f in sampled] == [
        START,
        START + timedelta(seconds=1),
        START + timedelta(seconds=2),
    ]


def test_corrupt_video_is_a_capture_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.mp4"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    with pytest.raises(CaptureError, match=r"corrupt\.mp4"):
        list(VideoSource(path))
    with pytest.raises(CaptureError, match="file not found"):
        VideoSource(tmp_path / "nope.mp4")


def test_truncated_video_stops_cleanly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "cut.avi"
    _video(path, 30)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    try:
        source = VideoSource(path)
    except CaptureError as exc:
        assert "cut.avi" in str(exc)
        return
    with caplog.at_level(logging.WARNING, logger="capture.frames"), source:
        frames = list(source)
    assert len(frames) < 30
    assert all(f.image.shape == (48, 64, 3) for f in frames)


def test_synth_source_yields_frames_with_truth(tiny_faces: Path) -> None:
    settings = CaptureSettings(fps=4.0)
    with open_source(
        "synth", settings=settings, faces_dir=tiny_faces, students=4, frames=3, seed=2, start=START
    ) as src:
        assert src.live is False and "synthetic" in src.describe()
        frames = list(src)
        assert [f.index for f in frames] == [0, 1, 2]
        assert frames[2].timestamp == START + timedelta(seconds=0.5)
        assert frames[0].image.shape == (1080, 1920, 3)
        assert 1 <= len(src.truth(1).students) <= 4


def test_factory_errors_name_the_problem(tmp_path: Path) -> None:
    settings = CaptureSettings()
    with pytest.raises(CaptureError, match="unknown kind"):
        open_source("webcam", settings=settings)
    with pytest.raises(CaptureError, match="video: no file"):
        open_source("video", settings=settings)
    with pytest.raises(CaptureError, match="faces folder"):
        open_source("synth", settings=settings, faces_dir=tmp_path / "none")


def test_missing_camera_is_a_capture_error() -> None:
    with pytest.raises(CaptureError, match="camera 97"):
        CameraSource(97)


def test_screen_without_a_display_is_a_capture_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(CaptureError, match="screen"):
        open_source("screen", settings=CaptureSettings())


def test_frame_is_a_frozen_value() -> None:
    frame = Frame(0, START, np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(AttributeError):
        frame.index = 1  # type: ignore[misc]
