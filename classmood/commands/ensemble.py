"""`classmood ensemble`: join exported models of one kind into one file that averages them."""

from __future__ import annotations

import argparse
from pathlib import Path

from classmood.config import Settings


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "ensemble",
        parents=[common["config"]],
        help="join emotion models (or text-line recognisers) into one ONNX file that averages them",
        description="Join two or more exported emotion models (ONNX, float32 or int8) into one ONNX "
        "file whose output is the mean of their probabilities: the model runtime loads it as any "
        "weights file, and `classmood evaluate --weights OUT` scores it (model/MODEL_CARD.md, "
        "'Accurate mode'). Text-line recognisers (name-lines.onnx) join the same way, step by step "
        "(model/NAME_LINES_MODEL_CARD.md).",
    )
    parser.add_argument(
        "models", type=Path, nargs="+", metavar="MODEL", help="exported models, all emotion or all text-line"
    )
    parser.add_argument("--out", type=Path, required=True, help="the ONNX file to write")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.errors import UserError

    missing = [str(path) for path in args.models if not path.is_file()]
    if missing:
        raise UserError(f"no such model file: {', '.join(missing)}")
    try:
        from training.ensemble import ensemble_onnx
    except ImportError as exc:
        raise UserError(
            f"classmood ensemble needs the training tools ({exc.name} is not installed): "
            "run 'make install', or pip install -e '.[train]'"
        ) from None
    out = ensemble_onnx(args.models, args.out)
    print(f"{out}: the mean of {len(args.models)} models")
    return 0
