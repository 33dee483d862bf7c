"""`classmood evaluate`: accuracy, macro-F1, per-class recall and confusion of the emotion model."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from classmood.config import Settings


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        parents=[common["config"]],
        help="score the emotion model on labelled faces",
        description="DATA is a folder of <emotion>/ subfolders, a dataset root containing test/, or fer2013.csv.",
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--weights",
        type=Path,
        default=None,
        help="ONNX weights (default: model.path, else the committed weights of model.quality)",
    )
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    parser.add_argument("--plot", type=Path, default=None, metavar="PNG", help="write a confusion-matrix PNG")
    parser.add_argument("--dim", action="store_true", help="darken every face first (x0.4, then gamma 1.5)")
    parser.add_argument(
        "--damage",
        action="store_true",
        help="damage every face as a video call would first (small, blurred, compressed, "
        "noisy, lit, covered, cut: training/damage.py), the same way on every run",
    )
    parser.add_argument(
        "--mirror",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="average each face with its mirror image (default: model.mirror_average)",
    )
    parser.add_argument(
        "--temperature",
        type=float,
        default=None,
        metavar="T",
        help="calibrate the probabilities with T (default: model.temperature, else the one fitted "
        "for the committed weights); the report also fits one on DATA",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from classmood.errors import UserError

    if args.temperature is not None and not 0 < args.temperature <= 20:
        raise UserError(f"--temperature {args.temperature}: must be above 0 and at most 20")
    if args.plot is not None:
        try:
            import matplotlib  # noqa: F401  (checked before the long evaluation, used by plot_confusion)
        except ImportError:
            raise UserError(
                "--plot needs matplotlib (the training tools): run 'make install', "
                "or pip install -e '.[train]'"
            ) from None
    from training.data import load_fer
    from training.evaluate import evaluate, format_report, plot_confusion

    weights = args.weights or settings.model.weights()
    split = load_fer(args.data, "test")
    with tqdm(
        total=len(split), unit="face", desc="evaluating", disable=not sys.stderr.isatty(), file=sys.stderr
    ) as bar:
        mirror = settings.model.mirror_average if args.mirror is None else args.mirror
        temperature = args.temperature if args.temperature is not None else settings.model.temperature
        result = evaluate(
            split,
            weights,
            dim=args.dim,
            threads=settings.model.threads,
            progress=bar.update,
            mirror=mirror,
            temperature=temperature,
            damaged=args.damage,
        )
    if args.plot is not None:
        title = "Damaged faces" if args.damage else "Darkened faces" if args.dim else "Confusion matrix"
        plot_confusion(result, args.plot, title=title)
    if args.json:
        print(json.dumps(result.as_dict()))
    else:
        print(format_report(result))
        if args.plot is not None:
            print(f"\nconfusion matrix: {args.plot}")
    return 0
