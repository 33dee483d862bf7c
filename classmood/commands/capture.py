"""`classmood capture`: run the capture agent on a source and write every frame's readings to the database."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from classmood.config import Settings
from classmood.errors import UserError

SOURCE_HELP = "screen | camera [INDEX] | video PATH | images DIR | synth"


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "capture",
        parents=[common["config"], common["db"], common["roster"]],
        help="watch a video class and record each student's emotions",
        description="Grab the meeting's gallery view (or a camera, video, image folder or synthetic lecture), "
        "find tiles, faces and names, classify emotions and write them to the database.",
    )
    parser.add_argument(
        "--source", nargs="+", metavar="KIND", default=None, help=f"{SOURCE_HELP} (default: capture.source)"
    )
    parser.add_argument(
        "--fps", type=float, default=None, help="frames per second to analyse (default: capture.fps)"
    )
    parser.add_argument("--max-frames", type=int, default=None, metavar="N", help="stop after N frames")
    parser.add_argument("--title", default=None, help="session title (default: the source)")
    parser.add_argument(
        "--faces",
        type=Path,
        default=None,
        metavar="DIR",
        help="synth: folder of <emotion>/ face images (e.g. FER2013 test/)",
    )
    parser.add_argument(
        "--students", type=int, default=25, metavar="N", help="synth: number of students (default 25)"
    )
    parser.add_argument(
        "--new-session",
        action="store_true",
        help="always start a new session (default: continue an unfinished one with the same "
        "title and source, e.g. after a crash)",
    )
    parser.set_defaults(handler=run)


def parse_source(words: Sequence[str] | None, default: str) -> tuple[str, Path | None, int | None]:
    """``--source`` words -> (kind, path, camera index)."""
    words = list(words) if words else [default]
    kind, rest = words[0], words[1:]
    if len(rest) > 1:
        raise UserError(f"--source {' '.join(words)}: too many words; expected {SOURCE_HELP}")
    if kind == "camera":
        if rest and not rest[0].isdigit():
            raise UserError(f"--source camera {rest[0]}: the camera index must be a number")
        return kind, None, int(rest[0]) if rest else None
    if kind in ("video", "images"):
        return kind, Path(rest[0]) if rest else None, None
    if kind in ("screen", "synth"):
        if rest:
            raise UserError(f"--source {kind}: takes no argument (got {rest[0]!r})")
        return kind, None, None
    raise UserError(f"--source {kind}: unknown source; expected {SOURCE_HELP}")


def read_roster(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"roster {path}: cannot read it ({exc.__class__.__name__})") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run(args: argparse.Namespace, settings: Settings) -> int:
    from capture import open_source
    from classmood.progress import StatusLine
    from classmood.recording import record_lecture, stop_on_signals
    from classmood.wiring import open_database

    kind, path, camera_index = parse_source(args.source, settings.capture.source)
    fps = args.fps if args.fps is not None else settings.capture.fps
    if not 0 < fps <= 30:
        raise UserError(f"--fps {fps}: must be above 0 and at most 30")
    if args.max_frames is not None and args.max_frames < 1:
        raise UserError(f"--max-frames {args.max_frames}: must be at least 1")
    settings.capture.fps = fps
    roster = read_roster(args.roster)
    source = open_source(
        kind,
        settings=settings.capture,
        path=path,
        camera_index=camera_index,
        faces_dir=args.faces,
        students=args.students,
        frames=args.max_frames or 200,
    )
    db = open_database(settings)
    status = StatusLine("capture")
    stop = threading.Event()
    try:
        # SIGTERM (kill, a service manager; a job started with & ignores Ctrl-C) ends the lecture as
        # Ctrl-C does: the frame finished, the lecture ended
        with stop_on_signals(stop, (signal.SIGTERM,)):
            recording = record_lecture(
                settings,
                db,
                source,
                title=args.title,
                roster=roster,
                max_frames=args.max_frames,
                on_status=lambda state: status.show(state.line()),
                stop=stop,
                new_session=args.new_session,
            )
    finally:
        status.close()
    continued = f", continued from frame {recording.first_frame}" if recording.resumed else ""
    print(
        f"session {recording.session_id}: {recording.frames} frames from {source.describe()} ({recording.reason}"
        + (f", {recording.skipped} slots skipped" if recording.skipped else "")
        + continued
        + ")",
        file=sys.stderr,
    )
    if (line := recording.unwritten_line()) is not None:
        print(line, file=sys.stderr)
        return 1
    return 130 if recording.reason == "interrupted" else 0
