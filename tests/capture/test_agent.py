"""The agent loop: live sources skip (never queue) behind a slow analyser, offline sources never sleep."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from capture.agent import AgentStatus, run_agent
from capture.frames import Frame, SynthSource
from capture.pipeline import FrameAnalyser, FrameAnalysis
from model import EmotionClassifier


class CountingLiveSource:
    """A live source: each ``next()`` grabs a new frame now and records when."""

    live = True

    def __init__(self) -> None:
        self.grabbed: list[float] = []

    def __iter__(self) -> Iterator[Frame]:
        while True:
            self.grabbed.append(time.monotonic())
            yield Frame(len(self.grabbed) - 1, datetime.now(UTC), np.zeros((4, 4, 3), np.uint8))

    def describe(self) -> str:
        return "counting live source"

    def close(self) -> None:
        pass

    def __enter__(self) -> CountingLiveSource:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class ListSource(CountingLiveSource):
    live = False

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __iter__(self) -> Iterator[Frame]:
        for i in range(self.n):
            self.grabbed.append(time.monotonic())
            yield Frame(i, datetime.now(UTC), np.zeros((4, 4, 3), np.uint8))


def analysis_of(frame: Frame) -> FrameAnalysis:
    return FrameAnalysis(frame.index, frame.timestamp, ())


def slow(seconds: float):  # type: ignore[no-untyped-def]
    def analyse(frame: Frame) -> FrameAnalysis:
        started = time.monotonic()
        analyse.starts.append((frame.index, started))  # type: ignore[attr-defined]
        time.sleep(seconds)
        return analysis_of(frame)

    analyse.starts = []  # type: ignore[attr-defined]
    return analyse


def test_live_source_skips_instead_of_queueing() -> None:
    source = CountingLiveSource()
    analyser = slow(0.25)
    sunk: list[FrameAnalysis] = []
    result = run_agent(source, analyser, sunk.append, fps=10, max_frames=4)
    assert result.frames == 4 and len(sunk) == 4 and result.reason == "max frames"
    assert len(source.grabbed) == 4  # one grab per analysed frame: nothing waits in a queue
    assert result.skipped >= 6  # 0.25 s per frame at 10 fps: about 2 slots missed per frame
    for (index, started), grabbed in zip(analyser.starts, source.grabbed, strict=True):
        assert started - grabbed < 0.05, (
            f"frame {index} was analysed {started - grabbed:.3f} s after its grab"
        )
    assert 0.9 <= result.seconds < 1.6


def test_live_source_is_paced_at_fps() -> None:
    source = CountingLiveSource()
    result = run_agent(source, analysis_of, lambda a: None, fps=20, max_frames=6)
    assert result.skipped == 0
    gaps = np.diff(source.grabbed)
    assert gaps.min() > 0.035 and gaps.mean() == pytest.approx(0.05, abs=0.015)


def test_offline_source_runs_without_sleeping() -> None:
    source = ListSource(20)
    started = time.monotonic()
    result = run_agent(source, analysis_of, lambda a: None, fps=0.5)
    assert result.frames == 20 and result.reason == "end of source" and result.skipped == 0
    assert time.monotonic() - started < 1.0  # at 0.5 fps a paced loop would take 40 s


def test_stop_event_ends_a_waiting_live_loop() -> None:
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    result = run_agent(CountingLiveSource(), analysis_of, lambda a: None, fps=0.2, stop=stop)
    assert result.reason == "stopped" and result.frames == 1
    assert time.monotonic() - started < 1.5  # did not sleep the whole 5 s slot


def test_ctrl_c_ends_cleanly() -> None:
    def interrupted(frame: Frame) -> FrameAnalysis:
        if frame.index == 2:
            raise KeyboardInterrupt
        return analysis_of(frame)

    sunk: list[FrameAnalysis] = []
    result = run_agent(ListSource(10), interrupted, sunk.append, fps=1)
    assert result.reason == "interrupted" and result.frames == 2 and len(sunk) == 2


def test_status_reported_for_each_frame() -> None:
    statuses: list[AgentStatus] = []
    run_agent(ListSource(3), analysis_of, lambda a: None, fps=1, on_status=statuses.append)
    assert [s.frames for s in statuses] == [1, 2, 3]
    assert "3 frames" in statuses[-1].line()
    with pytest.raises(ValueError, match="fps"):
        run_agent(ListSource(1), analysis_of, lambda a: None, fps=0)


class CountingClassifier:
    """The real classifier, counting how many batches it is given."""

    def __init__(self) -> None:
        self.model = EmotionClassifier.load()
        self.batches: list[int] = []

    def predict(self, crops):  # type: ignore[no-untyped-def]
        self.batches.append(len(crops))
        return self.model.predict(crops)


def test_pipeline_one_batch_per_frame_and_smoothing(faces_dir: Path) -> None:
    frames = list(SynthSource(faces_dir, students=9, frames=4, seed=3, dynamics=False))
    raw_classifier, smooth_classifier = CountingClassifier(), CountingClassifier()
    # on a thread, so that the counts are this process's (tests/capture/test_face_worker.py: the process)
    with (
        FrameAnalyser.create(raw_classifier, smoothing_window=1, face_process=False) as raw,
        FrameAnalyser.create(smooth_classifier, smoothing_window=3, face_process=False) as smooth,
    ):
        raw_runs = [raw.analyse(f) for f in frames]
        smooth_runs = [smooth.analyse(f) for f in frames]
    assert len(raw_classifier.batches) == 4 and all(
        n == raw_runs[0].faces for n in raw_classifier.batches[:1]
    )
    assert [a.faces for a in raw_runs] == raw_classifier.batches
    assert set(raw_runs[0].timings) == {"layout", "detection", "names", "emotions"}
    for t in range(4):
        for student in smooth_runs[t].students:
            if student.scores is None:
                continue
            history = [
                next(s.scores for s in raw_runs[k].students if s.name == student.name)
                for k in range(max(0, t - 2), t + 1)
            ]
            history = [h for h in history if h is not None]
            assert np.allclose(student.scores, np.mean(history, axis=0), atol=1e-5)
            assert sum(student.scores) == pytest.approx(1.0, abs=1e-3)
