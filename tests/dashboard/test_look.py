"""One look: the emotion palette stays distinct for colour-blind readers, numbers read one way,
every chart and the report use the one palette and the one font.

Colour vision deficiencies are simulated with Machado, Oliveira & Fernandes (2009), severity 1.0,
applied to linear sRGB; distances are CIEDE2000 in CIELAB (D65).
"""

from __future__ import annotations

import itertools
import json
import re
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import figures
from dashboard.look import EMOTION_COLORS, FONT_STACK, MINUS, MISSING, MOOD_COLOR, number, percent, signed
from model.emotions import EMOTIONS
from test_figures import _cells, _timeline

MACHADO: dict[str, np.ndarray] = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]
    ),
}
SRGB_TO_XYZ = np.array(
    [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
)
# The smallest CIEDE2000 distance between any two emotion colours (and each against the white
# background and the black mood line), under normal vision and each simulated deficiency.
MIN_DELTA_E = 15.0


def _linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _encoded(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0


def simulate(rgb: np.ndarray, deficiency: str | None) -> np.ndarray:
    """The sRGB colour a reader with ``deficiency`` (None: normal vision) sees instead of ``rgb``."""
    return rgb if deficiency is None else _encoded(MACHADO[deficiency] @ _linear(rgb))


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ _linear(rgb) / SRGB_TO_XYZ.sum(axis=1)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005), kL = kC = kH = 1."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    else:
        h_mean = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    rotation = (
        -np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
        * 2
        * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    return float(
        np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + rotation * (d_c / s_c) * (d_h / s_h))
    )


def min_distance(colors: dict[str, str], deficiency: str | None) -> tuple[float, str, str]:
    """The closest pair of ``colors`` as a reader with ``deficiency`` sees them."""
    seen = {name: lab(simulate(_rgb(color), deficiency)) for name, color in colors.items()}
    return min((ciede2000(seen[a], seen[b]), a, b) for a, b in itertools.combinations(seen, 2))


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal (2005), table 1, pairs 1, 7, 17, 25
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_ciede2000_matches_the_published_test_data(
    lab1: tuple[float, ...], lab2: tuple[float, ...], expected: float
) -> None:
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("deficiency", "pair"),
    [  # plotly's old defaults: a pair each deficiency confuses, that the other two still tell apart
        ("protanopia", ("#2CA02C", "#FF7F0E")),  # green, orange
        ("deuteranopia", ("#D62728", "#2CA02C")),  # red, green
        ("tritanopia", ("#FF7F0E", "#FF69B4")),  # orange, pink
    ],
)
def test_each_simulation_merges_the_colours_its_readers_confuse(
    deficiency: str, pair: tuple[str, str]
) -> None:
    colors = dict(zip("ab", pair))
    normal = min_distance(colors, None)[0]
    assert min_distance(colors, deficiency)[0] < normal / 5
    for other in set(MACHADO) - {deficiency}:
        assert min_distance(colors, other)[0] > normal / 4


@pytest.mark.parametrize("deficiency", [None, "protanopia", "deuteranopia", "tritanopia"])
def test_emotion_colours_stay_apart_for_colour_blind_readers(deficiency: str | None) -> None:
    assert set(EMOTION_COLORS) == set(EMOTIONS)
    colors = {**EMOTION_COLORS, "background": "#FFFFFF", "mood index line": MOOD_COLOR}
    distance, a, b = min_distance(colors, deficiency)
    assert distance >= MIN_DELTA_E, f"{a} and {b}: CIEDE2000 {distance:.1f} ({deficiency or 'normal vision'})"


def test_numbers_read_one_way() -> None:
    assert signed(-0.256) == f"{MINUS}0.26" and signed(0.3) == "+0.30" and signed(-0.001) == "+0.00"
    assert number(-3.04) == f"{MINUS}3.0" and number(2.96) == "3.0"
    assert percent(0.456) == "46%" and percent(float("nan")) == MISSING and signed(None) == MISSING
    assert number(pd.NA) == MISSING  # type: ignore[arg-type]


def _emotion_colors(fig: go.Figure) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for trace in fig.data:
        if trace.name in EMOTIONS:
            used.setdefault(trace.name, set()).update(
                c for c in (trace.line.color, getattr(trace, "fillcolor", None)) if c
            )
    return used


def test_every_chart_uses_the_one_palette_and_font() -> None:
    tz = ZoneInfo("UTC")
    timeline = _timeline()
    one = timeline.rename(columns={"bucket_start": "timestamp"})
    charts = [
        figures.class_mood(timeline, tz=tz),
        figures.student_lines(one, "Ana", tz=tz),
        figures.student_heatmap(_cells(), tz=tz),
        figures.attendance(timeline, tz=tz),
        figures.empty("nothing"),
    ]
    for fig in charts:
        assert fig.layout.font.family == FONT_STACK
    for fig in charts[:2]:
        assert _emotion_colors(fig) == {e: {c} for e, c in EMOTION_COLORS.items()}


def test_the_report_uses_the_one_palette_font_and_minus(dashboard_env) -> None:  # type: ignore[no-untyped-def]
    from dashboard.cache import AggregateCache
    from dashboard.report import render_report_html

    page = render_report_html(
        AggregateCache(dashboard_env.db).report(dashboard_env.session_id), ZoneInfo("UTC")
    )
    assert f"font-family: {FONT_STACK}" in page
    figure_json = re.findall(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*\{', page, flags=re.S)
    assert len(figure_json) == 2
    traces = json.loads(figure_json[0])
    assert {t["name"]: t["line"]["color"] for t in traces if t["name"] in EMOTIONS} == EMOTION_COLORS
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.S)
    assert MINUS in text and not re.search(r"(?<![\w-])-\d", text)
