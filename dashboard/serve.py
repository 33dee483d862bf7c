"""Serving the dashboard: waitress (production WSGI server) or Flask's debug server."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from dashboard.agent_view import LatestFrame
from dashboard.app import create_app
from dashboard.errors import DashboardError
from dashboard.settings import DashboardSettings
from storage.users import count_users

log = logging.getLogger(__name__)

NO_USERS_WARNING = (
    "No dashboard users yet, so nobody can sign in. Add one with:\n    classmood users add NAME --role admin"
)


def serve(
    settings: DashboardSettings,
    db: Any,
    *,
    data_dir: Path,
    host: str | None = None,
    port: int | None = None,
    debug: bool = False,
    stderr: TextIO | None = None,
    offer_agent_view: bool = True,
) -> None:
    """Serve until interrupted, on ``host:port`` (default: ``settings.host``/``settings.port``, 127.0.0.1:8050).

    ``data_dir`` keeps the generated secret key (see :func:`dashboard.auth.load_secret_key`);
    ``offer_agent_view``: whether the live page may offer "what the agent sees" (see :func:`create_app`)."""
    stderr = stderr or sys.stderr
    host = host or settings.host
    port = port or settings.port
    if count_users(db) == 0:
        print(f"classmood: warning: {NO_USERS_WARNING}", file=stderr)
    server, app = create_app(settings, db, data_dir=data_dir, offer_agent_view=offer_agent_view)
    shown = f"[{host}]" if ":" in host else host
    print(f"ClassMood dashboard on http://{shown}:{port}/ (Ctrl+C to stop)", file=stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            "classmood: note: the dashboard is reachable from the network; serve it behind HTTPS.",
            file=stderr,
        )
    try:
        if debug:
            app.run(host=host, port=port, debug=True, use_reloader=False)
        else:
            from waitress import serve as waitress_serve

            waitress_serve(server, host=host, port=port, threads=settings.threads, ident="ClassMood")
    except OSError as exc:
        raise DashboardError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port"
        ) from None


class BackgroundDashboard:
    """The dashboard behind waitress on a thread of this process (``classmood start``: the capture
    agent runs on the main thread and fills ``latest_frame``); :meth:`close` stops it."""

    def __init__(
        self,
        settings: DashboardSettings,
        db: Any,
        *,
        data_dir: Path,
        host: str | None = None,
        port: int | None = None,
        latest_frame: LatestFrame | None = None,
        offer_agent_view: bool = True,
    ) -> None:
        from waitress.server import create_server

        self.host = host or settings.host
        server, _ = create_app(
            settings, db, data_dir=data_dir, latest_frame=latest_frame, offer_agent_view=offer_agent_view
        )
        self._sockets: dict[
            int, Any
        ] = {}  # waitress's socket map: the listener, connections, its wake-up pipe
        try:
            self._server = create_server(
                server,
                map=self._sockets,
                host=self.host,
                port=port or settings.port,
                threads=settings.threads,
                ident="ClassMood",
            )
        except OSError as exc:
            raise DashboardError(
                f"cannot listen on {self.host}:{port or settings.port} ({exc.strerror or exc}); choose another --port"
            ) from None
        self.port = int(self._server.effective_port)  # type: ignore[union-attr]  # types-waitress omits it; every single-socket server has it
        self._thread = threading.Thread(target=self._run, name="dashboard", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/"

    def _run(self) -> None:
        with contextlib.suppress(
            OSError, ValueError
        ):  # the listening socket closed under the loop by close()
            self._server.run()

    def close(self) -> None:
        """Let the requests being answered finish, then close every socket, which ends the server's loop."""
        from waitress import wasyncore

        self._server.task_dispatcher.shutdown()
        wasyncore.close_all(self._sockets)
        self._thread.join(timeout=10)
