from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model import EMOTIONS
from training.data import load_fer
from training.errors import DatasetError


def test_folder_layout_loads_both_splits(tiny_fer: Path) -> None:
    train = load_fer(tiny_fer, "train")
    test = load_fer(tiny_fer, "test")
    assert train.images.shape == (6 * 7, 48, 48) and train.images.dtype == np.uint8
    assert len(test) == 14
    assert train.class_counts() == dict.fromkeys(EMOTIONS, 6)
    assert list(np.unique(train.labels)) == list(range(7))


def test_emotion_folder_directly(tiny_fer: Path) -> None:
    assert len(load_fer(tiny_fer / "test", "test")) == 14


def test_csv_splits(tiny_fer_csv: Path) -> None:
    assert len(load_fer(tiny_fer_csv, "train")) == 35
    assert len(load_fer(tiny_fer_csv.parent, "test")) == 14
    private = load_fer(tiny_fer_csv, "private")
    assert len(private) == 7 and private.images.shape[1:] == (48, 48)


def test_csv_and_folder_give_the_same_pixels(tmp_path: Path) -> None:
    image = (np.arange(48 * 48) % 256).astype(np.uint8).reshape(48, 48)
    csv = tmp_path / "fer2013.csv"
    csv.write_text("emotion,pixels,Usage\n3," + " ".join(map(str, image.ravel())) + ",PublicTest\n")
    split = load_fer(csv, "test")
    assert np.array_equal(split.images[0], image) and split.labels.tolist() == [3]


def test_missing_class_folder_is_named(tiny_fer: Path) -> None:
    (tiny_fer / "train" / "disgust").rename(tiny_fer / "train" / "Disgusted")
    with pytest.raises(DatasetError, match="disgust"):
        load_fer(tiny_fer, "train")


def test_unreadable_image_names_the_file(tiny_fer: Path) -> None:
    bad = tiny_fer / "test" / "happy" / "PublicTest_broken.jpg"
    bad.write_bytes(b"not a jpeg")
    with pytest.raises(DatasetError, match=r"PublicTest_broken\.jpg"):
        load_fer(tiny_fer, "test")


def test_wrong_layout_names_the_path(tmp_path: Path) -> None:
    (tmp_path / "random").mkdir()
    with pytest.raises(DatasetError, match="not a FER2013 dataset"):
        load_fer(tmp_path / "random", "train")
    with pytest.raises(DatasetError, match="no such"):
        load_fer(tmp_path / "absent", "train")


@pytest.mark.parametrize(
    "row, message",
    [
        ("9," + " ".join(["0"] * 2304) + ",Training", "not in 0..6"),
        ("1," + " ".join(["0"] * 100) + ",Training", "2304 pixel"),
        ("x,1 2 3,Training", "unreadable row"),
        ("1," + " ".join(["300"] * 2304) + ",Training", "0..255"),
    ],
)
def test_bad_csv_rows_name_the_line(tmp_path: Path, row: str, message: str) -> None:
    csv = tmp_path / "fer2013.csv"
    csv.write_text("emotion,pixels,Usage\n" + row + "\n")
    with pytest.raises(DatasetError, match=f"fer2013.csv:2: .*{message}"):
        load_fer(csv, "train")


def test_csv_without_the_header(tmp_path: Path) -> None:
    csv = tmp_path / "faces.csv"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(DatasetError, match="emotion,pixels,Usage"):
        load_fer(csv, "train")
