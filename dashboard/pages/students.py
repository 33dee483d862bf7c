"""Students page: mood heatmap (student x time), one student's probabilities, sortable summary table."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, callback_context, dash_table, dcc, html, no_update

from dashboard import figures
from dashboard.components import AppContext, int_param, session_dropdown
from model.emotions import EMOTIONS
from storage import queries

PATH = "/students"
TITLE = "Students"
DETAIL_MAX_POINTS = 720

_PERCENT = dash_table.FormatTemplate.percentage(0)
TABLE_COLUMNS: list[dict[str, Any]] = [
    {"name": "Student", "id": "student", "type": "text"},
    {"name": "Dominant", "id": "emotion", "type": "text"},
    {
        "name": "Mood index",
        "id": "mood_index",
        "type": "numeric",
        "format": dash_table.Format.Format(precision=2, scheme="f", sign="+"),
    },
    {"name": "Camera on", "id": "camera_on_share", "type": "numeric", "format": _PERCENT},
    {"name": "Face seen", "id": "face_share", "type": "numeric", "format": _PERCENT},
    *({"name": e, "id": e, "type": "numeric", "format": _PERCENT} for e in EMOTIONS),
    {"name": "Frames", "id": "frames", "type": "numeric"},
    {"name": "First seen", "id": "first_seen", "type": "text"},
    {"name": "Last seen", "id": "last_seen", "type": "text"},
]


@dataclass(frozen=True)
class StudentsOverview:
    heatmap: go.Figure
    options: list[dict[str, Any]]
    table: list[dict[Hashable, Any]]


def heatmap_bucket_seconds(duration_seconds: float) -> int:
    return queries.report_buckets(duration_seconds)[1]


def overview(ctx: AppContext, session_id: int | None) -> StudentsOverview:
    """Heatmap, student choices and summary rows for one session (the data callback)."""
    if session_id is None:
        return StudentsOverview(figures.empty("No sessions yet."), [], [])
    info = queries.session_info(ctx.db, session_id)
    cells = ctx.cache.student_cells(
        session_id, heatmap_bucket_seconds(float(info["duration_seconds"].iloc[0]))
    )
    summary = queries.summarize_students(cells)
    options = [
        {"label": str(name), "value": int(pid)}
        for pid, name in zip(summary["participant_id"], summary["student"])
    ]
    table = summary.assign(
        id=summary["participant_id"].astype(int),
        first_seen=summary["first_seen"].dt.tz_convert(ctx.tz).dt.strftime("%H:%M:%S"),
        last_seen=summary["last_seen"].dt.tz_convert(ctx.tz).dt.strftime("%H:%M:%S"),
    )
    table = table.astype(object).where(pd.notna(table), None)
    return StudentsOverview(
        figures.student_heatmap(cells, tz=ctx.tz, uirevision=f"heat-{session_id}"),
        options,
        table.to_dict("records"),
    )


def detail(ctx: AppContext, session_id: int | None, participant_id: int | None) -> go.Figure:
    """One student's probabilities over the session (the data callback)."""
    if session_id is None or participant_id is None:
        return figures.empty("Choose a student (or click a row of the heatmap).", 360)
    info = queries.session_info(ctx.db, session_id)
    bucket = queries.auto_bucket_seconds(float(info["duration_seconds"].iloc[0]), DETAIL_MAX_POINTS)
    timeline = queries.student_timeline(ctx.db, session_id, participant_id, bucket_seconds=bucket)
    name = queries.participant_name(ctx.db, participant_id) or f"Student {participant_id}"
    if timeline.empty or timeline[list(EMOTIONS)].isna().all().all():
        return figures.empty(
            f"No face of {name} was seen in this lecture: the camera was off, or the face was never found.",
            360,
        )
    return figures.student_lines(
        timeline, name, tz=ctx.tz, uirevision=f"student-{session_id}-{participant_id}"
    )


def layout(ctx: AppContext, params: dict[str, str]) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.H2("Students"),
                    session_dropdown("students-session", ctx, int_param(params, "session")),
                ],
                className="page-head",
            ),
            html.P(
                "Mood index per student over time (red negative, blue positive, blank: not in the call). "
                "Click a cell or a table row to see that student.",
                className="muted",
            ),
            dcc.Graph(id="students-heatmap", config={"displaylogo": False}),
            html.H3("One student"),
            dcc.Dropdown(
                id="students-student", value=int_param(params, "student"), placeholder="Choose a student"
            ),
            dcc.Graph(id="students-detail", config={"displaylogo": False}),
            html.H3("Summary"),
            dash_table.DataTable(
                id="students-table",
                columns=TABLE_COLUMNS,
                sort_action="native",
                filter_action="native",
                page_size=25,
                style_table={"overflowX": "auto"},
                style_cell={"padding": "4px 8px", "textAlign": "left"},
                style_header={"fontWeight": "600"},
            ),
            dcc.Interval(id="students-interval", interval=int(ctx.settings.refresh_seconds * 2000)),
        ]
    )


def register_callbacks(app: Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("students-heatmap", "figure"),
        Output("students-student", "options"),
        Output("students-table", "data"),
        Input("students-session", "value"),
        Input("students-interval", "n_intervals"),
    )
    def _overview(session_id: int | None, _tick: int | None) -> tuple[Any, ...]:
        view = overview(ctx, session_id)
        return view.heatmap, view.options, view.table

    @app.callback(
        Output("students-student", "value"),
        Input("students-heatmap", "clickData"),
        Input("students-table", "active_cell"),
        Input("students-session", "value"),
        State("students-student", "value"),
        prevent_initial_call=True,
    )
    def _choose(
        click: dict[str, Any] | None, cell: dict[str, Any] | None, _session: int | None, current: int | None
    ) -> Any:
        trigger = callback_context.triggered_id
        if trigger == "students-session":
            return None
        if trigger == "students-heatmap" and click and click.get("points"):
            custom = click["points"][0].get("customdata")
            return int(custom[0]) if custom else no_update
        if trigger == "students-table" and cell and cell.get("row_id") is not None:
            return int(cell["row_id"])
        return no_update if current is not None else None

    @app.callback(
        Output("students-detail", "figure"),
        Input("students-student", "value"),
        Input("students-interval", "n_intervals"),
        State("students-session", "value"),
    )
    def _detail(participant_id: int | None, _tick: int | None, session_id: int | None) -> Any:
        return detail(ctx, session_id, participant_id)
