"""How every benchmark script hands back its figures: one JSON object or an aligned table."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

# the instruction sets that decide how fast the int8 emotion model and BlazeFace run (docs/benchmarks.md)
ISA_FLAGS: tuple[str, ...] = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


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


def parse_cpuinfo(text: str) -> dict[str, Any]:
    """The CPU's model name and which of :data:`ISA_FLAGS` it has, from ``/proc/cpuinfo`` text."""
    model, flags = "", set[str]()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and not model:
            model = value.strip()
        elif key == "flags" and not flags:
            flags = set(value.split())
    return {"cpu": model or None, "cpu_flags": [flag for flag in ISA_FLAGS if flag in flags]}


def machine() -> dict[str, Any]:
    """What a result was measured on: CPU model, its relevant instruction sets, and the cores this process may use."""
    try:
        described = parse_cpuinfo(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    except OSError:  # not Linux
        described = {"cpu": platform.processor() or None, "cpu_flags": []}
    return {**described, "cpu_count": os.cpu_count()}


def cached_lecture(
    root: Path, faces: Path, students: int, frames: int, seed: int
) -> tuple[Path, dict[str, Any]]:
    """A synthetic lecture written once under ``root/runs/bench/`` and reused: its folder and truth.json."""
    from capture import synthesize

    folder = root / "runs" / "bench" / f"lecture_{students}x{frames}_s{seed}"
    if not (folder / "truth.json").exists():
        synthesize(faces, folder, students=students, frames=frames, seed=seed)
    return folder, json.loads((folder / "truth.json").read_text())
