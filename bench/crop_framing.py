"""Calibrate how a detector face box is widened into the FER2013 framing the emotion model expects.

The emotion model was trained on FER2013's whole 48x48 images, which show the face with a margin.
BlazeFace's box is tighter and sits lower, so ``capture.faces.fer_crop_box`` scales the box by
``CROP_SCALE`` and moves it by ``CROP_SHIFT_Y`` of its height. This script renders a synthetic
lecture (its own seed, not the one ``bench/capture_accuracy.py`` reports on), detects each
camera-on tile's face once, then classifies the crops for every (scale, shift) on a grid and prints
the end-to-end emotion accuracy of each next to the model's accuracy on the original face images.

    .venv/bin/python bench/crop_framing.py [--students 25] [--frames 40] [--seed 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.capture_accuracy import FACES, RecordingLibrary  # noqa: E402
from capture.faces import CROP_SCALE, CROP_SHIFT_Y, FaceBox, FaceDetector, crop_face  # noqa: E402
from capture.synth import FaceLibrary, render_lecture  # noqa: E402
from model import EMOTIONS, EmotionClassifier  # noqa: E402

SCALES = (1.0, 1.1, 1.2, 1.3, 1.4, 1.5)
SHIFTS = (-0.2, -0.15, -0.1, -0.05, 0.0, 0.05)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=25)
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scales", type=float, nargs="+", default=SCALES)
    parser.add_argument("--shifts", type=float, nargs="+", default=SHIFTS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    base = FaceLibrary.load(FACES)
    library = RecordingLibrary(base.root, base.files)
    classifier = EmotionClassifier.load()
    found: list[tuple[np.ndarray, FaceBox]] = []
    labels: list[int] = []
    originals: list[np.ndarray] = []
    placed: list[np.ndarray] = []
    camera_on = 0
    with FaceDetector.load() as detector:
        lecture = render_lecture(
            library, students=args.students, frames=args.frames, seed=args.seed, view="gallery"
        )
        for image, truth in tqdm(lecture, total=args.frames, desc="detecting", unit="frame"):
            drawn = iter(list(library.drawn))
            library.drawn.clear()
            for student in truth.students:
                if not student.camera:
                    continue
                original = base.image(next(drawn))
                if student.emotion is None:
                    continue
                camera_on += 1
                x, y, w, h = student.box
                tile = image[y : y + h, x : x + w]
                face = detector.best_face(tile)
                if face is None:
                    continue
                found.append((tile, face))
                px, py, pw, ph = student.face_box or (0, 0, 1, 1)
                placed.append(image[py : py + ph, px : px + pw])
                labels.append(EMOTIONS.index(student.emotion))
                originals.append(original)
    truth_labels = np.array(labels)
    own = float((classifier.predict(originals).argmax(axis=1) == truth_labels).mean())
    as_painted = float((classifier.predict(placed).argmax(axis=1) == truth_labels).mean())
    grid: list[dict[str, float]] = []
    for scale in args.scales:
        for shift in args.shifts:
            crops = [crop_face(tile, face.box, scale, shift) for tile, face in found]
            accuracy = float((classifier.predict(crops).argmax(axis=1) == truth_labels).mean())
            grid.append({"scale": scale, "shift_y": shift, "accuracy": accuracy})
    best = max(grid, key=lambda row: row["accuracy"])
    result = {
        "students": args.students,
        "frames": args.frames,
        "seed": args.seed,
        "faces": camera_on,
        "faces_found": len(found),
        "model_on_original_faces": own,
        "model_on_painted_face_squares": as_painted,
        "best": best,
        "current": {"scale": CROP_SCALE, "shift_y": CROP_SHIFT_Y},
        "grid": grid,
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"{len(found)} of {camera_on} faces found; model on the original images: {own:.1%}, "
        f"on the exact squares they were painted into: {as_painted:.1%}"
    )
    print("scale  " + "  ".join(f"{shift:+6.3f}" for shift in args.shifts))
    for scale in args.scales:
        row = [r["accuracy"] for r in grid if r["scale"] == scale]
        print(f"{scale:5.2f}  " + "  ".join(f"{a:6.1%}" for a in row))
    print(
        f"best: scale {best['scale']}, shift {best['shift_y']}: {best['accuracy']:.1%} "
        f"(current {CROP_SCALE}, {CROP_SHIFT_Y})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
