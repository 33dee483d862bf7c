"""`classmood dashboard`: serve the web dashboard (waitress unless --debug)."""

from __future__ import annotations

import argparse

from classmood.config import Settings
from classmood.errors import UserError


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "dashboard",
        parents=[common["config"], common["db"]],
        help="serve the web dashboard",
        description="Serve the dashboard (live class mood, students, reports, CSV export) behind a login. "
        "Binds 127.0.0.1 unless told otherwise.",
    )
    parser.add_argument(
        "--host", default=None, help="address to listen on (default: dashboard.host, 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=None, help="port (default: dashboard.port, 8050)")
    parser.add_argument(
        "--debug", action="store_true", help="Flask/Dash debug server instead of waitress (development only)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.wiring import open_database
    from dashboard.serve import serve
    from storage.settings import PrivacyMode

    if args.port is not None and not 1 <= args.port <= 65535:
        raise UserError(f"--port: must be between 1 and 65535 (got {args.port})")
    db = open_database(settings)
    serve(
        settings.dashboard,
        db,
        data_dir=settings.storage.data_dir,
        host=args.host,
        port=args.port,
        debug=args.debug,
        offer_agent_view=settings.privacy.mode != PrivacyMode.AGGREGATE,
    )
    return 0
