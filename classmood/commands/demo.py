"""`classmood demo`: a synthetic lecture through the real pipeline into the configured database, then the dashboard."""

from __future__ import annotations

import argparse
import secrets
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from classmood.config import REPO_ROOT, Settings
from classmood.errors import UserError

if TYPE_CHECKING:  # capture is imported when the demo runs, not when the CLI starts
    from capture import AgentStatus

DEMO_USER = "demo"
DOWNLOAD_HINT = (
    "no FER2013 face images found. Download FER2013 in its Kaggle folder layout "
    "(https://www.kaggle.com/datasets/msambare/fer2013: train/ and test/ with one folder per emotion) "
    "and unpack it to data/fer2013, or pass --faces DIR"
)


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "demo",
        parents=[common["config"], common["db"]],
        help="run a synthetic lecture through the pipeline and open the dashboard",
        description="Renders a Zoom-like lecture from FER2013 test faces, runs it through the real capture "
        "pipeline into the configured database (storage.url, or --db) as a new lecture, then serves the dashboard.",
    )
    parser.add_argument("--students", type=int, default=25, metavar="N")
    parser.add_argument(
        "--frames", type=int, default=120, metavar="F", help="frames, one per second of lecture"
    )
    parser.add_argument(
        "--faces",
        type=Path,
        default=None,
        metavar="DIR",
        help="FER2013 root or a folder of <emotion>/ images (default: data/fer2013, ../shared/datasets/fer2013)",
    )
    parser.add_argument("--no-serve", action="store_true", help="stop once the records are written")
    parser.add_argument("--port", type=int, default=None, help="dashboard port (default: dashboard.port)")
    parser.set_defaults(handler=run)


def _emotion_folders(root: Path) -> Path | None:
    from model.emotions import EMOTIONS

    for candidate in (root / "test", root):
        if all((candidate / emotion).is_dir() for emotion in EMOTIONS):
            return candidate
    return None


def find_faces(explicit: Path | None, data_dir: Path) -> Path:
    """The folder of ``<emotion>/`` face images to draw the lecture from."""
    if explicit is not None:
        found = _emotion_folders(explicit)
        if found is None:
            raise UserError(
                f"--faces {explicit}: expected a FER2013 root with test/ or one folder per emotion"
            )
        return found
    for root in (
        data_dir / "fer2013",
        REPO_ROOT / "data" / "fer2013",
        REPO_ROOT.parent / "shared" / "datasets" / "fer2013",
    ):
        found = _emotion_folders(root)
        if found is not None:
            return found
    raise UserError(DOWNLOAD_HINT)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from capture import SynthSource, open_source
    from classmood.progress import StatusLine
    from classmood.recording import record_lecture
    from classmood.wiring import open_database
    from storage import add_user, list_users, set_password

    if not 1 <= args.students <= 49:
        raise UserError(f"--students {args.students}: must be between 1 and 49")
    if args.frames < 1:
        raise UserError(f"--frames {args.frames}: must be at least 1")
    faces = find_faces(args.faces, settings.storage.data_dir)
    db = open_database(settings)
    start = datetime.now(UTC) - timedelta(seconds=args.frames / settings.capture.fps)
    source = open_source(
        "synth",
        settings=settings.capture,
        faces_dir=faces,
        students=args.students,
        frames=args.frames,
        start=start,
    )
    print(f"demo: {source.describe()} from {faces}", file=sys.stderr)
    progress = StatusLine("capturing")

    def status(state: AgentStatus) -> None:
        progress.show(
            f"{state.frames}/{args.frames} frames ({state.frames / args.frames:.0%}), {state.faces} faces, "
            f"{state.students} students, {state.last_ms:.0f} ms/frame"
        )

    # the teacher's class list, as `classmood capture --roster FILE` would give it
    roster = source.class_list() if isinstance(source, SynthSource) else ()
    try:
        recording = record_lecture(
            settings, db, source, title="Demo lecture", roster=roster, on_status=status, new_session=True
        )
    finally:
        progress.close()
    print(
        f"demo: session {recording.session_id}, {recording.frames} frames written to {settings.storage.database_url()}",
        file=sys.stderr,
    )
    if args.no_serve:
        return 0
    from dashboard.serve import serve

    password = secrets.token_urlsafe(12)
    if any(user.name == DEMO_USER for user in list_users(db)):
        set_password(db, DEMO_USER, password)  # a demo run before on this database made the user
    else:
        add_user(db, DEMO_USER, password, "admin")
    host, port = settings.dashboard.host, args.port or settings.dashboard.port
    print(
        f"\nDashboard: http://{host}:{port}/  user: {DEMO_USER}  password: {password}  (this run only; Ctrl-C stops)\n",
        file=sys.stderr,
        flush=True,
    )
    serve(settings.dashboard, db, data_dir=settings.storage.data_dir, port=port)
    return 0
