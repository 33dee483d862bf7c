"""The small name-label recogniser (model/weights/name-lines.onnx) on labels the synthetic generator
draws: the generator's renderer (Noto Sans, light text on a dark plate over noise), not the training
renderer, so the names and the drawing are not those it was trained on.

    .venv/bin/python bench/name_lines.py [--weights ONNX]

Latin names of the generator's lists at 7, 8 and 10 px: its marked names with their marks and
without them (few are census name words) and its plain names (most are): the share read exactly,
as read and as the name reader spells the read with the name words (capture.name_words), and how
many of the reads the name reader takes (``sure_line``) are right; the plain names drawn larger, then
downscaled and JPEG'd as a screenshot on a web page is. Names of other scripts: how many reads the
name reader would take (it should take none).
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capture.name_reader import LINE_LETTERS, sure_line  # noqa: E402
from capture.name_words import NameWords, Spelling  # noqa: E402
from capture.synth.names import NAMES  # noqa: E402
from capture.synth.text import TextRenderer, paint  # noqa: E402
from model.text_lines import CHARSET, TextLineReader  # noqa: E402

SIZES = (7, 8, 10)
DOWNSCALED = ((14, 2.0), (16, 2.2), (18, 2.5))  # (text px drawn, downscale factor): 6-7 px letters
OTHER_SCRIPTS = ("cyrillic", "greek", "korean", "cjk", "arabic", "hebrew", "devanagari", "thai")


def zoom_label(
    renderer: TextRenderer, name: str, size: int, rng: np.random.Generator, script: str = "latin"
) -> np.ndarray:
    """A Zoom-like label: ``name`` in light text on a dark plate at the bottom-left of video-like
    noise, cut as the agent cuts it (the plate, a little video around it, to the tile's edge)."""
    mask = renderer.mask(name, script, size)
    h, w = mask.shape
    pad = max(1, size // 4)
    noise = rng.uniform(40, 220, (h + 4 * pad, w + 6 * pad + 30, 3)).astype(np.uint8)
    tile = cv2.GaussianBlur(noise, (0, 0), 2)
    tile[pad : pad + h + 2 * pad, : w + 2 * pad] = (30, 30, 30)
    paint(tile, mask, pad, 2 * pad, (240, 240, 240))
    return tile


def downscaled(label: np.ndarray, factor: float, quality: int) -> np.ndarray:
    """``label`` shrunk by ``factor`` and saved as a JPEG of ``quality``: a screenshot of a big
    gallery scaled down for a web page, as the real 7x7 one is."""
    h, w = label.shape[:2]
    size = (max(1, round(w / factor)), max(1, round(h / factor)))
    small = cv2.resize(label, size, interpolation=cv2.INTER_AREA)
    _, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR))


def without_marks(name: str) -> str:
    """``name`` in plain ASCII letters (ł, ø have no decomposition: their base letters)."""
    name = name.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    return "".join(ch for ch in unicodedata.normalize("NFD", name) if ord(ch) < 128)


def latin_names(marks: bool, plain: bool = False) -> list[str]:
    """Every 7th given and family name pair of the generator's marked Latin lists (in the charset),
    or of its plain ones."""
    given, family = NAMES["latin_plain" if plain else "latin"][1:]
    pairs = [f"{g} {f}" for g in given for f in family][::7]
    if not marks:
        return [without_marks(name) for name in pairs]
    return [name for name in pairs if all(ch in CHARSET for ch in name)]


def other_names(script: str) -> list[str]:
    """Every 11th given and family name pair of one of the generator's other scripts."""
    _, given, family = NAMES[script]
    return [f"{g} {f}" for g in given for f in family][::11]


def taken(spelled: Spelling) -> bool:
    """Whether the name reader takes this spelled read as a candidate name."""
    return sure_line(spelled) and sum(ch.isalpha() for ch in spelled.text) >= LINE_LETTERS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, default=None)
    args = parser.parse_args(argv)
    reader = TextLineReader.load(args.weights)
    words = NameWords()
    renderer = TextRenderer()
    rng = np.random.default_rng(3)
    for title, names in (
        ("Latin with marks", latin_names(marks=True)),
        ("Latin without marks", latin_names(marks=False)),
        ("Latin plain", latin_names(marks=False, plain=True)),
    ):
        cells = []
        for size in SIZES:
            reads = reader.read([zoom_label(renderer, name, size, rng) for name in names])
            spelled = [words.respelled(read) for read in reads]
            right = [s.text == name for name, s in zip(names, spelled, strict=True)]
            sure = [ok for ok, s in zip(right, spelled, strict=True) if taken(s)]
            as_read = np.mean([read.text == name for name, read in zip(names, reads, strict=True)])
            cells.append(
                f"{size} px {as_read:.0%} exact as read, {np.mean(right):.0%} spelled, "
                f"taken {sum(sure)}/{len(sure)} right"
            )
        print(f"{title} ({len(names)} names): " + "; ".join(cells))
    names = latin_names(marks=False, plain=True)
    cells = []
    for size, factor in DOWNSCALED:
        labels = [
            downscaled(zoom_label(renderer, n, size, rng), factor, int(rng.integers(80, 96))) for n in names
        ]
        spelled = [words.respelled(read) for read in reader.read(labels)]
        sure = [s.text == name for s, name in zip(spelled, names, strict=True) if taken(s)]
        cells.append(f"{size} px / {factor}: taken {sum(sure)}/{len(sure)} right")
    print(f"Latin plain, drawn larger then downscaled and JPEG'd ({len(names)} names): " + "; ".join(cells))
    for script in OTHER_SCRIPTS:
        if not renderer.supports(script):
            print(f"{script}: no font here")
            continue
        labels = [zoom_label(renderer, n, s, rng, script) for n in other_names(script) for s in SIZES]
        kept = [s for s in (words.respelled(read) for read in reader.read(labels)) if taken(s)]
        print(f"{script}: {len(kept)} of {len(labels)} labels taken {[s.text for s in kept][:4]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
