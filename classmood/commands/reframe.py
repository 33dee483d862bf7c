"""`classmood reframe`: a copy of a FER2013 dataset with every face framed as the capture agent frames it."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from classmood.config import Settings

if TYPE_CHECKING:
    import numpy as np

    from capture.faces import FaceDetector

SPLITS = ("train", "test")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "reframe",
        parents=[common["config"]],
        help="write FER2013 faces as the capture agent crops them (training data for its framing)",
        description="Paint each face of DATA into a synthetic camera tile, find it with the agent's face "
        "detector, cut the agent's crop and write it as 48x48 grayscale. From the folder layout "
        "(DATA/{train,test}/<emotion>/) it writes PNGs under OUT/<split>/<emotion>/ with the same file "
        "names; from fer2013.csv it writes OUT/fer2013.csv with the same rows in the same order. "
        "A face the detector misses is copied as it is.",
    )
    parser.add_argument(
        "--data", type=Path, required=True, help="FER2013 root (train/ and test/) or fer2013.csv"
    )
    parser.add_argument("--out", type=Path, required=True, help="output dataset root")
    parser.add_argument("--splits", nargs="+", choices=SPLITS, default=list(SPLITS))
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=run)


def _csv_source(data: Path) -> Path | None:
    """The fer2013.csv that ``data`` names, or None for the folder layout."""
    if data.is_file():
        return data
    if (
        data.is_dir()
        and not any((data / split).is_dir() for split in SPLITS)
        and (data / "fer2013.csv").is_file()
    ):
        return data / "fer2013.csv"
    return None


def run(args: argparse.Namespace, settings: Settings) -> int:
    import numpy as np

    from capture.faces import FaceDetector
    from classmood.errors import UserError
    from training.data import emotion_files

    source = _csv_source(args.data)
    files: dict[str, list[tuple[Path, str]]] = {}
    if source is None:
        for split in args.splits:
            if not (args.data / split).is_dir():
                raise UserError(
                    f"{args.data}: no {split}/ folder (reframe needs ROOT/{split}/<emotion>/ or fer2013.csv)"
                )
        files = {
            split: emotion_files(args.data / split) for split in args.splits
        }  # every split checked first
    summary: dict[str, dict[str, int]] = {}
    with FaceDetector.load(threads=1) as detector:
        for index, split in enumerate(args.splits):
            rng = np.random.default_rng([args.seed, index])
            if source is None:
                faces, found = _reframe_folder(files[split], args.out / split, detector, rng, split)
            else:
                faces, found = _reframe_csv(source, split, args.out / "fer2013.csv", detector, rng)
            summary[split] = {"faces": faces, "found": found}
            print(f"{split}: {found} of {faces} faces found and reframed ({found / max(faces, 1):.1%})")
    record = args.out / "reframe.json"
    earlier = json.loads(record.read_text()) if record.is_file() else {}
    runs = {
        **earlier.get("splits", {}),
        **{split: {**counts, "seed": args.seed} for split, counts in summary.items()},
    }
    record.write_text(json.dumps({"data": str(args.data.resolve()), "splits": runs}, indent=2) + "\n")
    return 0


def _framed(
    faces: Iterable[np.ndarray], detector: FaceDetector, rng: np.random.Generator, total: int, desc: str
) -> Iterator[tuple[np.ndarray, bool]]:
    """Each grayscale face as the agent crops it, at 48x48, and whether the detector found it."""
    from tqdm import tqdm

    from capture.framing import agent_crop
    from model.preprocess import resize_gray

    for face in tqdm(faces, total=total, desc=desc, unit="face", disable=not sys.stderr.isatty()):
        crop = agent_crop(face, detector, rng)
        yield resize_gray(face if crop is None else crop), crop is not None


def _reframe_folder(
    files: list[tuple[Path, str]], out: Path, detector: FaceDetector, rng: np.random.Generator, split: str
) -> tuple[int, int]:
    """Reframe the images ``files`` (with their emotions) into ``out/<emotion>/*.png``; (faces, faces found)."""
    import cv2

    from classmood.errors import UserError

    for emotion in {emotion for _, emotion in files}:
        (out / emotion).mkdir(parents=True, exist_ok=True)

    def faces() -> Iterator[np.ndarray]:
        for path, _ in files:
            face = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if face is None:
                raise UserError(f"{path}: not a readable image")
            yield face

    found = 0
    for (path, emotion), (framed, hit) in zip(
        files, _framed(faces(), detector, rng, len(files), split), strict=True
    ):
        target = out / emotion / f"{path.stem}.png"
        if not cv2.imwrite(str(target), framed):
            raise UserError(f"{target}: cannot write")
        found += hit
    return len(files), found


def _reframe_csv(
    source: Path, split: str, target: Path, detector: FaceDetector, rng: np.random.Generator
) -> tuple[int, int]:
    """Reframe one split of ``source`` into ``target``, keeping the rows of other splits already there;
    (faces, faces found)."""
    from classmood.errors import UserError
    from training.data import CSV_USAGE, load_fer_csv

    faces = load_fer_csv(source, split)
    usage = CSV_USAGE[split][0]
    rows: list[tuple[int, str, str]] = []
    found = 0
    for label, (framed, hit) in zip(
        faces.labels, _framed(faces.images, detector, rng, len(faces), split), strict=True
    ):
        rows.append((int(label), " ".join(map(str, framed.ravel())), usage))
        found += hit
    kept: list[tuple[str, str, str]] = []
    if target.is_file():
        with target.open(newline="", encoding="utf-8") as handle:
            kept = [
                (r["emotion"], r["pixels"], r["Usage"])
                for r in csv.DictReader(handle)
                if r.get("Usage") != usage
            ]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(("emotion", "pixels", "Usage"))
            writer.writerows(kept)
            writer.writerows(rows)
    except OSError as exc:
        raise UserError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return len(faces), found
