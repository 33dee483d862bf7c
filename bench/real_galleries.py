"""The capture agent on real video-call screenshots (``../shared/galleries/``), each image its own lecture.

For every image the real pipeline (layout, BlazeFace, Tesseract names, the committed emotion model)
analyses the screenshot once, as ``classmood capture --source images`` does, and the result is
compared with ``truth.json`` there: participant tiles, live faces recorded with an emotion, and the
names read (exactly the label's text after Unicode NFC and whitespace normalisation), without and
with the class list as roster.

    .venv/bin/python bench/real_galleries.py [--galleries DIR] [--scale S] [--jpeg Q] [--json]
    .venv/bin/python bench/capture_accuracy.py --real [DIR] [--json]      # the same

The time is that of the first frame of a lecture: every label is read for the first time and the
whole-frame face search runs (later frames reuse both). ``--scale`` scales each screenshot first
(INTER_AREA down, INTER_CUBIC up): the same calls as another screen or a resized picture shows
them, a check that nothing read holds at one pixel size only. ``--jpeg`` saves each (scaled)
screenshot as a JPEG of that quality and reads that: screenshots are shared as JPEGs, whose
ringing and colour bleed blur the few grey levels that part a tile from the app's background.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capture.frames import Frame  # noqa: E402
from capture.identity import PLACEHOLDER  # noqa: E402
from capture.pipeline import FrameAnalyser, FrameAnalysis, StudentReading  # noqa: E402
from model import EmotionClassifier  # noqa: E402

GALLERIES = ROOT / ".." / "shared" / "galleries"


def exact_name(name: str) -> str:
    """A label's text as compared: Unicode NFC, runs of white space as one space, no outer spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


@dataclass(frozen=True)
class GalleryScore:
    """One screenshot: what the truth holds and what the agent recorded."""

    image: str
    client: str
    tiles: int
    tiles_found: int
    live_faces: int
    faces_recorded: int
    names: int
    names_exact: int
    names_exact_roster: int
    names_wrong: int  # without a roster: names recorded that no label shows (a placeholder is not one)
    ms: float

    @property
    def tile_recall(self) -> float:
        return min(self.tiles_found, self.tiles) / self.tiles

    @property
    def tile_extra(self) -> float:
        return max(self.tiles_found - self.tiles, 0) / self.tiles


def matched(read: Iterable[str], truth: Iterable[str]) -> int:
    """How many of the truth's names were recorded, each recorded name counting once."""
    return sum((Counter(exact_name(n) for n in read) & Counter(exact_name(n) for n in truth)).values())


def wrong(students: Iterable[StudentReading], truth: Iterable[str]) -> int:
    """How many students got a name that is none of the labels' (unnamed tiles' placeholders aside)."""
    labels = {exact_name(name) for name in truth}
    placeholder = re.compile(re.escape(PLACEHOLDER).replace(re.escape("{}"), r"\d+"))
    return sum(1 for s in students if not placeholder.fullmatch(s.name) and exact_name(s.name) not in labels)


def scaled(image: np.ndarray, scale: float) -> np.ndarray:
    """``image`` as a screen ``scale`` times the size shows it (INTER_AREA down, INTER_CUBIC up)."""
    if scale == 1.0:
        return image
    shrink = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(image, None, fx=scale, fy=scale, interpolation=shrink))


def as_jpeg(image: np.ndarray, quality: int | None) -> np.ndarray:
    """``image`` saved as a JPEG of ``quality`` (OpenCV's 4:2:0) and read back; as it is for None."""
    if quality is None:
        return image
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("the image cannot be encoded as JPEG")
    return np.asarray(cv2.imdecode(encoded, cv2.IMREAD_COLOR))


def analyse_once(
    image_path: Path,
    classifier: EmotionClassifier,
    roster: Iterable[str] = (),
    scale: float = 1.0,
    jpeg: int | None = None,
) -> tuple[FrameAnalysis, float]:
    """One screenshot (scaled by ``scale``, then saved as a JPEG of quality ``jpeg``) through a
    fresh analyser, as the first frame of a lecture, and the milliseconds the frame took (the
    analyser's start-up not counted)."""
    image = cv2.imread(str(image_path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{image_path}: not a readable image")
    image = as_jpeg(scaled(image, scale), jpeg)
    with FrameAnalyser.create(classifier, roster=roster, smoothing_window=1) as analyser:
        start = time.perf_counter()
        analysis = analyser.analyse(Frame(0, datetime(2025, 1, 1, tzinfo=UTC), image))
        return analysis, (time.perf_counter() - start) * 1000


def score_gallery(
    folder: Path,
    name: str,
    truth: dict[str, Any],
    classifier: EmotionClassifier,
    scale: float = 1.0,
    jpeg: int | None = None,
) -> GalleryScore:
    plain, ms = analyse_once(folder / name, classifier, scale=scale, jpeg=jpeg)
    with_roster, _ = analyse_once(folder / name, classifier, roster=truth["names"], scale=scale, jpeg=jpeg)
    return GalleryScore(
        image=name,
        client=truth["client"],
        tiles=truth["tiles"],
        tiles_found=len(plain.students),
        live_faces=truth["live_faces"],
        faces_recorded=plain.faces,
        names=len(truth["names"]),
        names_exact=matched((s.name for s in plain.students), truth["names"]),
        names_exact_roster=matched((s.name for s in with_roster.students), truth["names"]),
        names_wrong=wrong(plain.students, truth["names"]),
        ms=ms,
    )


def score_all(
    folder: Path, classifier: EmotionClassifier, scale: float = 1.0, jpeg: int | None = None
) -> list[GalleryScore]:
    truth = json.loads((folder / "truth.json").read_text())
    return [
        score_gallery(folder, name, entry, classifier, scale, jpeg)
        for name, entry in truth.items()
        if not name.startswith("_")
    ]


def totals(scores: list[GalleryScore]) -> dict[str, float]:
    """Pooled over all images: tile and face recall and extras, name accuracy without and with a
    roster, and wrong names without one (per legible label)."""
    tiles = sum(s.tiles for s in scores)
    faces = sum(s.live_faces for s in scores)
    names = sum(s.names for s in scores)
    return {
        "tile_recall": sum(min(s.tiles_found, s.tiles) for s in scores) / tiles,
        "tile_extra": sum(max(s.tiles_found - s.tiles, 0) for s in scores) / tiles,
        "face_recall": sum(min(s.faces_recorded, s.live_faces) for s in scores) / max(faces, 1),
        "face_extra": sum(max(s.faces_recorded - s.live_faces, 0) for s in scores) / max(faces, 1),
        "names_exact": sum(s.names_exact for s in scores) / names,
        "names_exact_roster": sum(s.names_exact_roster for s in scores) / names,
        "names_wrong": sum(s.names_wrong for s in scores) / names,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--galleries", type=Path, default=GALLERIES, help="folder of screenshots with truth.json"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="scale each screenshot by this first (0.8: a smaller screen)"
    )
    parser.add_argument(
        "--jpeg",
        type=int,
        default=None,
        metavar="Q",
        help="read each screenshot saved as a JPEG of quality Q (1-100)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (args.galleries / "truth.json").is_file():
        print(f"{args.galleries}: no truth.json there", file=sys.stderr)
        return 2
    if not 0.25 <= args.scale <= 4:
        print(f"--scale {args.scale}: give a factor from 0.25 to 4", file=sys.stderr)
        return 2
    if args.jpeg is not None and not 1 <= args.jpeg <= 100:
        print(f"--jpeg {args.jpeg}: give a quality from 1 to 100", file=sys.stderr)
        return 2
    scores = score_all(args.galleries, EmotionClassifier.load(None, threads=2), args.scale, args.jpeg)
    summary = totals(scores)
    if args.json:
        print(json.dumps({"images": [asdict(s) for s in scores], "totals": summary}, indent=1))
        return 0
    for s in scores:
        print(
            f"{s.image:48s} {s.client:6s} tiles {s.tiles_found:2d}/{s.tiles:2d}  faces {s.faces_recorded:2d}/{s.live_faces:2d}"
            f"  names {s.names_exact:2d} ({s.names_exact_roster:2d} roster)/{s.names:2d}, {s.names_wrong:2d} wrong"
            f"  {s.ms:6.0f} ms"
        )
    print("  ".join(f"{k} {v:.1%}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
