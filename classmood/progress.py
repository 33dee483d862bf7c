"""Progress of long work on stderr: one line rewritten in place on a terminal, else a periodic log line.

A terminal gets every update (the line is redrawn); a log file or pipe gets the first update, then
at most one line every ``every`` seconds, and the last one when the work ends, so a log shows the
work going on without filling up.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

LOG_EVERY_SECONDS = 60.0


class StatusLine:
    """Shows ``prefix: text`` for each :meth:`show`; :meth:`close` ends the line (terminal) or writes the
    last status (log) if it was not written yet."""

    def __init__(
        self,
        prefix: str,
        stream: TextIO | None = None,
        *,
        every: float = LOG_EVERY_SECONDS,
        interactive: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prefix = prefix
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.every = every
        self.clock = clock
        self._written_at: float | None = None
        self._unwritten: str | None = None
        self._drawn = False

    def show(self, text: str) -> None:
        line = f"{self.prefix}: {text}"
        if self.interactive:
            print(f"\r\033[K{line}", end="", file=self.stream, flush=True)
            self._drawn = True
            return
        now = self.clock()
        if self._written_at is not None and now - self._written_at < self.every:
            self._unwritten = line
            return
        print(line, file=self.stream, flush=True)
        self._written_at, self._unwritten = now, None

    def close(self) -> None:
        if self._drawn:
            print(file=self.stream, flush=True)
            self._drawn = False
        elif self._unwritten is not None:
            print(self._unwritten, file=self.stream, flush=True)
            self._unwritten = None
