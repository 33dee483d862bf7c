"""Pure figure builders: DataFrames from :mod:`storage.queries` in, plotly Figures out.

Plotly renders a small HTML subset inside text (``<b>``, ``<br>``, links), so every student
name or session title is HTML-escaped before it goes into a figure: it then shows as typed.
"""

from __future__ import annotations

import html
from datetime import tzinfo

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.look import (
    CAMERA_OFF_COLOR,
    EMOTION_COLORS,
    MOOD_COLOR,
    MOOD_SCALE,
    PLOT_FONT,
    signed,
)
from model.emotions import EMOTIONS

HARDEST_MARK = "Dotted frames: where the mood dropped most."
NO_HARDEST = "The class mood never fell in this lecture: no moment to show."
NO_STUDENTS = (
    "No student was recorded by name in this lecture (no label was read, or the privacy mode keeps no names)."
)
# px between an axis and its tick labels: a time below the x axis stays clear of the lowest label
# of a y axis, which is centred on the x axis and reaches half a line below it
X_TICK_STANDOFF = 12
Y_TICK_STANDOFF = 6


def safe_text(value: object) -> str:
    """A value as plain text for plotly (HTML-escaped, so tags show literally)."""
    return html.escape("" if value is None else str(value), quote=True)


def _local(times: pd.Series, tz: tzinfo) -> pd.Series:
    return pd.to_datetime(times, utc=True).dt.tz_convert(tz).dt.tz_localize(None)


def _axis_title(tz: tzinfo) -> str:
    name = pd.Timestamp.now(tz=tz).tzname() or str(tz)
    return f"time ({safe_text(name)})"


def _base_layout(fig: go.Figure, uirevision: object, height: int) -> go.Figure:
    fig.update_layout(_layout_defaults(uirevision, height))
    return _spaced(fig)


def _spaced(fig: go.Figure) -> go.Figure:
    """Tick labels kept clear of the plot's edges, so those of two axes never meet at a corner."""
    fig.update_xaxes(ticklabelstandoff=X_TICK_STANDOFF, automargin=True)
    fig.update_yaxes(ticklabelstandoff=Y_TICK_STANDOFF, automargin=True)
    return fig


def _layout_defaults(uirevision: object, height: int) -> dict[str, object]:
    return dict(
        template="plotly_white",
        font=PLOT_FONT,
        height=height,
        margin=dict(l=60, r=60, t=40, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hovermode="x unified",
        uirevision=uirevision,
    )


def empty(message: str, height: int = 320) -> go.Figure:
    """A blank figure that says why there is nothing to show."""
    fig = go.Figure()
    fig.add_annotation(
        text=safe_text(message), showarrow=False, font=dict(size=16), x=0.5, y=0.5, xref="paper", yref="paper"
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(
        template="plotly_white", font=PLOT_FONT, height=height, margin=dict(l=20, r=20, t=20, b=20)
    )
    return fig


def _emotion_share_traces(timeline: pd.DataFrame, x: pd.Series) -> list[go.Scatter]:
    """One stacked area per emotion: the mean share of faces showing it in each bucket."""
    return [
        go.Scatter(
            x=x,
            y=timeline[emotion].to_numpy(dtype=float),
            name=emotion,
            mode="lines",
            stackgroup="shares",
            line=dict(width=0.5, color=EMOTION_COLORS[emotion]),
            fillcolor=EMOTION_COLORS[emotion],
            hovertemplate=f"{emotion}: %{{y:.0%}}<extra></extra>",
        )
        for emotion in EMOTIONS
    ]


def _mood_index_trace(timeline: pd.DataFrame, x: pd.Series) -> go.Scatter:
    """The mood index line on the second y axis; hover adds the faces and students behind each point."""
    return go.Scatter(
        x=x,
        y=timeline["mood_index"].to_numpy(dtype=float),
        name="mood index",
        mode="lines",
        yaxis="y2",
        line=dict(width=2.5, color=MOOD_COLOR),
        customdata=np.stack(
            [timeline["n_faces"].to_numpy(dtype=float), timeline["n_students"].to_numpy(dtype=float)],
            axis=-1,
        ),
        hovertemplate="mood index: %{y:+.2f}<br>faces: %{customdata[0]}, students/frame: %{customdata[1]:.1f}<extra></extra>",
    )


def _hardest_marks(hardest: pd.DataFrame, tz: tzinfo) -> dict[str, list[dict[str, object]]]:
    """Layout shapes and annotations: each hardest moment in a dotted frame labelled with its rank
    and drop."""
    starts, ends = _local(hardest["start"], tz), _local(hardest["end"], tz)
    spans = list(zip(starts, ends, hardest["drop"]))
    shapes: list[dict[str, object]] = [
        dict(
            type="rect",
            xref="x",
            yref="paper",
            x0=start,
            x1=end,
            y0=0,
            y1=1,
            fillcolor="rgba(0,0,0,0)",
            line=dict(width=2, color=MOOD_COLOR, dash="dot"),
            layer="above",
        )
        for start, end, _ in spans
    ]
    annotations: list[dict[str, object]] = [
        dict(
            x=start,
            y=1,
            xref="x",
            yref="paper",
            text=f"#{rank} ({signed(-drop)})",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(color=MOOD_COLOR),
            bgcolor="rgba(255,255,255,0.85)",
        )
        for rank, (start, _, drop) in enumerate(spans, start=1)
    ]
    return {"shapes": shapes, "annotations": annotations}


def class_mood(
    timeline: pd.DataFrame,
    *,
    tz: tzinfo,
    hardest: pd.DataFrame | None = None,
    uirevision: object = None,
    height: int = 420,
) -> go.Figure:
    """Stacked area of the seven mean emotion shares, with the mood index line on a second axis.

    ``hardest`` (from :func:`storage.queries.hardest_moments`) is marked as spans in dotted frames
    (:data:`HARDEST_MARK` says so), which leave the colours inside them as they are.
    """
    if timeline.empty:
        return empty("No observations yet for this session.", height)
    x = _local(timeline["bucket_start"], tz)
    traces = [*_emotion_share_traces(timeline, x), _mood_index_trace(timeline, x)]
    layout = _layout_defaults(uirevision, height) | dict(
        xaxis=dict(title=_axis_title(tz)),
        yaxis=dict(title="share of faces", range=[0, 1], tickformat=".0%"),
        yaxis2=dict(
            title="mood index",
            range=[-1, 1],
            overlaying="y",
            side="right",
            zeroline=True,
            zerolinecolor="#888",
            showgrid=False,
        ),
    )
    if hardest is not None and not hardest.empty:
        layout |= _hardest_marks(hardest, tz)
    return _spaced(go.Figure(traces, layout))


def student_heatmap(cells: pd.DataFrame, *, tz: tzinfo, uirevision: object = None) -> go.Figure:
    """Students (rows) x time buckets (columns), colored by mood index; hover shows the dominant emotion."""
    if cells.empty:
        return empty("No named students in this session.")
    students = cells.drop_duplicates("participant_id")[["participant_id", "student"]].reset_index(drop=True)
    times = pd.Index(sorted(cells["bucket_start"].unique()))
    frame = cells.set_index(["participant_id", "bucket_start"])
    full = pd.MultiIndex.from_product(
        [students["participant_id"], times], names=["participant_id", "bucket_start"]
    )
    frame = frame.reindex(full)
    shape = (len(students), len(times))
    z = frame["mood_index"].to_numpy(dtype=float).reshape(shape)
    emotion = frame["emotion"].fillna("no face").to_numpy(dtype=str).reshape(shape)
    absent = frame["absent_share"].to_numpy(dtype=float).reshape(shape)
    customdata = np.dstack(
        [
            np.repeat(students["participant_id"].to_numpy(dtype=float)[:, None], len(times), axis=1),
            np.nan_to_num(absent, nan=1.0),
        ]
    )
    names = [safe_text(name) for name in students["student"]]
    fig = go.Figure(
        go.Heatmap(
            x=_local(pd.Series(times), tz),
            y=names,
            z=z,
            zmin=-1,
            zmax=1,
            zmid=0,
            colorscale=MOOD_SCALE,
            customdata=customdata,
            text=emotion,
            colorbar=dict(title=dict(text="mood index", side="right")),
            hoverongaps=False,
            hovertemplate="%{y}<br>%{x}<br>mood index: %{z:+.2f}<br>mostly: %{text}"
            "<br>absent: %{customdata[1]:.0%}<extra></extra>",
        ),
        layout=dict(
            xaxis=dict(title=_axis_title(tz)),
            yaxis=dict(autorange="reversed", automargin=True, type="category"),
            hovermode="closest",
        ),
    )
    return _base_layout(fig, uirevision, max(320, 22 * len(students) + 120))


def student_lines(
    timeline: pd.DataFrame, student: str, *, tz: tzinfo, uirevision: object = None
) -> go.Figure:
    """One student's seven probabilities over time (gaps where the camera was off or no face)."""
    if timeline.empty:
        return empty("No observations for this student.")
    x = _local(timeline["timestamp"], tz)
    fig = go.Figure()
    for emotion in EMOTIONS:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=timeline[emotion],
                name=emotion,
                mode="lines",
                line=dict(width=1.8, color=EMOTION_COLORS[emotion]),
                hovertemplate=f"{emotion}: %{{y:.0%}}<extra></extra>",
            )
        )
    fig.update_layout(
        title=dict(text=safe_text(student), x=0),
        xaxis=dict(title=_axis_title(tz)),
        yaxis=dict(title="probability", range=[0, 1], tickformat=".0%"),
    )
    _base_layout(fig, uirevision, 380)
    fig.update_layout(
        margin=dict(t=80), legend=dict(y=1.0, yanchor="bottom"), title=dict(y=0.97, yanchor="top")
    )
    return fig


def attendance(timeline: pd.DataFrame, *, tz: tzinfo, uirevision: object = None) -> go.Figure:
    """Students per frame and cameras off per frame over the session."""
    if timeline.empty:
        return empty("No observations for this session.", 260)
    x = _local(timeline["bucket_start"], tz)
    fig = go.Figure(
        [
            go.Scatter(
                x=x, y=timeline["n_students"], name="students", mode="lines", line=dict(color=MOOD_COLOR)
            ),
            go.Scatter(
                x=x,
                y=timeline["n_camera_off"],
                name="cameras off",
                mode="lines",
                line=dict(color=CAMERA_OFF_COLOR, dash="dash"),
            ),
        ]
    )
    fig.update_layout(xaxis=dict(title=_axis_title(tz)), yaxis=dict(title="per frame", rangemode="tozero"))
    return _base_layout(fig, uirevision, 260)
