"""The dashboard's one look: its font stack, its emotion colours and how it writes numbers.

Every page, chart, table and the downloadable report take these from here, so that they agree.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FONT_STACK = 'system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif'
# dash_table puts its own monospace stylesheet in the page after ours, hence !important
FONT_CSS = (
    f"body, button, input, select, textarea {{ font-family: {FONT_STACK}; }}\n"
    ".dash-table-container, .dash-table-container * { font-family: inherit !important; }"
)
PLOT_FONT: dict[str, Any] = {"family": FONT_STACK, "size": 13}

# One colour per emotion, told apart under protanopia, deuteranopia and tritanopia as well
# (tests/dashboard/test_look.py simulates them): Okabe-Ito's hues, moved apart (docs/dashboard.md).
EMOTION_COLORS: dict[str, str] = {
    "angry": "#C42100",
    "disgust": "#1E9D74",
    "fear": "#B27DA9",
    "happy": "#E9A61C",
    "sad": "#0062A3",
    "surprise": "#16C2FF",
    "neutral": "#B9B9B9",
}
MOOD_COLOR = "#111111"  # the mood index line, and students present
CAMERA_OFF_COLOR = "#7F7F7F"
MOOD_SCALE = "RdBu"  # the heatmap's mood index: red negative, blue positive

MINUS = "\u2212"  # the typographic minus, as plotly and dash_table write it (d3-format)
MISSING = "\u2013"  # what a number that is not there reads as


def number(value: float | None, digits: int = 1, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals, the typographic minus, and ``+`` in front when ``sign``
    (a value that rounds to zero reads as zero, never as minus zero)."""
    if value is None or pd.isna(value):
        return MISSING
    rounded = round(float(value), digits) or 0.0
    return f"{rounded:{'+' if sign else ''}.{digits}f}".replace("-", MINUS)


def signed(value: float | None, digits: int = 2) -> str:
    """A value that can be either side of zero (the mood index): always with its sign."""
    return number(value, digits, sign=True)


def percent(value: float | None) -> str:
    """A share 0..1 as a whole percentage."""
    if value is None or pd.isna(value):
        return MISSING
    return f"{float(value):.0%}".replace("-", MINUS)
