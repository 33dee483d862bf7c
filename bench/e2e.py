"""End-to-end speed and accuracy on synthetic 1920x1080 galleries, side by side with the `fer` package.

    .venv/bin/python bench/e2e.py --students 49 [--frames 30] [--faces DIR] [--weights ONNX] [--json] [--no-fer]

1. Writes a synthetic lecture (``classmood synth``'s generator) to a cache folder.
2. Ours: every frame, already decoded, goes through the real pipeline (layout, face detection,
   names, one emotion batch) and is committed to a fresh SQLite database with ``write_frame``;
   each stage is timed (wall; detection and emotions run in the face worker process beside
   layout details and names, so CPU is given as this process's "analysis", the worker's, and storage).
3. fer: the same PNG files through ``fer.fer.FER()`` (its Haar detector and its own model) in a
   separate virtual environment, ``.venv-fer``, created on first use with
   ``pip install --no-deps fer`` plus only what its FER class imports.
4. Both are scored against ``truth.json``: face recall over camera-on students, and emotion
   accuracy over camera-on students (a missed face counts as wrong).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import cached_lecture, emit, machine  # noqa: E402
from capture.frames import Frame  # noqa: E402
from capture.pipeline import FrameAnalyser  # noqa: E402
from model import EMOTIONS, EmotionClassifier  # noqa: E402
from storage import PrivacyPolicy, StudentObservation, connect, start_session, write_frame  # noqa: E402
from storage.settings import PrivacyMode  # noqa: E402

FER_VENV = ROOT / ".venv-fer"
FER_PACKAGES = [
    "tensorflow-cpu>=2.17,<2.22",
    "opencv-contrib-python-headless<5",
    "setuptools<81",
    "requests",
    "pillow",
]
DEFAULT_FACES = ROOT.parent / "shared" / "datasets" / "fer2013" / "test"
Box = tuple[int, int, int, int]


def ensure_fer_venv() -> Path:
    """The fer package's own environment (created once; about 1 GB, mostly TensorFlow)."""
    python = FER_VENV / "bin" / "python"
    if (
        python.exists()
        and subprocess.run([python, "-c", "import fer.fer"], capture_output=True, check=False).returncode == 0
    ):
        return python
    print("creating .venv-fer for the fer package (once) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(FER_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", "fer==25.10.3"], check=True)
    subprocess.run(pip + FER_PACKAGES, check=True)
    return python


def _inside(box: Box, point: tuple[float, float]) -> bool:
    return box[0] <= point[0] < box[0] + box[2] and box[1] <= point[1] < box[1] + box[3]


def _centre(box: Box) -> tuple[float, float]:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


def score(truth: dict[str, Any], per_frame_faces: list[list[tuple[Box, str]]]) -> dict[str, float]:
    """Face recall and emotion accuracy over camera-on students, given (face box, emotion) per frame."""
    students = found = correct = 0
    for frame, faces in zip(truth["frames"], per_frame_faces, strict=True):
        for student in frame["students"]:
            if not student["camera"]:
                continue
            students += 1
            tile = tuple(student["box"])
            inside = [(b, e) for b, e in faces if _inside(tile, _centre(b))]
            if not inside:
                continue
            found += 1
            _, emotion = max(inside, key=lambda f: f[0][2] * f[0][3])
            correct += emotion == student["emotion"]
    return {"students": students, "face_recall": found / students, "emotion_accuracy": correct / students}


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine since boot, from /proc/stat (Linux)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def run_ours(
    folder: Path,
    truth: dict[str, Any],
    threads: int,
    names_budget_ms: float | None = None,
    face_process: bool = True,
    weights: Path | None = None,
) -> dict[str, Any]:
    """Every frame through layout, the analyser and ``write_frame``; wall and CPU milliseconds per stage."""
    classifier = EmotionClassifier.load(weights, threads=threads)
    names = sorted({s["name"] for f in truth["frames"] for s in f["students"]})
    stages: dict[str, list[float]] = {}
    cpu_stages: dict[str, list[float]] = {}
    totals: list[float] = []
    cpu_totals: list[float] = []
    faces: list[list[tuple[Box, str]]] = []
    policy = PrivacyPolicy(PrivacyMode.NAMED)
    start_time = datetime.now(UTC)
    with (
        tempfile.TemporaryDirectory() as tmp,
        FrameAnalyser.create(
            classifier,
            roster=names,
            threads=threads,
            smoothing_window=1,
            names_budget_ms=names_budget_ms,
            face_process=face_process,
        ) as analyser,
    ):
        db = connect(f"sqlite:///{Path(tmp) / 'bench.db'}")
        session_id = start_session(db, "bench", "synth", policy, started_at=start_time)
        busy0, all0 = _busy_jiffies()
        run_wall0, run_cpu0, worker_cpu_s = time.perf_counter(), time.process_time(), 0.0
        for frame_truth in truth["frames"]:
            image = cv2.imread(str(folder / frame_truth["file"]), cv2.IMREAD_COLOR)
            assert image is not None, frame_truth["file"]  # the lecture was just rendered
            frame = Frame(frame_truth["index"], start_time + timedelta(seconds=frame_truth["index"]), image)
            begin, cpu_begin = time.perf_counter(), time.process_time()
            analysis = analyser.analyse(frame)
            stored, cpu_stored = time.perf_counter(), time.process_time()
            write_frame(
                db,
                session_id,
                frame.index,
                frame.timestamp,
                [StudentObservation(s.name, s.camera_on, s.face_box, s.scores) for s in analysis.students],
                policy,
            )
            end, cpu_end = time.perf_counter(), time.process_time()
            totals.append((end - begin) * 1000)
            cpu_totals.append((cpu_end - cpu_begin) * 1000 + analysis.worker_cpu_ms)
            worker_cpu_s += analysis.worker_cpu_ms / 1000
            wall = {**analysis.timings, "storage": (end - stored) * 1000}
            for stage, ms in wall.items():
                stages.setdefault(stage, []).append(ms)
            # this process's CPU: layout, names and identities (faces and emotions run in the face
            # worker process beside them, capture.face_worker; with --face-thread, here too)
            cpu = {
                "analysis": (cpu_stored - cpu_begin) * 1000,
                "face_worker": analysis.worker_cpu_ms,
                "storage": (cpu_end - cpu_stored) * 1000,
            }
            for stage, ms in cpu.items():
                cpu_stages.setdefault(stage, []).append(ms)
            faces.append(
                [
                    (s.face_box, EMOTIONS[max(range(7), key=s.scores.__getitem__)])
                    for s in analysis.students
                    if s.face_box is not None and s.scores is not None
                ]
            )
        run_wall = time.perf_counter() - run_wall0
        run_cpu = time.process_time() - run_cpu0 + worker_cpu_s
        busy1, all1 = _busy_jiffies()
        db.dispose()
    machine_busy = (busy1 - busy0) / max(all1 - all0, 1) * (os.cpu_count() or 1)
    return {
        "ms_per_frame": statistics.median(totals),
        "ms_per_frame_p90": _quantile(totals, 0.9),
        "cpu_ms_per_frame": statistics.median(cpu_totals),
        "stages": {k: statistics.median(v) for k, v in stages.items()},
        "cpu_stages": {k: statistics.median(v) for k, v in cpu_stages.items()},
        # cores kept busy by everything else on the machine while we ran (the training job, ...)
        "other_load_cores": max(0.0, machine_busy - run_cpu / run_wall),
        **score(truth, faces),
    }


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_fer(folder: Path, truth: dict[str, Any]) -> dict[str, float]:
    python = ensure_fer_venv()
    result = subprocess.run(
        [str(python), str(ROOT / "bench" / "fer_runner.py"), str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    frames = json.loads(result.stdout.strip().splitlines()[-1])["frames"]
    faces = [[(tuple(f["box"]), f["emotion"]) for f in frame["faces"]] for frame in frames]
    return {
        "ms_per_frame": statistics.median(f["ms"] for f in frames),
        "cpu_ms_per_frame": statistics.median(f.get("cpu_ms", float("nan")) for f in frames),
        **score(truth, faces),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=25)
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--weights",
        type=Path,
        default=None,
        help="emotion model (ONNX) instead of the default model/weights/emotion.onnx",
    )
    parser.add_argument("--no-fer", action="store_true", help="skip the fer package")
    parser.add_argument(
        "--names-budget-ms",
        type=float,
        default=None,
        help="cap name reading per frame, as capture.names_budget_ms does (default: no cap)",
    )
    parser.add_argument(
        "--face-thread",
        action="store_true",
        help="faces and emotions on a thread, as capture.face_process: false does (default: a process)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", type=Path, help="also write the JSON object to this file")
    args = parser.parse_args()

    folder, truth = cached_lecture(ROOT, args.faces, args.students, args.frames, args.seed)
    ours = run_ours(
        folder,
        truth,
        args.threads,
        args.names_budget_ms,
        face_process=not args.face_thread,
        weights=args.weights,
    )
    result: dict[str, object] = {
        "command": " ".join(["bench/e2e.py", *sys.argv[1:]]),
        "students": args.students,
        "frames": args.frames,
        "threads": args.threads,
        "names_budget_ms": args.names_budget_ms,
        "face_process": not args.face_thread,
        "weights": str(args.weights) if args.weights is not None else None,
        "ms_per_frame": round(ours["ms_per_frame"], 1),
        "ms_per_frame_p90": round(ours["ms_per_frame_p90"], 1),
        "fps": round(1000.0 / ours["ms_per_frame"], 2),
        "cpu_ms_per_frame": round(ours["cpu_ms_per_frame"], 1),
        "face_recall": round(ours["face_recall"], 4),
        "emotion_accuracy": round(ours["emotion_accuracy"], 4),
        "stages_ms": {k: round(v, 1) for k, v in ours["stages"].items()},
        "stages_cpu_ms": {k: round(v, 1) for k, v in ours["cpu_stages"].items()},
        "other_load_cores": round(ours["other_load_cores"], 2),
        **machine(),
    }
    if not args.no_fer:
        fer = run_fer(folder, truth)
        result.update(
            {
                "fer_ms_per_frame": round(fer["ms_per_frame"], 1),
                "fer_cpu_ms_per_frame": round(fer["cpu_ms_per_frame"], 1),
                "fer_face_recall": round(fer["face_recall"], 4),
                "fer_emotion_accuracy": round(fer["emotion_accuracy"], 4),
                "speedup_vs_fer": round(fer["ms_per_frame"] / ours["ms_per_frame"], 2),
                "cpu_speedup_vs_fer": round(fer["cpu_ms_per_frame"] / ours["cpu_ms_per_frame"], 2),
            }
        )
    emit(result, args.json, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
