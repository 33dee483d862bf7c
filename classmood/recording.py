"""Record a lecture: a frame source through the capture pipeline into the database.

The one place that joins capture, model and storage; `classmood capture` and `classmood demo`
both call :func:`record_lecture`.

Reliability: each frame is one transaction (a killed agent leaves whole frames only); a restarted
agent continues its unfinished session (same title and source) unless told to start a new one;
frames go through :class:`storage.spool.SpoolingWriter`, so a database outage or a full disk
buffers them in memory instead of stopping capture; frames without any participant tile (window
closed, minimised or covered) give one warning, not an error.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from classmood.config import Settings

if TYPE_CHECKING:  # the packages are imported when a lecture is recorded, not when the CLI starts
    from capture import AgentStatus, Frame, FrameAnalyser, FrameAnalysis, FrameSource
    from model import EmotionClassifier
    from storage import Database, PrivacyPolicy
    from storage.spool import SpoolingWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recording:
    """What a recording run did: ``first_frame`` > 0 when an unfinished session was continued;
    ``unwritten`` frames could not reach the database before the run ended."""

    session_id: int
    frames: int
    skipped: int
    reason: str
    resumed: bool = False
    first_frame: int = 0
    unwritten: int = 0

    def unwritten_line(self) -> str | None:
        """The one line a command prints when frames could not reach the database; None when all did."""
        if not self.unwritten:
            return None
        return (
            f"classmood: {self.unwritten} frame(s) could not be written: the database stayed unavailable; "
            "the session stays open"
        )


class ContinuedSource:
    """A source picking up a session at ``next_frame``: offline sources skip the frames already
    written (same positions in the same source); live sources number their frames on from there."""

    def __init__(self, source: FrameSource, next_frame: int) -> None:
        self.source = source
        self.next_frame = next_frame
        self.live: bool = bool(source.live)

    def __iter__(self) -> Iterator[Frame]:
        for frame in self.source:
            if self.live:
                yield replace(frame, index=frame.index + self.next_frame)
            elif frame.index >= self.next_frame:
                yield frame

    def describe(self) -> str:
        return self.source.describe()

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> Self:
        self.source.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.source.__exit__(exc_type, exc, tb)


def open_or_continue_session(
    db: Database,
    title: str,
    source: str,
    privacy: PrivacyPolicy,
    *,
    new_session: bool = False,
    class_size: int | None = None,
) -> tuple[int, int]:
    """(session id, next frame): the unfinished session with this title and source, else a new one.

    A session recorded under another privacy mode is never continued.
    """
    from storage import StorageError, latest_open_session, resume_session, start_session
    from storage.queries import session_info
    from storage.spool import TRANSIENT_ERRORS, describe_error

    try:
        if not new_session:
            found = latest_open_session(db, source, title)
            if found is not None:
                mode = str(session_info(db, found).at[0, "privacy_mode"])
                if mode == privacy.mode:
                    return found, resume_session(db, found)
                log.warning(
                    "session %d was recorded in %s mode, not %s: starting a new session",
                    found,
                    mode,
                    privacy.mode,
                )
        return start_session(db, title, source, privacy, class_size=class_size), 0
    except TRANSIENT_ERRORS as exc:
        raise StorageError(f"cannot start the session in the database: {describe_error(exc)}") from None


class BlankFrameWarning:
    """One warning when frames stop showing participant tiles, one line when they come back."""

    def __init__(self) -> None:
        self.blank_since: int | None = None
        self.blank_frames = 0

    def __call__(self, frame_index: int, students: int) -> None:
        if students == 0:
            self.blank_frames += 1
            if self.blank_since is None:
                self.blank_since = frame_index
                log.warning(
                    "frame %d: no participant tiles found (meeting window closed, minimised or covered?); "
                    "still watching",
                    frame_index,
                )
        elif self.blank_since is not None:
            log.warning(
                "frame %d: participant tiles back after %d frame(s) without any",
                frame_index,
                self.blank_frames,
            )
            self.blank_since = None
            self.blank_frames = 0


def _open_session(
    db: Database,
    source: FrameSource,
    privacy: PrivacyPolicy,
    title: str | None,
    roster: Sequence[str],
    new_session: bool,
) -> tuple[int, int]:
    """(session id, next frame) for this run, saying so when an unfinished session is continued."""
    described = source.describe()
    session_id, next_frame = open_or_continue_session(
        db, title or described, described, privacy, new_session=new_session, class_size=len(roster) or None
    )
    if next_frame > 0:
        log.warning(
            "continuing unfinished session %d from frame %d (--new-session starts a new one)",
            session_id,
            next_frame,
        )
    return session_id, next_frame


def _load_classifier(settings: Settings) -> EmotionClassifier:
    """The emotion model as configured (``model.path`` or ``model.quality``, ``model.threads``, ``model.mirror_average``,
    ``model.temperature``)."""
    from model import EmotionClassifier

    return EmotionClassifier.load(
        settings.model.weights(),
        threads=settings.model.threads,
        mirror=settings.model.mirror_average,
        temperature=settings.model.temperature,
    )


def _analyser(
    settings: Settings, classifier: EmotionClassifier, roster: Sequence[str], session_id: int
) -> FrameAnalyser:
    """The capture pipeline with the configured face and name settings; it keeps annotated frames
    of this session only when ``privacy.save_debug_frames`` is on."""
    from capture import FrameAnalyser

    debug_dir = (
        settings.storage.data_dir / "debug_frames" / f"session_{session_id}"
        if settings.privacy.save_debug_frames
        else None
    )
    return FrameAnalyser.create(
        classifier,
        roster=roster,
        threads=settings.model.threads,
        min_face_size=settings.capture.min_face_size,
        smoothing_window=settings.capture.smoothing_window,
        names_budget_ms=settings.capture.names_budget_ms or None,
        face_process=settings.capture.face_process,
        debug_dir=debug_dir,
    )


def _database_sink(writer: SpoolingWriter, session_id: int) -> Callable[[FrameAnalysis], None]:
    """Writes each analysed frame's students to the session (through the spooling writer), warning
    once while frames show no participant tiles."""
    from storage import StudentObservation

    blank = BlankFrameWarning()

    def sink(analysis: FrameAnalysis) -> None:
        blank(analysis.frame_index, len(analysis.students))
        observations = [
            StudentObservation(s.name, s.camera_on, s.face_box, s.scores) for s in analysis.students
        ]
        writer.write(session_id, analysis.frame_index, analysis.timestamp, observations, analysis.renamed)

    return sink


@contextmanager
def stop_on_signals(stop: threading.Event, signals: Sequence[signal.Signals]) -> Iterator[None]:
    """``signals`` set ``stop`` instead of ending the process, while the block runs: the recording
    finishes its frame and ends the lecture, nothing written is lost."""

    def handler(_signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def record_lecture(
    settings: Settings,
    db: Database,
    source: FrameSource,
    *,
    title: str | None = None,
    roster: Sequence[str] = (),
    max_frames: int | None = None,
    on_status: Callable[[AgentStatus], None] | None = None,
    stop: threading.Event | None = None,
    new_session: bool = False,
    writer_options: dict[str, Any] | None = None,
    final_wait_seconds: float = 60.0,
    on_frame: Callable[[Any, Any], None] | None = None,
) -> Recording:
    """Run ``source`` through the pipeline, one database transaction per frame.

    Continues the unfinished session with the same title and source unless ``new_session``.
    The session is ended when the run ends and every frame is written; frames the database
    still refuses after ``final_wait_seconds`` are counted in ``Recording.unwritten``.
    ``writer_options`` go to :class:`storage.spool.SpoolingWriter`. ``on_frame(frame, analysis)``
    sees each analysed frame (the live preview of ``classmood start``).
    """
    from capture import run_agent
    from classmood.wiring import privacy_policy
    from storage.spool import SpoolingWriter

    classifier = _load_classifier(settings)
    privacy = privacy_policy(settings)
    session_id, next_frame = _open_session(db, source, privacy, title, roster, new_session)
    resumed = next_frame > 0
    writer = SpoolingWriter(db, privacy, **(writer_options or {}))
    continued = ContinuedSource(source, next_frame) if resumed else source
    try:
        with continued, _analyser(settings, classifier, roster, session_id) as analyser:

            def analyse(frame: Frame) -> FrameAnalysis:
                analysis = analyser(frame)
                if on_frame is not None:
                    on_frame(frame, analysis)
                return analysis

            result = run_agent(
                continued,
                analyse,
                _database_sink(writer, session_id),
                fps=settings.capture.fps,
                max_frames=max_frames,
                on_status=on_status,
                stop=stop,
            )
    finally:
        unwritten = writer.close(wait_seconds=final_wait_seconds)
        if unwritten == 0:
            writer.end_session(session_id)
    return Recording(
        session_id, writer.written, result.skipped, result.reason, resumed, next_frame, unwritten
    )
