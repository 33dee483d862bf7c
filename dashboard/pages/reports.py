"""Reports page: past sessions and the post-lecture report, downloadable as one HTML file."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, Input, Output, dash_table, dcc, html, no_update

from dashboard import figures
from dashboard.components import (
    AppContext,
    duration_text,
    int_param,
    local_time,
    of_class,
    session_dropdown,
    stat,
)
from dashboard.look import number, percent
from dashboard.report import hardest_table, student_table
from storage import queries
from storage.measures import MOOD_INDEX_DEFINITION
from storage.queries import SessionReport

PATH = "/reports"
TITLE = "Reports"


def sessions_table(ctx: AppContext) -> list[dict[str, Any]]:
    sessions = queries.list_sessions(ctx.db)
    if sessions.empty:
        return []
    return [
        {
            "id": int(sid),
            "title": str(title),
            "started": local_time(started, ctx.tz),
            "status": "running" if running else "ended",
            "students": int(students),
            "frames": int(frames),
        }
        for sid, title, started, running, students, frames in zip(
            sessions["id"],
            sessions["title"],
            sessions["started_at"],
            sessions["running"],
            sessions["n_students"],
            sessions["frames_written"],
        )
    ]


def _report_stats(report: SessionReport) -> html.Div:
    """The headline figures of a report: duration, students seen, presence, cameras on."""
    session = report.session.iloc[0]
    attendance = report.attendance.iloc[0]
    return html.Div(
        [
            stat("duration", duration_text(float(session["duration_seconds"])), "report-duration"),
            stat(
                "students seen",
                of_class(int(attendance["students"]), session["class_size"]),
                "report-students",
            ),
            stat("present per frame", number(attendance["mean_present"])),
            stat("present at most", str(int(attendance["peak_present"]))),
            stat("camera on", percent(attendance["camera_on_share"])),
        ],
        className="stats",
    )


def _hardest_section(hardest: pd.DataFrame) -> Any:
    """The hardest moments as a table, or the sentence saying why there are none."""
    if hardest.empty:
        return html.P(figures.NO_HARDEST, id="report-hardest", className="muted")
    return dash_table.DataTable(
        data=hardest.to_dict("records"),
        columns=[{"name": c, "id": c} for c in hardest.columns],
        id="report-hardest",
        style_cell={"textAlign": "left"},
    )


def _students_section(students: pd.DataFrame | None) -> Any:
    """The sortable per-student table, or the sentence saying the lecture named nobody (None)."""
    if students is None:
        return html.P(figures.NO_STUDENTS, id="report-students-table", className="muted")
    return dash_table.DataTable(
        data=students.to_dict("records"),
        columns=[{"name": c, "id": c} for c in students.columns],
        sort_action="native",
        page_size=25,
        id="report-students-table",
        style_table={"overflowX": "auto"},
        style_cell={"textAlign": "left", "padding": "4px 8px"},
    )


def report_view(ctx: AppContext, session_id: int | None) -> list[Any]:
    """The report of one session as page content (the data callback)."""
    if session_id is None:
        return [html.P("No sessions recorded yet.")]
    report = ctx.cache.report(session_id)
    session = report.session.iloc[0]
    students = student_table(report.students, ctx.tz)
    hardest = hardest_table(report, ctx.tz)
    return [
        html.H3(str(session["title"]), id="report-title"),
        html.P(
            f"Started {local_time(session['started_at'], ctx.tz)} · "
            f"{'still running' if bool(session['running']) else 'ended'}",
            className="muted",
        ),
        _report_stats(report),
        html.A(
            "Download this report (HTML)",
            href=f"/download/report/{int(session_id)}.html",
            id="report-download",
            className="button",
        ),
        html.H4("Mood over the lecture"),
        html.P(
            MOOD_INDEX_DEFINITION + ("" if report.hardest.empty else " " + figures.HARDEST_MARK),
            className="definition",
        ),
        dcc.Graph(
            figure=figures.class_mood(
                report.timeline, tz=ctx.tz, hardest=report.hardest, uirevision=f"report-{session_id}"
            ),
            config={"displaylogo": False},
            id="report-mood",
        ),
        html.H4("Hardest moments"),
        _hardest_section(hardest),
        html.H4("Students"),
        _students_section(None if report.students.empty else students),
    ]


def layout(ctx: AppContext, params: dict[str, str]) -> html.Div:
    return html.Div(
        [
            html.H2("Reports"),
            html.H3("Sessions"),
            dash_table.DataTable(
                id="reports-sessions",
                data=sessions_table(ctx),
                columns=[
                    {"name": "Title", "id": "title"},
                    {"name": "Started", "id": "started"},
                    {"name": "Status", "id": "status"},
                    {"name": "Students", "id": "students"},
                    {"name": "Frames", "id": "frames"},
                ],
                sort_action="native",
                page_size=10,
                style_cell={"textAlign": "left", "padding": "4px 8px"},
            ),
            html.Div(
                [html.H3("Report"), session_dropdown("reports-session", ctx, int_param(params, "session"))],
                className="page-head",
            ),
            dcc.Loading(html.Div(id="reports-view")),
        ]
    )


def register_callbacks(app: Dash, ctx: AppContext) -> None:
    @app.callback(Output("reports-view", "children"), Input("reports-session", "value"))
    def _report(session_id: int | None) -> list[Any]:
        return report_view(ctx, session_id)

    @app.callback(
        Output("reports-session", "value"),
        Input("reports-sessions", "active_cell"),
        prevent_initial_call=True,
    )
    def _pick(cell: dict[str, Any] | None) -> Any:
        return int(cell["row_id"]) if cell and cell.get("row_id") is not None else no_update
