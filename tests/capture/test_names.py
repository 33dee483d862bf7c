"""Name reading with the real Tesseract script models on generated labels in many scripts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from capture import parse_gallery, render_lecture
from capture.box import intersection
from capture.errors import CaptureError
from capture.label_cache import LabelCache
from capture.label_pixels import (
    _without_icons,
    crop_key,
    label_mask,
    label_region,
    same_label,
    text_line,
    text_line_box,
)
from capture.name_reader import NameReader, _agreed_digits, _voted_letters
from capture.name_text import closed_brackets, display_form, normalise, trimmed_words, without_edge_capital
from capture.synth.looks import Client
from capture.synth.text import TextRenderer
from capture.tesseract import Candidate, compatible, scripts_of
from model.names import name_key
from tiles import make_tile

# Scripts Tesseract reads reliably at label sizes, each with two names.
CLEAR = [
    ("latin", "Jürgen Gonçalves"),
    ("latin", "Siobhán Ødegaard"),
    ("cyrillic", "Дмитрий Шевченко"),
    ("cyrillic", "Юлия Бондаренко"),
    ("greek", "Κατερίνα Οικονόμου"),
    ("greek", "Νίκος Γεωργίου"),
    ("devanagari", "अर्जुन शर्मा"),
    ("devanagari", "प्रिया पटेल"),
]
HARD = [
    ("cjk", "王伟"),
    ("japanese", "佐藤花子"),
    ("arabic", "يوسف منصور"),
    ("arabic", "فاطمة حداد"),
    ("hebrew", "תמר כהן"),
    ("thai", "สุดา ใจดี"),
]


def _label(name: str, script: str, seed: int, size: tuple[int, int] = (370, 208)) -> np.ndarray:
    tile = make_tile(
        np.random.default_rng(seed),
        TextRenderer(),
        name,
        script,
        face=np.full((48, 48), 120, np.uint8),
        emotion="neutral",
        size=size,
    )
    x, y, w, h = tile.label_box
    return tile.image[y : y + h, x : x + w].copy()


@pytest.fixture()
def reader() -> NameReader:
    with NameReader() as found:
        yield found


def test_reads_names_in_several_scripts_without_a_roster(reader: NameReader) -> None:
    read = [reader.read(_label(name, script, i)).name for i, (script, name) in enumerate(CLEAR)]
    correct = [r is not None and normalise(r) == normalise(n) for r, (_, n) in zip(read, CLEAR, strict=True)]
    assert sum(correct) >= len(CLEAR) - 1, list(zip(read, CLEAR, strict=True))


def test_roster_turns_imperfect_reads_into_the_right_names() -> None:
    names = CLEAR + HARD
    with NameReader(roster=[n for _, n in names]) as reader:
        read = [reader.read(_label(name, script, 100 + i)).name for i, (script, name) in enumerate(names)]
    correct = [r == n for r, (_, n) in zip(read, names, strict=True)]
    assert sum(correct) >= len(names) - 2, list(zip(read, names, strict=True))
    assert all(r is None or r in {n for _, n in names} for r in read)


def test_a_label_is_read_once_then_cached(reader: NameReader) -> None:
    first = reader.read(_label("Tomáš Novák", "latin", 1))
    calls = reader.ocr_calls
    assert not first.cached and calls >= 1
    again = reader.read(_label("Tomáš Novák", "latin", 2))  # another background behind the label
    bigger = reader.read(_label("Tomáš Novák", "latin", 3, size=(620, 349)))  # redrawn larger
    assert again.cached and bigger.cached and reader.ocr_calls == calls
    assert again.name == bigger.name == first.name
    other = reader.read(_label("Amara Okafor", "latin", 4))
    assert not other.cached and reader.ocr_calls > calls


def test_unreadable_or_missing_labels(reader: NameReader) -> None:
    assert reader.read(None).name is None
    assert reader.read(np.zeros((2, 30, 3), np.uint8)).name is None
    blank = np.full((24, 120, 3), 40, np.uint8)
    assert reader.read(blank).name is None
    assert reader.read(blank, (130, 4, 20, 10)).name is None  # a name box past the crop's edge
    assert text_line(blank, (0, 30, 50, 10)) is None
    assert reader.ocr_calls == 0


def test_matching_keeps_similar_names_apart() -> None:
    with NameReader(roster=["Мария Лысенко", "Ana Novák"]) as reader:
        assert reader.match("Мария Лысенкс") == ("Мария Лысенко", pytest.approx(91.7, abs=0.1))
        assert reader.match("Ana Novak") is not None and reader.match("Ana Novak")[0] == "Ana Novák"
        assert reader.match("Мария Олейник") is None
        reader.add_known("Анна Олейник", roster=False)
        assert reader.match("Анна Олейчук") is None  # learned names need a close read
        assert reader.match("Анна Олейник")[0] == "Анна Олейник"
        assert reader.match("Мария Лыс")[0] == "Мария Лысенко"  # a label cut short by a narrow tile


def test_a_label_the_client_cut_with_an_ellipsis_matches_its_roster_name() -> None:
    """Zoom ends a long name that does not fit its tile with "…" (or three dots)."""
    with NameReader(roster=["Donna Norkeliunas", "Donna Norton", "Kateryna Bondarenko"]) as reader:
        for shown, name in (
            ("Donna Norkeliun…", "Donna Norkeliunas"),
            ("Donna Norkeliun...", "Donna Norkeliunas"),
            ("Kateryna Bo…", "Kateryna Bondarenko"),
        ):
            match = reader.match(shown)
            assert match is not None and match[0] == name, shown


def test_ocr_text_as_a_name() -> None:
    # unsure short words at a line's ends are a plate's edge or an icon; a sure word or a long one stays
    assert trimmed_words([("Monica", 95), ("Adebayo", 95), ("È-", 57)]) == [("Monica", 95), ("Adebayo", 95)]
    assert trimmed_words([("Erica", 95), ("Holt", 95), ("Į", 62), ("2a", 24)]) == [
        ("Erica", 95),
        ("Holt", 95),
    ]
    assert trimmed_words([("Anastasia", 90), ("Rebkov", 63)]) == [("Anastasia", 90), ("Rebkov", 63)]
    assert trimmed_words([("MJ", 92), ("Price", 95)]) == [("MJ", 92), ("Price", 95)]
    assert trimmed_words([("이", 92), ("호", 90), ("연", 91), ("(20200992)", 40)])[-1][0] == "(20200992)"
    # a student number's closing bracket read as another sign, or lost
    assert closed_brackets("김선경(20200756;") == "김선경(20200756)"
    assert closed_brackets("구나형(20210101") == "구나형(20210101)"
    assert closed_brackets("Ana (TA)") == "Ana (TA)" and closed_brackets("Ana (") == "Ana ("
    # a first word's opening bracket lost or read as another sign at the plate's edge
    assert closed_brackets("초급) 강미숙") == "(초급) 강미숙" and closed_brackets("[TA) Ana") == "(TA) Ana"
    assert closed_brackets("Ana Host)") == "Ana Host)" and closed_brackets(") Ana") == ") Ana"
    # OCR spaces a Hangul name's syllables and guesses the space before its bracket
    assert display_form("^ 이 성 민 (방청)") == "이성민(방청)"
    assert display_form("(초급) 서 경숙") == "(초급) 서경숙" and display_form("장희재 교수") == "장희재 교수"
    assert (
        display_form("(초급) 전금랑ㅠ") == "(초급) 전금랑"
        and display_form("조광현 ( 방청 )") == "조광현(방청)"
    )
    # a capital initial ends a name; a lone small letter or sign at the end is a label's edge
    assert display_form("Karuppusamy D") == "Karuppusamy D" and display_form("Ana Novák l") == "Ana Novák"
    # Tesseract's Arabic script model writes the Persian yeh for the Arabic letters of its shape
    assert display_form("\u0644\u06cc\u0644\u06cc \u062d\u062f\u0627\u062f") == "ليلى حداد"
    assert display_form("سامي ناصر") == "سامي ناصر"


def test_helpers() -> None:
    assert normalise("  Ana  NOVÁK ") == "ananovák"
    assert normalise("لیلی") == normalise("ليلى".replace("ى", "ی").replace("ي", "ی"))
    for name in ("  Ana  NOVÁK ", "Ｊｕｒｇｅｎ ﬁsher", "王 伟", "김선경 (20200756)"):
        assert normalise(name) == name_key(name).replace(" ", "")  # storage's key, spaces dropped
    assert display_form("王 伟") == "王伟" and display_form("Ana   Novák") == "Ana Novák"
    assert scripts_of("Ivan Иванов Ив") == ["Cyrillic", "Latin"]
    assert compatible("佐藤", "Japanese") and compatible("佐藤", "HanS") and not compatible("Ana", "Greek")
    mask = label_mask(_label("Søren Müller", "latin", 5))
    assert mask.shape[0] == 16 and same_label(mask, mask)
    assert not same_label(mask, label_mask(_label("Inês Dubois", "latin", 6)))


def _tile(name: str, script: str, seed: int, size: tuple[int, int] = (262, 147)):  # type: ignore[no-untyped-def]
    return make_tile(
        np.random.default_rng(seed),
        TextRenderer(),
        name,
        script,
        face=np.full((48, 48), 120, np.uint8),
        emotion="neutral",
        size=size,
    )


def _generated_label(faces_dir: Path, seed: int, name: str, client: Client = "meet"):  # type: ignore[no-untyped-def]
    """A realistic generated call of 25 students (``seed``, ``client``): the frame, the truth of the
    student named ``name``, the tile read over theirs, and their label's crop and name box in it
    (``label_region`` of the tile's name box)."""
    image, truth = next(
        render_lecture(faces_dir, students=25, frames=1, seed=seed, client=client, realistic=True)
    )
    student = next(s for s in truth.students if s.name == name)
    tile = max(parse_gallery(image).tiles, key=lambda t: intersection(t.box, student.box))
    assert tile.name_box is not None
    return image, student, tile, label_region(image, tile.box, tile.name_box)


def test_a_label_box_cut_short_by_the_layout_is_read_whole() -> None:
    names = [
        ("latin", "Ľudmila Hernández"),
        ("thai", "มาลี ใจดี"),
        ("hebrew", "נועה לוי"),
        ("cyrillic", "Юлия Ковальчук"),
    ]
    with NameReader(roster=[n for _, n in names] + ["Ana Novák", "תמר כהן"]) as reader:
        for k, (script, name) in enumerate(names):
            tile = _tile(name, script, 20 + k)
            x, y, w, h = tile.label_box
            full = text_line(tile.image[y : y + h, x : x + w])
            cut = (x + w // 3, y + h // 2, w // 3, h // 3)  # the middle third, lower half only
            crop, core = label_region(tile.image, (0, 0, *tile.image.shape[1::-1]), cut)
            line = text_line(crop, core)
            assert full is not None and line is not None, name
            assert abs(line.shape[0] - full.shape[0]) <= 2 and abs(line.shape[1] - full.shape[1]) <= 3, name
            assert reader.read(crop, core).name == name


def test_the_room_around_a_label_is_not_text() -> None:
    tile = _tile("Amara Okafor", "latin", 7)
    x, y, w, h = tile.label_box
    bright = tile.image.copy()
    bright[: y + h + 4, : x + w + 40] = np.where(
        np.arange(x + w + 40)[None, :, None] >= x + w, 200, bright[: y + h + 4, : x + w + 40]
    )  # a light grey wall right of the label box
    crop, core = label_region(bright, (0, 0, *bright.shape[1::-1]), (x, y, w + 30, h))
    line = text_line(crop, core)
    plain = text_line(tile.image[y : y + h, x : x + w])
    assert line is not None and plain is not None and abs(line.shape[1] - plain.shape[1]) <= 3


def test_the_ocr_budget_spreads_new_labels_over_frames() -> None:
    names = ["Amara Okafor", "Tomáš Novák", "Inês Dubois", "Kwame Mensah", "Zoë Müller"]
    labels = [_label(name, "latin", 40 + k) for k, name in enumerate(names)]
    with NameReader(roster=names, max_reads_per_frame=2) as reader:
        first = reader.read_frame(labels)
        assert [r.deferred for r in first] == [False, False, True, True, True]
        second = reader.read_frame(labels)
        assert [r.cached for r in second[:2]] == [True, True] and [r.deferred for r in second] == [
            False
        ] * 2 + [False] * 2 + [True]
        third = reader.read_frame(labels)
        assert [r.name for r in third] == names


def test_a_time_budget_reads_at_least_one_new_label_per_frame() -> None:
    names = ["Amara Okafor", "Tomáš Novák", "Inês Dubois"]
    labels = [_label(name, "latin", 60 + k) for k, name in enumerate(names)]
    with NameReader(roster=names, budget_ms=0.001) as reader:
        frames = [reader.read_frame(labels) for _ in range(3)]
    assert [sum(not r.cached and not r.deferred for r in frame) for frame in frames] == [1, 1, 1]
    assert [r.name for r in frames[-1]] == names
    with pytest.raises(CaptureError, match="budget_ms"):
        NameReader(budget_ms=0)


def test_an_unreadable_label_is_read_again_a_few_times_then_left_alone() -> None:
    label = _label("Kwame Mensah", "latin", 3)
    with NameReader(roster=["Ana Novák"], models=("Latin", "Greek"), max_attempts=3) as reader:
        calls = []
        for _ in range(5):
            assert reader.read_frame([label])[0].name is None
            calls.append(reader.ocr_calls)
    assert calls[0] > 0 and calls[0] < calls[1] < calls[2] == calls[3] == calls[4]


def test_the_expected_name_picks_the_script_model_to_read_with() -> None:
    """A label redrawn at another size is read with the script model of the name its tile is
    expected to show; the read, not the hint, decides the name."""
    roster = ["Amara Okafor", "Дмитрий Шевченко", "Νίκος Γεωργίου", "प्रिया पटेल", "Tomáš Novák"]
    label = _label("Дмитрий Шевченко", "cyrillic", 5)
    with NameReader(roster=roster) as plain:
        assert plain.read_frame([label])[0].name == "Дмитрий Шевченко"
        unhinted = plain.ocr_calls
    with NameReader(roster=roster) as hinted:
        assert hinted.read_frame([label], ["Дмитрий Шевченко"])[0].name == "Дмитрий Шевченко"
        assert hinted.ocr_calls == 1 < unhinted
    with NameReader(roster=roster, max_attempts=2) as wrong:
        first = wrong.read_frame([label], ["Tomáš Novák"])[0]  # hint-only first attempt: Latin cannot read it
        assert first.name != "Tomáš Novák"
        last = wrong.read_frame([label], ["Tomáš Novák"])[0]  # the last attempt tries every model
        assert last.name == "Дмитрий Шевченко"
        with pytest.raises(CaptureError, match="expected names"):
            wrong.read_frame([label], [])


def test_a_bright_face_above_the_label_is_not_part_of_the_line() -> None:
    """The layout's fallback strip can hold the bottom of the video above the label: the line is the
    band of rows that looks most like text, not the face."""
    tile = _tile("Amara Okafor", "latin", 8)
    x, y, w, h = tile.label_box
    label = tile.image[y : y + h, x : x + w]
    plain = text_line(label)
    face = np.full((h, w, 3), 40, np.uint8)
    face[2 : h - 3, w // 4 : w * 3 // 4] = 235  # a bright chin, then two dark rows
    crop = np.vstack([face, label])
    line = text_line(crop, (0, 0, w, 2 * h))
    assert plain is not None and line is not None and abs(line.shape[0] - plain.shape[0]) <= 2


def test_a_crop_is_known_again_by_its_text_pixels_when_the_video_behind_changes() -> None:
    a = _label("Amara Okafor", "latin", 1)
    b = a.copy()
    mid = (a > 70) & (a < 180)
    b[mid] = a[mid] + np.random.default_rng(0).integers(
        -15, 16, int(mid.sum())
    )  # the video behind the box moved
    assert not np.array_equal(a, b) and crop_key(a) == crop_key(b)
    assert crop_key(a) != crop_key(_label("Amara Okafur", "latin", 1))
    grey = np.full((24, 120, 3), 60, np.uint8)
    grey[8:16, 10:100:4] = 150  # mid-grey text: exact pixels decide
    shifted = grey.copy()
    shifted[0, 0] = 61
    assert crop_key(grey) != crop_key(shifted)


def test_a_crop_is_known_again_when_a_bright_face_beside_its_text_changes() -> None:
    """Only the text rows of the label box and a little either side identify a crop: a bright face
    further right in those rows, changing every frame, does not make the label new."""
    label = _label("Amara Okafor", "latin", 1)
    h, w = label.shape[:2]
    crop = np.hstack([label, np.full((h, 60, 3), 90, np.uint8)])
    core = (0, 0, w, h)
    moved = crop.copy()
    moved[2 : h - 2, w + h : w + 60] = 240  # the face beside, brighter this frame
    assert crop_key(crop, core) == crop_key(moved, core)
    near = crop.copy()
    near[2 : h - 2, w : w + 2] = 240  # white right at the box's edge: a letter
    assert crop_key(crop, core) != crop_key(near, core)


def test_a_crop_is_known_again_when_the_gallery_reflows() -> None:
    """A student joins, the gallery reflows: every tile moves and changes size, and each label is cut
    with more or less of the video round it. The same text pixels are the same crop, so the frame
    does not find every label's text line again; other text is not."""
    label = _label("Amara Okafor", "latin", 1)
    h, w = label.shape[:2]
    wider = np.hstack([np.full((h, 7, 3), 90, np.uint8), label, np.full((h, 30, 3), 90, np.uint8)])
    assert crop_key(label, (0, 0, w, h)) == crop_key(wider, (7, 0, w, h))
    other = _label("Amara Okafur", "latin", 1)
    assert crop_key(other, (0, 0, w, h)) != crop_key(wider, (7, 0, w, h))


def test_look_alike_names_are_not_taken_from_each_others_cached_label() -> None:
    sharma, varma = "प्रिया शर्मा", "प्रिया वर्मा"
    a, b = _label(sharma, "devanagari", 1), _label(varma, "devanagari", 2, size=(380, 214))
    assert same_label(label_mask(a), label_mask(b))  # one glyph apart: their masks pass as the same text
    with NameReader(roster=[sharma, varma, "Tomáš Novák"]) as reader:
        assert reader.read(a).name == sharma
        assert reader.read(b).name == varma
        first = reader.read(_label("Tomáš Novák", "latin", 3))
        bigger = reader.read(_label("Tomáš Novák", "latin", 4, size=(620, 349)))  # no look-alike: cached
        assert first.name == bigger.name == "Tomáš Novák" and bigger.cached


def test_a_new_label_without_a_hint_is_read_first_as_the_name_it_looks_like() -> None:
    """A label redrawn at another size (not similar enough to be taken from the cache) and with no
    tile continuity is read first with the script model of the read label it looks most like."""
    roster = ["Amara Okafor", "Tomáš Novák", "Inês Dubois", "Дмитрий Шевченко", "Νίκος Γεωργίου", "प्रिया पटेल"]
    big = _label("Дмитрий Шевченко", "cyrillic", 5, size=(370, 208))
    small = _label("Дмитрий Шевченко", "cyrillic", 6, size=(260, 146))
    with NameReader(roster=roster) as fresh:
        assert fresh.read_frame([small])[0].name == "Дмитрий Шевченко"
        unguessed = fresh.ocr_calls
    with NameReader(roster=roster) as reader:
        assert reader.read_frame([big])[0].name == "Дмитрий Шевченко"
        before = reader.ocr_calls
        again = reader.read_frame([small])[0]
        assert again.name == "Дмитрий Шевченко" and not again.cached
        assert reader.ocr_calls - before == 1 < unguessed


def test_a_redrawn_label_of_the_name_its_tile_is_expected_to_show_needs_no_ocr() -> None:
    """Tile continuity and a label that looks like the one last read as that name (redrawn at another
    size) agree: the name is taken without OCR. When continuity names someone else, the label is read."""
    roster = ["Amara Okafor", "Tomáš Novák", "Дмитрий Шевченко", "Νίκος Γεωργίου"]
    big = _label("Дмитрий Шевченко", "cyrillic", 5, size=(370, 208))
    small = _label("Дмитрий Шевченко", "cyrillic", 6, size=(260, 146))
    assert not same_label(label_mask(small), label_mask(big))  # not taken from the cache by itself
    with NameReader(roster=roster) as reader:
        assert reader.read_frame([big])[0].name == "Дмитрий Шевченко"
        before = reader.ocr_calls
        confirmed = reader.read_frame([small], ["Дмитрий Шевченко"])[0]
        assert confirmed.name == "Дмитрий Шевченко" and confirmed.cached and reader.ocr_calls == before
        assert reader.read_frame([small], ["Amara Okafor"])[0].cached  # that exact label, known now
    with NameReader(roster=roster) as reader:
        reader.read_frame([big])
        before = reader.ocr_calls
        assert not reader.read_frame([small], ["Νίκος Γεωργίου"])[0].cached  # the cues disagree: OCR
        assert reader.ocr_calls > before


def test_a_label_that_looks_like_another_names_is_read_with_that_names_script_first() -> None:
    """Continuity guessed wrong (tiles moved): a label that looks much more like the last one read as
    another name is read with that name's script models, so one OCR call gives the right name."""
    roster = ["Amara Okafor", "Tomáš Novák", "Дмитрий Шевченко", "Νίκος Γεωργίου"]
    with NameReader(roster=roster) as reader:
        assert reader.read_frame([_label("Дмитрий Шевченко", "cyrillic", 5)])[0].name == "Дмитрий Шевченко"
        before = reader.ocr_calls
        small = _label("Дмитрий Шевченко", "cyrillic", 6, size=(260, 146))
        assert reader.read_frame([small], ["Tomáš Novák"])[0].name == "Дмитрий Шевченко"
        assert reader.ocr_calls - before == 1


def test_a_line_too_tall_for_its_tile_is_read_only_as_its_expected_name() -> None:
    """A text line taller than a quarter of its tile holds video above the label: with no expected
    name it is not OCRed, with one only that name's script models read it."""
    roster = ["Amara Okafor", "Дмитрий Шевченко"]
    label = _label("Дмитрий Шевченко", "cyrillic", 9)
    line = text_line(label)
    assert line is not None
    short_tile = [3 * line.shape[0]]
    with NameReader(roster=roster, max_attempts=1) as reader:
        assert reader.read_frame([label], tile_heights=short_tile)[0].name is None and reader.ocr_calls == 0
        assert reader.read_frame([label], ["Amara Okafor"], short_tile)[0].name is None
        assert reader.ocr_calls == 1  # the Latin model only, even on the last attempt
    with NameReader(roster=roster) as reader:
        assert reader.read_frame([label], ["Дмитрий Шевченко"], short_tile)[0].name == "Дмитрий Шевченко"
        assert reader.ocr_calls == 1
    with NameReader(roster=roster) as reader:
        assert reader.read_frame([label], tile_heights=[10 * line.shape[0]])[0].name == "Дмитрий Шевченко"
        with pytest.raises(CaptureError, match="tile heights"):
            reader.read_frame([label], tile_heights=[])


def test_label_percentiles_are_numpys() -> None:
    from capture.label_pixels import _percentiles

    rng = np.random.default_rng(0)
    for size in (1, 2, 3, 10, 257, 4000):
        values = rng.integers(0, 256, size).astype(np.uint8)
        for kind in (np.uint8, np.float32):
            got = _percentiles(values.astype(kind), (0, 5, 50, 90, 99.5, 100))
            assert got == [float(v) for v in np.percentile(values, [0, 5, 50, 90, 99.5, 100])]


def test_a_line_that_came_out_light_on_dark_is_turned_over_for_ocr() -> None:
    """Tesseract does not retry lines inverted (each unconfident read cost a third more): a line
    that is mostly "ink" is turned over before it is read."""
    from capture.label_pixels import ocr_image

    line = text_line(_label("Amara Okafor", "latin", 12))
    assert line is not None and float(line.mean()) < 0.5
    assert np.array_equal(ocr_image(1.0 - line), ocr_image(line))
    with NameReader(roster=["Amara Okafor"]) as reader:
        assert reader.read(_label("Amara Okafor", "latin", 12)).name == "Amara Okafor"


def test_a_name_read_by_its_own_script_model_ends_the_search_over_models() -> None:
    """A read that matches a roster name of the script its model reads (here 82 of 100: "Кравец" for
    "Кравцова") is not read again by the other scripts' models, which could not match it better."""
    label = _label("Анна Кравец", "cyrillic", 4)
    with NameReader(roster=["Анна Кравцова", "ליאור כהן"], models=("Cyrillic", "Hebrew", "Latin")) as reader:
        assert reader.read_frame([label])[0].name == "Анна Кравцова"
        assert reader.ocr_calls == 1


def test_a_roster_name_keeps_its_spelling() -> None:
    with NameReader(roster=["มาลี ศรีสุข", "  Ana   Novák "], models=("Latin", "Thai")) as reader:
        assert reader.match("มาลีศรีสุข") == ("มาลี ศรีสุข", 100.0)
        assert reader.match("Ana Novak")[0] == "Ana Novák"  # type: ignore[index]


def test_labels_of_one_width_and_form_with_thin_strokes_are_not_taken_for_each_other() -> None:
    """Real labels of student numbers ("김선경(20200756)", "김수영(20190777)") are drawn with strokes
    so thin against their height that no pixel of their masks is darker than half: the cache must
    still tell two such labels of one width apart, or the second takes the first's name."""

    def label(text: str) -> np.ndarray:
        crop = np.full((64, 244, 3), 40, np.uint8)
        cv2.putText(crop, text, (4, 38), cv2.FONT_HERSHEY_PLAIN, 1.8, (235, 235, 235), 1, cv2.LINE_8)
        return crop

    first, second = label("Kim (20200756)"), label("Kim (20190777)")
    assert label_mask(first).shape == label_mask(second).shape and label_mask(first).max() < 0.5
    cache = LabelCache(lambda name: False)
    first_key, _ = cache.mask_key(crop_key(first), first, None)
    second_key, _ = cache.mask_key(crop_key(second), second, None)
    assert first_key != second_key


def test_a_coloured_icon_beside_the_name_is_not_part_of_its_text_line(reader: NameReader) -> None:
    """Meet and Zoom draw a muted microphone before the name: a red disc with a white glyph, which
    OCR reads as letters ("ÑO Manikandan sachin"). Names are white, black or grey; the icon is not."""
    text = TextRenderer().mask("Manikandan sachin", "latin", 18)
    radius = text.shape[0] // 2 + 2
    label = np.full((text.shape[0] + 16, text.shape[1] + 2 * radius + 22, 3), 32, np.uint8)
    centre = (8 + radius, label.shape[0] // 2)
    cv2.circle(label, centre, radius, (40, 40, 217), -1, cv2.LINE_AA)
    cv2.ellipse(label, centre, (radius // 3, radius // 2 + 1), 0, 0, 360, (255, 255, 255), 2)
    cv2.line(
        label,
        (centre[0] - radius // 2, centre[1] - radius // 2),
        (centre[0] + radius // 2, centre[1] + radius // 2),
        (255, 255, 255),
        2,
    )
    region = label[8 : 8 + text.shape[0], 2 * radius + 14 : 2 * radius + 14 + text.shape[1]]
    region[text > 128] = (255, 255, 255)
    line = text_line(label)
    assert line is not None and line.shape[1] <= text.shape[1] + 2
    assert reader.read(label).name == "Manikandan sachin"


def test_the_colour_fringes_of_small_subpixel_glyphs_are_no_icon() -> None:
    """A small ClearType glyph ("0" of 9-16 px on a screen at 80-100 %) is coloured nearly all over,
    orange on one side and blue on the other, as full as an icon and its size: it was painted over
    as one (13 of these 120 labels), and the line lost its letters. An icon is one hue."""
    renderer = TextRenderer()
    painted = 0
    for text in ("90", "0", "20190777", "Odd", "Bob"):
        for size in range(9, 17):
            for scale in (0.8, 0.9, 1.0):
                shown, text_box = _subpixel_label(renderer, text, "latin", size, scale)
                painted += not np.array_equal(_without_icons(shown, text_box), shown)
    assert painted == 0


def _subpixel_label(
    renderer: TextRenderer, text: str, script: str, size: int, scale: float
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """``text`` in light ClearType letters of ``size`` px on a dark plate, shown at ``scale``, and
    the box of its text there (:func:`_label_shown`)."""
    ink = renderer.subpixel_mask(text, script, size).astype(np.float32) / 255.0
    return _label_shown(ink, np.array([38, 36, 34], np.float32), scale)


def _label_shown(
    ink: np.ndarray, plate: np.ndarray, scale: float, shift: float = 0.0
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Light text of coverage ``ink`` (one channel or B, G, R) on a ``plate`` with a margin, moved
    ``shift`` px along the screen's pixel grid and shown at ``scale`` (INTER_AREA), and the box of
    its text there."""
    label = np.full((ink.shape[0] + 14, ink.shape[1] + 20, 3), plate, np.float32)
    label[7 : 7 + ink.shape[0], 10 : 10 + ink.shape[1]] = plate + (235 - plate) * ink
    if shift:
        move = np.float32([[1, 0, shift], [0, 1, 0]])
        label = cv2.warpAffine(label, move, label.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)
    shown = cv2.resize(label.round().astype(np.uint8), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    text_px = shown.max(axis=2) > 120
    cols, rows = np.flatnonzero(text_px.any(axis=0)), np.flatnonzero(text_px.any(axis=1))
    return shown, (int(cols[0]), int(rows[0]), int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1)


def test_the_thin_grey_strokes_of_small_text_are_ink_beside_one_lit_whole() -> None:
    """At 11 px most strokes of a label's text are one pixel wide and peak grey; the one horizontal
    stroke that falls on a pixel row is lit whole. The text is all of them, not that stroke."""
    mask = TextRenderer().mask("20200759", "latin", 12)
    label = np.full((mask.shape[0] + 12, mask.shape[1] + 12, 3), 44, np.uint8)
    region = label[6 : 6 + mask.shape[0], 6 : 6 + mask.shape[1]]
    region[:] = np.maximum(region, (mask.astype(np.float32) / 255 * 150).astype(np.uint8)[:, :, None])
    label[3 + mask.shape[0], 8 : 8 + mask.shape[1] // 3] = 255
    line = text_line(label)
    assert line is not None and line.shape[1] >= mask.shape[1] - 4


def test_a_sign_read_from_the_labels_edge_does_not_end_a_name(reader: NameReader) -> None:
    """Meet's label edge read as a hyphen ("Scott Hiett-"): no name ends with one."""
    assert reader.read(_label("Scott Hiett-", "latin", 5)).name == "Scott Hiett"


def test_a_name_box_holding_the_video_round_a_plate_is_read_in_the_plate(reader: NameReader) -> None:
    """The Zoom web client's speaking tile: a name box found too big holds the bright video round the
    label's dark plate and the tile's green border below it. The text line is the plate's, not the
    light shirt above it, so the line is not too tall for its tile and is read."""
    text = TextRenderer().mask("Amara Okafor", "latin", 16)
    th, tw = text.shape
    rng = np.random.default_rng(5)
    crop = rng.integers(170, 250, (th + 40, tw + 120, 3)).astype(np.uint8)  # a light shirt, a room
    crop = cv2.GaussianBlur(crop, (5, 5), 0)
    crop[-6:] = 0  # the gap under the tile
    crop[-10:-6] = (90, 200, 60)  # the speaking tile's green border
    crop[:, :4] = (90, 200, 60)
    plate = (4, 8, tw + 16, th + 14)  # x, y, w, h: the label's dark plate
    x, y, w, h = plate
    crop[y : y + h, x : x + w] = (40, 38, 36)
    region = crop[y + 7 : y + 7 + th, x + 8 : x + 8 + tw]
    region[text > 128] = (250, 250, 250)
    core = (0, 4, tw + 100, crop.shape[0] - 4)  # the name box the layout found: plate, video, border
    line = text_line(crop, core)
    assert line is not None and line.shape[0] <= th + 6
    assert reader.read_frame([(crop, core)], tile_heights=[4 * th + 30])[0].name == "Amara Okafor"


def test_a_dark_patch_of_video_ending_mid_name_is_no_plate(faces_dir: Path, reader: NameReader) -> None:
    """Meet writes names straight on the video. A dark wall behind a name's first letters, bounded
    by a light picture above the rest of the line, looked like a plate, and the line was cut at its
    edge ("Steven Ramir", "Gloria Sä"). A plate holds its whole label: text running on past it
    means no plate, and the line is as long as the one found in the label's own text box."""
    for seed, name in ((25, "Steven Ramirez"), (2025, "Gloria Sanders")):
        image, truth = next(
            render_lecture(faces_dir, students=25, frames=1, seed=seed, client="meet", realistic=True)
        )
        student = next(s for s in truth.students if s.name == name)
        tile = max(parse_gallery(image).tiles, key=lambda t: intersection(t.box, student.box))
        assert tile.name_box is not None
        crop, core = label_region(image, tile.box, tile.name_box)
        line, whole = text_line(crop, core), text_line(*label_region(image, tile.box, student.label_box))
        assert line is not None and whole is not None and line.shape[1] >= whole.shape[1] - 2
    assert reader.read_frame([(crop, core)], tile_heights=[tile.box[3]])[0].name == name


def test_a_line_goes_on_across_a_step_in_the_video_behind_its_text(
    faces_dir: Path, reader: NameReader
) -> None:
    """Meet writes names straight on the video, and the video behind a name changes colour: the
    line stopped where a brown wall met a green one behind "Sullivan" ("Xavier Sulli"). Where the
    text's strokes go on past such a step within a letter's gap, the line does too, the video past
    it judged by its own colour."""
    image, student, tile, (crop, core) = _generated_label(faces_dir, 2025, "Xavier Sullivan")
    found, whole = text_line_box(crop, core), text_line_box(*label_region(image, tile.box, student.label_box))
    assert found is not None and whole is not None
    assert found[0] + found[2] >= whole[0] + whole[2] - 2 and found[3] <= whole[3] + 2
    assert reader.read_frame([(crop, core)], tile_heights=[tile.box[3]])[0].name == "Xavier Sullivan"


def test_a_small_chinese_label_two_models_read_alike_is_taken(faces_dir: Path) -> None:
    """A small label's OCR read needs the recogniser's agreement or a high confidence, as Tesseract
    misreads 5-8 px letters; the recogniser reads Latin letters only, so the two-letter Chinese
    names of a 1080p Teams call (letters of 14 px) went unread at 45-75. HanS and the Chinese
    language model (chi_sim) reading the same text stand for that agreement."""
    for name in ("赵静", "黄敏", "黄娜"):
        _, _, tile, (crop, core) = _generated_label(faces_dir, 1025, name, "teams")
        with NameReader() as reader:
            assert reader.read_frame([(crop, core)], tile_heights=[tile.box[3]])[0].name == name


def test_white_letters_over_light_video_found_too_tall_are_read_taken_the_other_way(
    faces_dir: Path, reader: NameReader
) -> None:
    """Meet's white names with a dark shadow over a light room: the dark parts of the video were
    taken for the text, the line came out as tall as the label's crop and was left unread. Taken
    the other way it is the name's own line, read when a read of it is sure of a whole name."""
    image, truth = next(
        render_lecture(faces_dir, students=25, frames=1, seed=3025, client="meet", realistic=True)
    )
    for name in ("Caroline Gordon", "Nicole Bennett"):
        student = next(s for s in truth.students if s.name == name)
        tile = max(parse_gallery(image).tiles, key=lambda t: intersection(t.box, student.box))
        assert tile.name_box is not None
        crop, core = label_region(image, tile.box, tile.name_box)
        assert reader.read_frame([(crop, core)], tile_heights=[tile.box[3]])[0].name == name


def test_the_tops_of_tall_letters_over_video_unlike_the_lines_rows_are_the_lines(
    faces_dir: Path, reader: NameReader
) -> None:
    """Meet's names are written on the video: the rows of a label's tall letters' tops and of its
    "i"'s dot cross video of another tone than the rows of the rest of the line, and the line
    stopped below them ("Daniela Young" read with a dotless i: the dot lost). Rows whose
    ink goes on the line's strokes are the line's."""
    _, _, tile, (crop, core) = _generated_label(faces_dir, 1025, "Daniela Young")
    assert reader.read_frame([(crop, core)], tile_heights=[tile.box[3]])[0].name == "Daniela Young"


def test_a_label_drawn_with_subpixel_anti_aliasing_is_read_whole(reader: NameReader) -> None:
    """Zoom on Windows draws labels with ClearType: light text whose vertical strokes are blue on one
    edge and orange on the other. The darkest channel keeps only the horizontal bars, and the
    fringes do not look like the label box: the line stopped at the first fringe."""
    ink = TextRenderer().subpixel_mask("Quentin Wojcik", "latin", 15).astype(np.float32) / 255.0
    text = ink.max(axis=2)  # the name's extent
    plate = np.array([38, 36, 34], np.float32)
    label = np.full((text.shape[0] + 14, text.shape[1] + 20, 3), plate, np.float32)
    label[7 : 7 + text.shape[0], 10 : 10 + text.shape[1]] = plate + (255 - plate) * ink
    label = label.round().astype(np.uint8)
    line = text_line(label)
    assert line is not None and line.shape[1] >= text.shape[1] - 2
    assert reader.read(label).name == "Quentin Wojcik"


def test_a_subpixel_label_seen_through_a_box_of_two_glyphs_is_found_whole() -> None:
    """A ClearType label on a screen scaled down (Zoom on Windows at 80-100 %), of which the layout
    found only a glyph or two: too few of its pixels to tell sub-pixel text by its fringes (which
    then stopped the line), and a box tight on bold digits held more text than background (the
    text was taken for dark). From a box of 9 px at every place along the label, the line is the
    whole label."""
    renderer = TextRenderer()
    whole = boxes = 0
    for text, script in (("20190777 김선경", "korean"), ("Quentin Wojcik", "latin")):
        for size in (12, 13, 14, 15):
            for scale in (0.8, 0.9, 1.0):
                shown, (x0, y0, w, h) = _subpixel_label(renderer, text, script, size, scale)
                for x in range(x0, x0 + w - 9, 3):
                    box = text_line_box(shown, (x, y0, 9, h))
                    boxes += 1
                    whole += box is not None and box[2] >= w - 2
    assert whole / boxes >= 0.85  # 0.70 before


def test_a_stroke_split_over_two_half_lit_columns_does_not_end_the_line() -> None:
    """A screen scaled down by 5-20 % puts some vertical strokes between two pixel columns, each
    half lit: under the ink's level, and grey, not the plate. Two such columns side by side ended
    the line there ("이희" for "이희래"). From a box of 9 px at every place along the label, the
    line is the whole label."""
    renderer = TextRenderer()
    plate = np.full(3, 45, np.float32)
    whole = boxes = 0
    for text, script in (("20200998 이희래", "korean"), ("William Tell", "latin")):
        for size in (11, 12, 13, 14, 15):
            ink = renderer.mask(text, script, size).astype(np.float32)[:, :, None] / 255.0
            for shift in (0.0, 0.5):  # the label's place on the screen's pixel grid
                for scale in (0.8, 0.85, 0.9, 0.95):
                    shown, (x0, y0, w, h) = _label_shown(ink, plate, scale, shift)
                    for x in range(x0, x0 + w - 9, 3):
                        box = text_line_box(shown, (x, y0, 9, h))
                        boxes += 1
                        whole += box is not None and box[2] >= w - 2
    assert whole / boxes >= 0.95  # 0.88 before

    assert without_edge_capital("Jack DavisN") == "Jack Davis"
    assert without_edge_capital("Camille BlackwellN.") == "Camille Blackwell"
    assert without_edge_capital("Tom TurnerAN") == "Tom Turner"
    for name in ("Geoff VonDoupe", "MJ Price", "Ada", "Zach McIntyre", "LI Wei", "Ana B."):
        assert without_edge_capital(name) == name


def test_a_small_label_found_too_tall_is_read_by_the_recogniser_on_its_band(
    bench_script: Callable[[str], ModuleType],
) -> None:
    """A big gallery's label whose box was found with video above it is too tall for OCR without an
    expected name (it would read the video); where the gallery's labels agree the text is, the
    band, the small-label recogniser still reads it."""
    renderer = TextRenderer()
    label = bench_script("name_lines").zoom_label(renderer, "Margaret Ramsey", 9, np.random.default_rng(5))
    text_h = renderer.mask("Margaret Ramsey", "latin", 9).shape[0]
    pad = 9 // 4
    band = (label, (0, 2 * pad, label.shape[1], text_h))
    tile_height = 2 * label.shape[0]  # the label's found line is more than a quarter of its tile
    with NameReader() as reader:
        (read,) = reader.read_frame([label], [None], [tile_height], look_labels=[band])
        assert read.name == "Margaret Ramsey"
    with NameReader() as reader:  # without the band, as before: no read of a line holding video
        (read,) = reader.read_frame([label], [None], [tile_height])
        assert read.name is None


def test_an_unsure_small_label_read_is_taken_when_ocr_reads_the_same() -> None:
    """The recogniser of small labels unsure (under LINE_CONFIDENCE) and one OCR model reading the
    very same name: two readers that err differently agree, so the name is taken; any other OCR
    read leaves the recogniser's read out."""
    from capture.name_reader import LINE_MODEL, _agreed
    from capture.tesseract import Candidate

    line = Candidate("Ada Nguyen", 88.0, LINE_MODEL)
    ocr = [Candidate("Ada Nouyea", 63.0, "Latin"), Candidate("Ada Nguyen ", 85.0, "Arabic")]
    assert _agreed(line, ocr) == Candidate("Ada Nguyen", 88.0, LINE_MODEL)
    assert _agreed(line, ocr[:1]) is None
    assert _agreed(None, ocr) is None
    assert _agreed(Candidate("Tom Tumer", 89.0, LINE_MODEL), [Candidate("Tom Turner", 86.0, "Latin")]) is None


def test_a_blurred_label_ocr_cannot_read_finds_its_roster_name(
    bench_script: Callable[[str], ModuleType],
) -> None:
    """A label too blurred for Tesseract (18 px text, blur sigma 2) is named by the text-line
    recogniser's probabilities when its name is on the roster, and given no roster name when not."""
    bench = bench_script("name_lines")
    label = cv2.GaussianBlur(
        bench.zoom_label(TextRenderer(), "Babak Shammas", 18, np.random.default_rng(0)), (0, 0), 2
    )
    with NameReader() as reader:
        assert reader.read(label).name is None  # OCR cannot read it
    roster = ["Serena Davis", "Danielle Booker", "Charlotte de Crum", "Dale Clarke"]
    with NameReader(roster=[*roster, "Babak Shammas"]) as reader:
        assert reader.read(label).name == "Babak Shammas"
    with NameReader(roster=roster) as reader:
        assert reader.read(label).name is None


@pytest.mark.parametrize("name", ["Laura Smith", "Daniel Brooks", "Kevin Walsh", "Susan Parker"])
def test_a_blurred_label_ocr_cannot_read_is_read_by_the_recogniser_when_its_words_are_names(
    bench_script: Callable[[str], ModuleType], name: str
) -> None:
    """Without a roster, a label too blurred for Tesseract (18 px text, blur sigma 2) that the
    text-line recogniser reads surely, every word a name word, is named by that read; one with a
    word it cannot spell as a name ("Babak Shammas", read "Babak Sihammas") stays unnamed."""
    bench = bench_script("name_lines")
    for shown, expected in ((name, name), ("Babak Shammas", None)):
        label = cv2.GaussianBlur(
            bench.zoom_label(TextRenderer(), shown, 18, np.random.default_rng(0)), (0, 0), 2
        )
        with NameReader() as reader:
            assert reader.read(label).name == expected


def test_a_confident_read_of_a_script_two_models_read_is_read_by_the_other_too() -> None:
    """Hangul is read by its script model and by Tesseract's Korean language model, and each
    misreads real labels the other reads right ("(조급) 이유진" against "(초급) 이유진"): a confident
    read by one is read by the other too, and the surer is taken. A read matching a known name is
    not read again."""
    label = _label("김민정", "korean", 3)
    with NameReader(models=("Hangul", "kor")) as reader:
        read = reader.read_frame([label])[0]
        assert read.name == "김민정" and reader.ocr_calls == 2
    with NameReader(roster=["김민정"], models=("Hangul", "kor")) as reader:
        assert reader.read_frame([label])[0].name == "김민정" and reader.ocr_calls == 1


def test_a_latin_name_read_in_cyrillic_look_alikes_is_read_by_the_latin_model_too() -> None:
    """In a class of Cyrillic names the Cyrillic model reads first, and it reads "Isaac Murray" in
    Cyrillic letters of the same shapes, sure of them: a confident Cyrillic or Greek read is read by
    the Latin model too, and the surer is taken. A Cyrillic name stays Cyrillic."""
    with NameReader(models=("Cyrillic", "Greek", "Latin")) as reader:
        assert reader.read_frame([_label("Isaac Murray", "latin", 1)])[0].name == "Isaac Murray"
        assert reader.ocr_calls == 2
        assert reader.read_frame([_label("Дмитрий Шевченко", "cyrillic", 1)])[0].name == "Дмитрий Шевченко"


def test_white_letters_in_a_shadow_over_light_video_are_read_as_the_letters(faces_dir: Path) -> None:
    """Meet draws a name without a plate, white letters in a soft dark shadow on the video: over a
    light room the shadow is the minority side of the line's pixels and was taken for the text (the
    letters read as outlines: "Laurari Rivara", "Nicole Owens" in Greek). With no read sure, the
    line is read the other way too, and a sure read of that is taken."""
    image, truth = next(
        render_lecture(faces_dir, students=25, frames=1, seed=25, client="meet", realistic=True)
    )
    tiles = parse_gallery(image).tiles
    for student in (s for s in truth.students if s.name in ("Nicole Owens", "Lauren Rivera")):
        tile = max(tiles, key=lambda t: intersection(t.box, student.box))
        assert tile.name_box is not None
        with NameReader() as reader:
            assert reader.read_frame([label_region(image, tile.box, tile.name_box)])[0].name == student.name


def test_a_text_several_script_models_read_alike_outweighs_the_latin_models_slip() -> None:
    """Over bright video the Latin model may slip where the other script models, which know Latin
    letters too, agree: three or more reading the same text make it a candidate at their median
    confidence. Marks are the Latin model's (the others drop them), and a word alone that several
    read does not stand against a longer read."""
    from capture.tesseract import Candidate

    def resolved(reads: list[tuple[str, float, str]]) -> str | None:
        with NameReader() as reader:
            return reader._resolve([Candidate(*read) for read in reads]).name

    others = ("Hangul", "HanS", "Arabic", "Hebrew")
    slip = [
        ("haron Evans", 86.0, "Latin"),
        *[("Aaron Evans", c, m) for c, m in zip((96, 92, 78, 90), others)],
    ]
    assert resolved(slip) == "Aaron Evans"
    assert resolved(slip[:3]) == "haron Evans"  # two models are no consensus
    marked = [("Inês Dubois", 83.0, "Latin"), *[("Inés Dubois", 94.0, m) for m in others]]
    assert resolved(marked) == "Inês Dubois"
    word = [("Maco Young", 73.0, "Latin"), *[("Young", 96.0, m) for m in others]]
    assert resolved(word) == "Maco Young"
    quoted = [("“Megan Bennett", 63.0, "Latin"), *[("Megan Bennett", 92.0, m) for m in others]]
    assert resolved(quoted) == "Megan Bennett"


def test_a_name_drawn_without_a_plate_over_textured_video_is_kept_to_its_rows(
    faces_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Meet writes names straight on the video: the text line grows into the textured room above
    and below and comes out taller than a quarter of the tile, which is read only as an expected
    name. The line kept to its text rows (LINE_REACH) is read instead; without it, half as many
    or fewer are read."""
    from capture import name_reader
    from capture.synth import render_lecture

    image, truth = next(
        render_lecture(faces_dir, students=25, frames=1, seed=3025, client="meet", realistic=True)
    )
    tall = []
    for student in truth.students:
        crop, core = label_region(image, student.box, student.label_box)
        line = text_line(crop, core)
        if line is not None and line.shape[0] > name_reader.MAX_LINE_SHARE * student.box[3]:
            tall.append((student.name, (crop, core), student.box[3]))
    assert len(tall) >= 5

    def exact() -> int:
        with NameReader() as reader:
            names = [reader.read_frame([label], tile_heights=[height])[0].name for _, label, height in tall]
        return sum(name == want for (want, _, _), name in zip(tall, names, strict=True))

    kept = exact()
    assert kept >= 0.6 * len(tall)
    monkeypatch.setattr(name_reader, "LINE_REACH", None)  # the line as found, rows unbounded
    assert exact() <= kept / 2  # only those read taken the other way (white letters over light video)


def test_of_two_reads_about_as_sure_the_language_models_is_taken() -> None:
    """Tesseract's Korean language model (`kor`, with its words) and the Hangul script model read a
    Korean label about as surely: the language model's read is taken, whichever came first, up to
    LANGUAGE_MARGIN points less sure (the Hangul model reads 초 as 조 or 소 at 77 to 95 where kor
    reads it right at 71 to 96); the script model's when it is surer by more."""
    from capture.tesseract import Candidate

    def resolved(*reads: Candidate) -> str | None:
        with NameReader() as reader:  # a fresh one: a name taken is known to the next read
            return reader._resolve(reads).name

    hangul, kor = Candidate("(초급) 김태란", 91.0, "Hangul"), Candidate("(초급)김태란", 91.0, "kor")
    assert resolved(hangul, kor) == resolved(kor, hangul) == "(초급)김태란"
    assert (
        resolved(Candidate("(소급) 심희국", 77.0, "Hangul"), Candidate("(초급)심희국", 71.0, "kor"))
        == "(초급)심희국"
    )
    assert (
        resolved(Candidate("(초급) 김태란", 93.0, "Hangul"), Candidate("(초급)김태란", 80.0, "kor"))
        == "(초급) 김태란"
    )


def test_arabic_labels_are_read_by_the_arabic_language_model_where_the_class_has_arabic_names(
    reader: NameReader,
) -> None:
    """Tesseract's Arabic script model cuts "يوسف الخطيب" short; its Arabic language model (`ara`)
    reads it whole. The language model reads Latin labels as Arabic words too, so it is tried only
    once a name of the class is Arabic, never on a label no known name says anything of."""
    from capture.tesseract import ScriptModels

    models = ScriptModels(("Latin", "Arabic", "ara"))
    assert "ara" not in models.order()
    models.count("علي حداد", roster=False)
    assert models.order()[:2] == ["Arabic", "ara"]
    assert reader.read(_label("علي حداد", "arabic", 1)).name == "علي حداد"
    assert reader.read(_label("يوسف الخطيب", "arabic", 2)).name == "يوسف الخطيب"


def test_a_read_with_signs_no_name_is_written_with_is_no_name() -> None:
    """OCR reads a stroke or the video beside a label as signs ("게 ~ = ㅡ="): a read with more than
    one sign names are not written with is not taken, however sure; the signs names have (brackets,
    dots, hyphens, apostrophes) and student numbers are."""
    from capture.tesseract import Candidate

    def resolved(text: str, model: str) -> str | None:
        with NameReader() as reader:
            return reader._resolve([Candidate(text, 92.0, model)]).name

    assert resolved("게 ~ = ㅡ=", "Hangul") is None
    assert resolved("Anna | Smith =", "Latin") is None
    assert resolved("(초급) 김태란", "Hangul") == "(초급) 김태란"
    assert resolved("Mary-Jane O'Neil Jr.", "Latin") == "Mary-Jane O'Neil Jr."
    assert resolved("20200756 김선경", "Hangul") == "20200756 김선경"
    assert resolved("अर्जुन शर्मा", "Devanagari") == "अर्जुन शर्मा"  # vowel signs are a letter's
    assert resolved("Ana ~ Lopez", "Latin") == "Ana ~ Lopez"  # one stray sign: a name still


def test_a_name_box_under_half_the_gallerys_label_height_is_read_where_the_labels_agree() -> None:
    """The Korean 5x5 call seen 10 % smaller: some name boxes come out 7-8 px tall, cut to the top
    of their plate or a letter or two ("(초급) 서" for "(초급) 서경숙"), where the gallery's labels
    agree on 22 px. Such a box is read where the labels agree; a box about as tall is read as found
    (a box that strays a little is more often right than the rule)."""
    from capture.layout import Tile
    from capture.pipeline import _read_box

    image = np.zeros((170, 300, 3), np.uint8)
    band = (0, 146, 120, 22)
    cut = Tile(0, (0, 0, 300, 170), image, (0, 150, 60, 8), False, label_band=band)
    near = Tile(1, (0, 0, 300, 170), image, (0, 148, 110, 18), False, label_band=band)
    alone = Tile(2, (0, 0, 300, 170), image, (0, 150, 60, 8), False)
    assert _read_box(cut) == band
    assert _read_box(near) == near.name_box and _read_box(alone) == alone.name_box


def test_a_letter_the_models_of_its_script_read_otherwise_is_outvoted() -> None:
    """Two models of a script slip on different letters of a compressed label: the surest read's
    letter gives way to one that more reads of its script (of as many letters) read alike, and to
    one read by as many but with more confidence (the 5x5 Korean contest call saved as a JPEG)."""
    best = Candidate("(초글)강 미숙", 80.0, "kor")
    reads = [
        best,
        Candidate("(초급) 강미숙", 78.0, "Hangul"),
        Candidate("(초급)강미숙", 67.0, "kor"),
        Candidate("(22 1S ~a)", 39.0, "Latin"),
    ]
    assert _voted_letters(best, reads).text == "(초급)강 미숙"
    tied = Candidate("(조급)이미경", 84.0, "kor")
    others = [Candidate("(조금) 이미경", 59.0, "Hangul"), Candidate("(초급) 이미경", 77.0, "Hangul")]
    assert (
        _voted_letters(tied, [tied, *others, Candidate("-초급)이미경", 82.0, "kor")]).text == "(초급)이미경"
    )
    # one read against the other, a read of other length or other script, many letters apart: as read
    language = Candidate("(초급)심희국", 73.0, "kor")
    assert _voted_letters(language, [language, Candidate("(소급) 심희국", 82.0, "Hangul")]) == language
    assert _voted_letters(best, [best, Candidate("(초급)강 미숙숙", 90.0, "kor")] * 2) == best
    assert _voted_letters(best, [best, Candidate("(초급)강 미숙", 90.0, "Latin")] * 2) == best
    assert _voted_letters(best, [best, Candidate("(초급)감 머숙", 90.0, "kor")] * 2) == best


def test_a_student_number_the_chosen_model_misread_is_written_as_the_other_models_read_it() -> None:
    """Digits are drawn alike in every script: where the script model chosen for a Korean label's
    letters misread its student number and three other script models read another number alike,
    the name takes theirs (the 13-tile Korean lab call: "김양훈(20082)" for "김양훈(20181112)")."""
    best = Candidate("김양훈(20082)", 73.0, "Hangul")
    others = [
        Candidate("김양운(201810 레)", 53.3, "Hangul"),
        Candidate("(219620181112) Г.", 41.0, "Cyrillic"),
        Candidate("4&=(20181112) I", 45.0, "Devanagari"),
        Candidate("Ξ(20181112) [.", 0.0, "Greek"),
        Candidate("AXS(20181112) Vl.", 20.0, "Hebrew"),
    ]
    assert _agreed_digits(best, [best, *others]).text == "김양훈(20181112)"
    # two models only, or the chosen number read as often, or two numbers in the name: as read
    assert _agreed_digits(best, [best, *others[2:4]]) == best
    same = [Candidate("김양훈(20082)", 60.0, m) for m in ("kor", "Latin", "Cyrillic", "Arabic")]
    assert _agreed_digits(best, [best, *others, *same]) == best
    two = Candidate("김양훈 2018 20082", 73.0, "Hangul")
    assert _agreed_digits(two, [two, *others]) == two
