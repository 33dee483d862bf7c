"""Face detection on generated tiles with real FER2013 faces: BlazeFace through LiteRT and OpenCV."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from capture.box import iou
from capture.errors import CaptureError
from capture.faces import (
    ANCHORS,
    INPUT,
    FaceBox,
    FaceDetector,
    FaceTracks,
    _rank,
    crop_face,
    decode,
    disc_of,
    fer_crop_box,
    flat_share,
    input_size,
    search_tile,
    tile_faces,
    track_region,
)
from capture.synth.text import TextRenderer
from tiles import fer_faces, make_tile

SIZES = [(262, 147), (370, 208), (180, 101)]


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    with FaceDetector.load(threads=2) as found:
        yield found


@pytest.fixture(scope="module")
def face_tiles(faces_dir: Path) -> list:
    rng = np.random.default_rng(21)
    text = TextRenderer()
    faces = fer_faces(faces_dir, 20, seed=5)
    return [
        make_tile(rng, text, "Zoë Dvořák", face=f, emotion=e, size=SIZES[i % 3])
        for i, (e, f) in enumerate(faces)
    ]


def _frame_of(tiles: list) -> tuple[np.ndarray, list[tuple[int, tuple[int, int, int, int]]]]:
    """Stack tiles in a column of one frame; return it and the (index, box) list."""
    width = max(t.image.shape[1] for t in tiles)
    height = sum(t.image.shape[0] + 4 for t in tiles)
    frame = np.full((height, width, 3), 30, np.uint8)
    boxes, y = [], 0
    for i, t in enumerate(tiles):
        h, w = t.image.shape[:2]
        frame[y : y + h, :w] = t.image
        boxes.append((i, (0, y, w, h)))
        y += h + 4
    return frame, boxes


def test_finds_real_faces_in_tiles(detector: FaceDetector, face_tiles: list) -> None:
    frame, boxes = _frame_of(face_tiles)
    found = detector.find_faces(frame, boxes)
    hits = [f.face is not None for f in found]
    assert np.mean(hits) >= 0.95, f"face recall {np.mean(hits):.3f}"
    assert all(f.camera_on for f in found)
    on_face = []
    for tile, (index, (tx, ty, tw, th)), result in zip(face_tiles, boxes, found, strict=True):
        assert result.tile_index == index
        if result.face is None:
            continue
        x, y, w, h = result.face.box
        assert tx <= x and ty <= y and x + w <= tx + tw and y + h <= ty + th
        side = result.face.image.shape[0]
        assert result.face.image.shape[:2] == (side, side) and side >= max(w, h)
        fx, fy, fs, _ = tile.face_box
        centre = (x - tx + w / 2, y - ty + h / 2)
        on_face.append(fx <= centre[0] <= fx + fs and fy <= centre[1] <= fy + fs)
    assert np.mean(on_face) >= 0.97, f"crops centred on the face: {np.mean(on_face):.3f}"


def test_camera_off_tiles_have_no_face(detector: FaceDetector) -> None:
    rng = np.random.default_rng(3)
    text = TextRenderer()
    names = [
        ("latin", "Łukasz Wójcik"),
        ("cyrillic", "Ольга Мельник"),
        ("cjk", "王伟"),
        ("arabic", "ليلى حداد"),
    ]
    tiles = [
        make_tile(rng, text, names[i % 4][1], names[i % 4][0], avatar=i % 2 == 0, size=SIZES[i % 3])
        for i in range(24)
    ]
    frame, boxes = _frame_of(tiles)
    found = detector.find_faces(frame, boxes)
    assert [f.camera_on for f in found] == [False] * len(tiles)
    assert all(f.face is None for f in found)


def test_initials_on_a_noisy_disc_are_no_face(detector: FaceDetector, faces_dir: Path) -> None:
    """A realistic 3x3 Meet call (the screen scaled down to 842 px, noise and JPEG on it): a
    camera-off tile's disc of initials ("SG", Arabic letters) is no longer flat, and the detector
    took the disc for a face filling its box, inside the circle the avatar check looked round it. A
    disc inside the face's box is one too: both tiles are camera off, and every camera's face is
    still found."""
    from capture.synth import render_lecture

    image, truth = next(
        render_lecture(faces_dir, students=9, frames=1, seed=9, client="meet", realistic=True)
    )
    assert any(not s.camera for s in truth.students)
    found = detector.find_faces(image, list(enumerate(s.box for s in truth.students)))
    assert [f.face is not None for f in found] == [s.camera for s in truth.students]


def test_detect_faces_in_tile_pixels(detector: FaceDetector, face_tiles: list) -> None:
    tile = face_tiles[0]
    faces = detector.detect_faces(tile.image)
    assert faces, "no face in the first generated tile"
    x, y, w, h = faces[0].box
    assert 0 <= x and 0 <= y and x + w <= tile.image.shape[1] and y + h <= tile.image.shape[0]
    assert 0.4 <= faces[0].score <= 1.0


def test_both_backends_agree(face_tiles: list) -> None:
    with (
        FaceDetector.load(threads=1, backend="opencv") as opencv,
        FaceDetector.load(threads=1, backend="litert") as litert,
    ):
        assert (opencv.backend, litert.backend) == ("opencv-dnn", "litert")
        for tile in face_tiles[:10]:
            a, b = opencv.detect_faces(tile.image), litert.detect_faces(tile.image)
            assert bool(a) == bool(b)
            if a:
                assert np.allclose(a[0].box, b[0].box, atol=3)


def test_decode_places_a_box_on_its_anchor() -> None:
    scores = np.full(len(ANCHORS), -10.0, np.float32)
    regressors = np.zeros((len(ANCHORS), 16), np.float32)
    k = 100
    scores[k] = 5.0
    regressors[k, 2:4] = 32.0  # 32 px wide and tall in the 128-pixel input
    ((box, score),) = decode(scores, regressors, 0.5)
    cx, cy = ANCHORS[k]
    assert np.allclose(box, [cx - 0.125, cy - 0.125, cx + 0.125, cy + 0.125], atol=1e-6)
    assert score == pytest.approx(1 / (1 + np.exp(-5.0)))
    assert decode(scores - 20, regressors, 0.5) == []
    assert INPUT == 128


def test_fer_crop_box_stays_inside_the_tile() -> None:
    assert fer_crop_box((0, 0, 50, 50), (60, 40), scale=1.1, shift_y=-0.1) == (0, 0, 53, 40)
    assert fer_crop_box((100, 50, 40, 40), (300, 200), scale=1.1, shift_y=-0.1) == (98, 44, 44, 44)
    assert fer_crop_box((100, 50, 40, 40), (300, 200), scale=1.5, shift_y=0.0) == (90, 40, 60, 60)


def test_face_crops_are_square_even_at_the_tile_edge() -> None:
    tile = np.arange(40 * 60, dtype=np.uint32).reshape(40, 60).astype(np.uint8)
    inside = crop_face(tile, (20, 10, 20, 20), scale=1.0, shift_y=0.0)
    assert inside.shape == (20, 20) and np.array_equal(inside, tile[10:30, 20:40])
    edge = crop_face(tile, (0, 0, 50, 50), scale=1.1, shift_y=-0.1)
    assert edge.shape == (55, 55)
    assert np.array_equal(edge[8:48, 2:55], tile[:, :53])
    assert np.array_equal(edge[0], edge[8]) and np.array_equal(edge[:, 0], edge[:, 2])


def test_flat_share_separates_ui_from_video() -> None:
    rng = np.random.default_rng(0)
    flat = np.full((120, 200, 3), 40, np.uint8)
    noisy = np.clip(rng.normal(120, 12, (120, 200, 3)), 0, 255).astype(np.uint8)
    assert flat_share(flat) == 1.0
    assert flat_share(noisy) < 0.2
    assert flat_share(np.zeros((0, 5, 3), np.uint8)) == 1.0


def test_missing_weights_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="file not found"):
        FaceDetector.load(tmp_path / "none.tflite")
    bogus = tmp_path / "bogus.tflite"
    bogus.write_bytes(b"not a model")
    with pytest.raises(CaptureError, match="not a TFLite model"):
        FaceDetector.load(bogus, backend="opencv")
    with pytest.raises(CaptureError, match="backend"):
        FaceDetector.load(backend="cuda")


def test_rank_prefers_the_largest_of_the_confident_faces() -> None:
    small_sure = FaceBox((0, 0, 40, 40), 0.9)
    big_sure = FaceBox((50, 0, 80, 80), 0.85)
    big_doubtful = FaceBox((0, 50, 120, 120), 0.5)
    assert _rank([small_sure, big_doubtful, big_sure]) == [big_sure, small_sure, big_doubtful]
    assert _rank([]) == []


def test_input_size_keeps_the_tile_shape() -> None:
    assert input_size(147, 262) == (80, 128)  # 16:9 tile: 128x72 padded to 80 rows
    assert input_size(148, 177) == (112, 128)  # the centre zoom of a wide tile
    assert input_size(300, 300) == (128, 128)
    assert input_size(262, 147) == (128, 80)  # portrait
    assert input_size(10, 400) == (16, 128)


def test_decode_on_a_non_square_input() -> None:
    rows, cols = 80, 128
    count = (rows // 8) * (cols // 8) * 2 + (rows // 16) * (cols // 16) * 6
    scores = np.full(count, -10.0, np.float32)
    regressors = np.zeros((count, 16), np.float32)
    k = 2 * (16 * 5 + 3)  # stride-8 cell at row 5, column 3
    scores[k] = 5.0
    regressors[k, :4] = (8.0, -4.0, 32.0, 40.0)  # offset and size in input pixels
    ((box, _),) = decode(scores, regressors, 0.5, (rows, cols))
    cx, cy = (3.5 * 8 + 8.0) / cols, (5.5 * 8 - 4.0) / rows
    assert np.allclose(box, [cx - 16 / cols, cy - 20 / rows, cx + 16 / cols, cy + 20 / rows], atol=1e-6)


def test_tile_shaped_input_finds_the_letterboxed_faces(detector: FaceDetector, face_tiles: list) -> None:
    """Running a tile at its own shape finds the faces the square letterboxed input finds, in the same place."""
    same = []
    for tile in face_tiles[:40]:
        image = tile.image
        h, w = image.shape[:2]
        side = max(h, w)
        square = np.zeros((side, side, 3), np.uint8)
        oy = (side - h) // 2
        square[oy : oy + h, :w] = image
        a, b = detector.detect_faces(image), detector.detect_faces(square)
        if a and b:
            (ax, ay, aw, ah), (bx, by, bw, bh) = a[0].box, b[0].box
            by -= oy
            inter = max(0, min(ax + aw, bx + bw) - max(ax, bx)) * max(0, min(ay + ah, by + bh) - max(ay, by))
            same.append(inter / (aw * ah + bw * bh - inter) >= 0.75)
        else:
            same.append(bool(a) == bool(b))
    assert np.mean(same) >= 0.9, f"agreement {np.mean(same):.2f}"


def test_camera_tile_paints_the_face_where_it_says(faces_dir: Path) -> None:
    from capture.synth import camera_tile

    _, face = fer_faces(faces_dir, 1, seed=3)[3]
    tile, (x, y, side, _) = camera_tile(face, np.random.default_rng(4), (320, 180))
    assert tile.shape == (180, 320, 3) and tile.dtype == np.uint8
    assert 0 <= x and x + side <= 320 and 0 <= y and y + side <= 180 and side >= 0.55 * 180 - 1
    painted = cv2.resize(tile[y : y + side, x : x + side, 2], (48, 48), interpolation=cv2.INTER_AREA)
    assert np.corrcoef(painted.ravel().astype(float), face.ravel().astype(float))[0, 1] > 0.95
    again, box = camera_tile(face, np.random.default_rng(4), (320, 180))
    assert box == (x, y, side, side) and np.array_equal(again, tile)


def test_agent_crop_frames_a_face_about_as_the_painted_square(
    detector: FaceDetector, faces_dir: Path
) -> None:
    from capture.framing import agent_crop

    rng = np.random.default_rng(8)
    crops = [agent_crop(face, detector, rng) for _, face in fer_faces(faces_dir, 6, seed=9)]
    found = [c for c in crops if c is not None]
    assert len(found) >= 0.9 * len(crops)
    for crop in found:
        assert crop.ndim == 3 and crop.shape[0] == crop.shape[1] >= 60  # tiles 140-360 px high


def test_a_face_search_shared_by_two_threads_finds_what_one_thread_finds(
    detector: FaceDetector, face_tiles: list
) -> None:
    frame, boxes = _frame_of(face_tiles)
    with FaceDetector.load(threads=1) as single:
        alone = single.find_faces(frame, boxes)
    search = detector.search(frame, boxes)
    helper = threading.Thread(target=search.work, args=(0,))
    helper.start()
    search.work(1)  # the calling thread joins the search under way
    together = search.result()
    helper.join()
    search.work(1)  # joining a finished search returns at once
    assert [(f.tile_index, f.camera_on, f.face.box if f.face else None) for f in together] == [
        (f.tile_index, f.camera_on, f.face.box if f.face else None) for f in alone
    ]


def test_a_face_search_reports_a_worker_failure_and_rejects_unknown_workers(detector: FaceDetector) -> None:
    frame = np.zeros((100, 100, 3), np.uint8)
    with pytest.raises(CaptureError, match="worker 2"):
        detector.search(frame, [(0, (0, 0, 100, 100))]).work(2)
    not_an_image = np.zeros((100, 100, 7), np.uint8)  # seven channels: the tile check fails on it
    broken = detector.search(not_an_image, [(0, (0, 0, 100, 100)), (1, (0, 0, 50, 50))])
    with pytest.raises(ValueError):
        broken.work(0)
    with pytest.raises(ValueError):
        broken.result()  # a waiting thread sees the failure instead of hanging


def test_a_face_is_found_again_around_where_it_was(detector: FaceDetector, face_tiles: list) -> None:
    """Searching only around last frame's face finds about the box the whole-tile search finds."""
    overlaps = []
    for tile in face_tiles:
        whole = detector.best_face(tile.image)
        if whole is None:
            continue
        near = detector.face_near(tile.image, whole.box)
        overlaps.append(iou(near.box, whole.box) if near is not None else 0.0)
    assert len(overlaps) >= 100
    assert np.mean([o > 0 for o in overlaps]) >= 0.9, f"found again: {np.mean([o > 0 for o in overlaps]):.2f}"
    assert np.median(overlaps) >= 0.8, f"overlaps {np.round(overlaps, 2)}"


def test_a_prior_away_from_the_face_falls_back_to_the_whole_tile(
    detector: FaceDetector, face_tiles: list
) -> None:
    tile, whole = next(
        (t.image, f) for t in face_tiles if (f := detector.best_face(t.image)) is not None and f.score > 0.8
    )
    corner = (0, 0, 16, 16)  # its square holds no face
    assert detector.face_near(tile, corner) is None
    face, flat = search_tile(detector, tile, prior=corner)
    assert face == whole and flat is not None and flat < 0.5
    face, flat = search_tile(detector, tile, prior=whole.box)
    assert face is not None and iou(face.box, whole.box) >= 0.75 and flat is None  # found near: not measured


def test_a_tile_without_a_face_needs_its_flat_share() -> None:
    frame = np.zeros((50, 50, 3), np.uint8)
    with pytest.raises(CaptureError, match="flat share"):
        tile_faces(frame, [(0, (0, 0, 50, 50))], [None], [None])


def test_the_region_around_a_face_stays_inside_its_tile() -> None:
    assert track_region((60, 30, 40, 40), 200, 100, scale=2.0) == (40, 10, 80)
    assert track_region((10, 10, 40, 40), 200, 100, scale=2.0) == (0, 0, 80)
    assert track_region((150, 50, 40, 40), 200, 100, scale=2.0) == (120, 20, 80)
    assert track_region((20, 0, 80, 80), 200, 100, scale=2.0) == (
        10,
        0,
        100,
    )  # no larger than the tile's short side
    assert track_region((60, 30, 40, 40), 200, 100) == (46, 16, 68)  # 1.7 times the face by default


def test_face_tracks_hand_on_last_frames_faces() -> None:
    tiles = [(0, (0, 0, 100, 60)), (1, (104, 0, 100, 60))]
    face = FaceBox((30, 10, 40, 40), 0.9)
    tracks = FaceTracks(refresh=3)
    assert tracks.priors(tiles) == [None, None]
    tracks.update(tiles, [face, None])
    assert tracks.priors(tiles) == [face.box, None]
    assert tracks.priors([(0, (1, 2, 99, 60)), tiles[1]]) == [
        face.box,
        None,
    ]  # the same tile, a pixel or two off
    assert tracks.priors([(0, (0, 0, 120, 70)), tiles[1]]) == [
        None,
        None,
    ]  # resized by the layout: a new tile
    assert tracks.priors([tiles[1], tiles[0]]) == [None, face.box]  # moved to another place in the order


def test_face_tracks_search_each_tile_whole_every_few_frames_and_not_all_at_once() -> None:
    tiles = [(0, (0, 0, 100, 60)), (1, (104, 0, 100, 60))]
    face = FaceBox((30, 10, 40, 40), 0.9)
    tracks = FaceTracks(refresh=3)
    seen = []
    for _ in range(8):
        seen.append([p is not None for p in tracks.priors(tiles)])
        tracks.update(tiles, [face, face])
    assert [a for a, _ in seen] == [False, True, True, True, False, True, True, True]
    assert [b for _, b in seen] == [False, True, True, False, True, True, True, False]
    with pytest.raises(CaptureError, match="refresh"):
        FaceTracks(refresh=0)


def test_a_tracked_tile_whose_camera_goes_off_is_camera_off(detector: FaceDetector, face_tiles: list) -> None:
    """A prior from the last frame never makes a face of an avatar or an empty tile."""
    rng = np.random.default_rng(12)
    text = TextRenderer()
    for tile, avatar in zip(face_tiles[:6], (False, True) * 3, strict=True):
        whole = detector.best_face(tile.image)
        assert whole is not None
        h, w = tile.image.shape[:2]
        off = make_tile(rng, text, "Zoë Dvořák", avatar=avatar, size=(w, h))
        face, flat = search_tile(detector, off.image, prior=whole.box)
        assert face is None and flat is not None
        (result,) = tile_faces(off.image, [(0, (0, 0, w, h))], [face], [flat])
        assert not result.camera_on


def _ringed_avatar(face: np.ndarray, radius: int, gap: int, ring: int) -> np.ndarray:
    """A profile photo on a disc inside a thin dark gap and a speaking ring (Teams), on the app's
    background, blurred as a docs picture scaled down is."""
    image = np.full((600, 600, 3), (41, 36, 36), np.uint8)
    cv2.circle(image, (300, 300), radius + gap + ring, (250, 140, 140), -1, cv2.LINE_AA)
    cv2.circle(image, (300, 300), radius + gap, (30, 30, 30), -1, cv2.LINE_AA)
    photo = cv2.cvtColor(
        cv2.resize(face, (2 * radius, 2 * radius), interpolation=cv2.INTER_CUBIC), cv2.COLOR_GRAY2BGR
    )
    inside = np.zeros((2 * radius, 2 * radius), np.uint8)
    cv2.circle(inside, (radius, radius), radius, 255, -1, cv2.LINE_AA)
    alpha = inside.astype(np.float32)[:, :, None] / 255
    area = image[300 - radius : 300 + radius, 300 - radius : 300 + radius]
    area[:] = (area * (1 - alpha) + photo * alpha).astype(np.uint8)
    return cv2.GaussianBlur(image, (0, 0), 1.5)


def test_a_profile_photo_inside_a_speaking_ring_is_an_avatar_disc(faces_dir: Path) -> None:
    """Teams draws a camera-off participant's photo on a disc, with a dark gap and a coloured ring
    round it while they speak. The circle found round the face may be a few pixels off the photo's
    edge, so just outside it runs through the gap and the ring (the Teams tab shot at 0.9: Pete
    Turner's photo was recorded as a live face): looked at further out too, the app's background
    is one colour all the way round. A webcam's face in its tile is no disc."""
    photos = [
        cv2.imread(str(f), cv2.IMREAD_GRAYSCALE) for f in sorted((faces_dir / "happy").glob("*.jpg"))[:6]
    ]
    for photo in photos:
        for radius, gap, ring in ((100, 2, 4), (110, 2, 5), (100, 5, 12), (120, 6, 14)):
            box = (300 - int(0.45 * radius), 300 - int(0.5 * radius), int(0.9 * radius), int(0.9 * radius))
            assert disc_of(_ringed_avatar(photo, radius, gap, ring), box) is not None, (radius, gap, ring)
    rng, text = np.random.default_rng(0), TextRenderer()
    for emotion, face in fer_faces(faces_dir, 3, seed=3):
        tile = make_tile(rng, text, "A B", face=face, emotion=emotion, size=(320, 180))
        assert tile.face_box is not None and disc_of(tile.image, tile.face_box) is None
