"""Roster look matching on generated small labels: how many take their name, how many a wrong one.

Labels are drawn as a small gallery shows them (white on a dark plate, drawn large and averaged
down to a few pixels, beside blurred video, JPEG'd) in two fonts (the one fontconfig picks, which
the matcher draws with, and DejaVu Sans, which it does not), for 12 of 16 roster names and 3 guests
whose names are not on the roster, at several text heights.

    .venv/bin/python bench/roster_look.py [--sizes 5 6 7 8 10] [--repeats 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capture.fonts import font_file_for  # noqa: E402
from capture.roster_look import RosterLook  # noqa: E402

ROSTER = [
    "Monica Adebayo",
    "Josh Nelson",
    "Margaret Ramsey",
    "Korbin Montgomery",
    "Erica Holt",
    "Tian Quan",
    "Rafael Villanueva",
    "Ada Nguyen",
    "Jack Davis",
    "Brock Davis",
    "Mira Ahmed",
    "Tom Turner",
    "Seth Hoffman",
    "Laura Smith",
    "Anya Gregory",
    "Celeste Jefferson",
]
GUESTS = ["Zhang Wei", "Priya Raman", "Olu Bello"]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def small_label(
    name: str, text_px: int, rng: np.random.Generator, font_path: Path
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    font = ImageFont.truetype(str(font_path), 40)
    left, top, right, bottom = font.getbbox(name)
    big = Image.new("L", (int(right - left) + 24, 64), 40)
    ImageDraw.Draw(big).text((12 - left, 32 - (bottom - top) // 2 - top), name, fill=235, font=font)
    plate = cv2.resize(np.asarray(big), None, fx=text_px / 40, fy=text_px / 40, interpolation=cv2.INTER_AREA)
    crop = cv2.GaussianBlur(
        rng.integers(60, 200, (plate.shape[0] + 8, plate.shape[1] + 30)).astype(np.uint8), (0, 0), 3
    )
    crop[4 : 4 + plate.shape[0], 2 : 2 + plate.shape[1]] = plate
    _, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 70])
    label = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
    assert label is not None
    return np.asarray(label), (2, 4, int(plate.shape[1]), int(plate.shape[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 6, 7, 8, 10], help="text heights in px")
    parser.add_argument("--repeats", type=int, default=2, help="galleries per font and size")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    matched = font_file_for("")
    fonts = {"matcher's font": matched, "DejaVu Sans": DEJAVU if DEJAVU.is_file() else None}
    rng = np.random.default_rng(7)
    rows = []
    for font_name, font_path in fonts.items():
        if font_path is None:
            continue
        for size in args.sizes:
            counts = {"roster_labels": 0, "right": 0, "wrong": 0, "guest_labels": 0, "guests_named": 0}
            for _ in range(args.repeats):
                shown = [ROSTER[int(k)] for k in rng.permutation(len(ROSTER))[:12]]
                labels = [small_label(n, size, rng, font_path) for n in [*shown, *GUESTS]]
                matches = RosterLook(ROSTER).assign(labels, ROSTER)
                for name, match in zip([*shown, *GUESTS], matches, strict=True):
                    guest = name in GUESTS
                    counts["guest_labels" if guest else "roster_labels"] += 1
                    if match is not None:
                        counts["guests_named" if guest else ("right" if match.name == name else "wrong")] += 1
            rows.append({"font": font_name, "text_px": size, **counts})
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    for r in rows:
        print(
            f"{r['font']:15s} {r['text_px']:2d} px: {r['right']}/{r['roster_labels']} right, {r['wrong']} wrong, "
            f"{r['guests_named']}/{r['guest_labels']} guests given a roster name"
        )
    total = {
        k: sum(int(r[k]) for r in rows)
        for k in ("roster_labels", "right", "wrong", "guest_labels", "guests_named")
    }
    print(
        f"all: {total['right']}/{total['roster_labels']} right, {total['wrong']} wrong, "
        f"{total['guests_named']}/{total['guest_labels']} guests given a roster name"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
