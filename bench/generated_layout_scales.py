"""Participant tiles of generated realistic calls at several sizes (the real ones: bench/layout_scales.py).

Realistic lectures (``render_lecture(realistic=True)``) of each client with 4, 9, 16 and 25 students,
``--seeds`` screens each, scaled as the real screenshots are and read as the agent reads a lecture's
first frame (``layout_scales.tiles_read``: layout, face search, tiles mended round the faces). Per
client and size: the drawn tiles found (a tile read within IoU 0.5 of one), found tightly (IoU 0.8:
its label's first letters are in it) and the tiles read that are none; about two minutes for four
sizes:

    .venv/bin/python bench/generated_layout_scales.py [--clients zoom meet teams] [--seeds 4]
        [--scales 0.9 1 1.1 1.25]

The generator draws many calls the real screenshots do not show (sizes, themes, pop-ups), so a
change to the layout is measured on both.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.capture_accuracy import FACES  # noqa: E402
from bench.layout_scales import tiles_read  # noqa: E402
from capture.box import Box, iou  # noqa: E402
from capture.faces import FaceDetector  # noqa: E402
from capture.synth import Client, FaceLibrary, render_lecture  # noqa: E402

CLIENTS: tuple[Client, ...] = ("zoom", "meet", "teams")
STUDENTS = (4, 9, 16, 25)
SCALES = (0.9, 1.0, 1.1, 1.25)
FOUND, TIGHT = 0.5, 0.8  # IoU of a tile read with a drawn one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", nargs="+", choices=CLIENTS, default=list(CLIENTS))
    parser.add_argument("--seeds", type=int, default=4, help="screens per student count")
    parser.add_argument("--scales", type=float, nargs="+", default=list(SCALES), help="sizes to read them at")
    args = parser.parse_args(argv)
    if args.seeds < 1 or not all(0.25 <= s <= 4 for s in args.scales):
        print("--seeds: 1 or more; --scales: factors from 0.25 to 4", file=sys.stderr)
        return 2
    library = FaceLibrary.load(FACES)
    detector = FaceDetector.load(threads=1)
    print(f"{'client':8s} {'size':>5s} | tiles found (IoU 0.8) | tiles read that are none")
    for client in args.clients:
        found = dict.fromkeys(args.scales, 0)
        tight = dict.fromkeys(args.scales, 0)
        extra = dict.fromkeys(args.scales, 0)
        drawn = 0
        for students in STUDENTS:
            for k in range(args.seeds):
                ((image, truth),) = render_lecture(
                    library,
                    students=students,
                    frames=1,
                    seed=1000 * k + students,
                    view="gallery",
                    client=client,
                    realistic=True,
                )
                drawn += len(truth.students)
                for scale in args.scales:
                    read = tiles_read(image, detector, scale)
                    boxes: list[Box] = [
                        (round(x * scale), round(y * scale), round(w * scale), round(h * scale))
                        for x, y, w, h in (s.box for s in truth.students)
                    ]
                    best = [max((iou(box, r) for r in read), default=0.0) for box in boxes]
                    found[scale] += sum(iou >= FOUND for iou in best)
                    tight[scale] += sum(iou >= TIGHT for iou in best)
                    extra[scale] += sum(all(iou(r, box) < FOUND for box in boxes) for r in read)
            print(f"  {client} {students} students done", file=sys.stderr, flush=True)
        for scale in args.scales:
            print(
                f"{client:8s} {scale:5.2f} | {found[scale]:4d} / {drawn} ({tight[scale]:4d}) | {extra[scale]:4d}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
