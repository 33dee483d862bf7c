"""Does the generator predict the real screenshots? The agent's scores on generated lectures of each
client style beside its scores on the real screenshots of that client (issue #21 point 5).

Generated: ``render_lecture(client=C, realistic=True)`` over a spread of student counts and seeds
(each seed its own screen size, label size, downscale and JPEG), scored by
``bench/capture_accuracy.py``'s ``run`` without a roster, pooled over the lectures. Real: every
screenshot of that client in ``../shared/galleries/``, scored by ``bench/real_galleries.py``,
pooled. Tiles: tiles found of all tiles; live faces: live faces recorded with an emotion; names:
names recorded exactly as the label shows them (``real_galleries.exact_name``: Unicode NFC and
white space only; no roster) of the legible labels (generated: those no pop-up or dialog hides).
A difference over 3 points is flagged.

    .venv/bin/python bench/generator_prediction.py [--students 3 4 6 9 16 25 49] [--seeds 4]
        [--frames 1] [--clients zoom meet teams] [--plain] [--real-json FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import capture_accuracy, real_galleries  # noqa: E402
from capture.synth import Client  # noqa: E402
from model import EmotionClassifier  # noqa: E402

CLIENT_NAMES = {"zoom": "Zoom", "meet": "Meet", "teams": "Teams"}
MEASURES = ("tiles", "live faces", "names")
BAR = 3.0  # points


def generated(
    client: str,
    students: list[int],
    seeds: int,
    frames: int,
    realistic: bool,
    classifier: EmotionClassifier,
    verbose: bool = False,
) -> dict[str, float]:
    """The agent's pooled scores (per cent) on generated lectures of ``client``: each count of
    students with ``seeds`` seeds, ``frames`` frames each, no roster."""
    totals = dict.fromkeys(("tiles", "labels", "found", "names_exact", "faces", "faces_found"), 0)
    for n in students:
        for k in range(seeds):
            seed = 1000 * k + n
            result = capture_accuracy.run(n, frames, seed, False, classifier, cast(Client, client), realistic)
            for key in totals:
                totals[key] += result["counts"][key]
            if verbose:
                print(f"{client} {n} students seed {seed}: {result['counts']}", file=sys.stderr)
    return {
        "tiles": 100 * totals["found"] / max(totals["tiles"], 1),
        "live faces": 100 * totals["faces_found"] / max(totals["faces"], 1),
        "names": 100 * totals["names_exact"] / max(totals["labels"], 1),
    }


def real(client: str, scores: list[real_galleries.GalleryScore]) -> dict[str, float]:
    """The agent's pooled scores (per cent) on the real screenshots of ``client``."""
    mine = [s for s in scores if s.client == CLIENT_NAMES[client]]
    pooled = real_galleries.totals(mine)
    return {
        "tiles": 100 * pooled["tile_recall"],
        "live faces": 100 * pooled["face_recall"],
        "names": 100 * pooled["names_exact"],
    }


def table(rows: dict[str, dict[str, dict[str, float]]]) -> str:
    """A markdown table: per client and measure, generated / real and the difference (flagged
    with ``!`` over the bar)."""
    lines = [
        "| client | " + " | ".join(f"{m} gen / real (diff)" for m in MEASURES) + " |",
        "| --- | " + " | ".join("---" for _ in MEASURES) + " |",
    ]
    for client, row in rows.items():
        cells = []
        for m in MEASURES:
            gen, got = row["generated"][m], row["real"][m]
            diff = gen - got
            flag = " !" if abs(diff) > BAR else ""
            cells.append(f"{gen:.0f} / {got:.0f} % ({diff:+.0f}{flag})")
        lines.append(f"| {CLIENT_NAMES[client]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[3, 4, 6, 9, 16, 25, 49])
    parser.add_argument("--seeds", type=int, default=4, help="lectures (screens, sizes) per student count")
    parser.add_argument("--frames", type=int, default=1)
    parser.add_argument("--clients", nargs="+", choices=tuple(CLIENT_NAMES), default=list(CLIENT_NAMES))
    parser.add_argument(
        "--plain", action="store_true", help="the client styles without realistic=True (the clean lectures)"
    )
    parser.add_argument("--galleries", type=Path, default=real_galleries.GALLERIES)
    parser.add_argument(
        "--real-json", type=Path, default=None, help="the real scores saved by real_galleries.py --json"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="each lecture's counts on stderr")
    args = parser.parse_args(argv)
    classifier = EmotionClassifier.load(None, threads=2)
    if args.real_json is not None:
        saved = json.loads(args.real_json.read_text())["images"]
        scores = [real_galleries.GalleryScore(**s) for s in saved]
    else:
        scores = real_galleries.score_all(args.galleries, classifier)
    rows: dict[str, dict[str, Any]] = {}
    for client in args.clients:
        rows[client] = {
            "generated": generated(
                client, args.students, args.seeds, args.frames, not args.plain, classifier, args.verbose
            ),
            "real": real(client, scores),
        }
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(table(rows))
    misses = [
        f"{c} {m}"
        for c, row in rows.items()
        for m in MEASURES
        if abs(row["generated"][m] - row["real"][m]) > BAR
    ]
    print(f"over {BAR:.0f} points: {', '.join(misses) if misses else 'none'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
