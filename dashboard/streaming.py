"""Turn a function that writes text to a file object into a streamed HTTP body.

The writer runs in a thread and hands chunks over a small bounded queue, so memory stays at a
few chunks however big the export is, and a slow client slows the writer down. If the client
goes away, the next write raises :class:`StreamClosed` and the writer stops.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

log = logging.getLogger(__name__)

CHUNK_CHARS = 64 * 1024
_DONE = object()


class StreamClosed(Exception):
    """The reader of the stream went away."""


class _QueueWriter(io.TextIOBase):
    def __init__(self, chunks: queue.Queue[object], closed: threading.Event, encoding: str) -> None:
        self._chunks = chunks
        self._closed = closed
        self._encoding = encoding
        self._buffer: list[str] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._closed.is_set():
            raise StreamClosed("the client closed the download")
        self._buffer.append(text)
        self._size += len(text)
        if self._size >= CHUNK_CHARS:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if not self._buffer:
            return
        data = "".join(self._buffer).encode(self._encoding)
        self._buffer, self._size = [], 0
        self._put(data)

    def _put(self, item: object) -> None:
        while True:
            if self._closed.is_set():
                raise StreamClosed("the client closed the download")
            try:
                self._chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def stream_text(write: Callable[[TextIO], object], encoding: str = "utf-8", max_chunks: int = 8) -> Iterator[bytes]:
    """Run ``write(out)`` in a thread and yield what it writes, in chunks of about 64 KiB."""
    chunks: queue.Queue[object] = queue.Queue(maxsize=max_chunks)
    closed = threading.Event()
    writer = _QueueWriter(chunks, closed, encoding)
    failure: list[BaseException] = []

    def _run() -> None:
        try:
            write(writer)
            writer.flush()
        except StreamClosed:
            return
        except BaseException as exc:  # noqa: BLE001 - reported to the reader below
            failure.append(exc)
        try:
            writer._put(_DONE)  # noqa: SLF001
        except StreamClosed:
            return

    thread = threading.Thread(target=_run, name="stream-text", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is _DONE:
                break
            yield item  # type: ignore[misc]
        if failure:
            log.error("streamed download failed: %s", failure[0], exc_info=failure[0])
            raise RuntimeError("the download failed part way; the file is incomplete") from failure[0]
    finally:
        closed.set()
        thread.join(timeout=5)
