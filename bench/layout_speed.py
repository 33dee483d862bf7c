"""Milliseconds per 1920x1080 frame of capture.parse_gallery on synthetic 9/25/49-student galleries.

Usage: python bench/layout_speed.py [--faces DIR] [--frames N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from capture import parse_gallery  # noqa: E402
from capture.synth import FaceLibrary, render_lecture  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--faces", type=Path, default=REPO.parent / "shared" / "datasets" / "fer2013" / "test"
    )
    parser.add_argument("--frames", type=int, default=20, help="frames per case")
    args = parser.parse_args()
    library = FaceLibrary.load(args.faces)
    cases: list[tuple[int, dict[str, Any]]] = [(n, {"dynamics": False}) for n in (9, 25, 49)] + [
        (49, {"theme": "light", "rounded": True}),
        (25, {"chrome": True}),
        (25, {"view": "speaker"}),
    ]
    print("wall = elapsed time; cpu = this process's CPU time (less disturbed by other load on the machine)")
    print(f"{'students':>8} {'variant':<32} {'wall ms':>8} {'p90 ms':>7} {'cpu ms':>7} {'tiles':>5}")
    for students, style in cases:
        frames = [
            img for img, _ in render_lecture(library, students=students, frames=args.frames, seed=1, **style)
        ]
        parse_gallery(frames[0])
        times, cpu = [], []
        for image in frames:
            start, start_cpu = time.perf_counter(), time.process_time()
            layout = parse_gallery(image)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        times.sort()
        variant = ",".join(f"{k}={v}" for k, v in style.items()) or "dark gallery"
        print(
            f"{students:>8} {variant:<32} {statistics.median(times):>8.1f} {times[int(0.9 * (len(times) - 1))]:>7.1f} "
            f"{statistics.median(cpu):>7.1f} {len(layout.tiles):>5}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
