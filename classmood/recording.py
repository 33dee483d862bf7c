"""Record a lecture: a frame source through the capture pipeline into the database.

The one place that joins capture, model and storage; `classmood capture` and `classmood demo`
both call :func:`record_lecture`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from classmood.config import Settings


@dataclass(frozen=True)
class Recording:
    """What a recording run did."""

    session_id: int
    frames: int
    skipped: int
    reason: str


def record_lecture(
    settings: Settings,
    db: object,
    source: object,
    *,
    title: str | None = None,
    roster: Sequence[str] = (),
    max_frames: int | None = None,
    on_status: Callable[[object], None] | None = None,
    stop: threading.Event | None = None,
) -> Recording:
    """Run ``source`` through the pipeline, one database transaction per frame; always ends the session."""
    from capture import FrameAnalyser, run_agent
    from classmood.wiring import privacy_policy
    from model import EmotionClassifier
    from storage import StudentObservation, end_session, start_session, write_frame

    classifier = EmotionClassifier.load(settings.model.path, threads=settings.model.threads)
    privacy = privacy_policy(settings)
    session_id = start_session(db, title or source.describe(), source.describe(), privacy)  # type: ignore[arg-type, attr-defined]
    debug_dir = (
        settings.storage.data_dir / "debug_frames" / f"session_{session_id}" if settings.privacy.save_debug_frames else None
    )
    written = 0

    def sink(analysis) -> None:  # type: ignore[no-untyped-def]
        nonlocal written
        observations = [StudentObservation(s.name, s.camera_on, s.face_box, s.scores) for s in analysis.students]
        write_frame(db, session_id, analysis.frame_index, analysis.timestamp, observations, privacy)  # type: ignore[arg-type]
        written += 1

    result = None
    try:
        with source, FrameAnalyser.create(  # type: ignore[attr-defined]
            classifier,
            roster=roster,
            threads=settings.model.threads,
            min_face_size=settings.capture.min_face_size,
            smoothing_window=settings.capture.smoothing_window,
            debug_dir=debug_dir,
        ) as analyser:
            result = run_agent(source, analyser, sink, fps=settings.capture.fps, max_frames=max_frames,  # type: ignore[arg-type]
                               on_status=on_status, stop=stop)
    finally:
        end_session(db, session_id)  # type: ignore[arg-type]
    return Recording(session_id, written, result.skipped, result.reason)
