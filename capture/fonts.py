"""Fonts for drawing names in any script: the one fontconfig says covers their letters."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from PIL import ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.lru_cache(maxsize=256)
def font_file_for(characters: str) -> Path | None:
    """The sans-serif font file fontconfig picks for ``characters`` (None without fontconfig)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    charset = " ".join(f"{ord(ch):x}" for ch in sorted(set(characters)) if not ch.isspace())
    pattern = f"sans-serif:charset={charset}" if charset else "sans-serif"
    found = subprocess.run(
        [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=20, check=False
    ).stdout.strip()
    return Path(found) if found and Path(found).is_file() else None


@functools.lru_cache(maxsize=256)
def font_for(characters: str, size: int) -> Font:
    """A font of ``size`` px with glyphs for ``characters``, else Pillow's built-in one."""
    found = font_file_for(characters)
    return ImageFont.truetype(str(found), size) if found is not None else ImageFont.load_default(size)
