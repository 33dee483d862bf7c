"""Serving the dashboard: waitress (production WSGI server) or Flask's debug server."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from dashboard.app import create_app
from dashboard.errors import DashboardError
from dashboard.settings import DashboardSettings
from storage.users import count_users

log = logging.getLogger(__name__)

NO_USERS_WARNING = (
    "No dashboard users yet, so nobody can sign in. Add one with:\n"
    "    classmood users add NAME --role admin"
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
) -> None:
    """Serve until interrupted, on ``host:port`` (default: ``settings.host``/``settings.port``, 127.0.0.1:8050).

    ``data_dir`` keeps the generated secret key (see :func:`dashboard.auth.load_secret_key`)."""
    stderr = stderr or sys.stderr
    host = host or settings.host
    port = port or settings.port
    if count_users(db) == 0:
        print(f"classmood: warning: {NO_USERS_WARNING}", file=stderr)
    server, app = create_app(settings, db, data_dir=data_dir)
    shown = f"[{host}]" if ":" in host else host
    print(f"ClassMood dashboard on http://{shown}:{port}/ (Ctrl+C to stop)", file=stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("classmood: note: the dashboard is reachable from the network; serve it behind HTTPS.", file=stderr)
    try:
        if debug:
            app.run(host=host, port=port, debug=True, use_reloader=False)
        else:
            from waitress import serve as waitress_serve

            waitress_serve(server, host=host, port=port, threads=settings.threads, ident="ClassMood")
    except OSError as exc:
        raise DashboardError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port") from None
