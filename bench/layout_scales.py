"""Participant tiles of the real screenshots (``../shared/galleries/``) at many sizes.

Each screenshot is scaled (INTER_AREA down, INTER_CUBIC up) and its tiles read as the capture agent
reads them on a lecture's first frame: the layout (``find_tiles``), the whole-frame face search and
the tiles mended round the faces it found (``tiles_with_faces``); no names, so a sweep of ten sizes
takes about a minute and a half. Per image the tiles read at each size against the truth, then the
recall and extra tiles pooled over the images at each size:

    .venv/bin/python bench/layout_scales.py [--galleries DIR] [--scales 0.8 0.9 1 1.1 ...]

A reading that holds at one pixel size only is a constant tuned to these images, not to calls.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.real_galleries import GALLERIES, scaled  # noqa: E402
from capture.box import Box  # noqa: E402
from capture.faces import FaceDetector  # noqa: E402
from capture.layout import find_tiles, tiles_with_faces  # noqa: E402

SCALES = (0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.25, 1.5)


def tiles_read(image: cv2.typing.MatLike, detector: FaceDetector, scale: float) -> list[Box]:
    """The tiles the agent reads on ``image`` scaled by ``scale`` (boxes in the scaled image)."""
    image = scaled(image, scale)
    grid = find_tiles(image)
    swept = detector.sweep(image, known=grid.equal_tiles())
    return list(tiles_with_faces(image, grid, [face.box for face in swept.faces], swept.avatars).boxes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--galleries", type=Path, default=GALLERIES, help="folder of screenshots with truth.json"
    )
    parser.add_argument("--scales", type=float, nargs="+", default=list(SCALES), help="sizes to read them at")
    args = parser.parse_args(argv)
    if not (args.galleries / "truth.json").is_file():
        print(f"{args.galleries}: no truth.json there", file=sys.stderr)
        return 2
    if not all(0.25 <= s <= 4 for s in args.scales):
        print("--scales: give factors from 0.25 to 4", file=sys.stderr)
        return 2
    truth = json.loads((args.galleries / "truth.json").read_text())
    detector = FaceDetector.load(threads=1)
    found = dict.fromkeys(args.scales, 0)
    extra = dict.fromkeys(args.scales, 0)
    total = 0
    print(f"{'image':44s} tiles | " + " ".join(f"{s:>5}" for s in args.scales))
    for name, entry in truth.items():
        if name.startswith("_"):
            continue
        image = cv2.imread(str(args.galleries / name), cv2.IMREAD_COLOR)
        if image is None:
            print(f"{name}: not a readable image", file=sys.stderr)
            return 2
        counts = [len(tiles_read(image, detector, s)) for s in args.scales]
        for s, count in zip(args.scales, counts, strict=True):
            found[s] += min(count, entry["tiles"])
            extra[s] += max(count - entry["tiles"], 0)
        total += entry["tiles"]
        print(f"{name[:44]:44s} {entry['tiles']:5d} | " + " ".join(f"{c:5d}" for c in counts), flush=True)
    print(f"{'tile recall':50s} | " + " ".join(f"{found[s] / total:5.1%}" for s in args.scales))
    print(f"{'extra tiles':50s} | " + " ".join(f"{extra[s] / total:5.1%}" for s in args.scales))
    return 0


if __name__ == "__main__":
    sys.exit(main())
