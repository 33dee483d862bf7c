"""Frame writes that survive a database outage or a full disk.

:class:`SpoolingWriter` writes each frame with :func:`storage.write_frame` (one transaction). When the
database cannot be reached, is locked past its busy timeout, or its disk is full, the frame is kept
in a bounded in-memory queue instead and the agent goes on; the queue is written, oldest first, as
soon as the database answers again. Retries back off (2 s doubling to 30 s by default) so an
unreachable server never stalls capture on every frame. One warning when an outage starts, one
line when it ends.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from storage.database import Database
from storage.writes import PrivacyPolicy, StudentObservation, end_session, write_frame

log = logging.getLogger(__name__)

# Errors that say "not now" (server down, connection lost, locked, disk full), not "never".
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)
# 10 minutes at 1 frame/s of 49 students is 29,400 observations; the default keeps ~4 times that.
DEFAULT_MAX_OBSERVATIONS = 120_000


@dataclass(frozen=True)
class PendingFrame:
    """A frame waiting for the database."""

    session_id: int
    frame: int
    timestamp: datetime
    observations: tuple[StudentObservation, ...]
    renamed: tuple[tuple[str, str], ...] = ()


def describe_error(exc: BaseException) -> str:
    """The first line of the database's own message."""
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


class Backoff:
    """When to try the database again: ``first`` seconds after a first failure, doubling after each
    further one up to ``longest``; at once after a success."""

    def __init__(self, first: float, longest: float, clock: Callable[[], float]) -> None:
        self.first = first
        self.longest = longest
        self._clock = clock
        self._delay = first
        self._next_try = 0.0

    def due(self) -> bool:
        return self._clock() >= self._next_try

    def failed(self, *, first: bool) -> None:
        """A write failed; ``first``: the first failure of an outage."""
        now = self._clock()
        self._delay = self.first if first else min(self._delay * 2, self.longest)
        self._next_try = now + self._delay

    def reset(self) -> None:
        self._delay = self.first
        self._next_try = 0.0


class FrameQueue:
    """Frames waiting for the database, oldest first, at most ``max_observations`` observations in all.

    When full, the oldest frames are dropped and counted in :attr:`dropped` (one warning per outage).
    """

    def __init__(self, max_observations: int) -> None:
        if max_observations < 1:
            raise ValueError(f"max_observations must be at least 1 (got {max_observations})")
        self.max_observations = max_observations
        self.observations = 0
        self.dropped = 0
        self._frames: deque[PendingFrame] = deque()
        self._warned_full = False

    def __len__(self) -> int:
        return len(self._frames)

    def __iter__(self) -> Iterator[PendingFrame]:
        return iter(self._frames)

    def oldest(self) -> PendingFrame:
        return self._frames[0]

    def pop_oldest(self) -> None:
        self.observations -= len(self._frames.popleft().observations)

    def append(self, pending: PendingFrame) -> None:
        """Queue ``pending``, dropping the oldest frames while over the bound (never the newest)."""
        self._frames.append(pending)
        self.observations += len(pending.observations)
        while self.observations > self.max_observations and len(self._frames) > 1:
            dropped = self._frames.popleft()
            self.observations -= len(dropped.observations)
            self.dropped += 1
            if dropped.renamed:  # the frame goes, the names it resolved still apply to what was written
                self._frames[0] = replace(self._frames[0], renamed=dropped.renamed + self._frames[0].renamed)
            if not self._warned_full:
                log.warning(
                    "database unavailable too long: in-memory buffer full (%d observations); dropping the oldest frames",
                    self.max_observations,
                )
                self._warned_full = True

    def outage_over(self) -> None:
        """The database answered again: warn again when the next outage fills the queue."""
        self._warned_full = False


class SpoolingWriter:
    """``write_frame`` that keeps frames in memory while the database is unavailable.

    ``max_observations`` bounds the queue (observation rows, summed over queued frames); when it
    is full the oldest frames are dropped and counted in :attr:`dropped` (with one warning).
    """

    def __init__(
        self,
        db: Database,
        privacy: PrivacyPolicy,
        *,
        max_observations: int = DEFAULT_MAX_OBSERVATIONS,
        retry_seconds: float = 2.0,
        max_retry_seconds: float = 30.0,
        flush_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.privacy = privacy
        self.flush_seconds = flush_seconds
        self._clock = clock
        self._queue = FrameQueue(max_observations)
        self._backoff = Backoff(retry_seconds, max_retry_seconds, clock)
        self.written = 0
        self.last_error: str | None = None

    @property
    def pending(self) -> int:
        """Frames waiting for the database."""
        return len(self._queue)

    @property
    def pending_observations(self) -> int:
        return self._queue.observations

    @property
    def dropped(self) -> int:
        """Frames dropped, oldest first, because the queue was full."""
        return self._queue.dropped

    @property
    def outage(self) -> bool:
        """Whether the last write attempt failed."""
        return self.last_error is not None

    def write(
        self,
        session_id: int,
        frame: int,
        timestamp: datetime,
        observations: Sequence[StudentObservation],
        renamed: Sequence[tuple[str, str]] = (),
    ) -> bool:
        """Queue the frame and write what the database takes now; True when nothing is left waiting.
        ``renamed``: as :func:`storage.write_frame` takes it."""
        self._queue.append(PendingFrame(session_id, frame, timestamp, tuple(observations), tuple(renamed)))
        self.flush()
        return not self._queue

    def flush(self, *, force: bool = False) -> int:
        """Write queued frames, oldest first, for at most ``flush_seconds``; returns how many were written.

        Between failed attempts it waits out the back-off unless ``force``.
        """
        if not self._queue or (not force and not self._backoff.due()):
            return 0
        started = self._clock()
        done = 0
        while self._queue:
            pending = self._queue.oldest()
            try:
                write_frame(
                    self.db,
                    pending.session_id,
                    pending.frame,
                    pending.timestamp,
                    pending.observations,
                    self.privacy,
                    pending.renamed,
                )
            except TRANSIENT_ERRORS as exc:
                self._failed(exc)
                return done
            self._queue.pop_oldest()
            self.written += 1
            done += 1
            if self.last_error is not None:
                self._recovered()
            if self._queue and self._clock() - started >= self.flush_seconds:
                break
        return done

    def close(self, *, wait_seconds: float = 60.0, sleep: Callable[[float], None] = time.sleep) -> int:
        """Try to write everything still queued, retrying for up to ``wait_seconds``; returns frames left."""
        deadline = self._clock() + wait_seconds
        announced = False
        while self._queue:
            self.flush(force=True)
            if not self._queue or self._clock() >= deadline:
                break
            if not announced:
                log.warning(
                    "database unavailable (%s): %d frame(s) still waiting; retrying for up to %.0f s",
                    self.last_error,
                    len(self._queue),
                    wait_seconds,
                )
                announced = True
            sleep(min(self._backoff.first, max(0.0, deadline - self._clock())))
        if self._queue:
            log.error(
                "database unavailable (%s): %d frame(s) (%d observations) could not be written",
                self.last_error,
                len(self._queue),
                self._queue.observations,
            )
        return len(self._queue)

    def end_session(self, session_id: int) -> bool:
        """End the session once nothing of it is waiting; False (with a warning) when that cannot happen now."""
        if any(p.session_id == session_id for p in self._queue):
            return False
        try:
            end_session(self.db, session_id)
        except TRANSIENT_ERRORS as exc:
            log.warning(
                "session %d could not be marked ended (%s); the next run continues it",
                session_id,
                describe_error(exc),
            )
            return False
        return True

    def _failed(self, exc: BaseException) -> None:
        if self.last_error is None:
            log.warning(
                "database unavailable (%s): keeping frames in memory and retrying; capture goes on",
                describe_error(exc),
            )
        self._backoff.failed(first=self.last_error is None)
        self.last_error = describe_error(exc)

    def _recovered(self) -> None:
        log.warning("database available again: writing %d buffered frame(s)", len(self._queue) + 1)
        self.last_error = None
        self._backoff.reset()
        self._queue.outage_over()
