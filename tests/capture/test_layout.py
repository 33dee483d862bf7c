"""parse_gallery: tile recall on synthetic meetings of every variant, robustness on anything else."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from capture import GalleryLayout, parse_gallery, render_lecture
from capture import layout as layout_module
from capture.box import Box, intersection
from capture.label_pixels import label_region
from capture.layout import CAPTION_START, NameBoxMemory, find_tiles, tiles_with_faces
from capture.name_reader import NameReader
from capture.synth import TruthFrame
from capture.synth.looks import Client
from capture.synth.realistic import choose_realism
from capture.synth.text import TextRenderer
from capture_helpers import iou, matched
from tiles import fer_faces, make_tile

VARIANTS = {
    "dark": {},
    "light": {"theme": "light"},
    "chrome": {"chrome": True},
    "speaker": {"view": "speaker"},
    "speaker-bottom": {"view": "speaker-bottom"},
    "speaker-side": {"view": "speaker-side", "theme": "light"},
    "rounded-thin-gap": {"rounded": True, "gap": 2},
    "light-chrome-speaker-rounded": {"theme": "light", "chrome": True, "view": "speaker", "rounded": True},
    "wide-gap": {"gap": 12, "theme": "light", "rounded": True},
}


@pytest.mark.parametrize("students", [1, 9, 25, 49])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_tile_is_found(faces_dir: Path, variant: str, students: int) -> None:
    for image, truth in render_lecture(
        faces_dir, students=students, frames=2, seed=students, **VARIANTS[variant]
    ):
        layout = parse_gallery(image)
        expected = [s.box for s in truth.students]
        found = [t.box for t in layout.tiles]
        assert matched(expected, found, 0.8) == len(expected), (variant, students, truth.index)
        assert len(found) == len(expected)
        # reading order: the i-th tile is the i-th truth tile (a side strip's rows have no one order)
        if truth.view != "speaker-side":
            assert all(iou(t.box, s.box) >= 0.8 for t, s in zip(layout.tiles, truth.students, strict=True))
            assert [t.speaking for t in layout.tiles] == [s.speaking for s in truth.students]
        assert [t.index for t in layout.tiles] == list(range(len(found)))
        if truth.view.startswith("speaker") and len(expected) > 1:
            assert layout.kind == "speaker"
        else:
            assert layout.kind == "gallery"


def test_tiles_are_views_with_name_boxes_on_the_labels(faces_dir: Path) -> None:
    hits = centred = total = 0
    for image, truth in render_lecture(faces_dir, students=25, frames=3, seed=11):
        layout = parse_gallery(image)
        for tile, student in zip(layout.tiles, truth.students, strict=True):
            x, y, w, h = tile.box
            assert tile.image.shape == (h, w, 3) and np.shares_memory(tile.image, image)
            assert tile.name_box is not None
            nx, ny, nw, nh = tile.name_box
            assert x <= nx and y <= ny and nx + nw <= x + w and ny + nh <= y + h
            lx, ly, lw, lh = student.label_box
            total += 1
            hits += iou(tile.name_box, student.label_box) >= 0.5
            centred += nx <= lx + lw // 2 <= nx + nw and ny <= ly + lh // 2 <= ny + nh
    assert hits >= 0.75 * total
    assert centred >= 0.9 * total


def test_gray_and_bgra_frames_work(faces_dir: Path) -> None:
    image, truth = next(render_lecture(faces_dir, students=9, frames=1, seed=4))
    for converted in (cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.cvtColor(image, cv2.COLOR_BGR2BGRA)):
        layout = parse_gallery(converted)
        assert matched([s.box for s in truth.students], [t.box for t in layout.tiles]) == 9


def test_half_size_capture_still_finds_all_tiles(faces_dir: Path) -> None:
    image, truth = next(render_lecture(faces_dir, students=25, frames=1, seed=8, gap=8))
    small = cv2.resize(image, (960, 540), interpolation=cv2.INTER_AREA)
    layout = parse_gallery(small)
    halved = [tuple(v // 2 for v in s.box) for s in truth.students]
    assert matched(halved, [t.box for t in layout.tiles], 0.8) == 25


@pytest.mark.parametrize(
    ("variant", "quality"),
    [
        ("dark", 90),
        ("light", 90),
        ("chrome", 90),
        ("wide-gap", 90),
        ("dark", 75),
        ("light", 75),
        ("wide-gap", 75),
    ],
)
def test_jpeg_compressed_frames_still_give_every_tile(faces_dir: Path, variant: str, quality: int) -> None:
    """Screenshots saved as JPEG and video recordings ring around the tiles: gaps are only roughly one colour."""
    image, truth = next(render_lecture(faces_dir, students=25, frames=1, seed=4, **VARIANTS[variant]))
    _ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    layout = parse_gallery(cv2.imdecode(encoded, cv2.IMREAD_COLOR))
    expected = [s.box for s in truth.students]
    assert matched(expected, [t.box for t in layout.tiles], 0.8) == len(expected) == len(layout.tiles)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((1080, 1920, 3), np.uint8),
        np.full((1080, 1920, 3), 255, np.uint8),
        np.full((720, 1280, 3), (40, 90, 200), np.uint8),
        np.zeros((1, 1, 3), np.uint8),
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((30, 2000, 3), np.uint8),
    ],
    ids=["black", "white", "flat-colour", "1x1", "0x0", "thin-strip"],
)
def test_blank_frames_give_an_empty_layout(image: np.ndarray) -> None:
    layout = parse_gallery(image)
    assert layout == GalleryLayout((), "empty", None)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((10, 10, 3), np.float32),
        np.zeros((4, 4, 4, 4), np.uint8),
        np.zeros((9, 9, 2), np.uint8),
        [[0]],
    ],
)
def test_non_images_raise_value_error(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_gallery(bad)  # type: ignore[arg-type]


def _check(layout: GalleryLayout, image: np.ndarray) -> None:
    assert isinstance(layout, GalleryLayout)
    assert layout.kind in ("gallery", "speaker", "empty")
    h, w = image.shape[:2]
    for tile in layout.tiles:
        x, y, bw, bh = tile.box
        assert 0 <= x and 0 <= y and bw > 0 and bh > 0 and x + bw <= w and y + bh <= h
        assert tile.image.shape[:2] == (bh, bw)
        if tile.name_box is not None:  # in the tile, or in a caption bar of its own under it
            nx, ny, nw, nh = tile.name_box
            assert x <= nx and y <= ny and nx + nw <= x + bw and ny + nh <= h
            assert ny + nh <= y + bh or ny >= y + bh - CAPTION_START


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays(np.uint8, st.tuples(st.integers(0, 260), st.integers(0, 420), st.sampled_from([1, 3, 4]))))
def test_random_images_never_crash(image: np.ndarray) -> None:
    _check(parse_gallery(image), image)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(64, 700),
    st.integers(64, 500),
    st.tuples(*[st.integers(0, 255)] * 3),
    st.lists(
        st.tuples(
            st.integers(-50, 700),
            st.integers(-50, 500),
            st.integers(1, 400),
            st.integers(1, 300),
            st.tuples(*[st.integers(0, 255)] * 3),
        ),
        max_size=60,
    ),
)
def test_adversarial_rectangles_never_crash(width: int, height: int, bg: tuple, rects: list) -> None:
    image = np.empty((height, width, 3), np.uint8)
    image[:] = bg
    for x, y, w, h, colour in rects:
        cv2.rectangle(image, (x, y), (x + w, y + h), colour, -1)
    _check(parse_gallery(image), image)


def test_a_bright_face_just_above_a_label_stays_out_of_its_name_box(faces_dir: Path) -> None:
    """A face or lamp touching the top of a label's plate is white too; the name box ends at the plate."""
    image, truth = next(render_lecture(faces_dir, students=25, frames=1, seed=11))
    image = image.copy()
    for student in truth.students:
        lx, ly, lw, lh = student.label_box
        # a bright patch over the right part of the label's width, from well above it down to the plate
        image[ly - 3 * lh : ly, lx + lw // 2 : lx + lw // 2 + max(lw // 3, 8)] = (235, 240, 245)
    layout = parse_gallery(image)
    tight = 0
    for tile, student in zip(layout.tiles, truth.students, strict=True):
        assert tile.name_box is not None
        _, ly, _, lh = student.label_box
        _, ny, _, nh = tile.name_box
        tight += ny >= ly - 2 and nh <= 1.4 * lh
    assert tight >= 0.95 * len(truth.students)


def test_dark_video_behind_a_see_through_plate_does_not_end_the_plate(faces_dir: Path) -> None:
    """Dark hair seen through a dark, see-through label plate is darker than the plate's colour; the
    name box still reaches as high as without it."""
    plain, truth = next(render_lecture(faces_dir, students=25, frames=1, seed=11))
    image = plain.copy()
    dark = []
    for student in truth.students:
        lx, ly, lw, _lh = student.label_box
        plate = image[ly + 1, lx + 1].astype(int)
        if plate.max() > 100:
            continue
        dark.append(student)
        # the top rows of the plate, over its right half, show something dark behind it
        image[ly : ly + 4, lx + lw // 2 : lx + lw] = (plate * 0.4).astype(np.uint8)
    assert len(dark) >= 10
    before = {s.name: t.name_box for t, s in zip(parse_gallery(plain).tiles, truth.students, strict=True)}
    after = {s.name: t.name_box for t, s in zip(parse_gallery(image).tiles, truth.students, strict=True)}
    same_top = sum(
        before[s.name] is not None
        and after[s.name] is not None
        and abs(after[s.name][1] - before[s.name][1]) <= 2
        for s in dark
    )
    assert same_top >= 0.95 * len(dark)


def test_two_rows_of_coloured_strokes_inside_a_label_do_not_cut_its_name_box() -> None:
    """ClearType draws a small label's thin strokes in colour, not white: two rows of a line of text
    can hold no white pixel at all. On a see-through plate over video (no flat plate to find) the
    name box still spans the whole line, not its last rows."""
    rng = np.random.default_rng(0)
    frame = np.full((480, 800, 3), 26, np.uint8)
    labels = []
    for i, (x, y) in enumerate([(12, 12), (404, 12), (12, 248), (404, 248)]):
        video = cv2.GaussianBlur(rng.uniform(40, 230, (216, 384, 3)).astype(np.uint8), (0, 0), 6)
        video = cv2.normalize(video, None, 40, 230, cv2.NORM_MINMAX)
        top = 216 - 24
        video[top : top + 20, :150] = (video[top : top + 20, :150] * 0.45).astype(np.uint8)
        cv2.putText(
            video,
            f"Student {i + 1}0759",
            (6, top + 15),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            (255, 255, 255),
            1,
            cv2.LINE_AA,
        )
        label = video[top : top + 20, :150]
        white = np.flatnonzero((label.min(axis=2) >= 200).any(axis=1))
        for row in white[-3:-1]:
            label[row, label[row].min(axis=1) >= 200] = (235, 180, 90)  # an orange fringe
        frame[y : y + 216, x : x + 384] = video
        labels.append((x, y + top, 150, 20))
    tiles = parse_gallery(frame).tiles
    assert len(tiles) == 4
    for tile, label in zip(tiles, labels, strict=True):
        assert tile.name_box is not None and iou(tile.name_box, label) >= 0.5, (tile.name_box, label)


@pytest.mark.parametrize("size", [(640, 400), (640, 360), (1280, 720), (3840, 2160)])
@pytest.mark.parametrize("students", [4, 25, 49])
def test_every_tile_is_found_from_small_windows_to_4k(
    faces_dir: Path, size: tuple[int, int], students: int
) -> None:
    """A 7x7 gallery in a 640x400 window has gaps of 2 px and tiles of 85x48: the frame is read
    without subsampling below 720 lines."""
    image, truth = next(render_lecture(faces_dir, students=students, frames=1, seed=students, dynamics=False))
    sx, sy = size[0] / image.shape[1], size[1] / image.shape[0]
    scaled = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    expected = [
        (round(x * sx), round(y * sy), round(w * sx), round(h * sy))
        for x, y, w, h in (s.box for s in truth.students)
    ]
    found = [t.box for t in parse_gallery(scaled).tiles]
    assert matched(expected, found, 0.8) == len(expected) == len(found), size


@pytest.mark.parametrize(("students", "seed"), [(4, 4), (25, 25)])
def test_tiles_touching_each_other_are_told_apart_by_the_steps_between_them(
    faces_dir: Path, students: int, seed: int
) -> None:
    """No gap at all (gap 0, as Meet and Teams draw some views): no background to cut at, so the
    grid of equal tiles is found from the colour steps along its edges."""
    image, truth = next(
        render_lecture(faces_dir, students=students, frames=1, seed=seed, dynamics=False, gap=0)
    )
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == students == len(found)


@pytest.mark.parametrize("seed", range(3))
def test_a_gap_thinner_than_the_layouts_subsampling_still_parts_two_rows(seed: int) -> None:
    """A 720p frame is read every other row: a gallery whose rows are one odd frame row apart (a
    screenshot scaled up, a thin gap beside a speaker's border) kept its two rows of tiles as one
    row of tiles twice as tall."""
    rng = np.random.default_rng(seed)
    image = np.full((720, 1280, 3), 26, np.uint8)
    width, height, gap, left, top = 400, 320, 8, 32, 39
    truth = []
    for row in range(2):
        for column in range(3):
            x, y = left + column * (width + gap), top + row * (height + 1)
            video = rng.integers(30, 200, (height, width, 3), dtype=np.uint8)
            image[y : y + height, x : x + width] = cv2.GaussianBlur(video, (0, 0), 6)
            truth.append((x, y, width, height))
    found = list(find_tiles(image).boxes)
    assert matched(truth, found, 0.9) == len(found) == 6


GALLERY_NAMES = (
    "Monica Adebayo",
    "Alyssa Fletcher",
    "Laura Smith",
    "Geoff Vandoupe",
    "Brenden Thomas",
    "Andrea Vasquez",
    "Camille Blackwell",
    "Seth Hoffman",
    "Claudia Whitman",
    "Jack Davis",
    "Tanya Hartz",
    "Joaquim Azevedo",
    "Erica Holt",
    "Tian Quan",
    "Anya Gregory",
    "Brock Davis",
    "Margaret Ramsey",
    "Michael Steele",
)


@pytest.mark.parametrize("seed", [2, 4, 9])
def test_the_labels_of_a_gallery_scaled_down_to_grey_letters_are_each_found(
    faces_dir: Path, seed: int
) -> None:
    """A 4x4 gallery pictured at three quarters of its size: its labels' thin white strokes come out
    grey, most under the white the name boxes are found by, so the boxes found (some on a few white
    pixels, some falling back to text lines and strips) disagree. Found again in grey strokes, they
    agree, and each tile's label band holds its label."""
    rng = np.random.default_rng(seed)
    text, faces = TextRenderer(), fer_faces(faces_dir, 3, seed=1)
    width, height, gap, scale = 240, 135, 4, 0.75
    image = np.full((4 * height + 5 * gap + 60, 4 * width + 5 * gap + 40, 3), 26, np.uint8)
    labels = []
    for i, name in enumerate(rng.permutation(GALLERY_NAMES)[:16]):
        emotion, face = faces[i]
        tile = make_tile(rng, text, str(name), face=face, emotion=emotion, size=(width, height))
        x, y = 20 + gap + (i % 4) * (width + gap), 30 + gap + (i // 4) * (height + gap)
        image[y : y + height, x : x + width] = tile.image
        assert tile.label_box is not None
        lx, ly, lw, lh = tile.label_box
        labels.append(
            (round((x + lx) * scale), round((y + ly) * scale), round(lw * scale), round(lh * scale))
        )
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    bands = [t.label_band for t in parse_gallery(small).tiles if t.label_band is not None]
    assert sum(max(iou(band, label) for band in bands) >= 0.4 for label in labels) >= 15


@pytest.mark.parametrize("students", [4, 9, 25])
@pytest.mark.parametrize("variant", ["dark", "light", "rounded-thin-gap"])
def test_a_pop_up_over_part_of_a_tile_and_its_gap_costs_no_tile(
    faces_dir: Path, variant: str, students: int
) -> None:
    """An extension's pop-up or a dialog drawn over half of one tile and across the gap beside it."""
    image, truth = next(
        render_lecture(
            faces_dir, students=students, frames=1, seed=students, dynamics=False, **VARIANTS[variant]
        )
    )
    x, y, w, h = truth.students[0].box
    cv2.rectangle(image, (x + w // 2, y + h // 4), (x + w + 20, y + 3 * h // 4), (250, 250, 250), -1)
    cv2.putText(
        image,
        "Start Capturing",
        (x + w // 2 + 10, y + h // 4 + 30),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.6,
        (40, 40, 40),
        1,
    )
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == students == len(found)


def _realistic_call(
    faces_dir: Path, client: Client, students: int, seed: int
) -> tuple[np.ndarray, TruthFrame]:
    """The first frame of a realistic lecture of ``client`` (``render_lecture(realistic=True)``) and its truth."""
    return next(
        render_lecture(faces_dir, students=students, frames=1, seed=seed, client=client, realistic=True)
    )


@pytest.mark.parametrize(("client", "students", "seed"), [("zoom", 3, 2003), ("meet", 16, 2016)])
def test_a_menu_in_the_bars_colour_over_the_margin_costs_no_camera_tile(
    faces_dir: Path, client: Client, students: int, seed: int
) -> None:
    """Realistic screenshots whose pop-up menu, drawn in the window bars' colour, hangs over the
    call's margin and a tile: that colour is the frame's edge and one piece around the call, and
    the call inside it, read as tiles touching each other, gave two or four halves (their edges
    run along the call's gaps). Every camera tile is found, and nothing else."""
    assert choose_realism(seed, client).popup is not None
    image, truth = _realistic_call(faces_dir, client, students, seed)
    found = [t.box for t in parse_gallery(image).tiles]
    cameras = [s.box for s in truth.students if s.camera]
    assert matched(cameras, found, 0.8) == len(cameras), found
    assert matched([s.box for s in truth.students], found, 0.8) == len(found), found


def test_tiles_a_menu_over_the_gap_above_their_row_joins_stay_in_their_row(faces_dir: Path) -> None:
    """A realistic 4x4 Zoom call whose pop-up menu hangs over the gap above the top row and the gap
    between its last two tiles: those two are one leaf, taller by the menu's rows above them. The
    tiles split from it lie in the row and columns the whole tiles show (they were cut 10 px high,
    off their name labels)."""
    assert choose_realism(2016, "zoom").popup is not None
    image, truth = _realistic_call(faces_dir, "zoom", 16, 2016)
    found = [t.box for t in parse_gallery(image).tiles]
    assert len(found) == 16
    assert all(max(iou(s.box, f) for f in found) >= 0.95 for s in truth.students), found


@pytest.mark.parametrize("seed", [49, 2049])
def test_camera_off_tiles_merged_with_the_background_by_a_lossy_picture_fill_their_places(
    faces_dir: Path, seed: int
) -> None:
    """Realistic 7x7 Zoom screenshots scaled down to about 950 px and blurred: a camera-off tile, a
    shade off the background, merges with it and no gap marks its edges. A gallery fills its rows
    in order, so an empty place above the last row (or between two of its tiles) is a tile."""
    image, truth = _realistic_call(faces_dir, "zoom", 49, seed)
    assert image.shape[1] < 1100 and sum(not s.camera for s in truth.students) >= 5
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == 49 == len(found), found


@pytest.mark.parametrize(("students", "seed"), [(49, 3049), (25, 2025)])
def test_a_gallery_in_a_window_is_not_read_as_a_speaker_view_of_its_last_row(
    faces_dir: Path, students: int, seed: int
) -> None:
    """Realistic Zoom windows at 1080p and 1440x900: cut with the bars' colour, the rows above the
    last read as one big tile and the last row as its strip (a speaker view covering more of the
    window than the gallery's tiles do). A gallery reading whose equal tiles lie inside that big
    tile divides it: a speaker's tile is one participant's video."""
    image, truth = _realistic_call(faces_dir, "zoom", students, seed)
    layout = parse_gallery(image)
    found = [t.box for t in layout.tiles]
    assert layout.kind == "gallery"
    assert matched([s.box for s in truth.students], found, 0.8) == students == len(found), found


def test_a_calls_window_with_wide_margins_is_read_as_its_grid(faces_dir: Path) -> None:
    """A realistic Meet window (842x474, a taskbar under it) whose 3x3 grid covers under half of the
    piece the frame's reading gives (the window and the taskbar): read again, that piece's own
    reading as one tile restated it and outscored the grid; a grid of equal tiles wins over it."""
    image, truth = _realistic_call(faces_dir, "meet", 9, 9)
    assert image.shape[1] < 900
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == 9 == len(found), found


def test_a_light_gallery_beside_an_apps_dark_panel_is_not_a_speaker_view_of_the_panels_cards(
    faces_dir: Path,
) -> None:
    """A realistic Teams window (light theme, 25 people) beside an app's dark side panel: with the
    panel's colour for the background, the whole gallery is one leaf, read as a speaker's tile with
    the panel's three cards as its strip. That tile, read again, is a grid of equal tiles: the
    gallery, and the cards beside it are no tiles."""
    image, truth = _realistic_call(faces_dir, "teams", 25, 25)
    layout = parse_gallery(image)
    found = [t.box for t in layout.tiles]
    assert layout.kind == "gallery"
    assert matched([s.box for s in truth.students], found, 0.8) == len(found) >= 21, found


@pytest.mark.parametrize("seed", [16, 2016])
def test_camera_off_tiles_in_the_gaps_colour_are_the_grids_empty_places(faces_dir: Path, seed: int) -> None:
    """Realistic 4x4 Meet galleries whose camera-off tiles are drawn in the colour of the gaps between
    the video tiles: only an avatar disc and a name show there, a sixth of the place or less. An
    empty place above the last row is still a tile."""
    image, truth = _realistic_call(faces_dir, "meet", 16, seed)
    assert sum(not s.camera for s in truth.students) >= 2
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == 16 == len(found), found


@pytest.mark.parametrize(("client", "students", "seed"), [("zoom", 9, 2009), ("meet", 16, 1016)])
def test_pieces_of_tiles_out_of_the_grids_columns_are_no_gallery(
    faces_dir: Path, client: Client, students: int, seed: int
) -> None:
    """Realistic calls whose wrong reading covered more than the right one: a Zoom 3x3 at 1243 px with
    4:3 videos pillarboxed in their tiles and two camera-off tiles (their colour taken for the
    background, the videos inside the black bars read as tiles), a Meet 4x4 whose first row a
    pop-up joins to the browser's bar (the row read as five tiles across the window). Their tiles
    stand off the grid's columns; a gallery's rows above its last stand in them."""
    image, truth = _realistic_call(faces_dir, client, students, seed)
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == students == len(found), found


@pytest.mark.parametrize(("client", "students", "seed"), [("zoom", 49, 1049), ("meet", 6, 3006)])
def test_a_lost_tile_of_a_full_last_row_is_its_grid_place(
    faces_dir: Path, client: Client, students: int, seed: int
) -> None:
    """Realistic calls whose last row is full but lost a tile at its end (a camera-off tile merged
    with the background): a row short of tiles is centred, so a last-row tile standing in the grid's
    first or last column makes every place of the row a tile."""
    image, truth = _realistic_call(faces_dir, client, students, seed)
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == students == len(found), found


@pytest.mark.parametrize("seed", [3, 1003])
def test_thin_gaps_a_scaled_down_screenshot_blurs_still_part_the_tiles(faces_dir: Path, seed: int) -> None:
    """Realistic 2+1 Meet calls scaled down to under 1200 px: the gaps of a few pixels between the rows
    blur into the tiles' edges (the speaker's border, a dark video) and no row of the exact
    background colour crosses the call, so its strict cut is one leaf. Cut again along the colour
    loosely, the three tiles part, as on a lossy frame."""
    image, truth = _realistic_call(faces_dir, "meet", 3, seed)
    assert image.shape[1] < 1200
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == 3 == len(found), found


def test_video_tiles_give_the_gallery_its_size_before_more_avatar_discs(faces_dir: Path) -> None:
    """A realistic 3x3 Meet call with five cameras off: their tiles are the background's colour, so
    the cut finds five avatar discs and four video tiles. The discs are the larger group of alike
    leaves, yet the video tiles give the grid: every tile is found, each at its place, and no video
    tile is taken for an avatar (camera off)."""
    image, truth = _realistic_call(faces_dir, "meet", 9, 1009)
    assert sum(not s.camera for s in truth.students) >= 5
    tiles = parse_gallery(image).tiles
    assert matched([s.box for s in truth.students], [t.box for t in tiles], 0.8) == 9 == len(tiles)
    for student in truth.students:
        if student.camera:
            (tile,) = [t for t in tiles if iou(t.box, student.box) >= 0.8]
            assert not tile.disc, student.name


@pytest.mark.parametrize("seed", [9, 2009])
def test_touching_tiles_of_a_scaled_down_call_part_along_steps_over_two_pixels(
    faces_dir: Path, seed: int
) -> None:
    """Realistic 3x3 Meet calls whose tiles touch, scaled down to 842 and 1243 px: the step between two
    videos is spread over two pixels, under the colour step a sharp frame shows, and the call was
    read as one tile. Read again along steps over two pixels, the nine tiles part."""
    image, truth = _realistic_call(faces_dir, "meet", 9, seed)
    assert image.shape[1] <= 1280
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == 9 == len(found), found


def _scaled_call_tiles(
    faces_dir: Path, client: Client, students: int, seed: int, scale: float
) -> tuple[list[Box], list[Box]]:
    """The tiles of a realistic call shown ``scale`` times its size (a bicubic filter up, pixel areas
    down, as `bench/layout_scales.py` scales the real screenshots), and the tiles read on it."""
    image, truth = _realistic_call(faces_dir, client, students, seed)
    if scale != 1.0:
        shrink = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=shrink)
    boxes: list[Box] = [
        (round(x * scale), round(y * scale), round(w * scale), round(h * scale))
        for x, y, w, h in (s.box for s in truth.students)
    ]
    return boxes, [t.box for t in parse_gallery(image).tiles]


@pytest.mark.parametrize(
    ("client", "students", "seed", "scale", "least"),
    [("zoom", 9, 2009, 1.1, 9), ("zoom", 25, 3025, 1.0, 25), ("teams", 16, 1016, 1.1, 11)],
)
def test_a_leaf_is_split_into_tiles_only_where_lines_part_them(
    faces_dir: Path, client: Client, students: int, seed: int, scale: float, least: int
) -> None:
    """Realistic calls (one scaled up as a bicubic filter does) whose cut leaves a block of tiles or a
    tile and its pillarbox as one leaf: split into tiles of the gallery's size by their count alone it
    was 32, 35 and 49 tiles, most across faces. A split is taken only where the background or a
    colour step shows along each line between its parts."""
    boxes, found = _scaled_call_tiles(faces_dir, client, students, seed, scale)
    assert len(found) <= students and matched(boxes, found, 0.8) >= least, found


@pytest.mark.parametrize(("students", "seed", "scale", "least"), [(4, 4, 1.0, 3), (9, 1009, 0.9, 7)])
def test_the_call_in_a_window_read_as_one_piece_is_looked_for_inside_it(
    faces_dir: Path, students: int, seed: int, scale: float, least: int
) -> None:
    """Realistic Teams calls in a window on a screen (one scaled down as a smaller screen shows it):
    read with the screen's colour the window is one piece, and read with the window's colour its
    inside is one piece again, so the nested reading stopped there with one tile. A piece read as one
    piece is read inside too, for the call's tiles."""
    boxes, found = _scaled_call_tiles(faces_dir, "teams", students, seed, scale)
    assert len(found) <= students and matched(boxes, found, 0.8) >= least, found


def test_a_leaf_resized_over_a_tile_of_the_gallery_is_no_tile(faces_dir: Path) -> None:
    """A realistic 7x7 Meet call at 908 px, cut along a colour step into two pieces of about one
    size: the smaller, resized to the bigger's size about its centre, lay over it, and the two
    overlapping halves covered more of the window than the 49 tiles. Tiles do not overlap: the
    resized piece is none, and the 49 tiles are read."""
    image, truth = _realistic_call(faces_dir, "meet", 49, 1049)
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) == 49 == len(found)


def test_a_borderless_camera_off_tile_beside_video_tiles_is_its_grid_cell(faces_dir: Path) -> None:
    """A realistic 2x2 Meet call (Meet until 2021) with two cameras off: their tiles are the
    background's colour, a disc a little above the middle and the name at the bottom left, beside
    two video tiles. The disc with its name in the cell of the video tiles' size round it, moved
    into their row, is a tile (a pop-up hides the other camera-off tile's disc)."""
    image, truth = _realistic_call(faces_dir, "meet", 4, 2004)
    off = [s.box for s in truth.students if not s.camera]
    found = [t.box for t in parse_gallery(image).tiles]
    assert len(off) == 2 and matched(off, found, 0.8) == 1
    assert matched([s.box for s in truth.students], found, 0.8) == 3 == len(found), found


def test_a_gallery_a_dialog_cuts_still_divides_the_speakers_tile(faces_dir: Path) -> None:
    """A realistic 16-student Teams call at 2880 px: the app's side panel's three cards read as a
    speaker view's strip beside one big tile, the gallery. Read again, the big tile is a grid of 11
    equal tiles and a piece of one a dialog cuts: mostly equal tiles covering the tile, so the
    gallery, not a speaker and a strip of cards."""
    image, truth = _realistic_call(faces_dir, "teams", 16, 16)
    layout = parse_gallery(image)
    assert layout.kind == "gallery"
    assert matched([s.box for s in truth.students], [t.box for t in layout.tiles], 0.8) >= 13


@pytest.mark.parametrize(("students", "seed", "least"), [(25, 2025, 22), (49, 2049, 40)])
def test_rows_of_another_count_keep_their_tiles_size(
    faces_dir: Path, students: int, seed: int, least: int
) -> None:
    """Realistic Teams calls whose rows hold different counts (three tiles over four, six over
    seven): the fuller rows' tiles are narrower, within a quarter of the gallery's size. Resized to
    it about their centres they missed their tiles; several leaves sharing that other size are tiles
    of it, kept as they are."""
    image, truth = _realistic_call(faces_dir, "teams", students, seed)
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched([s.box for s in truth.students], found, 0.8) >= least


def test_a_named_disc_beside_tiles_mended_by_faces_stays_a_camera_off_tile(faces_dir: Path) -> None:
    """A realistic 3-student Teams call in the light theme: two video tiles and a camera-off
    participant's disc with the name under it beside them. Mended by the faces found, the disc's
    tile has no face and is no other tile's size, yet it is an avatar (camera off), not a piece of
    the app: it stays, and is recorded as camera off. (A disc's tile is guessed from the disc's
    size, a few pixels less where its anti-aliased rim is read as background: IoU 0.8 with the
    drawn one, 0.75 at least.)"""
    image, truth = _realistic_call(faces_dir, "teams", 3, 1003)
    (off,) = [s.box for s in truth.students if not s.camera]
    faces = [s.face_box for s in truth.students if s.face_box is not None]
    layout = tiles_with_faces(image, find_tiles(image), faces).layout()
    (tile,) = [t for t in layout.tiles if iou(t.box, off) >= 0.75]
    assert tile.disc


def _meet_tiles(faces_dir: Path, count: int, size: tuple[int, int]) -> list[np.ndarray]:
    """``count`` camera tiles (people in rooms, name labels) of ``size``, cut from a generated Meet gallery."""
    image, truth = next(
        render_lecture(faces_dir, students=count, frames=1, seed=count, dynamics=False, client="meet", gap=0)
    )
    tiles = []
    for student in truth.students:
        x, y, w, h = student.box
        tiles.append(cv2.resize(image[y : y + h, x : x + w], size, interpolation=cv2.INTER_AREA))
    return tiles


def test_avatar_discs_with_a_name_under_them_beside_a_gallery_are_camera_off_tiles(faces_dir: Path) -> None:
    """Teams' column of camera-off people beside its video tiles: an initials disc with the name under
    it, on the app's background. Each is a camera-off tile round the disc and its name; a round
    button with no name under it is none."""
    text = TextRenderer()
    background = (31, 31, 31)
    frame = np.full((720, 1280, 3), background, np.uint8)
    w, h = 440, 248
    truth = [(20 + col * (w + 6), 60 + row * (h + 6), w, h) for row in range(2) for col in range(2)]
    for (x, y, tw, th), tile in zip(truth, _meet_tiles(faces_dir, 4, (w, h)), strict=True):
        frame[y : y + th, x : x + tw] = tile
    discs = []
    for k, (initials, name) in enumerate([("AK", "Amy Kelly"), ("JT", "Jose Torres")]):
        cx, cy, r = 1010, 150 + k * 250, 55
        cv2.circle(frame, (cx, cy), r, (140, 90, 170), -1, cv2.LINE_AA)
        mask = text.mask(initials, "latin", 34)
        frame[cy - mask.shape[0] // 2 : cy - mask.shape[0] // 2 + mask.shape[0], cx - mask.shape[1] // 2 :][
            :, : mask.shape[1]
        ][mask > 128] = (255, 255, 255)
        label = text.mask(name, "latin", 15)
        ly, lx = cy + r + 12, cx - label.shape[1] // 2
        frame[ly : ly + label.shape[0], lx : lx + label.shape[1]][label > 128] = (235, 235, 235)
        discs.append((cx - r, cy - r, 2 * r, 2 * r))
    cv2.circle(frame, (1200, 660), 22, (60, 60, 200), -1, cv2.LINE_AA)  # a round button, no name under it
    layout = parse_gallery(frame)
    found = [t.box for t in layout.tiles]
    assert matched(truth, found, 0.8) == 4, found
    for disc in discs:
        holding = [t for t in layout.tiles if intersection(t.box, disc) == disc[2] * disc[3]]
        assert len(holding) == 1 and holding[0].disc, found
    assert len(found) == 6, found


def test_tiles_reaching_the_frame_edges_with_a_centred_last_row_are_found(faces_dir: Path) -> None:
    """Meet's 3-person call: two touching tiles from the top edge across the frame and the third
    centred right below them down to the bottom edge, so the margins beside it are two separate
    pieces of background."""
    w, h = 620, 350
    frame = np.full((2 * h, 2 * w + 24, 3), 17, np.uint8)
    tiles = _meet_tiles(faces_dir, 3, (w, h))
    truth = [(12, 0, w, h), (12 + w, 0, w, h), (12 + w // 2, h, w, h)]
    for (x, y, tw, th), tile in zip(truth, tiles, strict=True):
        frame[y : y + th, x : x + tw] = tile
    found = [t.box for t in parse_gallery(frame).tiles]
    assert matched(truth, found, 0.8) == 3 == len(found), found


@pytest.mark.parametrize("pop_up", [False, True])
def test_camera_off_tiles_in_the_background_colour_are_their_gallery_cells(pop_up: bool) -> None:
    """Meet (2020) draws a camera-off tile in the app's own background colour: only its avatar disc
    and its name show. Each tile is the gallery cell round its disc, with the name box on the name
    at the cell's bottom left, and is known to be camera off; a tile whose disc an extension's
    pop-up hides is still found by its name."""
    from capture.synth.text import TextRenderer

    background = (17, 17, 17)
    frame = np.full((720, 1366, 3), background, np.uint8)
    text = TextRenderer()
    rng = np.random.default_rng(4)
    cell_w, cell_h = 683, 300
    truth = []
    for row in range(2):
        for col in range(2):
            x, y = col * cell_w, 60 + row * cell_h
            truth.append((x, y, cell_w, cell_h))
            colour = tuple(int(v) for v in rng.integers(60, 220, 3))
            cv2.circle(frame, (x + cell_w // 2, y + cell_h // 2), 80, colour, -1, cv2.LINE_AA)
            mask = text.mask(f"Student {'ABCD'[row * 2 + col]}", "latin", 16)
            ly = y + cell_h - mask.shape[0] - 12
            region = frame[ly : ly + mask.shape[0], x + 12 : x + 12 + mask.shape[1]]
            region[mask > 128] = (255, 255, 255)
    if pop_up:
        cv2.rectangle(frame, (cell_w + 250, 80), (cell_w + 470, 320), (250, 250, 250), -1)
    tiles = parse_gallery(frame).tiles
    assert matched(truth, [t.box for t in tiles], 0.8) == 4 == len(tiles), [t.box for t in tiles]
    for tile in tiles:
        assert tile.disc
        assert tile.name_box is not None
        nx, ny, _, nh = tile.name_box
        assert ny + nh > tile.box[1] + 0.8 * tile.box[3] and nx < tile.box[0] + 0.2 * tile.box[2]


def test_a_scaled_down_name_after_a_mute_icon_on_a_camera_off_tile_is_in_its_name_box() -> None:
    """Meet's camera-off tiles (the background's colour) with a red mute disc before each name, the
    screenshot scaled down to a third: the letters are grey, only the icon's glyph is still white,
    and the icon's red was taken for the label's plate, so the name box held the icon alone. On a
    camera-off tile grey letters carry the label on: the box reaches the name's end."""
    from capture.synth.furniture import mute_icon
    from capture.synth.text import TextRenderer

    scale = 3
    frame = np.full((720 * scale, 1366 * scale, 3), (36, 33, 32), np.uint8)
    text = TextRenderer()
    cell_w, cell_h = 683 * scale, 300 * scale
    ends = []
    for row in range(2):
        for col in range(2):
            x, y = col * cell_w, (60 + row * 300) * scale
            cv2.circle(frame, (x + cell_w // 2, y + cell_h // 2), 80 * scale, (150, 90, 160), -1, cv2.LINE_AA)
            mask = text.mask(f"Jessica Sullivan {'ABCD'[row * 2 + col]}", "latin", 10 * scale)
            ly = y + cell_h - mask.shape[0] - 12 * scale
            lx = x + 12 * scale + mute_icon(frame, x + 12 * scale, ly, mask.shape[0], disc=True)
            region = frame[ly : ly + mask.shape[0], lx : lx + mask.shape[1]]
            region[mask > 128] = (255, 255, 255)
            ends.append((lx + int(np.flatnonzero((mask > 128).any(axis=0))[-1])) // scale)
    small = cv2.resize(frame, (1366, 720), interpolation=cv2.INTER_AREA)
    tiles = parse_gallery(small).tiles
    assert len(tiles) == 4
    for tile, end in zip(sorted(tiles, key=lambda t: (t.box[1], t.box[0])), ends, strict=True):
        assert tile.disc and tile.name_box is not None
        nx, _, nw, _ = tile.name_box
        assert nx + nw >= end - 2, (tile.name_box, end)


def test_a_name_after_a_red_mute_icon_on_video_is_in_its_name_box(faces_dir: Path) -> None:
    """A realistic 4x4 Meet call at 842 px (the screen scaled down): Meet writes each name straight on
    the video, after a red mute disc, and at that size only the disc's white slash is white, so the
    name box held the icon alone (3 of 16 boxes held their label). A box no wider than three times
    its height that is a red icon goes on along the strokes of its rows: every label is in its box."""
    image, truth = _realistic_call(faces_dir, "meet", 16, 1016)
    assert image.shape[1] < 900
    tiles = parse_gallery(image).tiles
    held = 0
    for student in truth.students:
        assert student.label_box is not None
        tile = max(tiles, key=lambda t: iou(t.box, student.box))
        lx, ly, lw, lh = student.label_box
        nx, ny, nw, nh = tile.name_box
        across = min(nx + nw, lx + lw) - max(nx, lx)
        down = min(ny + nh, ly + lh) - max(ny, ly)
        held += across >= 0.9 * lw and down >= 0.6 * lh and nw * nh <= 6 * lw * lh
    assert held == 16


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_faces_in_the_one_tile_a_tilted_gallery_reads_as_get_a_tile_each(faces_dir: Path, seed: int) -> None:
    """A phone photo of the monitor: the gallery seen at an angle, whose gaps follow no row or
    column, reads as one tile. The faces the whole-frame search finds there are participants of
    their own (issue #21 point 4: no visible face is left out because the grid was not understood),
    each in a tile of its own that holds it, none overlapping another."""
    screen, truth = next(render_lecture(faces_dir, students=9, frames=1, seed=seed, dynamics=False))
    h, w = screen.shape[:2]
    rng = np.random.default_rng(seed)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    shift = rng.uniform(-0.06, 0.06, (4, 2)) * [w, h]
    target = (corners * 0.88 + [0.06 * w, 0.06 * h] + shift).astype(np.float32)
    warp = cv2.getPerspectiveTransform(corners, target)
    photo = cv2.warpPerspective(screen, warp, (w, h), borderValue=(30, 30, 30))
    grid = find_tiles(photo)
    assert len(grid.boxes) <= 2  # the tilted grid is not read: the case the faces mend
    faces = []
    for student in truth.students:
        if student.face_box is None:
            continue
        x, y, fw, fh = student.face_box
        moved = cv2.perspectiveTransform(np.array([[[x, y], [x + fw, y + fh]]], np.float32), warp)[0]
        faces.append(
            (
                int(moved[0][0]),
                int(moved[0][1]),
                int(moved[1][0] - moved[0][0]),
                int(moved[1][1] - moved[0][1]),
            )
        )
    assert len(faces) >= 3
    tiles = tiles_with_faces(photo, grid, faces).boxes
    assert all(any(_inside(face, tile) for tile in tiles) for face in faces)
    assert len(tiles) >= len(faces)
    assert not any(iou(a, b) > 0.05 for i, a in enumerate(tiles) for b in tiles[i + 1 :])


def _inside(face: tuple[int, int, int, int], tile: tuple[int, ...]) -> bool:
    """Whether the centre of ``face`` lies in ``tile``."""
    cx, cy = face[0] + face[2] / 2, face[1] + face[3] / 2
    return tile[0] <= cx <= tile[0] + tile[2] and tile[1] <= cy <= tile[1] + tile[3]


def test_white_specks_on_a_tiles_bottom_edge_are_not_its_label(faces_dir: Path) -> None:
    """A white shirt's hem cut by the tile's bottom edge shows as a few white pixels on its last
    rows, below the label: the name box stays on the label."""
    plain, truth = next(render_lecture(faces_dir, students=9, frames=1, seed=11))
    image = plain.copy()
    for student in truth.students:
        _, y, _, h = student.box
        lx, _, lw, _ = student.label_box
        for k in range(3):  # three specks under the label's left half, on the tile's last two rows
            sx = lx + (k + 1) * lw // 8
            image[y + h - 2 : y + h, sx : sx + 3] = (245, 245, 245)
    on_label = sum(
        tile.name_box is not None and iou(tile.name_box, student.label_box) >= 0.5
        for tile, student in zip(parse_gallery(image).tiles, truth.students, strict=True)
    )
    assert on_label >= 0.9 * len(truth.students)


def test_a_light_table_under_the_label_is_not_its_label(faces_dir: Path) -> None:
    """Light video under a label (a table, a desk) cut by the tile's bottom edge shows as sparse
    white specks over several rows below it (Teams' docs shot): the name box stays on the label."""
    plain, truth = next(render_lecture(faces_dir, students=9, frames=1, seed=11, client="zoom"))
    image = plain.copy()
    rng = np.random.default_rng(0)
    lift = 24  # the label drawn this much higher, a light table in the tile's rows below it
    labels = []
    for student in truth.students:
        x, y, w, h = student.box
        lx, ly, lw, lh = student.label_box
        image[ly - lift : ly - lift + lh, lx : lx + lw] = plain[ly : ly + lh, lx : lx + lw]
        image[ly - lift + lh : y + h, x : x + w] = (190, 205, 215)  # beige: not white
        for row in range(y + h - 8, y + h):  # its highlights on the last rows: a few white pixels
            for column in rng.integers(x, x + w // 2, 3):
                image[row, column] = (250, 250, 250)
        labels.append((lx, ly - lift, lw, lh))
    on_label = sum(
        tile.name_box is not None and iou(tile.name_box, label) >= 0.5
        for tile, label in zip(parse_gallery(image).tiles, labels, strict=True)
    )
    assert on_label >= 0.9 * len(labels)


def test_a_labels_last_white_stroke_below_coloured_rows_is_part_of_its_text(faces_dir: Path) -> None:
    """ClearType draws a small label's strokes in colour, so rows of its text may hold no white
    pixel: a thin band of white (a bottom stroke) a few rows under the rest of the text is the same
    line, not the label."""
    plain, truth = next(render_lecture(faces_dir, students=9, frames=1, seed=11, client="zoom"))
    image = plain.copy()
    for student in truth.students:
        lx, ly, lw, lh = student.label_box
        patch = image[ly : ly + lh, lx : lx + lw]
        white = (patch >= 200).all(axis=2)
        first = int(np.flatnonzero(white.any(axis=1))[0])
        for row in [*range(first + 7, first + 14), *range(first + 16, lh)]:  # strokes drawn in colour
            patch[row][white[row]] = (255, 190, 110)
    on_label = sum(
        tile.name_box is not None and iou(tile.name_box, student.label_box) >= 0.5
        for tile, student in zip(parse_gallery(image).tiles, truth.students, strict=True)
    )
    assert on_label >= 0.9 * len(truth.students)


def _caption_call(
    faces_dir: Path, names: list[str], bar: tuple[int, int, int], ink: tuple[int, int, int]
) -> tuple[np.ndarray, list[Box], list[Box]]:
    """A small WebRTC app's speaker view: the speaker's video on the left, a column of thumbnails on
    the right, each video with a caption bar of its own under it in the colour ``bar`` (two teal icons,
    then the name in ``ink``), no label inside the videos; its caption bars and its faces."""
    rng = np.random.default_rng(5)
    text = TextRenderer()
    faces = fer_faces(faces_dir, per_emotion=1, seed=3)
    image = np.full((720, 1280, 3), 34, np.uint8)
    speaker = make_tile(
        rng, text, "Speaker", face=faces[0][1], emotion=faces[0][0], size=(940, 720), label=False
    )
    image[:, :940] = speaker.image
    assert speaker.face_box is not None
    face_boxes = [speaker.face_box]
    bars = []
    y = 40
    for k, name in enumerate(names):
        tile = make_tile(
            rng, text, name, face=faces[k + 1][1], emotion=faces[k + 1][0], size=(300, 170), label=False
        )
        image[y : y + 170, 970:1270] = tile.image
        assert tile.face_box is not None
        fx, fy, fw, fh = tile.face_box
        face_boxes.append((970 + fx, y + fy, fw, fh))
        bar_y = y + 170
        image[bar_y : bar_y + 26, 970:1270] = bar
        for i in range(2):  # a microphone and a signal icon
            image[bar_y + 3 : bar_y + 23, 974 + i * 26 : 994 + i * 26] = (160, 160, 0)
        mask = text.mask(name, "latin", 15)
        region = image[bar_y + 5 : bar_y + 5 + mask.shape[0], 1030 : 1030 + mask.shape[1]]
        region[mask > 128] = ink
        bars.append((970, bar_y, 300, 26))
        y += 170 + 26 + 8
    return image, bars, face_boxes


CAPTION_NAMES = ["Al Di Meola", "Frank Zappa", "Nina Simone"]
DARK_CAPTION = ((0, 0, 0), (235, 235, 235))  # the bar's colour and the name's
LIGHT_CAPTION = ((242, 242, 242), (40, 40, 40))


def _captioned_tiles(
    faces_dir: Path, bar: tuple[int, int, int], ink: tuple[int, int, int]
) -> tuple[np.ndarray, list]:
    """The caption call's frame and its thumbnails' tiles (read round their faces, as the capture
    pipeline does), each checked to have its name box inside its caption bar."""
    image, bars, faces = _caption_call(faces_dir, CAPTION_NAMES, bar, ink)
    layout = tiles_with_faces(image, find_tiles(image), faces).layout()
    found = []
    for caption in bars:
        tile = next(
            (
                t
                for t in layout.tiles
                if t.box[0] + t.box[2] // 2 > 1000 and abs(t.box[1] + t.box[3] - caption[1]) <= 4
            ),
            None,
        )
        assert tile is not None and tile.name_box is not None, [t.box for t in layout.tiles]
        _, by, _, bh = caption
        _, ny, _, nh = tile.name_box
        assert by <= ny and ny + nh <= by + bh, (tile.name_box, caption)
        found.append(tile)
    speaker = max(layout.tiles, key=lambda t: t.box[2] * t.box[3])
    assert speaker.name_box is None or speaker.name_box[1] < 720 - 26
    return image, found


@pytest.mark.parametrize(("bar", "ink"), [DARK_CAPTION, LIGHT_CAPTION])
def test_a_name_in_a_caption_bar_under_the_video_is_the_tiles_name_box(
    faces_dir: Path, bar: tuple[int, int, int], ink: tuple[int, int, int]
) -> None:
    """Small WebRTC apps draw each participant's name in a bar of its own under the video, which the
    tile box read (the video's) leaves out: the name box is the bar's text, in a dark theme or a
    light one."""
    _captioned_tiles(faces_dir, bar, ink)


@pytest.mark.parametrize(("bar", "ink"), [DARK_CAPTION, LIGHT_CAPTION])
def test_the_name_in_a_caption_bar_is_read(
    faces_dir: Path, bar: tuple[int, int, int], ink: tuple[int, int, int]
) -> None:
    image, tiles = _captioned_tiles(faces_dir, bar, ink)
    with NameReader() as reader:
        read = [reader.read(*label_region(image, t.box, t.name_box)).name for t in tiles]
    assert read == CAPTION_NAMES


def test_tiles_read_through_faces_behind_a_dialog_give_way_to_the_faces_tiles(faces_dir: Path) -> None:
    """A dialog in the window's own colour over the middle of a 2 + 3 call (Teams' people card) can
    join the gaps round it into one network, and the reading then cut the top row at the dialog's
    sides, through both faces (a reading like the real screenshot's is given here). Each tile read through a
    face gives way to the tiles round the faces (found by the whole-frame search, given too): each
    face lies whole in a tile of its own, the top row's tiles about where they are."""
    rng = np.random.default_rng(4)
    text = TextRenderer()
    faces = fer_faces(faces_dir, per_emotion=1, seed=5)
    background = (41, 36, 33)
    image = np.full((420, 700, 3), background, np.uint8)
    cells = [
        (2, 53, 344, 216),
        (350, 53, 348, 216),
        (2, 273, 230, 146),
        (236, 273, 228, 146),
        (468, 273, 230, 146),
    ]
    face_boxes = []
    for k, (x, y, w, h) in enumerate(cells):
        tile = make_tile(rng, text, f"Person {k}", face=faces[k][1], emotion=faces[k][0], size=(w, h))
        image[y : y + h, x : x + w] = tile.image
        assert tile.face_box is not None
        fx, fy, fw, fh = tile.face_box
        if k != 3:  # behind the dialog
            face_boxes.append((x + fx, y + fy, fw, fh))
    image[140:330, 228:472] = background  # the dialog, in the window's colour, its text light
    for row in range(160, 320, 22):
        cv2.putText(
            image, "Benachrichtigungen", (236, row), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (230, 230, 230), 1
        )
    read = find_tiles(image)
    misread = replace(read, boxes=((150, 53, 200, 217), (350, 52, 200, 217), *read.boxes[2:]))
    for face in face_boxes[:2]:  # the misreading cuts the top row's faces
        assert any(_inside(face, box) for box in misread.boxes)
    layout = tiles_with_faces(image, misread, face_boxes).layout()
    for face in face_boxes:
        holding = [t.box for t in layout.tiles if _inside(face, t.box)]
        assert len(holding) == 1, (face, [t.box for t in layout.tiles])
        assert intersection(holding[0], face) >= 0.9 * face[2] * face[3], (face, holding[0])
    for face, cell in zip(face_boxes[:2], cells, strict=False):
        tile = next(t.box for t in layout.tiles if _inside(face, t.box))
        assert iou(tile, cell) >= 0.6, (tile, cell)


def test_name_box_memory_finds_a_label_again_only_while_it_stays_put(
    faces_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A label found on the last frame is found again from memory while the white text round it is
    the same, however the video above it moves; a renamed participant's longer label is searched for
    again, and a tile that moved is too."""
    text = TextRenderer()
    faces = fer_faces(faces_dir, per_emotion=1, seed=2)
    cells = [(10 + 270 * (k % 3), 10 + 160 * (k // 3), 262, 147) for k in range(6)]

    def frame(names: list[str], shift: int) -> np.ndarray:
        image = np.full((340, 830, 3), (26, 26, 26), np.uint8)
        for k, ((x, y, w, h), name) in enumerate(zip(cells, names, strict=True)):
            tile = make_tile(
                np.random.default_rng(k), text, name, face=faces[k][1], emotion=faces[k][0], size=(w, h)
            )
            picture = tile.image.copy()
            picture[: h // 2] = np.roll(picture[: h // 2], shift, axis=1)  # the video above the label moves
            image[y : y + h, x : x + w] = picture
        return image

    names = [f"Student {k}" for k in range(6)]
    first, moved = frame(names, 0), frame(names, 40)
    renamed = frame([*names[:2], "Bartholomew Featherstonehaugh", *names[3:]], 40)
    memory = NameBoxMemory()
    grid = find_tiles(first)
    before = [t.name_box for t in grid.layout(memory).tiles]
    assert before == [t.name_box for t in grid.layout().tiles]
    searched: list[int] = []
    search = layout_module._white_text_rows
    monkeypatch.setattr(layout_module, "_white_text_rows", lambda w: searched.append(1) or search(w))
    again = [t.name_box for t in find_tiles(moved).layout(memory).tiles]
    assert again == before and not searched  # found again, not searched for
    grid = find_tiles(renamed)
    after = [t.name_box for t in grid.layout(memory).tiles]
    assert after == [t.name_box for t in grid.layout().tiles]
    long_label, short_label = after[2], before[2]
    assert long_label is not None and short_label is not None and long_label[2] > short_label[2] + 40
    shifted = np.full_like(renamed, 26)
    shifted[6:, :] = renamed[:-6, :]  # the whole call 6 px lower: every tile moved
    grid = find_tiles(shifted)
    assert [t.name_box for t in grid.layout(memory).tiles] == [t.name_box for t in grid.layout().tiles]


def test_an_app_panels_cards_beside_the_gallery_are_no_tiles(faces_dir: Path) -> None:
    """Teams' side panel lays out equal cards, flat with lines of text at their top left, like a
    column of tiles beside the gallery: they are no participants (camera-off tiles show a disc,
    initials or a name in their middle, or a name at their bottom)."""
    text = TextRenderer()
    faces = fer_faces(faces_dir, per_emotion=1, seed=4)
    background = (31, 31, 31)
    image = np.full((560, 1120, 3), background, np.uint8)
    cells = [(8 + 274 * (k % 3), 60 + 156 * (k // 3), 270, 152) for k in range(6)]
    for k, (x, y, w, h) in enumerate(cells):
        tile = make_tile(
            np.random.default_rng(k), text, f"Student {k}", face=faces[k][1], emotion=faces[k][0], size=(w, h)
        )
        image[y : y + h, x : x + w] = tile.image
    cards = [(850, 60 + 160 * k, 262, 150) for k in range(3)]
    for x, y, w, h in cards:
        image[y : y + h, x : x + w] = (45, 45, 45)
        for line, words in enumerate(("What went well?", "Thoughts visible to all", "Responses")):
            cv2.putText(
                image, words, (x + 10, y + 22 + 18 * line), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (230, 230, 230), 1
            )
    found = [t.box for t in parse_gallery(image).tiles]
    assert matched(cells, found) == len(cells), found
    assert not any(intersection(box, card) > 0.5 * card[2] * card[3] for box in found for card in cards), (
        found
    )


def test_a_labels_coloured_letters_past_a_pillarbox_are_in_its_name_box() -> None:
    """Zoom's see-through plate starts over a video's black pillarbox and goes on over the video; a
    name after the first word drawn with ClearType's coloured edges has no near-white pixel for a
    long stretch (a Korean name after "(초급)"), so the name box ended in the middle of the name. Its
    letters, light in one channel, carry the box on while the plate's dark rows lie above and below
    them; a striped shirt beyond the plate's end (light runs as narrow as letters) does not."""
    frame = np.full((480, 800, 3), 26, np.uint8)
    width, top = 192, 216 - 28  # the plate's, 24 px tall
    stripes = np.zeros((216, 384, 3), np.uint8)
    stripes[:, ::6] = stripes[:, 1::6] = stripes[:, 2::6] = 190  # light and dark stripes, 3 px each
    fringes = np.where((np.arange(width) % 2 == 0)[:, None], (250, 170, 60), (70, 180, 245)).astype(np.uint8)
    labels = []
    for i, (x, y) in enumerate([(12, 12), (404, 12), (12, 248), (404, 248)]):
        tile = stripes.copy()
        tile[:, :width] = 160  # a light wall behind the plate
        tile[:, :48] = 0  # the pillarbox
        plate = tile[top : top + 24, :width]
        plate[:] = (plate * 0.3 + 30).astype(np.uint8)
        cv2.putText(
            plate, f"(Group {i + 1})", (8, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA
        )
        name = np.zeros_like(plate)
        cv2.putText(
            name, "Kim Soon", (104, 17), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA
        )
        strokes = name.max(axis=2) > 128
        plate[strokes] = np.broadcast_to(fringes, plate.shape)[strokes]  # orange and blue, no white
        frame[y : y + 216, x : x + 384] = tile
        labels.append((x, x + int(np.flatnonzero(strokes.any(axis=0))[-1]), x + width))
    tiles = parse_gallery(frame).tiles
    assert len(tiles) == 4
    for tile, (left, text_end, plate_end) in zip(tiles, labels, strict=True):
        assert tile.name_box is not None
        nx, _, nw, _ = tile.name_box
        assert nx <= left + 10 and text_end <= nx + nw <= plate_end + 8, (tile.name_box, text_end, plate_end)


def test_a_tile_read_over_two_tiles_whose_faces_show_their_edges_gives_way_though_a_third_face_shows_none() -> (
    None
):
    """The Teams stage at 0.9: one tile read over Aadi's and Charlotte's tiles and the column of avatar
    photos beside them. Their faces' tiles have edges on three sides or more, the avatar photo's has
    not; two bounded tiles are enough for the read tile to give way to the faces' tiles (all of them
    had to be). A gallery's equal tile holding two bounded faces (a room) stays."""
    merged = (1440, 357, 1095, 1442)
    aadi, charlotte = (1440, 358, 676, 716), (1440, 1087, 676, 712)
    avatar = (2120, 804, 398, 647)  # round an avatar photo: no edges found
    serena = (304, 360, 1124, 1440)
    mended = layout_module._mend_tiles(
        [serena, merged], [], [aadi, charlotte, avatar, serena], {aadi, charlotte, serena}, []
    )
    assert merged not in mended and {serena, aadi, charlotte, avatar} <= set(mended)
    gallery = [(0, 0, 800, 450), (810, 0, 800, 450), (0, 460, 800, 450)]
    left, right = (0, 0, 400, 450), (400, 0, 400, 450)
    kept = layout_module._mend_tiles(gallery, gallery, [left, right], {left, right}, [])
    assert gallery[0] in kept


def _pillarboxed_gallery(
    rng: np.random.Generator,
    tile: tuple[int, int],
    grid: tuple[int, int],
    gap: int,
    margin: tuple[int, int],
    shades: tuple[int, int],
) -> tuple[np.ndarray, list[Box]]:
    """A Zoom gallery of ``grid`` (columns, rows) 16:9 ``tile`` s on #1a1a1a, each a 4:3 video (a
    shaded ramp with noise) between bars of #222222, and the tiles' boxes."""
    (w, h), (columns, rows), (left, top) = tile, grid, margin
    frame = np.full(
        (rows * h + (rows - 1) * gap + 2 * top, columns * w + (columns - 1) * gap + 2 * left, 3), 26, np.uint8
    )
    boxes = [(left + c * (w + gap), top + r * (h + gap), w, h) for r in range(rows) for c in range(columns)]
    for x, y, bw, bh in boxes:
        frame[y : y + bh, x : x + bw] = 34
        video_w = bh * 4 // 3
        vx = x + (bw - video_w) // 2
        shade = rng.integers(*shades, 3).astype(np.float32)
        ramp = np.linspace(0.6, 1.2, video_w, dtype=np.float32)[None, :, None]
        video = np.clip(shade * ramp + rng.normal(0, 6, (bh, video_w, 3)), 0, 255)
        frame[y : y + bh, vx : vx + video_w] = video.astype(np.uint8)
    return frame, boxes


def test_pillarboxed_tiles_whose_gap_a_speaking_border_fills_are_the_tiles_not_their_videos() -> None:
    """Zoom draws a 4:3 camera inside its 16:9 tile on bars a few grey levels off the gallery's
    background, and the active speaker's border fills most of the thin gap beside its tile; a JPEG
    bleeds the border's colour over the rest. The four tiles round that gap were read as one
    speaker's tile over the two above, then as the four videos inside it: the labels at the tiles'
    bottom left, in the bars, were cut. A speaker's tile that splits into tiles of its strip's size,
    where no tile of that size is read inside it, is those tiles."""
    w, h = 384, 216
    frame, boxes = _pillarboxed_gallery(np.random.default_rng(5), (w, h), (2, 3), 6, (40, 12), (60, 200))
    sx, sy, _, _ = boxes[5]  # the speaker, bottom right: a yellow border over its tile's edge and the gap
    cv2.rectangle(frame, (sx - 4, sy - 4), (sx + w + 3, sy + h + 3), (0, 215, 255), 6)
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    image = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    found = [t.box for t in parse_gallery(image).tiles]
    assert len(found) == 6
    assert all(max(iou(box, tile) for tile in found) >= 0.9 for box in boxes)


def test_a_gap_with_a_few_pixels_near_the_background_still_parts_pillarboxed_tiles() -> None:
    """Saved as a JPEG, a thin gap shares its 8x8 blocks with the videos' edges, and their ringing
    moves a few of its pixels off the exact background colour: no line of the gap was the background
    along 98 % of it, and the tiles read were the videos inside their pillarbox bars (a 3 + 2 Zoom
    call at quality 95 lost the tile whose label is in its bar). A line mostly of the exact colour
    and the rest near it parts two tiles; the bars, near the background too but not of it, stay in
    their tiles."""
    rng = np.random.default_rng(3)
    w, h, gap, left, top = 440, 248, 3, 40, 30
    frame, boxes = _pillarboxed_gallery(rng, (w, h), (2, 2), gap, (left, top), (90, 200))
    gaps = np.zeros(frame.shape[:2], bool)
    gaps[top + h : top + h + gap, left : left + 2 * w + gap] = True
    gaps[top : top + 2 * h + gap, left + w : left + w + gap] = True
    specks = gaps & (rng.random(gaps.shape) < 0.05)
    frame[specks] = 26 + 12  # off the exact colour, near it
    found = [t.box for t in parse_gallery(frame).tiles]
    assert len(found) == 4
    assert all(max(iou(box, tile) for tile in found) >= 0.95 for box in boxes)
