"""`classmood train`: train an emotion CNN on FER2013 with checkpoints and --resume."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from classmood.config import Settings

if TYPE_CHECKING:  # the training tools are imported when a run starts, not when the CLI starts
    from training.train import TrainSettings

ARCH_CHOICES = ("seed", "vgg_lite", "vgg_slim", "vgg_teacher")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """The data, the architecture and the schedule of a plain run."""
    parser.add_argument(
        "--data", type=Path, required=True, help="FER2013 root (train/ and test/) or fer2013.csv"
    )
    parser.add_argument("--arch", choices=ARCH_CHOICES, default="vgg_lite")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05, help="peak SGD learning rate")
    parser.add_argument("--schedule", choices=("cosine", "plateau"), default="cosine")
    parser.add_argument(
        "--zoom", type=float, default=0.1, help="random zoom range of the augmentation (0.1: ±10%%)"
    )
    parser.add_argument("--seed", type=int, default=1)


def _add_fine_tune_options(parser: argparse.ArgumentParser) -> None:
    """Where the weights start (and whether they are pruned), damaged faces, the float precision."""
    parser.add_argument(
        "--init-weights",
        type=Path,
        default=None,
        metavar="ONNX|NPZ",
        help="fine-tune: start from an exported model of the same --arch (e.g. model/weights/emotion-fp32.onnx) "
        "or continue from a float16 snapshot (a run's best.fp16.npz, e.g. training/weights/teacher.fp16.npz)",
    )
    parser.add_argument(
        "--damage",
        type=float,
        default=0.0,
        metavar="P",
        help="share of training faces damaged as a video call would (small, blurred, compressed, "
        "noisy, lit, covered, cut; training/damage.py); default 0",
    )
    parser.add_argument(
        "--precision",
        choices=("float32", "mixed_bfloat16"),
        default="float32",
        help="mixed_bfloat16: layers compute in bfloat16, faster for wide nets on CPUs with avx512_bf16 "
        "or amx_bf16 (default float32)",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="--init-weights may be wider than --arch (a vgg_lite for --arch vgg_slim): "
        "each narrower convolution keeps its strongest channels",
    )


def _add_extra_target_options(parser: argparse.ArgumentParser) -> None:
    """Other views of each face: the reframed dataset and a teacher's probabilities."""
    parser.add_argument(
        "--reframed",
        type=Path,
        default=None,
        metavar="DIR",
        help="the same dataset framed as the capture agent frames faces (made by 'classmood reframe')",
    )
    parser.add_argument(
        "--reframed-share",
        type=float,
        default=0.5,
        metavar="P",
        help="share of training faces shown in the --reframed framing (default 0.5)",
    )
    parser.add_argument(
        "--teacher",
        type=Path,
        default=None,
        metavar="ONNX",
        help="distil: also learn an exported model's probabilities for each augmented face "
        "(e.g. model/weights/emotion.onnx)",
    )
    parser.add_argument(
        "--teacher-share",
        type=float,
        default=0.5,
        metavar="P",
        help="weight of the --teacher's probabilities in each target, the label the rest (default 0.5)",
    )
    parser.add_argument(
        "--teacher-mirror",
        action="store_true",
        help="average the --teacher's probabilities for each face with its mirror image's "
        "(the teacher as model.mirror_average scores it)",
    )


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "train",
        parents=[common["config"]],
        help="train the emotion CNN on FER2013",
        description="Train on DATA/train, validate on DATA/test; a checkpoint every epoch in OUT/checkpoint.",
    )
    _add_run_options(parser)
    _add_fine_tune_options(parser)
    _add_extra_target_options(parser)
    parser.add_argument("--out", type=Path, default=None, help="run folder (default: runs/<arch>)")
    parser.add_argument(
        "--resume", action="store_true", help="continue the run in --out from its last checkpoint"
    )
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="train nothing: export the --init-weights NPZ snapshot to OUT/emotion.onnx and "
        "OUT/emotion.int8.onnx, as a run's end does (e.g. the teacher for model.quality: accurate)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.errors import UserError

    if args.epochs < 1:
        raise UserError("--epochs must be at least 1")
    if not 0.0 <= args.zoom < 1.0:
        raise UserError(f"--zoom must be in [0, 1) (got {args.zoom})")
    if not 0.0 <= args.reframed_share <= 1.0:
        raise UserError(f"--reframed-share must be in [0, 1] (got {args.reframed_share})")
    if args.init_weights is not None and not args.init_weights.is_file():
        raise UserError(f"--init-weights {args.init_weights}: no such file")
    if args.prune and (args.init_weights is None or args.init_weights.suffix == ".npz"):
        raise UserError("--prune needs --init-weights ONNX (the wider exported model to prune)")
    if args.teacher is not None and not args.teacher.is_file():
        raise UserError(f"--teacher {args.teacher}: no such file")
    if args.teacher_mirror and args.teacher is None:
        raise UserError("--teacher-mirror needs a --teacher")
    if not 0.0 <= args.teacher_share <= 1.0:
        raise UserError(f"--teacher-share must be in [0, 1] (got {args.teacher_share})")
    if not 0.0 <= args.damage <= 1.0:
        raise UserError(f"--damage must be in [0, 1] (got {args.damage})")
    if args.export_only and (args.init_weights is None or args.init_weights.suffix != ".npz"):
        raise UserError("--export-only needs --init-weights NPZ (a float16 snapshot to export)")
    if args.reframed is not None and not args.reframed.is_dir():
        raise UserError(f"--reframed {args.reframed}: no such folder (make it with 'classmood reframe')")
    try:
        from training.train import export_snapshot, train
    except ImportError as exc:
        raise UserError(
            f"classmood train needs the training tools ({exc.name} is not installed): "
            "run 'make install', or pip install -e '.[train]'"
        ) from None

    out = args.out or Path("runs") / args.arch
    train_settings = _train_settings(args)
    if args.export_only:
        print(json.dumps(export_snapshot(train_settings, out), indent=2))
        print(f"weights: {out / 'emotion.onnx'} (float32) and {out / 'emotion.int8.onnx'} (int8)")
        return 0
    metrics = train(train_settings, out, resume=args.resume)
    print(json.dumps(metrics, indent=2))
    print(
        f"weights: {out / 'emotion.onnx'} (float32) and {out / 'emotion.int8.onnx'} (int8; copy it to "
        "model/weights/emotion.onnx to make it the default, see model/MODEL_CARD.md)"
    )
    return 0


def _train_settings(args: argparse.Namespace) -> TrainSettings:
    """The run the checked options ask for, its paths absolute; what no option sets keeps its default."""
    from training.train import Augmentation, Optimisation, TrainingFaces, TrainSettings, Transfer

    def absolute(path: Path | None) -> str | None:
        return str(path.resolve()) if path else None

    return TrainSettings(
        faces=TrainingFaces(
            data=str(args.data.resolve()),
            reframed=absolute(args.reframed),
            reframed_share=args.reframed_share,
        ),
        arch=args.arch,
        seed=args.seed,
        optimisation=Optimisation(
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.lr,
            schedule=args.schedule,
            precision=args.precision,
        ),
        augmentation=Augmentation(zoom=args.zoom, damage=args.damage),
        transfer=Transfer(
            init_weights=absolute(args.init_weights),
            prune=args.prune,
            teacher=absolute(args.teacher),
            teacher_share=args.teacher_share,
            teacher_mirror=args.teacher_mirror,
        ),
    )
