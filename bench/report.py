"""How every benchmark script hands back its figures: one JSON object or an aligned table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def emit(result: dict[str, Any], as_json: bool, out: Path | None = None) -> None:
    """Print ``result`` as one JSON line (``as_json``) or as ``key: value`` lines; also write the JSON to ``out``."""
    text = json.dumps(result, ensure_ascii=False)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    if as_json:
        print(text)
        return
    width = max((len(key) for key in result), default=0)
    for key, value in result.items():
        print(f"{key:>{width}}: {value}")


def cached_lecture(root: Path, faces: Path, students: int, frames: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """A synthetic lecture written once under ``root/runs/bench/`` and reused: its folder and truth.json."""
    from capture import synthesize

    folder = root / "runs" / "bench" / f"lecture_{students}x{frames}_s{seed}"
    if not (folder / "truth.json").exists():
        synthesize(faces, folder, students=students, frames=frames, seed=seed)
    return folder, json.loads((folder / "truth.json").read_text())
