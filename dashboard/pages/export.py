"""Export page (administrators): CSV of one session or of a date range, streamed by /download/export.csv."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dash import Dash, Input, Output, dcc, html

from dashboard.auth import current_user
from dashboard.components import AppContext, int_param, session_dropdown

PATH = "/export"
TITLE = "Export"
EXCEL_OPTION: list[dcc.Checklist.Options] = [
    {
        "label": " For Excel (UTF-8 with a byte-order mark: names in any script open right on a double click)",
        "value": "excel",
    }
]
CSV_COLUMNS = (
    "session,session_title,frame,timestamp,student,camera,emotion,confidence,"
    "angry,disgust,fear,happy,sad,surprise,neutral"
)


def _href(query: dict[str, object], excel: bool) -> str:
    return "/download/export.csv?" + urlencode({**query, **({"excel": 1} if excel else {})})


def session_href(session_id: int | None, excel: bool = False) -> str | None:
    return None if session_id is None else _href({"session": int(session_id)}, excel)


def range_href(start: str | None, end: str | None, excel: bool = False) -> str | None:
    if not start or not end:
        return None
    return _href({"start": start[:10], "end": end[:10]}, excel)


def layout(ctx: AppContext, params: dict[str, str]) -> html.Div:
    user = current_user()
    if user is None or not user.is_admin:
        return html.Div(
            [
                html.H2("Export"),
                html.P("Only administrators can export data. Ask one to do it for you.", id="export-denied"),
            ]
        )
    return html.Div(
        [
            html.H2("Export"),
            html.P(
                [
                    "CSV files with one row per student per frame, the same columns as ",
                    html.Code("classmood export"),
                    ": ",
                    html.Code(CSV_COLUMNS),
                    ". Times are UTC.",
                ],
                className="muted",
            ),
            dcc.Checklist(id="export-excel", options=EXCEL_OPTION, value=[]),
            html.H3("One session"),
            session_dropdown("export-session", ctx, int_param(params, "session")),
            html.A("Download CSV of this session", id="export-session-link", className="button", href=None),
            html.H3("All sessions between two dates (UTC, both included)"),
            dcc.DatePickerRange(id="export-range", display_format="YYYY-MM-DD"),
            html.A("Download CSV of these dates", id="export-range-link", className="button", href=None),
        ]
    )


def register_callbacks(app: Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("export-session-link", "href"),
        Input("export-session", "value"),
        Input("export-excel", "value"),
    )
    def _session_link(session_id: int | None, excel: list[str] | None) -> Any:
        return session_href(session_id, bool(excel))

    @app.callback(
        Output("export-range-link", "href"),
        Input("export-range", "start_date"),
        Input("export-range", "end_date"),
        Input("export-excel", "value"),
    )
    def _range_link(start: str | None, end: str | None, excel: list[str] | None) -> Any:
        return range_href(start, end, bool(excel))
