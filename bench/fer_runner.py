"""Run the `fer` package's FER class (Haar detector + its own model) over synthetic frames.

Executed by bench/e2e.py inside its own virtual environment (.venv-fer), which holds the
`fer` package installed with --no-deps plus only what its FER class imports. It imports
nothing from ClassMood. Prints one JSON object: per frame, the wall and CPU time and the faces found.

    .venv-fer/bin/python bench/fer_runner.py FRAMES_DIR
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import cv2


def main() -> int:
    frames_dir = Path(sys.argv[1])
    truth = json.loads((frames_dir / "truth.json").read_text())
    logging.disable(logging.INFO)
    from fer.fer import FER

    detector = FER()
    warm = cv2.imread(str(frames_dir / truth["frames"][0]["file"]))
    detector.detect_emotions(warm)
    results = []
    for frame in truth["frames"]:
        image = cv2.imread(str(frames_dir / frame["file"]))
        start, cpu_start = time.perf_counter(), time.process_time()
        faces = detector.detect_emotions(image)
        elapsed = (time.perf_counter() - start) * 1000.0
        cpu = (time.process_time() - cpu_start) * 1000.0
        results.append(
            {
                "file": frame["file"],
                "ms": elapsed,
                "cpu_ms": cpu,
                "faces": [
                    {
                        "box": [int(v) for v in face["box"]],
                        "emotion": max(face["emotions"], key=face["emotions"].get),
                    }
                    for face in faces
                ],
            }
        )
    print(json.dumps({"frames": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
