"""`classmood inspect`: what the agent sees on one frame, drawn and listed (the check before a class)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from classmood.config import Settings
from classmood.errors import UserError

if TYPE_CHECKING:  # capture is imported when the command runs, not when the CLI starts
    from capture import Frame

# the frame is analysed this many times: a label's reads (capture.label_pixels.OCR_VARIANTS)
INSPECT_FRAMES = 4


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "inspect",
        parents=[common["config"], common["roster"]],
        help="show what the agent sees on one frame: tiles, names, camera on/off, faces, emotions",
        description="Analyse one screenshot (or one grab of the screen) as the capture agent does, list each "
        "tile found and draw them over the image. Nothing is written to the database.",
    )
    parser.add_argument("image", nargs="?", type=Path, default=None, help="a screenshot (PNG, JPEG, ...)")
    parser.add_argument(
        "--source",
        choices=("screen",),
        default=None,
        help="grab the screen instead (the monitor or region of capture settings)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="PNG",
        help="write the drawing here (default: inspect.png beside the current folder's files)",
    )
    parser.set_defaults(handler=run)


def _grab(args: argparse.Namespace, settings: Settings) -> Frame:
    import cv2

    from capture import CaptureError, Frame, open_source

    if (args.image is None) == (args.source is None):
        raise UserError("inspect: give one screenshot, or --source screen")
    if args.source == "screen":
        with open_source("screen", settings=settings.capture) as source:
            for frame in source:
                return frame
        raise UserError("inspect: the screen gave no frame")
    if not args.image.is_file():
        raise UserError(f"inspect: {args.image}: no such file")
    image = cv2.imread(str(args.image), cv2.IMREAD_COLOR)
    if image is None:
        raise CaptureError(f"{args.image}: not a readable image")
    from datetime import UTC, datetime

    return Frame(0, datetime.now(UTC), image)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import cv2

    from capture import FrameAnalyser
    from capture.drawing import draw_analysis
    from classmood.commands.capture import read_roster
    from model import EmotionClassifier

    out = args.out or Path("inspect.png")
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise UserError(f"--out {out}: must end in .png or .jpg")
    frame = _grab(args, settings)
    classifier = EmotionClassifier.load(
        settings.model.weights(),
        threads=settings.model.threads,
        mirror=settings.model.mirror_average,
        temperature=settings.model.temperature,
    )
    with FrameAnalyser.create(
        classifier,
        roster=read_roster(args.roster),
        threads=settings.model.threads,
        min_face_size=settings.capture.min_face_size,
        smoothing_window=1,
        face_process=False,
    ) as analyser:
        # as the agent sees the frame after a few seconds: an unreadable label is read again on the
        # next frames, each time prepared another way
        for again in range(INSPECT_FRAMES):
            analysis = analyser.analyse(replace(frame, index=again))
    for number, student in enumerate(analysis.students, 1):
        if student.scores is not None:
            seen = "face, " + _emotion(student.scores)
        else:
            seen = "camera on, no face found" if student.camera_on else "camera off"
        print(f"{number:3d}  {student.name}: {seen}")
    faces = analysis.faces
    print(f"{len(analysis.students)} tiles, {faces} faces with an emotion", file=sys.stderr)
    if not cv2.imwrite(str(out), draw_analysis(frame.image, analysis)):
        raise UserError(f"--out {out}: cannot write it")
    print(f"drawing: {out}", file=sys.stderr)
    return 0


def _emotion(scores: tuple[float, ...]) -> str:
    from model import EMOTIONS

    best = max(range(len(scores)), key=scores.__getitem__)
    return f"{EMOTIONS[best]} {scores[best]:.0%}"
