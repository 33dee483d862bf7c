"""`classmood start`: what a teacher runs before class: the capture agent on the screen and the dashboard.

The agent runs on the main thread, the dashboard (waitress) on a thread of the same process, so the
live page can show what the agent sees now (:class:`dashboard.LatestFrame`, in memory only). Ctrl-C
or SIGTERM stops both: the current frame is finished, the lecture ended, the server closed.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import webbrowser
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from classmood.config import Settings
from classmood.errors import UserError

if TYPE_CHECKING:  # imported when a lecture starts, not when the CLI starts
    from capture import FrameSource
    from classmood.recording import Recording
    from dashboard import LatestFrame
    from storage import Database

FIRST_ADMIN = "admin"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    from classmood.commands.capture import SOURCE_HELP

    parser = subparsers.add_parser(
        "start",
        parents=[common["config"], common["db"], common["roster"]],
        help="before class: watch the meeting on the screen and open the dashboard",
        description="Start the capture agent on the screen (capture.monitor / capture.region / capture.window_title), "
        "serve the dashboard and open the browser on the live page. Ctrl-C stops both. On the first run, "
        "with no dashboard user yet, asks for an admin password (or takes CLASSMOOD_PASSWORD).",
    )
    parser.add_argument(
        "--source",
        nargs="+",
        metavar="KIND",
        default=None,
        help=f"{SOURCE_HELP} (default: capture.source, the screen)",
    )
    parser.add_argument("--title", default=None, help="lecture title (default: the source)")
    parser.add_argument("--host", default=None, help="dashboard address (default: dashboard.host, 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=None, help="dashboard port (default: dashboard.port, 8050)"
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser on the live page")
    parser.set_defaults(handler=run)


def ensure_first_user(db: Any) -> None:
    """With no dashboard user yet, add the admin ``admin`` with a password asked for (or from
    ``CLASSMOOD_PASSWORD``), so that the teacher can sign in to what ``start`` opens."""
    from classmood.commands.users import read_password
    from storage import add_user, count_users

    if count_users(db) > 0:
        return
    if sys.stdin.isatty():
        print(
            f"No dashboard user yet: choose a password for the admin user {FIRST_ADMIN!r}.", file=sys.stderr
        )
    try:
        password = read_password()
    except UserError as exc:
        raise UserError(f"no dashboard user yet and {exc}") from None
    add_user(db, FIRST_ADMIN, password, "admin")
    print(
        f"added admin {FIRST_ADMIN!r} (more with 'classmood users add NAME --role teacher')", file=sys.stderr
    )


def open_browser(url: str) -> None:
    """The teacher's browser on ``url``; where there is none (a server, a bare session) nothing happens."""
    with contextlib.suppress(webbrowser.Error):
        webbrowser.open(url)


def show_on(latest_frame: Any) -> Callable[[Any, Any], None]:
    """Puts each analysed frame into the dashboard's ``latest_frame``, drawn as ``classmood inspect``
    draws it, only when the live page asks (:class:`dashboard.LatestFrame`); memory only."""
    from capture.drawing import analysis_png

    def show(frame: Any, analysis: Any) -> None:
        latest_frame.put(
            partial(analysis_png, frame.image, analysis),
            frame.timestamp,
            f"{len(analysis.students)} tiles, {analysis.faces} faces with an emotion",
        )

    return show


def _record(
    settings: Settings,
    db: Database,
    source: FrameSource,
    args: argparse.Namespace,
    roster: list[str],
    stop: threading.Event,
    latest_frame: LatestFrame | None,
) -> Recording:
    """The lecture recorded until ``stop`` or the source's end, with a status line on stderr and each
    frame handed to the live page when it may show it."""
    from classmood.progress import StatusLine
    from classmood.recording import record_lecture

    status = StatusLine("capture")
    try:
        return record_lecture(
            settings,
            db,
            source,
            title=args.title,
            roster=roster,
            on_status=lambda state: status.show(state.line()),
            stop=stop,
            on_frame=None if latest_frame is None else show_on(latest_frame),
        )
    finally:
        status.close()


def _stay_on_until_stopped(stop: threading.Event, recording: Recording) -> None:
    """When capture ended by itself, the dashboard stays on until Ctrl-C or SIGTERM."""
    if stop.is_set():
        return
    print(
        f"classmood: capture ended ({recording.reason}); the dashboard stays on until Ctrl-C",
        file=sys.stderr,
        flush=True,
    )
    while not stop.wait(0.5):
        pass


def _stopped(recording: Recording) -> int:
    """Says what was recorded; exit status 1 when frames could not reach the database."""
    print(f"stopped: lecture {recording.session_id}, {recording.frames} frames recorded", file=sys.stderr)
    if (line := recording.unwritten_line()) is not None:
        print(line, file=sys.stderr)
        return 1
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    from capture import open_source
    from classmood.commands.capture import parse_source, read_roster
    from classmood.wiring import open_database
    from dashboard import BackgroundDashboard, LatestFrame
    from storage.settings import PrivacyMode

    if args.port is not None and not 1 <= args.port <= 65535:
        raise UserError(f"--port: must be between 1 and 65535 (got {args.port})")
    kind, path, camera_index = parse_source(args.source, settings.capture.source)
    roster = read_roster(args.roster)
    db = open_database(settings)
    ensure_first_user(db)
    source = open_source(kind, settings=settings.capture, path=path, camera_index=camera_index)
    agent_view = settings.privacy.mode != PrivacyMode.AGGREGATE
    latest_frame = LatestFrame() if agent_view else None
    from classmood.recording import stop_on_signals

    stop = threading.Event()
    with stop_on_signals(stop, (signal.SIGINT, signal.SIGTERM)):
        dashboard = BackgroundDashboard(
            settings.dashboard,
            db,
            data_dir=settings.storage.data_dir,
            host=args.host,
            port=args.port,
            latest_frame=latest_frame,
            offer_agent_view=agent_view,
        )
        try:
            print(
                f"ClassMood: watching {source.describe()}; dashboard on {dashboard.url} (Ctrl-C stops)",
                file=sys.stderr,
                flush=True,
            )
            if not args.no_browser:
                open_browser(dashboard.url)
            recording = _record(settings, db, source, args, roster, stop, latest_frame)
            _stay_on_until_stopped(stop, recording)
        finally:
            dashboard.close()
    return _stopped(recording)
