"""Property-based tests on the dataset loaders (outside input): anything they are given either
loads or fails with DatasetError naming the file, never another exception."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from model import EMOTIONS
from training.data import FerSplit, load_fer
from training.errors import DatasetError

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_counter = itertools.count()

pixel_token = st.one_of(
    st.integers(-5, 300).map(str),
    st.sampled_from(["", "1e3", "0x10", "nan", "-0", "255.0", "9" * 30, "٣", "１２"]),
)
csv_row = st.tuples(
    st.one_of(st.integers(-2, 9).map(str), st.text(max_size=4)),
    st.one_of(
        st.lists(pixel_token, min_size=0, max_size=8).map(" ".join),
        st.lists(st.integers(0, 255), min_size=2304, max_size=2304).map(lambda v: " ".join(map(str, v))),
    ),
    st.sampled_from(["Training", "PublicTest", "PrivateTest", "", "training", "Other"]),
).map(",".join)
csv_text = st.one_of(
    st.lists(csv_row, max_size=5).map(lambda rows: "\n".join(["emotion,pixels,Usage", *rows]) + "\n"),
    st.text(max_size=300).map(lambda t: "emotion,pixels,Usage\n" + t),
    st.text(max_size=300),
)


def _fresh(root: Path, name: str) -> Path:
    folder = root / f"{name}_{next(_counter)}"
    folder.mkdir()
    return folder


def _loads_or_dataset_error(path: Path, split: str) -> FerSplit | None:
    try:
        loaded = load_fer(path, split)
    except DatasetError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip()
        return None
    assert loaded.images.dtype == np.uint8 and loaded.images.shape[1:] == (48, 48)
    assert loaded.labels.min() >= 0 and loaded.labels.max() < len(EMOTIONS)
    return loaded


@FUZZ
@given(text=csv_text, split=st.sampled_from(["train", "test", "private"]))
@example(text="emotion,pixels,Usage\n1," + "9" * 30 + ",Training\n", split="train")
@example(text="emotion,pixels,Usage\n" + "9" * 5000 + ",1 2,Training\n", split="train")
@example(text="emotion,pixels,Usage\n1," + "1 " * 70_000 + ",Training\n", split="train")
@example(text="emotion,pixels\n1," + " ".join(["٣"] * 2304) + "\n", split="test")
def test_any_csv_text_loads_or_raises_dataset_error(tmp_path: Path, text: str, split: str) -> None:
    path = _fresh(tmp_path, "csv") / "fer2013.csv"
    path.write_text(text, encoding="utf-8", newline="")
    _loads_or_dataset_error(path, split)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_any_bytes_as_a_csv_file_load_or_raise_dataset_error(tmp_path: Path, raw: bytes) -> None:
    path = _fresh(tmp_path, "bytes") / "fer2013.csv"
    path.write_bytes(raw)
    _loads_or_dataset_error(path, "train")


image_bytes = st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=300).map(lambda b: b"\xff\xd8\xff\xe0" + b),  # a JPEG start, then junk
    st.binary(max_size=300).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),  # a PNG signature, then junk
    st.binary(max_size=300).map(lambda b: b"BM" + b),
)


@FUZZ
@given(
    files=st.lists(
        st.tuples(st.sampled_from(EMOTIONS), st.sampled_from([".jpg", ".png", ".bmp", ".JPG"]), image_bytes),
        min_size=1,
        max_size=4,
    )
)
def test_any_bytes_as_images_load_or_raise_dataset_error(
    tmp_path: Path, files: list[tuple[str, str, bytes]]
) -> None:
    root = _fresh(tmp_path, "folders")
    for emotion in EMOTIONS:
        (root / emotion).mkdir()
    for i, (emotion, suffix, raw) in enumerate(files):
        (root / emotion / f"img_{i}{suffix}").write_bytes(raw)
    _loads_or_dataset_error(root, "train")


def test_a_real_image_among_the_fuzz_still_loads(tmp_path: Path) -> None:
    """The properties above could pass by rejecting everything: a valid folder must load."""
    import cv2

    root = tmp_path / "ok"
    for label, emotion in enumerate(EMOTIONS):
        (root / emotion).mkdir(parents=True)
        cv2.imwrite(str(root / emotion / "a.png"), np.full((48, 48), 20 * label, np.uint8))
    loaded = _loads_or_dataset_error(root, "train")
    assert loaded is not None and len(loaded) == len(EMOTIONS)
    csv_path = tmp_path / "fer2013.csv"
    csv_path.write_text("emotion,pixels,Usage\n3," + " ".join(["7"] * 2304) + ",Training\n")
    loaded = _loads_or_dataset_error(csv_path, "train")
    assert loaded is not None and loaded.labels.tolist() == [3]


@pytest.mark.parametrize("name", ["fer2013.csv", "notes.txt"])
def test_a_folder_holding_junk_is_a_dataset_error(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"\x00\x01 junk")
    _loads_or_dataset_error(tmp_path, "train")


# --- dashboard: URL parameters and callback bodies ----------------------------------------------

query_value = st.one_of(
    st.text(max_size=12),
    st.dates().map(str),
    st.sampled_from(["9999-12-31", "0001-01-01", "9" * 25, "²", "٣", "1 OR 1=1", "2024-02-30", ""]),
)


@settings(max_examples=200, deadline=None)
@given(values=st.dictionaries(st.sampled_from(["session", "start", "end", "other"]), query_value, max_size=4))
@example(values={"start": "9999-12-31", "end": "9999-12-31"})
@example(values={"session": "9" * 25})
@example(values={"session": "²"})
def test_export_parameters_parse_or_raise_value_error(values: dict[str, str]) -> None:
    from dashboard.downloads import export_window
    from dashboard.input_guard import MAX_ID

    try:
        window = export_window(values)
    except ValueError as exc:
        assert str(exc)
        return
    if "session_id" in window:
        assert 0 < window["session_id"] <= MAX_ID
    else:
        assert window["start"] < window["end"]


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
callback_item = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["live-session", "students-student", "live-interval", "x"]) | json_value,
        "property": st.sampled_from(["value", "n_intervals"]) | json_value,
        "value": json_value,
    }
)


@settings(max_examples=200, deadline=None)
@given(
    body=st.one_of(
        json_value,
        st.fixed_dictionaries(
            {
                "inputs": st.lists(callback_item, max_size=3) | json_value,
                "state": st.lists(callback_item, max_size=3) | json_value,
            }
        ),
    )
)
def test_callback_id_guard_never_raises(body: object) -> None:
    from dashboard.input_guard import bad_callback_inputs, is_row_id

    bad = bad_callback_inputs(body)
    assert isinstance(bad, list)
    if isinstance(body, dict):
        for group in ("inputs", "state"):
            items = body.get(group)
            for item in items if isinstance(items, list) else []:
                if (
                    isinstance(item, dict)
                    and item.get("id") in ("live-session", "students-student")
                    and item.get("property") == "value"
                    and not is_row_id(item.get("value"))
                ):
                    assert f"{item['id']}.value" in bad
