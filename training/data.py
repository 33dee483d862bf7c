"""FER2013 loaders: the Kaggle folder layout and the original ``fer2013.csv``.

Both return a :class:`FerSplit` of raw uint8 48x48 grayscale images and integer
labels in :data:`model.EMOTIONS` order; preprocessing happens later, through
``model.preprocess`` exactly as at inference time.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from model import EMOTIONS
from training.errors import DatasetError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp"})
CSV_USAGE = {"train": ("Training",), "test": ("PublicTest",), "private": ("PrivateTest",)}


@dataclass(frozen=True)
class FerSplit:
    """Images (n, 48, 48) uint8 and labels (n,) int32 of one split."""

    images: np.ndarray
    labels: np.ndarray
    source: str

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def class_counts(self) -> dict[str, int]:
        counts = np.bincount(self.labels, minlength=len(EMOTIONS))
        return {name: int(c) for name, c in zip(EMOTIONS, counts)}


def _read_gray(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise DatasetError(f"{path}: not a readable image")
    if image.shape != (48, 48):
        image = cv2.resize(image, (48, 48), interpolation=cv2.INTER_AREA)
    return image


def emotion_files(folder: Path) -> list[tuple[Path, str]]:
    """The image files of ``folder/<emotion>/`` with their emotion, in the order the loaders read them."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such folder")
    missing = [e for e in EMOTIONS if not (folder / e).is_dir()]
    if missing:
        raise DatasetError(
            f"{folder}: missing class folder(s) {', '.join(missing)}; "
            f"expected one subfolder per emotion: {', '.join(EMOTIONS)}"
        )
    files: list[tuple[Path, str]] = []
    for emotion in EMOTIONS:
        found = sorted(p for p in (folder / emotion).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        files.extend((p, emotion) for p in found)
    return files


def load_emotion_folders(folder: Path, progress: Callable[[int, int], None] | None = None) -> FerSplit:
    """Read ``folder/<emotion>/*.jpg`` for all seven emotions."""
    files = emotion_files(folder)
    if not files:
        raise DatasetError(f"{folder}: the emotion folders hold no images")
    images = np.empty((len(files), 48, 48), dtype=np.uint8)
    labels = np.empty(len(files), dtype=np.int32)
    for i, (path, emotion) in enumerate(files):
        images[i] = _read_gray(path)
        labels[i] = EMOTIONS.index(emotion)
        if progress is not None:
            progress(i + 1, len(files))
    return FerSplit(images, labels, str(folder))


def load_fer_csv(path: Path, split: str) -> FerSplit:
    """Read one split ('train', 'test' or 'private') of the original fer2013.csv."""
    path = Path(path)
    if split not in CSV_USAGE:
        raise DatasetError(f"unknown split {split!r}; use one of {', '.join(CSV_USAGE)}")
    usages = CSV_USAGE[split]
    images: list[np.ndarray] = []
    labels: list[int] = []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = set(reader.fieldnames or ())
            if not {"emotion", "pixels"} <= header:
                raise DatasetError(f"{path}: expected a CSV header with emotion,pixels,Usage")
            for line, row in enumerate(reader, start=2):
                if "Usage" in header and row.get("Usage") not in usages:
                    continue
                try:
                    label = int(row["emotion"])
                    pixels = np.array(row["pixels"].split(), dtype=np.int64)
                except (TypeError, ValueError, AttributeError, OverflowError) as exc:
                    raise DatasetError(f"{path}:{line}: unreadable row ({exc})") from None
                if not 0 <= label < len(EMOTIONS):
                    raise DatasetError(f"{path}:{line}: emotion label {label} is not in 0..6")
                if pixels.size != 48 * 48 or pixels.min(initial=0) < 0 or pixels.max(initial=0) > 255:
                    raise DatasetError(f"{path}:{line}: expected 2304 pixel values in 0..255")
                images.append(pixels.astype(np.uint8).reshape(48, 48))
                labels.append(label)
    except OSError as exc:
        raise DatasetError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path}: not a text CSV file") from None
    except csv.Error as exc:
        raise DatasetError(f"{path}: not a readable CSV file ({exc})") from None
    if not labels:
        raise DatasetError(f"{path}: no rows with Usage {'/'.join(usages)}")
    return FerSplit(np.stack(images), np.asarray(labels, dtype=np.int32), f"{path}[{split}]")


def load_fer(
    root: Path, split: str = "train", progress: Callable[[int, int], None] | None = None
) -> FerSplit:
    """Load a split from a dataset root, a CSV file, or a folder of emotion subfolders.

    ``root`` may be ``fer2013.csv``, a folder holding ``fer2013.csv``, a Kaggle-style
    root with ``train/`` and ``test/``, or directly a folder of ``<emotion>/`` folders.
    """
    root = Path(root)
    if root.is_file():
        if root.suffix.lower() != ".csv":
            raise DatasetError(f"{root}: expected fer2013.csv or a folder")
        return load_fer_csv(root, split)
    if not root.exists():
        raise DatasetError(f"{root}: no such file or folder")
    if (root / split).is_dir():
        return load_emotion_folders(root / split, progress)
    if (root / "fer2013.csv").is_file():
        return load_fer_csv(root / "fer2013.csv", split)
    if any((root / e).is_dir() for e in EMOTIONS):
        return load_emotion_folders(root, progress)
    raise DatasetError(
        f"{root}: not a FER2013 dataset; expected {root}/{split}/<emotion>/*.jpg, "
        f"{root}/fer2013.csv, or {root}/<emotion>/*.jpg"
    )
