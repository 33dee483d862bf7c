"""Capture accuracy on synthetic Zoom-like lectures: tiles, names, camera on/off, emotions, speed.

Renders lectures with ``capture.synth.render_lecture`` (FER2013 test faces), runs the real pipeline
(layout, BlazeFace, Tesseract names, identities, the committed emotion model) and compares with the
ground truth. The emotion figure is compared with the model's own accuracy on exactly the face
images the lecture showed (recorded while rendering), so it isolates what capture loses.

    .venv/bin/python bench/capture_accuracy.py --students 25 49 --frames 200 [--no-roster] [--client zoom|meet|teams]
        [--weights ONNX] [--json]
    .venv/bin/python bench/capture_accuracy.py --real [DIR] [--json]     # real screenshots: bench/real_galleries.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.real_galleries import exact_name  # noqa: E402
from capture.box import Box, iou  # noqa: E402
from capture.frames import Frame  # noqa: E402
from capture.name_text import normalise  # noqa: E402
from capture.pipeline import FrameAnalyser, StudentReading  # noqa: E402
from capture.synth import Client, FaceLibrary, render_lecture  # noqa: E402
from model import EMOTIONS, EmotionClassifier  # noqa: E402

FACES = ROOT / ".." / "shared" / "datasets" / "fer2013" / "test"


@dataclass
class RecordingLibrary(FaceLibrary):
    """A FaceLibrary that remembers which face images were drawn, in order."""

    drawn: list[Path] = field(default_factory=list)

    def image(self, path: Path) -> np.ndarray:
        self.drawn.append(path)
        return super().image(path)


def tile_overlap(reading: StudentReading, box: Box) -> float:
    """IoU of a reading's tile with ``box`` (0 for a reading without a tile)."""
    return 0.0 if reading.tile_box is None else iou(reading.tile_box, box)


def run(
    students: int,
    frames: int,
    seed: int,
    roster: bool,
    classifier: EmotionClassifier,
    client: Client | None = None,
    realistic: bool = False,
) -> dict[str, Any]:
    base = FaceLibrary.load(FACES)
    library = RecordingLibrary(base.root, base.files)
    lecture = list(
        render_lecture(
            library,
            students=students,
            frames=frames,
            seed=seed,
            view="gallery",
            client=client,
            realistic=realistic,
        )
    )
    names = sorted({s.name for _, truth in lecture for s in truth.students})
    analyser = FrameAnalyser.create(classifier, roster=names if roster else (), smoothing_window=1)
    counts = dict.fromkeys(
        (
            "tiles",
            "labels",
            "found",
            "found_labels",
            "names_ok",
            "names_exact",
            "camera_ok",
            "faces",
            "faces_found",
            "e2e_ok",
            "model_ok",
        ),
        0,
    )
    drawn = iter(list(library.drawn))
    timings: dict[str, list[float]] = {}
    frame_ms: list[float] = []
    frame_cpu_ms: list[float] = []
    own_faces: list[np.ndarray] = []
    own_truth: list[int] = []
    try:
        for image, truth in lecture:
            start, cpu = time.perf_counter(), time.process_time()
            analysis = analyser.analyse(Frame(truth.index, _timestamp(truth.index), image))
            frame_ms.append((time.perf_counter() - start) * 1000)
            frame_cpu_ms.append(
                (time.process_time() - cpu) * 1000 + analysis.worker_cpu_ms
            )  # with the face worker's
            for stage, ms in analysis.timings.items():
                timings.setdefault(stage, []).append(ms * 49 / max(len(truth.students), 1))
            for student in truth.students:
                counts["tiles"] += 1
                counts["labels"] += student.label_legible
                face_path = next(drawn) if student.camera else None
                match = max(
                    (r for r in analysis.students if r.tile_box is not None),
                    key=lambda r: tile_overlap(r, student.box),
                    default=None,
                )
                if match is None or tile_overlap(match, student.box) < 0.5:
                    if face_path is not None and student.emotion is not None:  # a visible face missed
                        counts["faces"] += 1
                        own_faces.append(base.image(face_path))
                        own_truth.append(EMOTIONS.index(student.emotion))
                    continue
                counts["found"] += 1
                if student.label_legible:  # a label hidden by a pop-up or dialog has no name to read
                    counts["found_labels"] += 1
                    counts["names_ok"] += normalise(match.name) == normalise(student.name)
                    counts["names_exact"] += exact_name(match.name) == exact_name(student.name)
                counts["camera_ok"] += match.camera_on == student.camera
                if face_path is not None and student.emotion is not None:
                    counts["faces"] += 1
                    label = EMOTIONS.index(student.emotion)
                    own_faces.append(base.image(face_path))
                    own_truth.append(label)
                    if match.scores is not None:
                        counts["faces_found"] += 1
                        counts["e2e_ok"] += int(np.argmax(match.scores)) == label
    finally:
        analyser.close()
    own = classifier.predict(own_faces).argmax(axis=1) if own_faces else np.zeros(0)
    counts["model_ok"] = int((own == np.array(own_truth)).sum())
    faces = max(counts["faces"], 1)
    return {
        "students": students,
        "frames": frames,
        "seed": seed,
        "roster": roster,
        "client": client,
        "tile_recall": counts["found"] / counts["tiles"],
        "name_accuracy": counts["names_ok"] / max(counts["found_labels"], 1),
        "camera_accuracy": counts["camera_ok"] / max(counts["found"], 1),
        "face_recall": counts["faces_found"] / faces,
        "emotion_accuracy_end_to_end": counts["e2e_ok"] / faces,
        "emotion_accuracy_model_on_same_faces": counts["model_ok"] / faces,
        "ocr_calls": analyser.reader.ocr_calls,
        "ms_per_frame_median": float(np.median(frame_ms)),
        "ms_per_frame_first": frame_ms[0],
        "cpu_ms_per_frame_median": float(np.median(frame_cpu_ms)),
        "ms_per_stage_median_scaled_to_49_tiles": {k: float(np.median(v)) for k, v in timings.items()},
        "counts": counts,
    }


def _timestamp(index: int) -> datetime:
    return datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=index)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[25, 49])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-roster", dest="roster", action="store_false", help="no class list: names only from OCR"
    )
    parser.add_argument(
        "--weights", type=Path, default=None, help="emotion model (default: the committed one)"
    )
    parser.add_argument(
        "--client",
        choices=("zoom", "meet", "teams"),
        default=None,
        help="lectures drawn as this client draws them (capture.synth.looks.CLIENT_LOOKS), people in rooms",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--real",
        nargs="?",
        type=Path,
        const=Path(),
        default=None,
        metavar="DIR",
        help="score real call screenshots with truth.json instead (default: ../shared/galleries)",
    )
    args = parser.parse_args(argv)
    if args.real is not None:
        from bench import real_galleries

        return real_galleries.main(
            [
                *(["--galleries", str(args.real)] if args.real != Path() else []),
                *(["--json"] if args.json else []),
            ]
        )
    classifier = EmotionClassifier.load(args.weights, threads=2)
    results = [
        run(n, args.frames, args.seed + n, args.roster, classifier, args.client) for n in args.students
    ]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    for r in results:
        stages = ", ".join(f"{k} {v:.0f}" for k, v in r["ms_per_stage_median_scaled_to_49_tiles"].items())
        print(
            f"{r['students']} students x {r['frames']} frames (roster {'yes' if r['roster'] else 'no'}"
            f"{', ' + str(r['client']) if r['client'] else ''}): "
            f"tiles {r['tile_recall']:.2%}, names {r['name_accuracy']:.2%}, camera {r['camera_accuracy']:.2%}, "
            f"faces {r['face_recall']:.2%}, emotion end-to-end {r['emotion_accuracy_end_to_end']:.2%} vs model "
            f"{r['emotion_accuracy_model_on_same_faces']:.2%}; {r['ms_per_frame_median']:.0f} ms/frame, "
            f"{r['cpu_ms_per_frame_median']:.0f} CPU-ms/frame, {r['ocr_calls']} OCR calls "
            f"(first {r['ms_per_frame_first']:.0f}); per 49 tiles: {stages} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
