"""Does test-time averaging pay? PublicTest accuracy of an emotion model over sets of views of each
face: as is, mirrored, shifted, zoomed, each set's probabilities summed.

    python bench/emotion_views.py [--weights PATH] [--data ../shared/datasets/fer2013/test] [--json]

The views are made on the preprocessed 48x48 face (``model.preprocess``), as the agent would make
them; the temperature is 1 (it changes no argmax). Each extra view costs one more pass of the net.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import emit, machine
from model import DEFAULT_WEIGHTS, EmotionClassifier, preprocess
from model.preprocess import INPUT_SIZE
from training.data import load_emotion_folders

SHIFT_PX = 2
ZOOMS = (0.92, 1.08)
BATCH = 512


def _warped(faces: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Each (48, 48, 1) face moved by the 2x3 affine ``matrix``, edges repeated."""
    out = np.empty_like(faces)
    for i, face in enumerate(faces):
        out[i, :, :, 0] = cv2.warpAffine(
            face[:, :, 0], matrix, (INPUT_SIZE, INPUT_SIZE), borderMode=cv2.BORDER_REPLICATE
        )
    return out


def views(faces: np.ndarray) -> dict[str, np.ndarray]:
    """The views of ``faces`` (n, 48, 48, 1): as is, mirrored, shifted by :data:`SHIFT_PX` each way,
    zoomed by each of :data:`ZOOMS` (as is and mirrored)."""
    mirrored = faces[:, :, ::-1]
    made = {"as is": faces, "mirror": mirrored}
    for name, (dx, dy) in {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}.items():
        shift = np.array([[1, 0, dx * SHIFT_PX], [0, 1, dy * SHIFT_PX]], dtype=np.float32)
        made[f"shift {name}"] = _warped(faces, shift)
    centre = ((INPUT_SIZE - 1) / 2, (INPUT_SIZE - 1) / 2)
    for zoom in ZOOMS:
        matrix = cv2.getRotationMatrix2D(centre, 0, zoom)
        made[f"zoom {zoom}"] = _warped(faces, matrix)
        made[f"zoom {zoom} mirror"] = _warped(mirrored, matrix)
    return made


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--data", type=Path, default=Path("../shared/datasets/fer2013/test"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.data.is_dir():
        parser.error(f"{args.data}: no such folder of <emotion>/ images")
    split = load_emotion_folders(args.data)
    classifier = EmotionClassifier.load(args.weights, threads=args.threads, temperature=1.0)
    faces = preprocess(split.images)
    probabilities = {
        name: np.concatenate(
            [classifier.predict_preprocessed(view[i : i + BATCH]) for i in range(0, len(view), BATCH)]
        )
        for name, view in views(faces).items()
    }

    def accuracy(names: list[str]) -> float:
        summed = sum(probabilities[name] for name in names)
        return round(100 * float((np.argmax(summed, axis=1) == split.labels).mean()), 2)

    shifts = [name for name in probabilities if name.startswith("shift")]
    zooms = [name for name in probabilities if name.startswith("zoom")]
    result = {
        "weights": str(args.weights),
        "faces": len(split),
        **{f"{name} %": accuracy([name]) for name in probabilities},
        "as is + mirror %": accuracy(["as is", "mirror"]),
        "as is + mirror + shifts %": accuracy(["as is", "mirror", *shifts]),
        "all ten views %": accuracy(["as is", "mirror", *shifts, *zooms]),
        **machine(),
    }
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
