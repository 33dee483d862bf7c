"""Serving the dashboard: waitress (production WSGI server) or Flask's debug server."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

from classmood.config import Settings
from dashboard.app import create_app
from dashboard.errors import DashboardError
from storage.users import count_users

log = logging.getLogger(__name__)

NO_USERS_WARNING = (
    "No dashboard users yet, so nobody can sign in. Add one with:\n"
    "    classmood users add NAME --role admin"
)


def serve(
    settings: Settings,
    db: Any,
    *,
    host: str | None = None,
    port: int | None = None,
    debug: bool = False,
    stderr: TextIO | None = None,
) -> None:
    """Serve until interrupted, on ``host:port`` (default: settings.dashboard, 127.0.0.1:8050)."""
    stderr = stderr or sys.stderr
    host = host or settings.dashboard.host
    port = port or settings.dashboard.port
    if count_users(db) == 0:
        print(f"classmood: warning: {NO_USERS_WARNING}", file=stderr)
    server, app = create_app(settings, db)
    shown = f"[{host}]" if ":" in host else host
    print(f"ClassMood dashboard on http://{shown}:{port}/ (Ctrl+C to stop)", file=stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("classmood: note: the dashboard is reachable from the network; serve it behind HTTPS.", file=stderr)
    try:
        if debug:
            app.run(host=host, port=port, debug=True, use_reloader=False)
        else:
            from waitress import serve as waitress_serve

            waitress_serve(server, host=host, port=port, threads=settings.dashboard.threads, ident="ClassMood")
    except OSError as exc:
        raise DashboardError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port") from None
