"""Calls recorded as H.264 video (a Zoom or Meet recording, a screen recorder's file): the layout
is read through the blocking, ringing and halved colour resolution that H.264 at a low bit rate
leaves, on frames decoded by the video source the agent reads files with."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from capture import parse_gallery, render_lecture
from capture.frames import VideoSource
from capture_helpers import matched

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg not installed (scripts/system-deps.sh)"
)

FRAMES = 3


def _record(frames: list, path: Path, crf: int) -> None:
    """``frames`` (BGR, one size) as an H.264 file, 4:2:0 as recorders write it, at quality ``crf``."""
    h, w = frames[0].shape[:2]
    command = [
        "ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}",
        "-r", "1", "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf),
        "-pix_fmt", "yuv420p", str(path),
    ]  # fmt: skip
    subprocess.run(command, input=b"".join(f.tobytes() for f in frames), check=True)


@pytest.mark.parametrize("crf", [23, 32])
@pytest.mark.parametrize(("client", "students"), [("zoom", 25), ("meet", 9), ("teams", 16), ("zoom", 49)])
def test_every_tile_of_an_h264_recording_is_found(
    faces_dir: Path, tmp_path: Path, client: str, students: int, crf: int
) -> None:
    lecture = list(
        render_lecture(
            faces_dir, students=students, frames=FRAMES, seed=students, dynamics=False, client=client
        )  # type: ignore[arg-type]
    )
    path = tmp_path / "call.mp4"
    _record([image for image, _ in lecture], path, crf)
    decoded = list(VideoSource(path))
    assert len(decoded) == FRAMES
    for frame, (_, truth) in zip(decoded, lecture, strict=True):
        found = [t.box for t in parse_gallery(frame.image).tiles]
        expected = [s.box for s in truth.students]
        assert matched(expected, found, 0.8) == len(expected) == len(found), (client, frame.index)
