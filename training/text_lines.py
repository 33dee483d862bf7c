"""Train the name-label recogniser (:mod:`model.text_lines`) on names drawn as video clients draw them.

No dataset of real labels is needed: each training line is a name (from our own lists, or a
made-up one) drawn in one of the sans-serif fonts clients use (or their look-alikes), at the small
sizes of big galleries, on a dark, light or missing plate over video-like texture, then blurred,
rescaled and JPEG-compressed as screenshots and screen captures are. Labels are cut as the agent
cuts them: the plate with some video above, below and to its right.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import cv2
import keras
import numpy as np
import tensorflow as tf
from PIL import Image, ImageDraw, ImageFont

from model.text_lines import CHARSET, LINE_HEIGHT, LINE_WIDTH, STEP, decode, line_input
from training.errors import TrainingError
from training.export import export_onnx, load_snapshot, save_snapshot
from training.warmstart import exported_graph, frozen_offset

if TYPE_CHECKING:
    import onnx

# font families video clients draw labels in, or their free look-alikes (Helvetica, Arial, Segoe UI,
# SF Pro, Google Sans), each in its regular and heavier weights
FONT_FAMILIES = ("Lato", "Liberation Sans", "Roboto", "Open Sans", "Inter", "Noto Sans", "DejaVu Sans")
FONT_STYLES = ("Regular", "Medium", "Semibold", "SemiBold", "Bold", "Book")
# our own short lists of given and family names in Latin script, from many countries
_GIVEN_NAMES = """
Aaliyah Abdul Ada Adrian Ahmed Aiko Alejandro Alex Ali Alice Amara Amelia Ana Andre Andrew Anna
Antonio Arjun Aryan Ayesha Beatriz Ben Bianca Bruno Camila Carlos Carmen Chen Chloe Chris Chidi
Clara Daniel David Diego Dmitri Elena Elif Emeka Emily Emma Eric Esther Fatima Felipe Finn Freya
Gabriel Grace Hana Hannah Hassan Hugo Ibrahim Ines Isabel Ivan Jakub Jamal James Javier Jin Joao
Jonas Jorge Joseph Julia Kai Kamal Karin Kenji Kevin Kofi Lars Laila Leila Leo Liam Lina Luca
Lucia Luis Maya Mei Mohammed Nadia Naomi Nia Nikhil Nina Noah Olga Omar Oscar Pablo Paolo Priya
Rahul Ravi Rosa Ruth Sakura Samir Sara Sebastian Sofia Sven Tariq Thomas Tomas Valentina Victor
Wei Yara Yusuf Zainab Zoe Émile José Zoë Inês Jürgen Søren Ömer François Björn
"""
GIVEN = tuple(_GIVEN_NAMES.split())
_FAMILY_NAMES = """
Abara Adeyemi Aguilar Ahmed Almeida Andersson Banerjee Barros Becker Bianchi Bondarenko Brown
Campbell Castillo Chan Chatterjee Costa Cruz Dang Das Dubois Dupont Eriksson Farouk Fernandes
Fischer Fontaine Garcia Gomez Gupta Haddad Hansen Hernandez Hoang Hoffmann Horvath Ibrahim
Ivanova Jansen Jensen Johansson Kapoor Kaya Kim Kowalski Kruger Kumar Larsen Laurent Lee Li
Lindqvist Lopez Martin Mensah Meyer Mitchell Moreau Morales Muller Murphy Nakamura Nguyen Novak
Okafor Oliveira Olsen Ortiz Osei Park Patel Pereira Petrov Popescu Quispe Ramos Reyes Ricci
Rossi Santos Sato Schmidt Silva Singh Sokolov Suzuki Tanaka Tran Van der Berg Vargas Wagner
Walker Watanabe Weber Williams Wong Yamamoto Yilmaz Zhang Zielinski Müller Muñoz Gonçalves
Lefèvre Ødegaard
"""
FAMILY = tuple(_FAMILY_NAMES.split())
# Unicode blocks of other scripts names are written in: a label in one of them is drawn with an empty
# target, so the recogniser stays silent on it and leaves it to Tesseract's script models
OTHER_SCRIPTS = {
    "Cyrillic": (0x0410, 0x044F),
    "Greek": (0x0391, 0x03C9),
    "Hangul": (0xAC00, 0xD7A3),
    "CJK": (0x4E00, 0x9FA5),
    "Kana": (0x30A2, 0x30F3),
    "Arabic": (0x0627, 0x064A),
    "Hebrew": (0x05D0, 0x05EA),
    "Devanagari": (0x0915, 0x0939),
    "Thai": (0x0E01, 0x0E2E),
}
OTHER_SCRIPT_SHARE = 0.15
VOWELS = "aeiouy"
ACCENTED = "".join(ch for ch in CHARSET if ch.isalpha() and not ch.isascii() and ch.islower())
ACCENTED_SHARE = 0.35
CONSONANTS = "bcdfghjklmnprstvwz"
FAMILY_PREFIXES = ("Mc", "Mac", "Von", "Van", "De", "Di", "Da", "La", "Le", "O'", "St")
INNER_CAPITAL_SHARE = 0.1
EM_SIZES = (5.5, 18.0)  # the font's em in screen px, drawn log-uniform
RecogniserHead = Literal["conv", "gru"]
GRU_UNITS = 128  # each direction's, in each layer of the "gru" head
HEAD_LAYERS = 2  # either head's layers along the line


@dataclass(frozen=True)
class LineTrainSettings:
    """A recogniser training run: how many lines are drawn, and how the CTC net is fitted."""

    lines: int = 60_000
    validation_lines: int = 3_000
    epochs: int = 12
    batch_size: int = 64
    learning_rate: float = 0.002
    seed: int = 0
    init_weights: str | None = None  # continue from a run's best.weights.h5, a snapshot or an exported file
    member: int = 0  # which recogniser of an exported mean of several (classmood ensemble)
    sizes: tuple[float, float] = EM_SIZES  # the font em range drawn, in screen px
    head: RecogniserHead = "conv"  # what reads along the line after the convolutions (recogniser)


def font_files() -> list[Path]:
    """The installed files of :data:`FONT_FAMILIES` in :data:`FONT_STYLES` (fontconfig's list)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise TrainingError("fc-list not found: install fontconfig (scripts/system-deps.sh)")
    listed = subprocess.run(
        [fc_list, ":", "family", "style", "file"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    files = set()
    for line in listed.splitlines():
        path, _, rest = line.partition(": ")
        family, _, style = rest.partition(":style=")
        families = {f.strip() for f in family.split(",")}
        styles = {s.strip() for s in style.split(",")}
        if families & set(FONT_FAMILIES) and styles & set(FONT_STYLES):
            files.add(Path(path))
    if not files:
        raise TrainingError(
            f"none of the fonts {', '.join(FONT_FAMILIES)} is installed (scripts/system-deps.sh)"
        )
    return sorted(files)


@lru_cache(maxsize=4096)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _made_up_word(rng: np.random.Generator) -> str:
    """A pronounceable word that is nobody's name in our lists: the net reads letters, not a vocabulary."""
    letters = []
    for i in range(int(rng.integers(1, 4))):
        if i > 0 or rng.random() < 0.7:
            letters.append(CONSONANTS[rng.integers(len(CONSONANTS))])
        letters.append(VOWELS[rng.integers(len(VOWELS))])
        if rng.random() < 0.3:
            letters.append(CONSONANTS[rng.integers(len(CONSONANTS))])
    if (
        rng.random() < ACCENTED_SHARE
    ):  # one letter with its mark (é, ñ, ø, ł...): a mark read wrong is a wrong name
        i = int(rng.integers(len(letters)))
        marked = [ch for ch in ACCENTED if fold(ch) == letters[i]]
        if marked:
            letters[i] = marked[int(rng.integers(len(marked)))]
    return "".join(letters).capitalize()


def fold(letter: str) -> str:
    """A letter without its marks (``ø`` and ``ł`` have no decomposition: their base letters)."""
    base = unicodedata.normalize("NFD", letter)[0]
    return {"ø": "o", "ł": "l", "Ø": "O", "Ł": "L"}.get(base, base)


def random_name(rng: np.random.Generator) -> str:
    """A label's text: a given and family name (listed or made up) in the forms labels take (one
    name, a middle initial, lower case, a student number, a bracketed note, cut with an ellipsis)."""

    def word(names: Sequence[str]) -> str:
        return names[int(rng.integers(len(names)))] if rng.random() < 0.6 else _made_up_word(rng)

    def family() -> str:  # sometimes with a capital inside: McIntyre, VonDoupe, O'Neil
        name = word(FAMILY)
        if rng.random() < INNER_CAPITAL_SHARE:
            name = FAMILY_PREFIXES[int(rng.integers(len(FAMILY_PREFIXES)))] + name
        return name

    roll = rng.random()
    if roll < 0.1:
        text = word(GIVEN)
    elif roll < 0.2:
        text = f"{word(GIVEN)} {word(GIVEN)[0]}. {family()}"
    elif roll < 0.27:
        text = f"{word(GIVEN)} {family()}-{word(FAMILY)}"
    else:
        text = f"{word(GIVEN)} {family()}"
    extra = rng.random()
    if extra < 0.05:
        text = text.lower()
    elif extra < 0.08:
        text = text.upper()
    elif extra < 0.13:
        text = f"{text} ({rng.integers(10_000_000, 99_999_999)})"
    elif extra < 0.16:
        text = f"{rng.integers(1_000_000, 99_999_999)} {text}"
    elif extra < 0.2:
        text = f"{text} ({rng.choice(['Host', 'Co-host', 'Guest', 'me', 'TA'])})"
    if rng.random() < 0.08 and len(text) > 8:
        text = text[: int(rng.integers(5, len(text) - 2))].rstrip() + rng.choice(["...", "…"])
    return "".join(ch for ch in text if ch in CHARSET)


def _other_script_name(rng: np.random.Generator) -> tuple[str, Path | None]:
    """A name-like string in another script (letters of its block, one or two words) and a font
    fontconfig picks for it."""
    first, last = OTHER_SCRIPTS[list(OTHER_SCRIPTS)[int(rng.integers(len(OTHER_SCRIPTS)))]]
    words = [
        "".join(chr(int(rng.integers(first, last + 1))) for _ in range(int(rng.integers(2, 7))))
        for _ in range(int(rng.integers(1, 3)))
    ]
    text = " ".join(words)
    return text, _font_for(text[0])


@lru_cache(maxsize=64)
def _font_for(character: str) -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    found = subprocess.run(
        [fc_match, "-f", "%{file}", f"sans-serif:charset={ord(character):x}"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    ).stdout.strip()
    return Path(found) if found else None


def _text_mask(text: str, font: Path, size: float, rng: np.random.Generator) -> np.ndarray:
    """``text``'s coverage (0..1) at ``size`` px: drawn at that size by FreeType (hinted, as a screen
    draws it), or drawn 3-4 times larger and averaged down (a screenshot scaled down, subpixel phase)."""
    scale = 1 if rng.random() < 0.4 else int(rng.integers(3, 5))
    face = _font(font, max(4, round(size * scale)))
    left, top, right, bottom = face.getbbox(text)
    pad = 2 * scale
    canvas = Image.new("L", (int(right - left) + 2 * pad, int(bottom - top) + 2 * pad), 0)
    ImageDraw.Draw(canvas).text((pad - left, pad - top), text, fill=255, font=face)
    mask: np.ndarray = np.asarray(canvas, np.float32) / 255.0
    if scale > 1:
        dy, dx = rng.integers(0, scale, size=2)
        mask = np.pad(mask, ((int(dy), scale), (int(dx), scale)))
        h, w = mask.shape[0] // scale, mask.shape[1] // scale
        mask = cv2.resize(mask[: h * scale, : w * scale], (w, h), interpolation=cv2.INTER_AREA)
    return mask


def _with_icon(mask: np.ndarray, size: float, rng: np.random.Generator) -> np.ndarray:
    """``mask`` with a small solid icon (a microphone, a hand) drawn left of the text, a gap between."""
    h = mask.shape[0]
    icon_h = max(2, min(h, round(rng.uniform(0.5, 0.9) * size)))
    icon_w, gap = max(2, round(rng.uniform(0.4, 0.7) * size)), max(1, round(rng.uniform(0.2, 0.5) * size))
    scale = 4  # drawn 4 times larger, then averaged down as the text was
    big = np.zeros((h * scale, (icon_w + gap) * scale), np.float32)
    top, bottom, right = (h - icon_h) // 2 * scale, ((h - icon_h) // 2 + icon_h) * scale, icon_w * scale
    value = float(rng.uniform(0.3, 1.0))
    shape = rng.random()
    if shape < 0.4:  # a solid block (a hand, a badge)
        big[top:bottom, :right] = value
    else:  # a microphone: a rounded capsule, its cradle and stem, crossed out when muted
        capsule = (right // 4, top, 3 * right // 4, top + (bottom - top) * 6 // 10)
        cv2.rectangle(big, capsule[:2], capsule[2:], value, -1)
        cv2.ellipse(
            big,
            (right // 2, top + (bottom - top) // 2),
            (right // 2, (bottom - top) // 3),
            0,
            0,
            180,
            value,
            scale,
        )
        cv2.line(big, (right // 2, top + 5 * (bottom - top) // 6), (right // 2, bottom), value, scale)
        if shape < 0.8:
            cv2.line(big, (0, top), (right, bottom), value, scale)
    icon = cv2.resize(big, (icon_w + gap, h), interpolation=cv2.INTER_AREA)
    return np.concatenate([icon, mask], axis=1)


def _video(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Video-like texture: a smooth room (low-frequency light), edges of things, camera noise."""
    base = float(rng.uniform(20, 235))
    coarse = rng.normal(0, rng.uniform(10, 60), (int(rng.integers(2, 6)), int(rng.integers(2, 8))))
    image: np.ndarray = base + cv2.resize(
        coarse.astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC
    )
    for _ in range(int(rng.integers(0, 4))):  # edges: a shoulder, a shelf, a door frame
        x0, x1 = sorted(rng.integers(0, width, size=2))
        y0, y1 = sorted(rng.integers(0, height, size=2))
        image[y0 : y1 + 1, x0 : x1 + 1] += rng.uniform(-80, 80)
    image = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(0.5, 2.5)))
    for _ in range(int(rng.integers(0, 6))):  # sharp detail: a collar, a headset cable, a shelf's books
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(1, max(2, height)))
        if rng.random() < 0.5:
            image[y : y + size, x : x + int(rng.integers(1, 3))] = rng.uniform(0, 255)
        else:
            image[y : y + int(rng.integers(1, 3)), x : x + size] = rng.uniform(0, 255)
    return image + rng.normal(0, rng.uniform(0, 5), image.shape)


def _tile_edges(image: np.ndarray, rng: np.random.Generator) -> None:
    """The gallery's gaps and borders a label's crop catches: a line along its top or bottom, and the
    tile's right edge (a gap, a speaker's coloured border, the next tile)."""
    height, width = image.shape
    for row in (0, height - 1):
        if rng.random() < 0.3:
            thickness = int(rng.integers(1, 3))
            image[max(0, row - thickness + 1) if row else 0 : row + thickness] = rng.uniform(0, 255)
    if rng.random() < 0.3:
        edge = int(rng.integers(max(1, width - 6), width))
        image[:, edge:] = rng.uniform(0, 255)


def draw_label(
    rng: np.random.Generator, fonts: Sequence[Path], sizes: tuple[float, float] = EM_SIZES
) -> tuple[np.ndarray, str]:
    """One training line: a label drawn over video and cut as the agent cuts it (gray uint8), and its
    text; its font's em in screen px is log-uniform in ``sizes``."""
    text, font = random_name(rng), fonts[int(rng.integers(len(fonts)))]
    if rng.random() < OTHER_SCRIPT_SHARE:
        other, other_font = _other_script_name(rng)
        if other_font is not None:
            text, font = other, other_font
    size = float(np.exp(rng.uniform(np.log(sizes[0]), np.log(sizes[1]))))
    mask = _text_mask(text, font, size, rng)
    if rng.random() < 0.25:  # a muted-microphone icon before the name, as Zoom draws it
        mask = _with_icon(mask, size, rng)
    th, tw = mask.shape
    pad_x, pad_y = int(round(rng.uniform(0.1, 0.6) * size)), int(round(rng.uniform(0.0, 0.35) * size))
    plate_h, plate_w = th + 2 * pad_y, tw + 2 * pad_x
    above, below = int(rng.uniform(0.3, 1.0) * plate_h), int(rng.uniform(0.0, 0.4) * plate_h)
    left, right = int(rng.uniform(0, 0.5) * plate_h) + 1, int(rng.uniform(0.0, 1.2) * plate_w)
    image = _video(above + plate_h + below, left + plate_w + right, rng)
    style = rng.random()
    if style < 0.55:  # a dark plate, light text (Zoom, Teams)
        plate_value, ink = rng.uniform(0, 60), rng.uniform(200, 255)
    elif style < 0.8:  # no plate: light text on the video with a soft shadow (Meet)
        plate_value, ink = None, rng.uniform(215, 255)
    else:  # a light theme: dark text on a light plate
        plate_value, ink = rng.uniform(200, 255), rng.uniform(0, 80)
    py, px = above, left
    if plate_value is not None:
        alpha = rng.uniform(0.55, 1.0)
        region = image[py : py + plate_h, px : px + plate_w]
        region[:] = (1 - alpha) * region + alpha * plate_value
    else:
        shadow = np.minimum(1.0, 2 * cv2.GaussianBlur(mask, (0, 0), 0.1 * size + 0.5)) * rng.uniform(0.5, 0.9)
        region = image[py + pad_y : py + pad_y + th, px + pad_x : px + pad_x + tw]
        region[:] = region * (1 - shadow)
    region = image[py + pad_y : py + pad_y + th, px + pad_x : px + pad_x + tw]
    region[:] = region * (1 - mask) + ink * mask
    _tile_edges(image, rng)
    image = _screen_damage(np.clip(image, 0, 255), rng)
    top = max(0, py - int(rng.uniform(0.0, 0.4) * plate_h))
    bottom = min(image.shape[0], py + plate_h + int(rng.uniform(0.0, 0.4) * plate_h))
    target = text if all(ch in CHARSET for ch in text) else ""
    return image[top:bottom].astype(np.uint8), target


def _screen_damage(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What screenshots and screen capture do: blur, scaling down and back, JPEG, noise."""
    if rng.random() < 0.3:
        image = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(0.3, 0.8)))
    # scaled down and back; a third of them far (a small picture enlarged: docs, product shots)
    scaled = rng.random()
    if scaled < 0.35:
        h, w = image.shape
        f = rng.uniform(0.6, 0.9) if scaled < 0.25 else rng.uniform(0.4, 0.6)
        small = cv2.resize(image, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
        image = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    image = np.clip(image + rng.normal(0, rng.uniform(0, 4), image.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        quality = int(rng.integers(35, 96))
        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok:
            image = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)  # type: ignore[assignment]  # never None for our own bytes
    return image


def draw_lines(
    count: int, seed: int, fonts: Sequence[Path], sizes: tuple[float, float] = EM_SIZES
) -> tuple[np.ndarray, list[str]]:
    """``count`` training lines as the recogniser's input (:func:`model.text_lines.line_input`) and their texts."""
    rng = np.random.default_rng(seed)
    inputs = np.zeros((count, LINE_HEIGHT, LINE_WIDTH, 1), np.float16)
    texts = []
    for i in range(count):
        line, text = draw_label(rng, fonts, sizes)
        inputs[i] = line_input([line])[0]
        texts.append(text)
    return inputs, texts


def recogniser(width: int = 96, dropout: float = 0.2, head: RecogniserHead = "conv") -> keras.Model:
    """A convolutional CTC recogniser: convolutions fold the line's height into features, then along
    the line either two 1-D convolutions that see a few letters each side (``head="conv"``, the
    shipped file's) or two bidirectional GRUs that see the whole line (``"gru"``: a blurred letter
    read from the word round it), a softmax per column step over :data:`~model.text_lines.CHARSET`
    and the blank."""
    inputs = keras.Input((LINE_HEIGHT, LINE_WIDTH, 1), name="line")
    x = inputs
    for filters, pool in ((32, (2, 2)), (64, (2, 1)), (width, (2, 1)), (128, (2, 1))):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
        if pool is not None:
            x = keras.layers.MaxPooling2D(pool)(x)
    x = keras.layers.Conv2D(192, (LINE_HEIGHT // 16, 1), use_bias=False)(x)  # the rest of the height
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Reshape((LINE_WIDTH // STEP, 192))(x)
    for _ in range(HEAD_LAYERS):
        x = keras.layers.Dropout(dropout)(x)
        if head == "gru":
            x = keras.layers.Bidirectional(keras.layers.GRU(GRU_UNITS, return_sequences=True))(x)
        else:
            x = keras.layers.Conv1D(192, 5, padding="same", activation="relu")(x)
    outputs = keras.layers.Dense(len(CHARSET) + 1, activation="softmax", name="letters", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="name_lines")


def load_onnx_recogniser(model: keras.Model, path: Path, member: int = 0) -> keras.Model:
    """Copy an exported recogniser's weights into ``model`` (:func:`recogniser`), to continue
    training the shipped file: its convolutions (each with its batch normalisation folded in, which
    becomes a frozen offset, :func:`~training.warmstart.frozen_offset`), its 1-D convolutions and
    its letters layer; into a ``"gru"``-headed model its convolutions only (the GRUs and the letters
    layer start afresh). Of a mean of several recognisers (``classmood ensemble``), the one numbered
    ``member`` (0 first). Returns ``model``."""
    graph, values = exported_graph(path)
    count = sum(1 for node in graph.node if node.op_type == "MatMul")  # one letters layer each
    if not 0 <= member < count:
        raise TrainingError(f"{path}: holds {count} recogniser(s); --member {member} is not one of them")
    prefix = f"m{member}_" if count > 1 else ""
    nodes = [node for node in graph.node if node.name.startswith(prefix)]

    def initialised(node: onnx.NodeProto) -> list[np.ndarray]:
        return [values[name] for name in node.input if name in values]

    convs = [initialised(node) for node in nodes if node.op_type == "Conv"]
    biases = [initialised(node)[0] for node in nodes if node.op_type == "Add" and initialised(node)]
    matrices = [initialised(node)[0] for node in nodes if node.op_type == "MatMul"]
    conv2d = [layer for layer in model.layers if type(layer) is keras.layers.Conv2D]
    conv1d = [layer for layer in model.layers if type(layer) is keras.layers.Conv1D]
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(matrices) != 1 or len(convs) != len(conv2d) + HEAD_LAYERS or len(biases) != HEAD_LAYERS + 1:
        raise TrainingError(f"{path}: not a recogniser exported by classmood train-lines")
    for layer, norm, (weights, bias) in zip(conv2d, norms, convs[: len(conv2d)], strict=True):
        layer.kernel.assign(weights.transpose(2, 3, 1, 0))
        frozen_offset(norm, bias)
    if not conv1d:  # a "gru" head
        return model
    for layer, (weights,), bias in zip(conv1d, convs[len(conv2d) :], biases[:-1], strict=True):
        layer.set_weights([weights[:, :, 0, :].transpose(2, 1, 0), bias.reshape(-1)])
    dense[0].set_weights([matrices[0], biases[-1].reshape(-1)])
    return model


def _encoded(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    index = {ch: i for i, ch in enumerate(CHARSET)}
    longest = max(len(t) for t in texts)
    labels = np.zeros((len(texts), longest), np.int32)
    for i, text in enumerate(texts):
        labels[i, : len(text)] = [index[ch] for ch in text]
    return labels, np.array([len(t) for t in texts], np.int32)


def exact_share(model: keras.Model, inputs: np.ndarray, texts: Sequence[str]) -> float:
    """Share of lines read exactly (greedy decoding, as :class:`model.text_lines.TextLineReader` reads)."""
    reads = []
    for start in range(0, len(texts), 256):
        reads += decode(model.predict_on_batch(inputs[start : start + 256].astype(np.float32)))
    normal = [" ".join(t.split()) for t in texts]
    return float(np.mean([r.text == t for r, t in zip(reads, normal, strict=True)]))


def train_lines(
    settings: LineTrainSettings, out: Path, progress: Callable[[str], None] = print
) -> dict[str, float]:
    """Draw the lines, fit the recogniser with CTC, export ``out/name-lines.onnx``; the metrics."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    keras.utils.set_random_seed(settings.seed)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")  # faster convolutions on AMX/AVX-512 CPUs
    try:
        model = recogniser(head=settings.head)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    if settings.init_weights is not None and settings.init_weights.endswith(".onnx"):
        load_onnx_recogniser(model, Path(settings.init_weights), settings.member)
    elif settings.init_weights is not None and settings.init_weights.endswith(".npz"):
        load_snapshot(model, Path(settings.init_weights))
    elif settings.init_weights is not None:
        model.load_weights(settings.init_weights)
    fonts = font_files()
    progress(f"drawing {settings.lines:,} training lines in {len(fonts)} fonts ...")
    train_x, train_texts = draw_lines(settings.lines, settings.seed, fonts, settings.sizes)
    val_x, val_texts = draw_lines(settings.validation_lines, settings.seed + 1_000_003, fonts, settings.sizes)
    labels, lengths = _encoded(train_texts)
    steps = math.ceil(settings.lines / settings.batch_size) * settings.epochs
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, steps, warmup_target=settings.learning_rate, warmup_steps=min(500, steps // 10)
    )
    optimizer = keras.optimizers.Adam(schedule, clipnorm=5.0)
    blank = len(CHARSET)

    def fit_batch(x: tf.Tensor, y: tf.Tensor, n: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            probabilities = model(x, training=True)
            logits = tf.math.log(probabilities + 1e-7)
            frames = tf.fill([tf.shape(x)[0]], LINE_WIDTH // STEP)
            loss = tf.reduce_mean(
                tf.nn.ctc_loss(y, logits, n, frames, logits_time_major=False, blank_index=blank)
            )
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    step = tf.function(fit_batch)
    rng = np.random.default_rng(settings.seed)
    best = -1.0
    history = []
    for epoch in range(1, settings.epochs + 1):
        order = rng.permutation(settings.lines)
        losses = []
        for start in range(0, settings.lines, settings.batch_size):
            batch = order[start : start + settings.batch_size]
            loss = step(
                tf.constant(train_x[batch].astype(np.float32)),
                tf.constant(labels[batch]),
                tf.constant(lengths[batch]),
            )
            losses.append(float(loss))
        exact = exact_share(model, val_x, val_texts)
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "exact": exact})
        progress(
            f"epoch {epoch}/{settings.epochs}: CTC loss {np.mean(losses):.3f}, "
            f"validation lines read exactly {exact:.1%} ({time.monotonic() - started:.0f} s)"
        )
        if exact > best:
            best = exact
            model.save_weights(out / "best.weights.h5")
            save_snapshot(model, out / "best.fp16.npz")  # small enough to commit: go on elsewhere
    model = recogniser(head=settings.head)  # computing in float32, as the exported model does
    model.load_weights(out / "best.weights.h5")
    export_onnx(model, out / "name-lines.onnx", example=np.zeros((1, LINE_HEIGHT, LINE_WIDTH, 1), np.float32))
    metrics = {"validation_exact": best, "wall_s": time.monotonic() - started}
    (out / "metrics.json").write_text(
        json.dumps({"settings": asdict(settings), "history": history, **metrics}, indent=2), encoding="utf-8"
    )
    return metrics


if __name__ == "__main__":  # a quick look at the drawn lines: python -m training.text_lines OUT_DIR
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    generator = np.random.default_rng(0)
    for k in range(40):
        line_image, label_text = draw_label(generator, font_files())
        cv2.imwrite(
            str(folder / f"{k:02d}.png"),
            cv2.resize(line_image, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST),
        )
        print(k, label_text)
