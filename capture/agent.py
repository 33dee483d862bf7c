"""The capture loop: frames from a source through the analyser into a sink, at most ``fps`` a second.

Live sources (screen, camera) are grabbed on demand at the next slot of a fixed ``1/fps`` clock;
a frame that takes longer than a slot makes the loop skip the slots it missed — nothing queues, the
next grab is always fresh. Offline sources (video, images, synth) run as fast as the analyser
goes, without sleeping. A stop event or Ctrl-C ends the loop cleanly after the current frame.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from capture.frames import Frame, FrameSource
from capture.pipeline import FrameAnalysis


@dataclass(frozen=True)
class AgentStatus:
    """The live status line: frames done, slots skipped, achieved fps, last frame's faces and students."""

    frames: int
    skipped: int
    fps: float
    faces: int
    students: int
    last_ms: float

    def line(self) -> str:
        """The status as the one line the capture command keeps rewriting."""
        return (
            f"{self.frames} frames, {self.fps:.1f} fps, {self.faces} faces, {self.students} students, "
            f"{self.last_ms:.0f} ms/frame" + (f", {self.skipped} skipped" if self.skipped else "")
        )


@dataclass(frozen=True)
class AgentResult:
    """How a run ended: ``reason`` is "end of source", "max frames", "stopped" or "interrupted"."""

    frames: int
    skipped: int
    seconds: float
    reason: str


def run_agent(
    source: FrameSource,
    analyser: Callable[[Frame], FrameAnalysis],
    sink: Callable[[FrameAnalysis], None],
    fps: float,
    max_frames: int | None = None,
    on_status: Callable[[AgentStatus], None] | None = None,
    stop: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> AgentResult:
    """Run frames of ``source`` through ``analyser`` into ``sink`` until the source ends or it is stopped."""
    if not fps > 0:
        raise ValueError(f"fps must be positive (got {fps})")
    stop = stop or threading.Event()
    period = 1.0 / fps
    started = clock()
    done = skipped = 0
    recent: deque[float] = deque(maxlen=10)
    reason = "end of source"
    frames = iter(source)
    try:
        while True:
            if stop.is_set():
                reason = "stopped"
                break
            if max_frames is not None and done >= max_frames:
                reason = "max frames"
                break
            slot_start = clock()
            try:
                frame = next(frames)
            except StopIteration:
                break
            analysis = analyser(frame)
            sink(analysis)
            done += 1
            now = clock()
            recent.append(now)
            if on_status is not None:
                rate = _achieved_fps(recent)
                last_ms = (now - slot_start) * 1000
                on_status(AgentStatus(done, skipped, rate, analysis.faces, len(analysis.students), last_ms))
            if source.live:
                missed, wait = _next_slot(started, period, slot_start, now)
                skipped += missed
                if wait > 0 and stop.wait(wait):
                    reason = "stopped"
                    break
    except KeyboardInterrupt:
        reason = "interrupted"
    return AgentResult(done, skipped, clock() - started, reason)


def _achieved_fps(finished: deque[float]) -> float:
    """Frames a second over the recent frames' finishing times (0 until two finished apart)."""
    if len(finished) > 1 and finished[-1] > finished[0]:
        return (len(finished) - 1) / (finished[-1] - finished[0])
    return 0.0


def _next_slot(started: float, period: float, slot_start: float, now: float) -> tuple[int, float]:
    """For a frame grabbed at ``slot_start`` and done at ``now`` on the fixed clock of ``period``
    from ``started``: the slots it missed, and the seconds until the next slot. Missed slots are
    skipped, never caught up, so the next grab is always fresh."""
    next_slot = math.floor((now - started) / period) + 1
    missed = next_slot - (math.floor((slot_start - started) / period) + 1)
    return max(0, missed), started + next_slot * period - now
