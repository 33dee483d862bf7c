"""The synthetic lecture generator: files, truth.json schema, realism features, errors, CLI."""

from __future__ import annotations

import itertools
import json
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture import CaptureError, render_lecture, synthesize
from capture.synth import FRAME_SIZE, Client
from capture.synth.geometry import gallery_boxes, grid_shape
from capture.synth.looks import choose_style
from capture.synth.realistic import choose_realism
from capture.synth.text import TextRenderer
from capture.synth.window import ADDRESS_H, MEET_HANG_UP, TAB_H, TEAMS_LEAVE, TOOL_H, app_frame
from classmood.cli import main
from model import EMOTIONS


def test_synthesize_writes_frames_and_exact_truth_schema(tiny_faces: Path, tmp_path: Path) -> None:
    out = tmp_path / "lecture"
    calls: list[tuple[int, int]] = []
    lecture = synthesize(
        tiny_faces, out, students=6, frames=4, seed=3, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(p.name for p in out.iterdir()) == [f"frame_{i:05d}.png" for i in range(4)] + ["truth.json"]
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert list(truth) == ["frames"]
    assert [f["index"] for f in truth["frames"]] == [0, 1, 2, 3]
    for frame in truth["frames"]:
        assert list(frame) == ["index", "file", "students"]
        assert frame["file"] == f"frame_{frame['index']:05d}.png"
        image = cv2.imread(str(out / frame["file"]))
        assert image.shape == (FRAME_SIZE[1], FRAME_SIZE[0], 3)
        assert 1 <= len(frame["students"]) <= 6
        for student in frame["students"]:
            assert list(student) == ["name", "box", "camera", "emotion"]
            x, y, w, h = student["box"]
            assert all(isinstance(v, int) for v in student["box"])
            assert 0 <= x and 0 <= y and x + w <= FRAME_SIZE[0] and y + h <= FRAME_SIZE[1]
            assert abs(w / h - 16 / 9) < 0.02
            if student["camera"]:
                assert student["emotion"] in EMOTIONS
            else:
                assert student["emotion"] is None
    assert lecture.truth_path == out / "truth.json"
    assert [f.to_json() for f in lecture.frames] == truth["frames"]


def test_same_seed_same_lecture_other_seed_other_lecture(tiny_faces: Path) -> None:
    def run(seed: int) -> list[tuple[np.ndarray, dict]]:
        return [(img, t.to_json()) for img, t in render_lecture(tiny_faces, students=5, frames=3, seed=seed)]

    first, again, other = run(1), run(1), run(2)
    assert [t for _, t in first] == [t for _, t in again]
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first, again, strict=True))
    assert [t for _, t in first] != [t for _, t in other]


def test_lecture_has_names_in_many_scripts_joins_leaves_reorders_and_changes(faces_dir: Path) -> None:
    frames = [t for _, t in render_lecture(faces_dir, students=30, frames=80, seed=5)]
    names = {s.name for f in frames for s in f.students}
    assert len(names) == 30
    assert any(
        not n.isascii() and any(c.isalpha() and ord(c) < 0x250 for c in n) for n in names
    )  # Latin diacritics
    assert any("\u0400" <= c <= "\u04ff" for n in names for c in n)  # Cyrillic
    assert any(
        "\u4e00" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7a3" for n in names for c in n
    )  # CJK / Hangul
    counts = {len(f.students) for f in frames}
    assert len(counts) > 1, "students should join or leave"
    orders = {tuple(s.name for s in f.students) for f in frames}
    assert len(orders) > 2
    assert any(not s.camera for f in frames for s in f.students)
    speakers = {s.name for f in frames for s in f.students if s.speaking}
    assert len(speakers) >= 2
    per_student: dict[str, set[str]] = {}
    for f in frames:
        for s in f.students:
            if s.emotion is not None:
                per_student.setdefault(s.name, set()).add(s.emotion)
    assert max(len(v) for v in per_student.values()) >= 2
    # an emotion is held for stretches, not redrawn every frame
    changes = sum(
        a.emotion != b.emotion
        for f0, f1 in itertools.pairwise(frames)
        for a in f0.students
        for b in f1.students
        if a.name == b.name and a.camera and b.camera
    )
    pairs = sum(
        1
        for f0, f1 in itertools.pairwise(frames)
        for a in f0.students
        for b in f1.students
        if a.name == b.name and a.camera and b.camera
    )
    assert changes < pairs * 0.35


@pytest.mark.parametrize("n", [1, 2, 3, 5, 9, 10, 25, 26, 49])
def test_gallery_grid_is_zoom_like_with_last_row_centred(n: int) -> None:
    cols, rows = grid_shape(n)
    assert cols * rows >= n and (cols - 1) * rows < n <= cols * rows
    boxes = gallery_boxes(n, (0, 0, 1920, 1080), gap=6)
    assert len(boxes) == n and len({(b[2], b[3]) for b in boxes}) == 1
    last_row = [b for b in boxes if b[1] == boxes[-1][1]]
    left = last_row[0][0]
    right = 1920 - (last_row[-1][0] + last_row[-1][2])
    assert abs(left - right) <= boxes[0][2] // 2 + 2
    for a in boxes:
        for b in boxes:
            if a is not b:
                assert (
                    a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
                )


def test_missing_or_empty_faces_folder_is_a_capture_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="nowhere"):
        synthesize(tmp_path / "nowhere", tmp_path / "out", frames=1)
    (tmp_path / "empty" / "happy").mkdir(parents=True)
    with pytest.raises(CaptureError, match="empty"):
        synthesize(tmp_path / "empty", tmp_path / "out", frames=1)
    assert not (tmp_path / "out").exists()


def test_student_count_outside_1_to_49_is_a_capture_error(tiny_faces: Path) -> None:
    with pytest.raises(CaptureError, match="students"):
        next(render_lecture(tiny_faces, students=50, frames=1))
    with pytest.raises(CaptureError, match="students"):
        next(render_lecture(tiny_faces, students=0, frames=1))


def test_synth_command(tiny_faces: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    code = main(
        [
            "synth",
            "--faces",
            str(tiny_faces),
            "--out",
            str(out),
            "--students",
            "3",
            "--frames",
            "2",
            "--theme",
            "light",
            "--chrome",
        ]
    )
    assert code == 0
    assert (out / "truth.json").is_file() and (out / "frame_00001.png").is_file()
    assert "wrote 2 frames" in capsys.readouterr().out
    code = main(["synth", "--faces", str(tmp_path / "missing"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "missing" in err and "Traceback" not in err


@pytest.mark.parametrize("client", ["zoom", "meet", "teams"])
def test_client_styles_draw_as_the_client_and_the_agent_reads_them(faces_dir: Path, client: str) -> None:
    from capture.layout import find_tiles
    from capture.synth.looks import CLIENT_LOOKS

    image, truth = next(render_lecture(faces_dir, students=9, frames=1, seed=11, client=client, theme="dark"))
    look = CLIENT_LOOKS[client]
    assert (
        tuple(int(v) for v in image[2, 2]) == look.background["dark"]
    )  # behind the tiles: the client's colour
    boxes = [s.box for s in truth.students]
    gaps = {b[0] - (a[0] + a[2]) for a, b in itertools.pairwise(boxes) if a[1] == b[1]}
    assert gaps and all(look.gap[0] <= g <= look.gap[1] for g in gaps)
    faces = [s.face_box for s in truth.students if s.face_box is not None]
    # people in rooms: webcam-sized faces, a third to a half of the tile's height
    assert faces and all(
        0.28 <= f[3] / s.box[3] <= 0.52 for s in truth.students if (f := s.face_box) is not None
    )
    assert len(find_tiles(image).boxes) == len(truth.students)


@pytest.mark.parametrize("client", ["zoom", "meet", "teams"])
def test_realistic_lectures_are_screenshots_of_many_sizes_with_truth_inside(
    tiny_faces: Path, client: str
) -> None:
    """realistic=True: each seed its own screen (and saved size); the same seed the same frames;
    every tile, label and face box inside the frame."""
    sizes = set()
    for seed in range(6):
        lecture = list(
            render_lecture(tiny_faces, students=7, frames=2, seed=seed, client=client, realistic=True)  # type: ignore[arg-type]
        )
        again = next(
            render_lecture(tiny_faces, students=7, frames=2, seed=seed, client=client, realistic=True)  # type: ignore[arg-type]
        )
        assert np.array_equal(lecture[0][0], again[0]) and lecture[0][1] == again[1]
        for image, truth in lecture:
            h, w = image.shape[:2]
            sizes.add((w, h))
            assert truth.students
            for student in truth.students:
                for box in (student.box, student.label_box, student.face_box):
                    if box is not None:
                        x, y, bw, bh = box
                        assert 0 <= x and 0 <= y and x + bw <= w + 1 and y + bh <= h + 1, (client, seed, box)
    assert len(sizes) >= 3


def _fringed_share(image: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """The share of a label's bright pixels that are far from grey in runs of one or two pixels across
    (ClearType's colour fringes; a muted microphone's red disc is wider)."""
    x, y, w, h = box
    region = image[y : y + h, x : x + w].astype(np.int16)
    high, low = region.max(axis=2), region.min(axis=2)
    bright = high >= 160
    coloured = (bright & ((high - low) >= 60)).astype(np.uint8)
    wide = cv2.morphologyEx(coloured, cv2.MORPH_OPEN, np.ones((1, 3), np.uint8))
    return float(((coloured > 0) & (wide == 0))[bright].mean()) if bright.any() else 0.0


@pytest.mark.parametrize("client", ["zoom", "teams", "meet"])
def test_realistic_desktop_calls_on_windows_draw_their_labels_with_cleartype(
    tiny_faces: Path, client: str
) -> None:
    """Half the realistic Zoom and Teams lectures are shot on Windows: their labels' letters are
    fringed with colour (sub-pixel anti-aliasing); Meet's, drawn by a browser over video, never are."""
    fringed = []
    for seed in range(8):
        image, truth = next(
            render_lecture(
                tiny_faces, students=4, frames=1, seed=seed, client=client, realistic=True, dynamics=False
            )  # type: ignore[arg-type]
        )
        boxes = [s.label_box for s in truth.students if s.label_box is not None and s.camera]
        fringed.append(max(_fringed_share(image, box) for box in boxes) >= 0.2 if boxes else False)
    assert (2 <= sum(fringed) <= 6) if client != "meet" else not any(fringed), fringed


def _pillarboxed(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether a camera tile shows its video between black bars: its outer tenth each side black."""
    x, y, w, h = box
    bar = max(2, w // 10)
    sides = (image[y : y + h, x : x + bar], image[y : y + h, x + w - bar : x + w])
    return all(float(np.mean(side.max(axis=2) <= 12)) >= 0.9 for side in sides)


@pytest.mark.parametrize("client", ["zoom", "meet"])
def test_only_zoom_shows_webcams_pillarboxed(tiny_faces: Path, client: str) -> None:
    """Zoom keeps a 4:3 webcam's shape in its 16:9 tile (black bars each side); Meet's grid crops
    every video to fill its tile."""
    bars = 0
    for seed in range(4):
        image, truth = next(
            render_lecture(
                tiny_faces, students=9, frames=1, seed=seed, client=client, realistic=True, dynamics=False
            )  # type: ignore[arg-type]
        )
        bars += sum(_pillarboxed(image, s.box) for s in truth.students if s.camera)
    assert bars > 0 if client == "zoom" else bars == 0, bars


def test_realistic_needs_a_client(tiny_faces: Path) -> None:
    with pytest.raises(CaptureError, match="realistic"):
        next(render_lecture(tiny_faces, students=3, frames=1, realistic=True))


def test_a_face_a_pop_up_hides_is_no_visible_face_in_the_truth(faces_dir: Path) -> None:
    """A realistic call whose pop-up menu covers a webcam's face: the tile is still a camera tile,
    but no face shows, so the truth gives it no face box and no emotion to read."""
    assert choose_realism(2004, "zoom").popup == 0
    _, truth = next(
        render_lecture(
            faces_dir, students=4, frames=1, seed=2004, client="zoom", realistic=True, view="gallery"
        )
    )
    hidden = [s for s in truth.students if s.camera and s.emotion is None]
    assert len(hidden) == 1 and hidden[0].face_box is None
    assert any(s.camera and s.face_box is not None and s.emotion is not None for s in truth.students)


def test_a_label_a_dialog_covers_is_not_legible_in_the_truth(faces_dir: Path) -> None:
    """Teams' dialog in the middle of the call covers some tiles' labels, whole or in part: no name
    can be read there, so the truth marks those labels not legible (the real screenshots' truth
    leaves such labels out of its names), and only those. In this call the dialog lies over the
    middle column's second to fifth rows."""
    assert choose_realism(2025, "teams").dialog
    _, truth = next(
        render_lecture(faces_dir, students=25, frames=1, seed=2025, client="teams", realistic=True)
    )
    hidden = {s.name for s in truth.students if not s.label_legible}
    assert hidden == {"Tyler Wilson", "Ethan Foster", "Jason Flores", "Aaron Ramirez"}


def test_a_face_the_tile_edge_cuts_to_under_half_is_no_visible_face_in_the_truth(faces_dir: Path) -> None:
    """Webcams frame people off-centre, so a face may be cut by the tile's edge: the truth keeps a
    face box (the visible part of its square) only while half the square or more shows."""
    _, truth = next(
        render_lecture(faces_dir, students=16, frames=1, seed=1016, client="zoom", realistic=True)
    )
    cut = [s for s in truth.students if s.camera and s.face_box is None]
    assert len(cut) >= 1 and all(s.emotion is None for s in cut)
    shown = [s.face_box for s in truth.students if s.face_box is not None]
    assert shown and all(w * h * 2 >= max(w, h) ** 2 for _, _, w, h in shown)
    assert any(w != h for _, _, w, h in shown)  # faces cut by less than half stay faces


def test_realistic_latin_classes_write_most_names_without_marks(faces_dir: Path) -> None:
    """Most Latin-script names in real classes carry no marks: a realistic lecture draws
    PLAIN_LATIN_SHARE of its Latin names from the plain list, the rest from the marked one."""
    from capture.synth.realistic import PLAIN_LATIN_SHARE, class_scripts

    weights = class_scripts(np.random.default_rng(0))
    share = weights["latin_plain"] / (weights["latin"] + weights["latin_plain"])
    assert share == pytest.approx(PLAIN_LATIN_SHARE) and weights["latin"] > 0
    names = [
        s.name
        for seed in range(6)
        for s in next(
            render_lecture(faces_dir, students=16, frames=1, seed=seed, client="zoom", realistic=True)
        )[1].students
    ]
    plain = [n for n in names if n.isascii()]
    latin = [
        n for n in names if all(not ch.isalpha() or unicodedata.name(ch).startswith("LATIN") for ch in n)
    ]
    marked = [n for n in latin if not n.isascii()]
    assert len(plain) > 2 * len(marked) > 0, (plain, marked)


@pytest.mark.parametrize("client", ["zoom", "meet", "teams"])
def test_realistic_windows_are_the_clients_own(client: Client) -> None:
    """Zoom's window has its toolbar below the call; Meet runs in a browser (an address bar above,
    Meet's bar with its red hang-up button below); Teams has its red "Leave" button in the control
    bar above the call and nothing below it."""
    rng = np.random.default_rng(2)
    style = choose_style(rng, "dark", "gallery", True, None, None, client)
    background = np.array([36, 33, 32], np.float64)
    size = (1920, 1080)
    base, (gx, gy, gw, gh) = app_frame(style, background, rng, TextRenderer(), size, ("Call",), client)
    above, below = base[:gy, gx : gx + gw], base[gy + gh :, gx : gx + gw]
    hang_up = np.all(below == MEET_HANG_UP, axis=2)
    leave = np.all(above == TEAMS_LEAVE, axis=2)
    toolbar = np.all(below == (background + 14).astype(np.uint8), axis=2)  # Zoom's (and Teams') bar colour
    if client == "meet":
        assert hang_up.any() and not leave.any()
        assert gy >= TAB_H + ADDRESS_H
    elif client == "teams":
        assert leave.any() and not hang_up.any()
        assert leave.nonzero()[1].min() > 0.8 * gw  # at the right
        assert not toolbar.any()  # nothing below the call but the desktop or a taskbar
    else:
        assert not hang_up.any() and not leave.any()
        assert below.shape[0] >= TOOL_H and toolbar.any()
    assert np.all(base[gy : gy + gh, gx : gx + gw] == background.astype(np.uint8))
