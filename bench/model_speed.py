"""Emotion-model throughput on this machine: faces/s for batches of face crops.

    python bench/model_speed.py [--weights PATH] [--batch 49] [--threads 2] [--seconds 5] [--json]

Times the full inference call the capture agent makes (``EmotionClassifier.predict``:
preprocessing of 48x48..160x160 BGR crops plus the network), after a warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import emit, machine
from model import DEFAULT_WEIGHTS, EmotionClassifier, preprocess


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--batch", type=int, default=49)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument(
        "--mirror", action="store_true", help="average with mirrored faces (model.mirror_average)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    sizes = rng.integers(48, 161, size=args.batch)
    crops = [rng.integers(0, 256, size=(int(s), int(s), 3), dtype=np.uint8) for s in sizes]
    classifier = EmotionClassifier.load(args.weights, threads=args.threads, mirror=args.mirror)
    for _ in range(5):
        classifier.predict(crops)
    batch_times: list[float] = []
    network_times: list[float] = []
    prepared = preprocess(crops)
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        classifier.predict(crops)
        batch_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        classifier.predict_preprocessed(prepared)
        network_times.append(time.perf_counter() - start)
    median = statistics.median(batch_times)
    result = {
        "batch": args.batch,
        "threads": args.threads,
        "mirror": args.mirror,
        "faces_per_s": round(args.batch / median, 1),
        "ms_per_batch": round(median * 1000, 2),
        "ms_per_face": round(median * 1000 / args.batch, 3),
        "network_ms_per_batch": round(statistics.median(network_times) * 1000, 2),
        "runs": len(batch_times),
        "weights": str(args.weights),
        **machine(),
    }
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
