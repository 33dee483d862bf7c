"""`classmood synth`: write a synthetic Zoom-like lecture (PNG frames + truth.json) from labelled faces."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from classmood.config import Settings


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "synth",
        parents=[common["config"]],
        help="generate a synthetic gallery-view lecture with ground truth",
        description="Render Zoom-like 1920x1080 frames (with --realistic: of the screenshot's size) of "
        "students whose faces come from FACES/<emotion>/ and write OUT/frame_00000.png ... and OUT/truth.json.",
    )
    parser.add_argument(
        "--faces", type=Path, required=True, help="folder of <emotion>/ face images (e.g. FER2013 test/)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--students",
        type=int,
        default=25,
        help="number of students, 1..49 (64 with --client meet; default 25)",
    )
    parser.add_argument("--frames", type=int, default=200, help="number of frames (default 200)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--theme", choices=("dark", "light"), default="dark")
    parser.add_argument(
        "--view",
        choices=("gallery", "speaker", "speaker-bottom", "speaker-side"),
        default="gallery",
        help="speaker: the big tile with a strip on top (-bottom: below it, -side: a column beside it)",
    )
    parser.add_argument("--chrome", action="store_true", help="draw the gallery inside an app window")
    parser.add_argument(
        "--client",
        choices=("zoom", "meet", "teams"),
        default=None,
        help="draw tiles, labels and camera-off avatars as this client does, with people in rooms",
    )
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="with --client: frames as real screenshots of that client look (screen sizes, small "
        "labels, downscaled/JPEG'd, the client's furniture)",
    )
    parser.add_argument(
        "--static", action="store_true", help="no joining/leaving, reordering or speaker changes"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from capture.synth import synthesize

    with tqdm(total=args.frames, unit="frame", disable=not sys.stderr.isatty()) as bar:
        lecture = synthesize(
            args.faces,
            args.out,
            students=args.students,
            frames=args.frames,
            seed=args.seed,
            progress=lambda done, total: bar.update(done - bar.n),
            theme=args.theme,
            view=args.view,
            chrome=args.chrome,
            dynamics=not args.static,
            client=args.client,
            realistic=args.realistic,
        )
    print(
        f"wrote {len(lecture.frames)} frames of {len(lecture.names)} students to {lecture.out_dir} "
        f"(truth: {lecture.truth_path})"
    )
    return 0
