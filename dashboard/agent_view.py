"""What the capture agent sees now: its latest analysed frame, drawn, held in memory only.

``classmood start`` runs the agent and the dashboard in one process; the composition root puts each
analysed frame into a :class:`LatestFrame` that the live page reads. The dashboard never imports
capture: it gets a function that draws the frame as PNG bytes, called only when someone looks, and
the picture is never written to disk. Not offered at all in ``privacy.mode: aggregate``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, Response

from dashboard.error_pages import error_response

PATH = "/agent-view.png"


@dataclass(frozen=True)
class AgentView:
    """One drawn frame: the PNG, when it was grabbed, and what was found on it ("9 tiles, 8 faces")."""

    png: bytes
    taken_at: datetime
    found: str


class LatestFrame:
    """The newest analysed frame of the agent in this process, drawn on first request and kept
    until the next frame replaces it (thread-safe: the agent puts, server threads read)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._draw: Callable[[], bytes] | None = None
        self._taken_at: datetime | None = None
        self._found = ""
        self._serial = 0
        self._drawn: tuple[int, AgentView] | None = None

    def put(self, draw: Callable[[], bytes], taken_at: datetime, found: str) -> None:
        """A new frame: ``draw()`` gives its PNG (called at most once, and only if the page asks)."""
        with self._lock:
            self._draw, self._taken_at, self._found = draw, taken_at, found
            self._serial += 1

    def view(self) -> AgentView | None:
        """The latest frame drawn, or None before the agent analysed one."""
        with self._lock:
            if self._drawn is not None and self._drawn[0] == self._serial:
                return self._drawn[1]
            draw, taken_at, found, serial = self._draw, self._taken_at, self._found, self._serial
        if draw is None or taken_at is None:
            return None
        view = AgentView(draw(), taken_at, found)
        with self._lock:
            if serial == self._serial:
                self._drawn = (serial, view)
        return view


def register_routes(server: Flask, latest: LatestFrame | None) -> None:
    """``/agent-view.png``: the latest drawn frame, never cached by the browser; 404 without one."""

    @server.route(PATH, endpoint="agent_view")
    def agent_view() -> Response:
        view = latest.view() if latest is not None else None
        if view is None:
            return error_response(404, "The capture agent has not analysed a frame in this process.")
        return Response(view.png, mimetype="image/png", headers={"Cache-Control": "no-store"})
