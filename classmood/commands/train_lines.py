"""`classmood train-lines`: train the recogniser of small name labels (model/weights/name-lines.onnx)."""

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
        "train-lines",
        parents=[common["config"]],
        help="train the text-line recogniser that reads small name labels",
        description="Draw names as video clients draw their labels (installed sans-serif fonts, small "
        "sizes, plates over video-like texture, screenshot blur and JPEG), fit the convolutional CTC "
        "recogniser on them and export OUT/name-lines.onnx; copy it to model/weights/name-lines.onnx "
        "to ship it (model/NAME_LINES_MODEL_CARD.md).",
    )
    parser.add_argument("--out", type=Path, default=Path("runs/name_lines"), help="run folder")
    parser.add_argument("--lines", type=int, default=40_000, help="training lines drawn (default 40000)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=0.002, help="peak Adam learning rate")
    parser.add_argument(
        "--init-weights",
        type=Path,
        default=None,
        metavar="FILE",
        help="continue from a run's best.weights.h5 or best.fp16.npz (a snapshot, float16), or from an "
        "exported file such as the shipped model/weights/name-lines.onnx (drawn lines are new each run)",
    )
    parser.add_argument(
        "--head",
        choices=("conv", "gru"),
        default="conv",
        help="what reads along the line: two 1-D convolutions (conv, the shipped file's) or two "
        "bidirectional GRUs (gru; from an exported conv file only its convolutions are taken)",
    )
    parser.add_argument(
        "--member",
        type=int,
        default=0,
        help="of an exported mean of several recognisers, the one to continue (0 first; default 0)",
    )
    parser.add_argument(
        "--sizes",
        type=float,
        nargs=2,
        default=None,
        metavar=("LOW", "HIGH"),
        help="the font em range drawn, in screen px (default 5.5 18)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.errors import UserError

    if args.epochs < 1:
        raise UserError("--epochs must be at least 1")
    if args.lines < 64:
        raise UserError("--lines must be at least 64 (one batch)")
    try:
        from training.text_lines import EM_SIZES, LineTrainSettings, train_lines
    except ImportError as exc:
        raise UserError(
            f"classmood train-lines needs the training tools ({exc.name} is not installed): "
            "run 'make install', or pip install -e '.[train]'"
        ) from None
    if args.sizes is not None and not 4 <= args.sizes[0] < args.sizes[1]:
        raise UserError("--sizes LOW HIGH: LOW must be at least 4 and below HIGH")
    if args.init_weights is not None and not args.init_weights.is_file():
        raise UserError(f"--init-weights {args.init_weights}: no such file")
    line_settings = LineTrainSettings(
        lines=args.lines,
        epochs=args.epochs,
        learning_rate=args.lr,
        seed=args.seed,
        init_weights=None if args.init_weights is None else str(args.init_weights),
        member=args.member,
        sizes=EM_SIZES if args.sizes is None else (args.sizes[0], args.sizes[1]),
        head=args.head,
    )
    metrics = train_lines(
        line_settings, args.out, progress=lambda text: print(text, file=sys.stderr, flush=True)
    )
    print(json.dumps(metrics, indent=2))
    print(f"weights: {args.out / 'name-lines.onnx'} (copy it to model/weights/name-lines.onnx to ship it)")
    return 0
