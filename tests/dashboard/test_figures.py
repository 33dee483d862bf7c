"""Figure builders are pure: DataFrames in, plotly Figures out."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import plotly.io as pio

from dashboard import figures
from dashboard_seed import T0, XSS_NAME
from model.emotions import EMOTIONS
from storage.queries import dominant_emotion, hardest_moments


def _timeline(n: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(7), size=n)
    df = pd.DataFrame(probs, columns=list(EMOTIONS))
    df.insert(0, "bucket_start", pd.date_range(T0, periods=n, freq="10s"))
    df["mood_index"] = df["happy"] + df["surprise"] - df[["angry", "disgust", "fear", "sad"]].sum(axis=1)
    df["n_frames"], df["n_faces"], df["n_students"], df["peak_students"], df["n_camera_off"] = (
        10,
        25,
        3.0,
        3,
        0.5,
    )
    return df


def _cells() -> pd.DataFrame:
    rows = []
    for pid, name in ((1, "Ana"), (2, XSS_NAME), (3, "Zoë 李")):
        for k in range(3):
            probs = np.full(7, 0.05)
            probs[(pid + k) % 7] = 0.7
            rows.append(
                {
                    "participant_id": pid,
                    "student": name,
                    "bucket_start": T0 + timedelta(minutes=k),
                    **dict(zip(EMOTIONS, probs)),
                    "faces": 5,
                    "frames": 6,
                    "absent_share": 1 / 6,
                }
            )
    cells = pd.DataFrame(rows)
    cells["bucket_start"] = pd.to_datetime(cells["bucket_start"], utc=True)
    cells["mood_index"] = (
        cells["happy"] + cells["surprise"] - cells[["angry", "disgust", "fear", "sad"]].sum(axis=1)
    )
    cells["emotion"] = dominant_emotion(cells)
    return cells.drop(index=[4]).reset_index(drop=True)  # the XSS student missed one bucket


def test_class_mood_stacks_seven_shares_and_mood_line() -> None:
    fig = figures.class_mood(_timeline(), tz=UTC, uirevision="live-1")
    names = [t.name for t in fig.data]
    assert names == [*EMOTIONS, "mood index"]
    assert {t.stackgroup for t in fig.data[:7]} == {"shares"}
    assert fig.data[7].yaxis == "y2"
    assert fig.layout.uirevision == "live-1"
    assert tuple(fig.layout.yaxis2.range) == (-1, 1)
    np.testing.assert_allclose(np.sum([np.asarray(t.y) for t in fig.data[:7]], axis=0), 1.0)


def test_class_mood_marks_hardest_moments_and_converts_time_zone() -> None:
    timeline = _timeline(40)
    timeline.loc[20:, "mood_index"] = -0.9
    hardest = hardest_moments(timeline, 10, count=2, span_seconds=30)
    fig = figures.class_mood(timeline, tz=ZoneInfo("Asia/Tokyo"), hardest=hardest)
    assert len(fig.layout.shapes) == len(hardest) >= 1
    assert pd.Timestamp(fig.data[0].x[0]) == pd.Timestamp("2024-03-01 19:00:00")
    assert "JST" in fig.layout.xaxis.title.text


def test_empty_timeline_says_so() -> None:
    fig = figures.class_mood(_timeline().iloc[:0], tz=UTC)
    assert fig.data == ()
    assert "No observations" in fig.layout.annotations[0].text


def test_heatmap_matrix_fills_gaps_and_escapes_names() -> None:
    fig = figures.student_heatmap(_cells(), tz=UTC)
    heat = fig.data[0]
    assert list(heat.y) == ["Ana", "&lt;script&gt;alert(1)&lt;/script&gt;", "Zoë 李"]
    z = np.asarray(heat.z, dtype=float)
    assert z.shape == (3, 3)
    assert np.isnan(z[1, 1]) and not np.isnan(z[1, 0])
    assert heat.customdata[0][0][0] == 1
    assert heat.zmin == -1 and heat.zmax == 1
    assert "<script>" not in pio.to_json(fig)


def test_student_lines_and_attendance() -> None:
    timeline = _timeline().rename(columns={"bucket_start": "timestamp"})
    fig = figures.student_lines(timeline, XSS_NAME, tz=UTC)
    assert [t.name for t in fig.data] == list(EMOTIONS)
    assert fig.layout.title.text == "&lt;script&gt;alert(1)&lt;/script&gt;"
    presence = figures.attendance(_timeline(), tz=UTC)
    assert [t.name for t in presence.data] == ["students", "cameras off"]


def test_safe_text() -> None:
    assert figures.safe_text('<b>"x"&') == "&lt;b&gt;&quot;x&quot;&amp;"
    assert figures.safe_text(None) == ""
