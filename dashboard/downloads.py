"""File downloads: the self-contained HTML report (any signed-in user) and the CSV export (admins only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, TextIO

from flask import Flask, Response, abort, jsonify, request

from dashboard.auth import current_user
from dashboard.components import AppContext
from dashboard.report import render_report_html
from dashboard.streaming import stream_text

ExportCsv = Callable[..., int]


def export_window(values: Any) -> dict[str, Any]:
    """Parse ``session=ID`` or ``start=YYYY-MM-DD&end=YYYY-MM-DD`` (UTC dates, end included)."""
    session = values.get("session", "")
    start, end = values.get("start", ""), values.get("end", "")
    if session:
        if not session.isdigit():
            raise ValueError("session: expected a session number")
        return {"session_id": int(session)}
    if not start or not end:
        raise ValueError("give session=ID, or start and end dates (YYYY-MM-DD)")
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise ValueError("start/end: expected dates as YYYY-MM-DD") from None
    if last < first:
        raise ValueError("end: must not be before start")
    return {
        "start": datetime.combine(first, time.min, tzinfo=timezone.utc),
        "end": datetime.combine(last + timedelta(days=1), time.min, tzinfo=timezone.utc),
    }


def export_filename(window: dict[str, Any]) -> str:
    if "session_id" in window:
        return f"classmood-session-{window['session_id']}.csv"
    last = window["end"] - timedelta(days=1)
    return f"classmood-{window['start']:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"


def register_routes(server: Flask, ctx: AppContext, export_csv: ExportCsv) -> None:
    @server.route("/download/report/<int:session_id>.html", endpoint="download_report")
    def download_report(session_id: int) -> Response:
        try:
            report = ctx.cache.report(session_id)
        except LookupError:
            abort(404)
        body = render_report_html(report, ctx.tz)
        return Response(
            body,
            mimetype="text/html",
            headers={"Content-Disposition": f'attachment; filename="classmood-report-{session_id}.html"'},
        )

    @server.route("/download/export.csv", endpoint="download_export")
    def download_export() -> Response:
        user = current_user()
        if user is None or not user.is_admin:
            response = jsonify(error="only administrators can export data")
            response.status_code = 403
            return response
        try:
            window = export_window(request.args)
        except ValueError as exc:
            response = jsonify(error=str(exc))
            response.status_code = 400
            return response

        def write(out: TextIO) -> None:
            export_csv(ctx.db, out, **window)

        return Response(
            stream_text(write),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{export_filename(window)}"'},
        )
