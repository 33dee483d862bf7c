"""A phone photo of the monitor showing the call, instead of a screenshot: what the agent gets.

Issue #21 asks for it as best effort. Each generated gallery (``render_lecture``, Zoom-like, one
frame) is "photographed": the screen seen at an angle (its corners moved by up to ``--tilt`` of its
size: keystone and a slight rotation) inside a dark bezel on a desk, the moire of the camera's
sensor against the screen's pixel grid, lens blur, sensor noise, a colder white balance and JPEG.
The truth boxes are carried through the same perspective (the bounding box of a tile's corners);
a tile counts as found when a tile read overlaps it by IoU 0.5, its name when read exactly, its face
when the tile found has an emotion.

    .venv/bin/python bench/monitor_photo.py [--students 9 16 25] [--seeds 3] [--tilt 0.04] [--no-moire] [--json]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.capture_accuracy import tile_overlap  # noqa: E402
from bench.report import emit, machine  # noqa: E402
from capture.box import Box  # noqa: E402
from capture.frames import Frame  # noqa: E402
from capture.name_text import normalise  # noqa: E402
from capture.pipeline import FrameAnalyser  # noqa: E402
from capture.synth import FaceLibrary, render_lecture  # noqa: E402
from model import EmotionClassifier  # noqa: E402

FACES = ROOT / ".." / "shared" / "datasets" / "fer2013" / "test"
PHOTO = (1920, 1080)  # the phone photo's size, scaled down as it would be shared


@dataclass(frozen=True)
class Photo:
    """A photographed frame and the perspective that took the screen into it."""

    image: np.ndarray
    warp: np.ndarray  # 3x3, screen pixels -> photo pixels


def photograph(screen: np.ndarray, rng: np.random.Generator, tilt: float, moire: bool) -> Photo:
    """``screen`` as a phone photo of the monitor showing it (see the module's docstring)."""
    h, w = screen.shape[:2]
    pw, ph = PHOTO
    inset = np.array([0.06 * pw, 0.08 * ph])
    target = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32) * (1 - 2 * inset / [pw, ph]) + inset
    target += rng.uniform(-tilt, tilt, (4, 2)).astype(np.float32) * [pw, ph]
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    warp = cv2.getPerspectiveTransform(source, target.astype(np.float32))
    shown = screen.astype(np.float32)
    if moire:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        angle, period = rng.uniform(0, np.pi), rng.uniform(3.0, 7.0)
        bands = np.sin(2 * np.pi * (xx * np.cos(angle) + yy * np.sin(angle)) / period)
        shown *= (1 + 0.08 * bands)[:, :, None]
    desk = np.full((ph, pw, 3), (38, 44, 52), np.float32)  # a dim room round a black bezel
    bezel = cv2.warpPerspective(np.full((h, w), 255, np.uint8), warp, (pw, ph))
    cv2.dilate(bezel, np.ones((25, 25), np.uint8), dst=bezel)
    desk[bezel > 0] = (12, 12, 12)
    photo = cv2.warpPerspective(
        np.clip(shown, 0, 255), warp, (pw, ph), dst=desk, borderMode=cv2.BORDER_TRANSPARENT
    )
    photo = cv2.GaussianBlur(photo, (0, 0), float(rng.uniform(0.6, 1.2)))
    photo = photo * np.array([1.06, 1.0, 0.93], np.float32) + rng.normal(0, 4, photo.shape)
    ok, data = cv2.imencode(".jpg", np.clip(photo, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
    return Photo(np.asarray(image, np.uint8), warp)


def carried(box: Box, warp: np.ndarray) -> Box:
    """The bounding box of ``box``'s corners taken through ``warp``."""
    x, y, w, h = box
    corners = np.array([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]], np.float32)
    moved = cv2.perspectiveTransform(corners, warp)[0]
    x0, y0 = moved.min(axis=0)
    x1, y1 = moved.max(axis=0)
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def run(students: int, seed: int, tilt: float, moire: bool, classifier: EmotionClassifier) -> dict[str, Any]:
    """One photographed gallery of ``students`` through a fresh analyser: what was found."""
    screen, truth = next(
        render_lecture(FaceLibrary.load(FACES), students=students, frames=1, seed=seed, dynamics=False)
    )
    photo = photograph(screen, np.random.default_rng([seed, students]), tilt, moire)
    with FrameAnalyser.create(classifier, smoothing_window=1) as analyser:
        analysis = analyser.analyse(Frame(0, datetime(2026, 1, 1, tzinfo=UTC), photo.image))
    found = names = faces = live = 0
    for student in truth.students:
        box = carried(student.box, photo.warp)
        live += student.camera
        match = max(analysis.students, key=lambda r: tile_overlap(r, box), default=None)
        if match is None or tile_overlap(match, box) < 0.5:
            continue
        found += 1
        names += normalise(match.name) == normalise(student.name)
        faces += student.camera and match.scores is not None
    return {
        "students": students,
        "seed": seed,
        "tiles": len(truth.students),
        "tiles_read": len(analysis.students),
        "tiles_found": found,
        "live_faces": live,
        "faces_found": faces,
        "names_exact": names,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[9, 16, 25])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--tilt", type=float, default=0.04, help="corner shift, share of the size")
    parser.add_argument("--no-moire", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    classifier = EmotionClassifier.load()
    results = [
        run(students, seed, args.tilt, not args.no_moire, classifier)
        for students in args.students
        for seed in range(args.seeds)
    ]
    pooled = {
        k: sum(r[k] for r in results)
        for k in ("tiles", "tiles_read", "tiles_found", "live_faces", "faces_found", "names_exact")
    }
    if not args.json:
        for r in results:
            print(
                f"{r['students']:3d} students seed {r['seed']}: tiles {r['tiles_found']}/{r['tiles']} "
                f"({r['tiles_read']} read), faces {r['faces_found']}/{r['live_faces']}, names {r['names_exact']}"
            )
    summary = {"machine": machine(), "tilt": args.tilt, "moire": not args.no_moire, **pooled}
    emit({**summary, "runs": results} if args.json else summary, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
