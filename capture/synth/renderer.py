"""Synthetic Zoom-like lectures: gallery frames of labelled faces with exact ground truth.

Faces come from a folder of ``<emotion>/`` subfolders (FER2013's layout). Each student has a name
(many scripts), a "room" behind the face, a camera on/off schedule, a presence interval (joining and
leaving), and a scripted emotion timeline; each frame shows the present students as tiles in a
Zoom-like gallery (or speaker view), with name labels, an active-speaker border and reordering.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from capture.errors import CaptureError
from model.emotions import EMOTIONS

log = logging.getLogger(__name__)

FRAME_SIZE: tuple[int, int] = (1920, 1080)
MAX_TILES = 49
FACE_SUFFIXES: frozenset[str] = frozenset({".jpg", ".jpeg", ".png", ".bmp"})
FACES_PER_EMOTION = 3
Box = tuple[int, int, int, int]
Theme = Literal["dark", "light"]
View = Literal["gallery", "speaker", "speaker-bottom", "speaker-side"]  # speaker: the strip on top
Client = Literal["zoom", "meet", "teams"]

# Our own small lists of common given names and family names, by script, with the fontconfig
# language that picks a font able to draw them. Each name is drawn from one list, so it is written
# in one script and culture, as real names are ("cjk" is Chinese; Japanese and Korean are their own).
NAMES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "latin": (
        "vi",
        (
            "José",
            "Zoë",
            "Łukasz",
            "Ngọc",
            "Søren",
            "Inês",
            "Émilie",
            "Jürgen",
            "Çağla",
            "Ömer",
            "Aoife",
            "Siobhán",
            "François",
            "Björn",
            "Mateo",
            "Ana",
            "Kwame",
            "Amara",
            "Tomáš",
            "Ľudmila",
        ),
        (
            "Muñoz",
            "Müller",
            "Wójcik",
            "Trần",
            "Ødegaard",
            "Gonçalves",
            "Lefèvre",
            "Şahin",
            "Novák",
            "García",
            "Nguyễn",
            "O'Brien",
            "Kowalczyk",
            "Hernández",
            "Dubois",
            "Mensah",
            "Okafor",
            "Dvořák",
        ),
    ),
    "cyrillic": (
        "ru",
        ("Анна", "Дмитрий", "Ольга", "Иван", "Мария", "Сергей", "Наталья", "Алексей", "Юлия", "Богдан"),
        ("Шевченко", "Ковальчук", "Бондаренко", "Ткаченко", "Мельник", "Лысенко", "Олейник", "Кравец"),
    ),
    "greek": (
        "el",
        ("Νίκος", "Μαρία", "Γιώργος", "Ελένη", "Δημήτρης", "Κατερίνα", "Αθηνά", "Σπύρος"),
        ("Παπαδόπουλου", "Γεωργίου", "Νικολάου", "Οικονόμου", "Δημητρίου", "Ιωάννου"),
    ),
    "cjk": (  # Chinese: family name then given name, no space
        "zh-cn",
        ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"),
        ("伟", "娜", "敏", "洋", "静", "丽", "强", "磊", "秀英", "志强", "婷婷", "建华"),
    ),
    "japanese": (
        "ja",
        ("佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村"),
        ("花子", "大翔", "陽菜", "結衣", "翔太", "美咲", "さくら", "健太"),
    ),
    "korean": (
        "ko",
        ("김", "이", "박", "최", "정", "강", "조", "윤"),
        ("민준", "서연", "지훈", "하은", "도윤", "수빈", "예준", "지우"),
    ),
    "arabic": (
        "ar",
        ("ليلى", "عمر", "يوسف", "فاطمة", "كريم", "سارة", "خالد", "مريم"),
        ("حداد", "منصور", "ناصر", "الخطيب", "العلي", "سعيد"),
    ),
    "devanagari": (
        "hi",
        ("अनिल", "प्रिया", "राहुल", "सुनीता", "अर्जुन", "कविता", "विक्रम"),
        ("शर्मा", "पटेल", "वर्मा", "देवी", "सिंह", "गुप्ता"),
    ),
    "hebrew": ("he", ("נועה", "איתי", "תמר", "יונתן"), ("כהן", "לוי", "מזרחי", "פרץ")),
    "thai": ("th", ("สมชาย", "สุดา", "ประเสริฐ", "มาลี"), ("ใจดี", "ศรีสุข", "วงศ์ไทย")),
}
SCRIPT_WEIGHTS: dict[str, float] = {
    "latin": 0.42,
    "cyrillic": 0.1,
    "greek": 0.06,
    "cjk": 0.08,
    "japanese": 0.04,
    "korean": 0.04,
    "arabic": 0.09,
    "devanagari": 0.09,
    "hebrew": 0.04,
    "thai": 0.04,
}
EMOTION_WEIGHTS: dict[str, float] = {
    "neutral": 0.32,
    "happy": 0.22,
    "sad": 0.11,
    "surprise": 0.1,
    "angry": 0.1,
    "fear": 0.09,
    "disgust": 0.06,
}
SPEAKER_COLOURS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "dark": ((64, 200, 24), (0, 214, 255)),
    "light": ((212, 96, 88), (64, 180, 32)),
}


@dataclass(frozen=True)
class ClientLook:
    """How one meeting client draws its gallery (BGR colours, pixels at 1080p): the background
    behind the tiles per theme, the gap between tiles, the tiles' corner radius, whether the name
    sits on a see-through plate (else it is drawn on the video with a shadow), the colour of a
    camera-off tile, and whether a camera-off tile shows an avatar disc (else the name, large)."""

    background: dict[str, tuple[int, int, int]]
    gap: tuple[int, int]
    corner: tuple[int, int]
    plate: bool
    off_tile: dict[str, tuple[int, int, int]]
    avatar_share: float


CLIENT_LOOKS: dict[str, ClientLook] = {
    # Zoom: #1a1a1a, thin gaps, square (classic) or slightly rounded (2024) tiles, plate bottom-left
    "zoom": ClientLook(
        {"dark": (26, 26, 26), "light": (26, 26, 26)},
        (2, 7),
        (0, 10),
        True,
        {"dark": (38, 38, 38), "light": (38, 38, 38)},
        0.3,
    ),
    # Meet: #202124, rounded 8-12 px tiles, names on the video without a plate, avatar discs
    "meet": ClientLook(
        {"dark": (36, 33, 32), "light": (36, 33, 32)},
        (6, 12),
        (8, 12),
        False,
        {"dark": (67, 64, 60), "light": (67, 64, 60)},
        1.0,
    ),
    # Teams: dark and light themes, rounded tiles, initials discs
    "teams": ClientLook(
        {"dark": (31, 31, 31), "light": (245, 245, 245)},
        (4, 9),
        (4, 8),
        True,
        {"dark": (41, 41, 41), "light": (224, 224, 224)},
        1.0,
    ),
}


# --- ground truth values ------------------------------------------------------------------------


@dataclass(frozen=True)
class TruthStudent:
    """One visible student in one frame; ``box`` is the tile (x, y, w, h) in frame pixels."""

    name: str
    box: Box
    camera: bool
    emotion: str | None
    speaking: bool = False
    label_box: Box | None = None
    face_box: Box | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "box": list(self.box), "camera": self.camera, "emotion": self.emotion}


@dataclass(frozen=True)
class TruthFrame:
    """Ground truth of one frame: the visible students in tile (reading) order."""

    index: int
    file: str
    students: tuple[TruthStudent, ...]
    view: View = "gallery"

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "file": self.file, "students": [s.to_json() for s in self.students]}


@dataclass(frozen=True)
class SyntheticLecture:
    """What :func:`synthesize` wrote: the folder, its truth.json and every frame's truth."""

    out_dir: Path
    truth_path: Path
    names: tuple[str, ...]
    frames: tuple[TruthFrame, ...]


@dataclass(frozen=True)
class LectureStyle:
    """How the meeting app looks: theme, gallery or speaker view, window chrome, tile corners, gap."""

    theme: Theme = "dark"
    view: View = "gallery"
    chrome: bool = False
    rounded: bool = False
    gap: int = 6
    client: Client | None = None  # draw tiles, labels and people as this client does (None: flat faces)
    corner: int = 0  # the tiles' corner radius with a client (px)


# --- faces --------------------------------------------------------------------------------------


@dataclass
class FaceLibrary:
    """Face image files by emotion; images are read (as 48x48-ish grayscale) once and kept."""

    root: Path
    files: dict[str, tuple[Path, ...]]
    _cache: dict[Path, np.ndarray] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: Path) -> FaceLibrary:
        root = Path(root)
        if not root.is_dir():
            raise CaptureError(
                f"faces folder {root}: not found (expected <emotion>/ subfolders of face images)"
            )
        files: dict[str, tuple[Path, ...]] = {}
        for emotion in EMOTIONS:
            folder = root / emotion
            if folder.is_dir():
                found = tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in FACE_SUFFIXES))
                if found:
                    files[emotion] = found
        if not files:
            raise CaptureError(
                f"faces folder {root}: no face images in any of the subfolders {', '.join(EMOTIONS)}"
            )
        return cls(root, files)

    @property
    def emotions(self) -> tuple[str, ...]:
        return tuple(e for e in EMOTIONS if e in self.files)

    def image(self, path: Path) -> np.ndarray:
        image = self._cache.get(path)
        if image is None:
            image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if image is None:
                image = np.full((48, 48), 128, np.uint8)
                log.warning("faces: cannot read %s, using a grey square", path)
            self._cache[path] = image
        return image


# --- fonts and text -----------------------------------------------------------------------------


def font_file(lang: str) -> Path | None:
    """A font file that fontconfig says covers ``lang`` (a Noto Sans one when there is one)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run(
        [fc_list, f":lang={lang}", "file"], capture_output=True, text=True, timeout=20, check=False
    ).stdout
    files = sorted({line.split(":")[0].strip() for line in listed.splitlines() if line.strip()})
    if not files:
        return None

    def rank(path: str) -> tuple[int, int, str]:
        name = Path(path).name
        noto_regular = name.startswith("NotoSans") and "-Regular" in name
        plain = not any(word in name for word in ("Mono", "Display", "UI", "Condensed", "Serif"))
        return (0 if noto_regular else 1, 0 if plain else 1, name)

    return Path(sorted(files, key=rank)[0])


class TextRenderer:
    """Draws names in any of our scripts with a font that has their glyphs; keeps fonts and masks."""

    def __init__(self) -> None:
        self.fonts: dict[str, Path | None] = {}
        self._faces: dict[tuple[str, int], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
        self._masks: dict[tuple[str, str, int], np.ndarray] = {}

    def supports(self, script: str) -> bool:
        if script not in self.fonts:
            self.fonts[script] = font_file(NAMES[script][0])
        return self.fonts[script] is not None or script == "latin"

    def _font(self, script: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        key = (script, size)
        if key not in self._faces:
            path = self.fonts.get(script) if self.supports(script) else None
            if path is None:
                self._faces[key] = ImageFont.load_default(size)
            else:
                self._faces[key] = ImageFont.truetype(str(path), size)
        return self._faces[key]

    def mask(self, text: str, script: str, size: int) -> np.ndarray:
        """Anti-aliased coverage (uint8, 255 = ink) of ``text`` at pixel ``size``."""
        key = (text, script, size)
        cached = self._masks.get(key)
        if cached is not None:
            return cached
        font = self._font(script, size)
        left, top, right, bottom = font.getbbox(text)
        width, height = max(int(right - left) + 2, 1), max(int(bottom - top) + 2, 1)
        canvas = Image.new("L", (width, height), 0)
        ImageDraw.Draw(canvas).text((1 - left, 1 - top), text, font=font, fill=255)
        mask = np.asarray(canvas, dtype=np.uint8)
        self._masks[key] = mask
        return mask


def _paint(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, colour: Sequence[int]) -> None:
    """Blend ``colour`` into ``canvas`` through coverage ``mask`` placed at (x, y), clipped."""
    h, w = mask.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, canvas.shape[1]), min(y + h, canvas.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    alpha = mask[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32)[:, :, None] * (1.0 / 255.0)
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    region += (np.asarray(colour, np.float32) - region) * alpha
    canvas[y0:y1, x0:x1] = region.astype(np.uint8)


# --- students -----------------------------------------------------------------------------------


@dataclass
class Student:
    name: str
    script: str
    initials: str
    present: tuple[int, int]
    camera: np.ndarray
    emotions: tuple[str, ...]
    faces: dict[str, tuple[Path, ...]]
    room: np.ndarray
    tint: tuple[float, float, float]
    face_scale: float
    face_offset: tuple[float, float]
    avatar: bool
    avatar_colour: tuple[int, int, int]
    avatar_roll: float = 0.0  # below a client's avatar share: an avatar disc
    clothes: tuple[int, int, int] = (90, 90, 90)  # BGR of the shoulders a client style draws


def _weighted(rng: np.random.Generator, weights: dict[str, float], allowed: Sequence[str]) -> str:
    keys = [k for k in weights if k in allowed]
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _names(rng: np.random.Generator, count: int, text: TextRenderer) -> list[tuple[str, str, str]]:
    scripts = [s for s in NAMES if text.supports(s)]
    missing = sorted(set(NAMES) - set(scripts))
    if missing:
        log.warning("synth: no font for %s names on this machine; leaving them out", ", ".join(missing))
    chosen: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    while len(chosen) < count:
        script = _weighted(rng, SCRIPT_WEIGHTS, scripts)
        _, firsts, lasts = NAMES[script]
        first, last = str(rng.choice(firsts)), str(rng.choice(lasts))
        if script in ("cjk", "japanese", "korean"):
            name = first + last
            initials = first[0]
        else:
            name = f"{first} {last}"
            initials = first[0] + last[0]
        if name in seen:
            if len(seen) > count * 20:
                name = f"{name} {len(chosen) + 1}"
            else:
                continue
        seen.add(name)
        chosen.append((name, script, initials))
    return chosen


def _room(rng: np.random.Generator, theme_bg: np.ndarray) -> np.ndarray:
    """A 320x180 'room': wall gradient, a window or shelf, kept well away from the app background."""

    def colour(low: int, high: int) -> np.ndarray:
        while True:
            c = rng.integers(low, high, 3)
            if np.abs(c - theme_bg).max() >= 40:
                return c.astype(np.float32)

    top, bottom = colour(50, 215), colour(40, 200)
    t = np.linspace(0.0, 1.0, 180, dtype=np.float32)[:, None, None]
    room = np.broadcast_to(top * (1 - t) + bottom * t, (180, 320, 3)).copy()
    for _ in range(int(rng.integers(1, 4))):
        w, h = int(rng.integers(30, 140)), int(rng.integers(20, 120))
        x, y = int(rng.integers(0, 320 - w)), int(rng.integers(0, 180 - h))
        room[y : y + h, x : x + w] = room[y : y + h, x : x + w] * 0.4 + colour(40, 215) * 0.6
    room += rng.normal(0.0, 2.5, room.shape).astype(np.float32)
    return np.clip(room, 0, 255).astype(np.uint8)


def _timeline(rng: np.random.Generator, frames: int, emotions: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    while len(out) < frames:
        emotion = _weighted(rng, EMOTION_WEIGHTS, emotions)
        out.extend([emotion] * int(3 + rng.geometric(1 / 10)))
    return tuple(out[:frames])


def _person_looks(rng: np.random.Generator) -> dict[str, Any]:
    """What a client style draws of a student beyond the face: whether an avatar disc stands for
    the camera when it is off, and the colour of the shoulders."""
    return {"avatar_roll": float(rng.random()), "clothes": tuple(int(v) for v in rng.integers(20, 230, 3))}


def _students(
    rng: np.random.Generator,
    library: FaceLibrary,
    count: int,
    frames: int,
    dynamics: bool,
    text: TextRenderer,
    theme_bg: np.ndarray,
    people_drawn: bool = False,
) -> list[Student]:
    """The lecture's students; ``people_drawn`` (a client style) draws what :func:`_person_looks` gives
    too (other lectures keep their random draws, hence their pictures, as they were)."""
    people: list[Student] = []
    for i, (name, script, initials) in enumerate(_names(rng, count, text)):
        join, leave = 0, frames
        if dynamics and i > 0 and frames > 10:
            if rng.random() < 0.2:
                join = int(rng.integers(1, max(2, frames * 6 // 10)))
            if rng.random() < 0.15:
                leave = int(rng.integers(join + max(1, frames // 5), frames + 1))
        camera = np.ones(frames, dtype=bool)
        roll = rng.random()
        if roll < 0.15:
            camera[:] = False
        elif roll < 0.27 and frames > 4:
            start = int(rng.integers(0, frames - 2))
            camera[start : start + int(rng.integers(2, max(3, frames // 3)))] = False
        faces = {}
        for emotion, files in library.files.items():
            picks = rng.choice(len(files), size=min(FACES_PER_EMOTION, len(files)), replace=False)
            faces[emotion] = tuple(files[int(k)] for k in picks)
        emotions = _timeline(rng, frames, library.emotions)
        room = _room(rng, theme_bg)
        tint = _tint(rng)
        face_scale, face_offset = _face_placement(rng)
        people.append(
            Student(
                name=name,
                script=script,
                initials=initials,
                present=(join, leave),
                camera=camera,
                emotions=emotions,
                faces=faces,
                room=room,
                tint=tint,
                face_scale=face_scale,
                face_offset=face_offset,
                avatar=bool(rng.random() < 0.5),
                avatar_colour=_avatar_colour(rng),
                **(_person_looks(rng) if people_drawn else {}),
            )
        )
    return people


def feather_mask(size: int) -> np.ndarray:
    """(size, size, 1) float32 alpha: 1 inside, a 1/48-of-the-side anti-aliased edge."""
    edge = max(1, size // 48)
    mask = np.zeros((size, size), np.float32)
    mask[edge:-edge, edge:-edge] = 1.0
    k = edge * 2 + 1
    return cv2.GaussianBlur(mask, (k, k), edge / 1.5)[:, :, None]


def _paint_face(
    canvas: np.ndarray, face: np.ndarray, box: Box, tint: tuple[float, float, float], alpha: np.ndarray
) -> None:
    """Blend the grayscale ``face`` image, scaled to the square ``box`` and tinted, into ``canvas``."""
    fx, fy, size, _ = box
    big = cv2.resize(face, (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    colour = np.stack([big * tint[0], big * tint[1], big * tint[2]], axis=2)
    region = canvas[fy : fy + size, fx : fx + size].astype(np.float32)
    canvas[fy : fy + size, fx : fx + size] = (region + (colour - region) * alpha).astype(np.uint8)


def _avatar_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    blue, green, red = (int(v) for v in rng.integers(60, 200, 3))
    return blue, green, red


def _tint(rng: np.random.Generator) -> tuple[float, float, float]:
    return float(rng.uniform(0.72, 0.9)), float(rng.uniform(0.85, 0.96)), 1.0


def _face_placement(rng: np.random.Generator) -> tuple[float, tuple[float, float]]:
    """A student's face size (share of the tile height) and offset (shares of the tile's sides)."""
    return float(rng.uniform(0.55, 0.78)), (float(rng.uniform(-0.12, 0.12)), float(rng.uniform(-0.06, 0.06)))


def _face_square(
    w: int, h: int, scale: float, offset: tuple[float, float], rng: np.random.Generator
) -> tuple[int, int, int]:
    """Where a student's face image goes in a w x h tile: (x, y, side), tile-relative, jittered by
    up to 2 px and kept inside the tile."""
    side = max(int(h * scale), 12)
    jitter = rng.integers(-2, 3, 2)
    fx = int(np.clip((w - side) // 2 + int(offset[0] * w) + int(jitter[0]), 0, w - side))
    fy = int(np.clip((h - side) // 2 + int(offset[1] * h) + int(jitter[1]), 0, h - side))
    return fx, fy, side


def _webcam_face(w: int, h: int, scale: float, offset: tuple[float, float]) -> tuple[int, int, int]:
    """Where a webcam shows a student's face in a w x h tile: (x, y, side), tile-relative. The
    face's side is ``scale`` (0.55-0.78, as drawn) mapped to 0.3-0.5 of the tile's height, the face
    up to a fifth of the width off-centre, its top in the upper third."""
    side = max(int(h * (0.3 + (scale - 0.55) / 0.23 * 0.2)), 12)
    fx = int(np.clip((w - side) // 2 + int(offset[0] * 1.6 * w), 0, w - side))
    fy = int(np.clip(h * (0.2 + offset[1] * 1.5), 0, h - side))
    return fx, fy, side


def _paint_shoulders(tile: np.ndarray, face: tuple[int, int, int], clothes: tuple[int, int, int]) -> None:
    """A neck and shoulders under the face square (x, y, side) in ``tile``, in the colour of ``clothes``."""
    fx, fy, side = face
    cx = fx + side // 2
    neck = (int(0.45 * side), int(0.3 * side))
    cv2.rectangle(
        tile,
        (cx - neck[0] // 2, fy + side - 4),
        (cx + neck[0] // 2, fy + side + neck[1]),
        (110, 140, 180),
        -1,
    )
    centre = (cx, fy + side + neck[1] + int(0.7 * side))
    cv2.ellipse(tile, centre, (int(1.25 * side), int(0.8 * side)), 0, 180, 360, clothes, -1, cv2.LINE_AA)
    cv2.rectangle(
        tile, (cx - int(1.25 * side), centre[1]), (cx + int(1.25 * side), tile.shape[0]), clothes, -1
    )


def camera_tile(face: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> tuple[np.ndarray, Box]:
    """One camera-on tile of ``size`` (w, h) showing the grayscale ``face`` image as a lecture
    draws a student: a random room, the face tinted, scaled and placed as ``_students`` and
    ``LectureRenderer`` do. Returns the BGR tile and the square the face image was painted into."""
    w, h = size
    grey = int(rng.integers(14, 34))
    room = cv2.resize(_room(rng, np.array([grey + 2, grey, grey])), (w, h), interpolation=cv2.INTER_LINEAR)
    scale, offset = _face_placement(rng)
    fx, fy, side = _face_square(w, h, scale, offset, rng)
    _paint_face(room, face, (fx, fy, side, side), _tint(rng), feather_mask(side))
    return room, (fx, fy, side, side)


# --- layout geometry ----------------------------------------------------------------------------


def grid_shape(n: int) -> tuple[int, int]:
    """Zoom-like (columns, rows) for ``n`` tiles: 2x1, 2x2, 3x2, 3x3, 4x3 ... 7x7."""
    cols = max(1, math.ceil(math.sqrt(n)))
    return cols, max(1, math.ceil(n / cols))


def gallery_boxes(n: int, content: Box, gap: int) -> list[Box]:
    """16:9 tiles for ``n`` students in a grid centred in ``content``; the last row is centred."""
    if n <= 0:
        return []
    cx, cy, cw, ch = content
    cols, rows = grid_shape(n)
    tw = min((cw - (cols + 1) * gap) / cols, (ch - (rows + 1) * gap) / rows * 16 / 9)
    tw_i, th_i = int(tw), int(tw * 9 / 16)
    x0 = cx + (cw - (cols * tw_i + (cols - 1) * gap)) // 2
    y0 = cy + (ch - (rows * th_i + (rows - 1) * gap)) // 2
    boxes = []
    for i in range(n):
        r, c = divmod(i, cols)
        in_row = min(cols, n - r * cols)
        shift = (cols - in_row) * (tw_i + gap) // 2
        boxes.append((x0 + shift + c * (tw_i + gap), y0 + r * (th_i + gap), tw_i, th_i))
    return boxes


def is_speaker(view: View) -> bool:
    return view.startswith("speaker")


def speaker_boxes(n: int, content: Box, gap: int, view: View = "speaker") -> list[Box]:
    """Speaker view: the first box is the big tile, then a centred strip of small tiles on top
    (``speaker``), at the bottom (``speaker-bottom``) or in a column on the right (``speaker-side``)."""
    if n <= 0:
        return []
    cx, cy, cw, ch = content
    if n == 1:
        return gallery_boxes(1, content, gap)
    sh = max(int(ch * 0.14), 20)
    sw = sh * 16 // 9
    if view == "speaker-side":
        strip = min(n - 1, 6, max(1, (ch - gap) // (sh + gap)))
        sy = cy + (ch - (strip * sh + (strip - 1) * gap)) // 2
        column = cx + cw - sw - gap
        small = [(column, sy + i * (sh + gap), sw, sh) for i in range(strip)]
        return gallery_boxes(1, (cx, cy, cw - sw - 2 * gap, ch), gap) + small
    strip = min(n - 1, 6, max(1, (cw - gap) // (sw + gap)))
    sx = cx + (cw - (strip * sw + (strip - 1) * gap)) // 2
    if view == "speaker-bottom":
        small = [(sx + i * (sw + gap), cy + ch - sh - gap, sw, sh) for i in range(strip)]
        return gallery_boxes(1, (cx, cy, cw, ch - sh - 2 * gap), gap) + small
    small = [(sx + i * (sw + gap), cy + gap, sw, sh) for i in range(strip)]
    big = gallery_boxes(1, (cx, cy + sh + 2 * gap, cw, ch - sh - 2 * gap), gap)
    return big + small


# --- rendering ----------------------------------------------------------------------------------


class LectureRenderer:
    """Renders frames of one synthetic lecture; caches rooms, masks and text for its tile sizes."""

    def __init__(self, library: FaceLibrary, style: LectureStyle, rng: np.random.Generator) -> None:
        self.library = library
        self.style = style
        self.rng = rng
        self.text = TextRenderer()
        light = style.theme == "light"
        grey = int(rng.integers(238, 249)) if light else int(rng.integers(14, 34))
        self.bg = np.array(
            [grey + (4 if light else 2), grey, grey - (2 if light else 0)], dtype=np.int32
        ).clip(0, 255)
        self.off_tile = (self.bg + (-22 if light else 24)).clip(0, 255)
        self.look = CLIENT_LOOKS[style.client] if style.client is not None else None
        if self.look is not None:
            self.bg = np.array(self.look.background[style.theme], dtype=np.int32)
            self.off_tile = np.array(self.look.off_tile[style.theme], dtype=np.int32)
        self.off_text = (70, 70, 70) if light else (235, 235, 235)
        self.speaker_colour = SPEAKER_COLOURS[style.theme][int(rng.integers(0, 2))]
        self.base, self.content = self._base()
        self._rooms: dict[tuple[int, int, int], np.ndarray] = {}
        self._feather: dict[int, np.ndarray] = {}

    # the empty app: desktop + window chrome + gallery background
    def _base(self) -> tuple[np.ndarray, Box]:
        fw, fh = FRAME_SIZE
        base = np.empty((fh, fw, 3), np.uint8)
        base[:] = self.bg.astype(np.uint8)
        if not self.style.chrome:
            return base, (0, 0, fw, fh)
        rng = self.rng
        top = rng.integers(40, 200, 3).astype(np.float32)
        bottom = rng.integers(40, 200, 3).astype(np.float32)
        t = np.linspace(0, 1, fh, dtype=np.float32)[:, None, None]
        base[:] = np.broadcast_to(top * (1 - t) + bottom * t, (fh, fw, 3)).astype(np.uint8)
        maximised = rng.random() < 0.4
        wx, wy = (0, 0) if maximised else (int(rng.integers(10, 120)), int(rng.integers(10, 80)))
        ww = fw - wx - (0 if maximised else int(rng.integers(10, 120)))
        wh = fh - wy - (0 if maximised else int(rng.integers(10, 80)))
        light = self.style.theme == "light"
        title_c = (236, 236, 236) if light else (52, 52, 52)
        bar_c = tuple(int(v) for v in ((self.bg + 10).clip(0, 255) if light else (self.bg + 14).clip(0, 255)))
        if light:
            bar_c = (255, 255, 255)
        ink = (40, 40, 40) if light else (225, 225, 225)
        title_h, top_h, tool_h = 30, 34, 72
        cv2.rectangle(base, (wx, wy), (wx + ww - 1, wy + title_h - 1), title_c, -1)
        cv2.rectangle(base, (wx, wy + title_h), (wx + ww - 1, wy + title_h + top_h - 1), bar_c, -1)
        cv2.rectangle(base, (wx, wy + wh - tool_h), (wx + ww - 1, wy + wh - 1), bar_c, -1)
        title = str(
            rng.choice(["Zoom Meeting", "Reunión de Zoom", "Zoom 会议", "Réunion Zoom", "Zoom-Besprechung"])
        )
        _paint(
            base,
            self.text.mask(title, "cjk" if self.text.supports("cjk") else "latin", 15),
            wx + ww // 2 - 60,
            wy + 7,
            ink,
        )
        for k, colour in enumerate(((80, 80, 240), (60, 190, 250), (80, 200, 100))):
            cv2.circle(base, (wx + 16 + 22 * k, wy + title_h // 2), 6, colour, -1, cv2.LINE_AA)
        _paint(base, self.text.mask("View", "latin", 14), wx + ww - 70, wy + title_h + 9, ink)
        labels = (
            "Mute",
            "Stop Video",
            "Security",
            "Participants",
            "Chat",
            "Share Screen",
            "Record",
            "Reactions",
        )
        step = max((ww - 200) // len(labels), 60)
        for k, label in enumerate(labels):
            x = wx + 40 + k * step
            cv2.rectangle(
                base, (x + 10, wy + wh - tool_h + 10), (x + 38, wy + wh - tool_h + 34), ink, 2, cv2.LINE_AA
            )
            _paint(base, self.text.mask(label, "latin", 12), x, wy + wh - tool_h + 44, ink)
        cv2.rectangle(
            base,
            (wx + ww - 110, wy + wh - tool_h + 18),
            (wx + ww - 30, wy + wh - tool_h + 50),
            (40, 40, 220),
            -1,
        )
        _paint(
            base, self.text.mask("Leave", "latin", 14), wx + ww - 92, wy + wh - tool_h + 25, (255, 255, 255)
        )
        gallery = (wx, wy + title_h + top_h, ww, wh - title_h - top_h - tool_h)
        base[gallery[1] : gallery[1] + gallery[3], gallery[0] : gallery[0] + gallery[2]] = self.bg.astype(
            np.uint8
        )
        return base, gallery

    def _room(self, student_index: int, student: Student, w: int, h: int) -> np.ndarray:
        key = (student_index, w, h)
        room = self._rooms.get(key)
        if room is None:
            room = cv2.resize(student.room, (w, h), interpolation=cv2.INTER_LINEAR)
            self._rooms[key] = room
        return room

    def _feather_mask(self, size: int) -> np.ndarray:
        mask = self._feather.get(size)
        if mask is None:
            mask = self._feather[size] = feather_mask(size)
        return mask

    def _label(self, canvas: np.ndarray, student: Student, box: Box) -> Box:
        x, y, w, h = box
        size = int(np.clip(round(h * 0.085), 10, 22))
        text = self.text.mask(student.name, student.script, size)
        text = text[:, : max(1, w - 20)]
        pad_x, pad_y = 5, 3
        lw, lh = text.shape[1] + 2 * pad_x, text.shape[0] + 2 * pad_y
        lx, ly = x + 4, y + h - lh - 4
        if self.look is not None and not self.look.plate:  # Meet: white text with a soft shadow on the video
            shadow = cv2.GaussianBlur(text, (0, 0), 1.2)
            _paint(
                canvas,
                (shadow.astype(np.float32) * 0.8).astype(np.uint8),
                lx + pad_x + 1,
                ly + pad_y + 1,
                (0, 0, 0),
            )
        else:
            region = canvas[ly : ly + lh, lx : lx + lw]
            region[:] = (region.astype(np.float32) * 0.42).astype(np.uint8)
        _paint(canvas, text, lx + pad_x, ly + pad_y, (255, 255, 255))
        return (lx, ly, lw, lh)

    def _camera_off(self, canvas: np.ndarray, student: Student, box: Box) -> None:
        x, y, w, h = box
        canvas[y : y + h, x : x + w] = self.off_tile.astype(np.uint8)
        avatar = student.avatar if self.look is None else student.avatar_roll < self.look.avatar_share
        if avatar:
            radius = max(int(h * 0.2), 6)
            cv2.circle(canvas, (x + w // 2, y + h // 2), radius, student.avatar_colour, -1, cv2.LINE_AA)
            mask = self.text.mask(student.initials, student.script, max(int(radius * 0.8), 8))
            _paint(
                canvas,
                mask,
                x + w // 2 - mask.shape[1] // 2,
                y + h // 2 - mask.shape[0] // 2,
                (255, 255, 255),
            )
        else:
            mask = self.text.mask(student.name, student.script, int(np.clip(h * 0.11, 10, 48)))
            mask = mask[:, : max(1, w - 16)]
            _paint(canvas, mask, x + (w - mask.shape[1]) // 2, y + (h - mask.shape[0]) // 2, self.off_text)

    def _camera_on(self, canvas: np.ndarray, index: int, student: Student, box: Box, face: np.ndarray) -> Box:
        """Paint the student's room and face into ``box``; returns where the face image went.

        With a client style the student is a person in a room: head and shoulders, the face a third
        to a half of the tile's height, off-centre, as webcams frame people; else a larger face."""
        x, y, w, h = box
        canvas[y : y + h, x : x + w] = self._room(index, student, w, h)
        if self.look is None:
            fx, fy, size = _face_square(w, h, student.face_scale, student.face_offset, self.rng)
        else:
            fx, fy, size = _webcam_face(w, h, student.face_scale, student.face_offset)
            _paint_shoulders(canvas[y : y + h, x : x + w], (fx, fy, size), student.clothes)
        fx, fy = x + fx, y + fy
        _paint_face(canvas, face, (fx, fy, size, size), student.tint, self._feather_mask(size))
        return fx, fy, size, size

    def _corners(self, canvas: np.ndarray, box: Box) -> None:
        x, y, w, h = box
        r = max(3, min(w, h) // 14) if self.style.client is None else self.style.corner
        yy, xx = np.mgrid[0:r, 0:r]
        outside = (xx - r + 0.5) ** 2 + (yy - r + 0.5) ** 2 > r * r
        bg = self.bg.astype(np.uint8)
        canvas[y : y + r, x : x + r][outside] = bg
        canvas[y : y + r, x + w - r : x + w][outside[:, ::-1]] = bg
        canvas[y + h - r : y + h, x : x + r][outside[::-1, :]] = bg
        canvas[y + h - r : y + h, x + w - r : x + w][outside[::-1, ::-1]] = bg

    def render(
        self,
        index: int,
        people: Sequence[Student],
        order: Sequence[int],
        speaker: int | None,
    ) -> tuple[np.ndarray, list[TruthStudent]]:
        canvas = self.base.copy()
        shown = [i for i in order if people[i].present[0] <= index < people[i].present[1]]
        if is_speaker(self.style.view) and shown:
            first = speaker if speaker in shown else shown[0]
            shown = [first] + [i for i in shown if i != first]
            boxes = speaker_boxes(len(shown), self.content, self.style.gap, self.style.view)
        else:
            boxes = gallery_boxes(len(shown), self.content, self.style.gap)
        truth: list[TruthStudent] = []
        for i, box in zip(shown, boxes, strict=False):
            student = people[i]
            camera = bool(student.camera[index])
            emotion = student.emotions[index] if camera else None
            face_box = None
            if camera and emotion is not None:
                pool = student.faces[emotion]
                face = self.library.image(pool[int(self.rng.integers(0, len(pool)))])
                face_box = self._camera_on(canvas, i, student, box, face)
            else:
                self._camera_off(canvas, student, box)
            label = self._label(canvas, student, box)
            speaking = i == speaker
            if speaking:
                x, y, w, h = box
                thick = int(np.clip(h // 50, 2, 5))
                half = thick // 2
                cv2.rectangle(
                    canvas,
                    (x + half, y + half),
                    (x + w - 1 - half, y + h - 1 - half),
                    self.speaker_colour,
                    thick,
                )
            if self.style.rounded and (self.style.client is None or self.style.corner > 0):
                self._corners(canvas, box)
            truth.append(TruthStudent(student.name, box, camera, emotion, speaking, label, face_box))
        if self.style.view == "speaker" and truth:
            truth = truth[1:] + truth[:1]  # reading order: the strip above the big tile comes first
        return canvas, truth


def _style(
    rng: np.random.Generator,
    theme: Theme | None,
    view: View | None,
    chrome: bool | None,
    rounded: bool | None,
    gap: int | None,
    client: Client | None = None,
) -> LectureStyle:
    if client is not None:
        look = CLIENT_LOOKS[client]
        corner = int(rng.integers(look.corner[0], look.corner[1] + 1))
        return LectureStyle(
            theme=theme
            if theme is not None
            else ("light" if client == "teams" and rng.random() < 0.3 else "dark"),
            view=view if view is not None else "gallery",
            chrome=bool(chrome),
            rounded=rounded if rounded is not None else corner > 0,
            gap=gap if gap is not None else int(rng.integers(look.gap[0], look.gap[1] + 1)),
            client=client,
            corner=corner,
        )
    return LectureStyle(
        theme=theme if theme is not None else "dark",
        view=view if view is not None else "gallery",
        chrome=bool(chrome),
        rounded=rounded if rounded is not None else bool(rng.random() < 0.3),
        gap=gap if gap is not None else int(rng.integers(2, 13)),
    )


def render_lecture(
    faces: FaceLibrary | Path,
    *,
    students: int = 25,
    frames: int = 200,
    seed: int = 0,
    theme: Theme | None = None,
    view: View | None = None,
    chrome: bool | None = None,
    rounded: bool | None = None,
    gap: int | None = None,
    dynamics: bool = True,
    client: Client | None = None,
) -> Iterator[tuple[np.ndarray, TruthFrame]]:
    """Yield ``(BGR 1920x1080 image, TruthFrame)`` for each frame of a synthetic lecture.

    ``dynamics`` turns joining/leaving, reordering and speaker changes on (the default). ``client``
    draws the gallery as that client does (:data:`CLIENT_LOOKS`) with people in rooms.
    """
    rng, style, renderer, people = _cast(
        faces, students, frames, seed, theme, view, chrome, rounded, gap, dynamics, client
    )
    order = list(rng.permutation(students))
    speaker: int | None = int(rng.integers(0, students)) if dynamics else None
    for index in range(frames):
        if dynamics and index > 0:
            if rng.random() < 1 / 40:
                order = list(rng.permutation(students))
            if rng.random() < 1 / 12:
                present = [i for i in range(students) if people[i].present[0] <= index < people[i].present[1]]
                speaker = int(rng.choice(present)) if present and rng.random() < 0.8 else None
        image, truth = renderer.render(index, people, order, speaker)
        yield image, TruthFrame(index, f"frame_{index:05d}.png", tuple(truth), style.view)


def _cast(
    faces: FaceLibrary | Path,
    students: int,
    frames: int,
    seed: int,
    theme: Theme | None,
    view: View | None,
    chrome: bool | None,
    rounded: bool | None,
    gap: int | None,
    dynamics: bool,
    client: Client | None = None,
) -> tuple[np.random.Generator, LectureStyle, LectureRenderer, list[Student]]:
    """The lecture's random state, style, renderer and students, as ``render_lecture`` starts them."""
    if not 1 <= students <= MAX_TILES:
        raise CaptureError(f"students: must be between 1 and {MAX_TILES} (got {students})")
    if frames < 1:
        raise CaptureError(f"frames: must be at least 1 (got {frames})")
    library = faces if isinstance(faces, FaceLibrary) else FaceLibrary.load(Path(faces))
    rng = np.random.default_rng(seed)
    style = _style(rng, theme, view, chrome, rounded, gap, client)
    renderer = LectureRenderer(library, style, rng)
    people = _students(
        rng, library, students, frames, dynamics, renderer.text, renderer.bg, client is not None
    )
    return rng, style, renderer, people


def class_list(
    faces: FaceLibrary | Path,
    *,
    students: int = 25,
    frames: int = 200,
    seed: int = 0,
    theme: Theme | None = None,
    view: View | None = None,
    chrome: bool | None = None,
    rounded: bool | None = None,
    gap: int | None = None,
    dynamics: bool = True,
    client: Client | None = None,
) -> tuple[str, ...]:
    """The names of everyone ``render_lecture`` with the same arguments will show: the class roster."""
    _, _, _, people = _cast(
        faces, students, frames, seed, theme, view, chrome, rounded, gap, dynamics, client
    )
    return tuple(person.name for person in people)


def synthesize(
    faces_dir: Path,
    out_dir: Path,
    students: int = 25,
    frames: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], object] | None = None,
    **style: Any,
) -> SyntheticLecture:
    """Write ``frame_00000.png`` ... and ``truth.json`` of a synthetic lecture into ``out_dir``.

    ``progress(done, total)`` is called after each frame. ``style`` goes to :func:`render_lecture`.
    """
    library = FaceLibrary.load(Path(faces_dir))
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaptureError(f"output folder {out_dir}: cannot create it ({exc.strerror})") from None
    truths: list[TruthFrame] = []
    names: dict[str, None] = {}
    for image, truth in render_lecture(library, students=students, frames=frames, seed=seed, **style):
        path = out_dir / truth.file
        if not cv2.imwrite(str(path), image, [cv2.IMWRITE_PNG_COMPRESSION, 3]):
            raise CaptureError(f"output folder {out_dir}: cannot write {truth.file}")
        truths.append(truth)
        names.update((s.name, None) for s in truth.students)
        if progress is not None:
            progress(len(truths), frames)
    truth_path = out_dir / "truth.json"
    payload = {"frames": [t.to_json() for t in truths]}
    truth_path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return SyntheticLecture(out_dir, truth_path, tuple(names), tuple(truths))
