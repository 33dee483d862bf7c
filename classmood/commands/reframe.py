"""`classmood reframe`: a copy of a FER2013 folder dataset with every face framed as the capture agent frames it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from classmood.config import Settings

SPLITS = ("train", "test")


def register(subparsers: argparse._SubParsersAction, common: dict[str, argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reframe",
        parents=[common["config"]],
        help="write FER2013 faces as the capture agent crops them (training data for its framing)",
        description="Paint each face of DATA/{train,test}/<emotion>/ into a synthetic camera tile, find it "
        "with the agent's face detector, cut the agent's crop and write it as 48x48 grayscale PNG under "
        "OUT/<split>/<emotion>/ with the same file name. A face the detector misses is copied as it is.",
    )
    parser.add_argument("--data", type=Path, required=True, help="FER2013 root in the folder layout (train/ and test/)")
    parser.add_argument("--out", type=Path, required=True, help="output dataset root")
    parser.add_argument("--splits", nargs="+", choices=SPLITS, default=list(SPLITS))
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import cv2
    import numpy as np
    from tqdm import tqdm

    from capture.faces import FaceDetector
    from capture.framing import agent_crop
    from classmood.errors import UserError
    from model.preprocess import resize_gray
    from training.data import emotion_files

    for split in args.splits:
        if not (args.data / split).is_dir():
            raise UserError(f"{args.data}: no {split}/ folder (reframe needs the folder layout ROOT/{split}/<emotion>/)")
    jobs = {split: emotion_files(args.data / split) for split in args.splits}
    summary: dict[str, dict[str, int]] = {}
    with FaceDetector.load(threads=1) as detector:
        for index, (split, files) in enumerate(jobs.items()):
            rng = np.random.default_rng([args.seed, index])
            for emotion in {emotion for _, emotion in files}:
                (args.out / split / emotion).mkdir(parents=True, exist_ok=True)
            found = 0
            for path, emotion in tqdm(files, desc=split, unit="face", disable=not sys.stderr.isatty()):
                face = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
                if face is None:
                    raise UserError(f"{path}: not a readable image")
                crop = agent_crop(face, detector, rng)
                found += crop is not None
                target = args.out / split / emotion / f"{path.stem}.png"
                if not cv2.imwrite(str(target), resize_gray(face if crop is None else crop)):
                    raise UserError(f"{target}: cannot write")
            summary[split] = {"faces": len(files), "found": found}
            print(f"{split}: {found} of {len(files)} faces found and reframed ({found / max(len(files), 1):.1%})")
    record = args.out / "reframe.json"
    earlier = json.loads(record.read_text()) if record.is_file() else {}
    runs = {**earlier.get("splits", {}), **{split: {**counts, "seed": args.seed} for split, counts in summary.items()}}
    record.write_text(json.dumps({"data": str(args.data.resolve()), "splits": runs}, indent=2) + "\n")
    return 0
