"""File downloads: the self-contained HTML report (any signed-in user) and the CSV export (admins only).

The CSV is streamed: storage.iter_csv reads with a server-side cursor in partitions and the
response body is that generator, so an export of any size never sits whole in memory.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask, Response, request

from dashboard.auth import current_user
from dashboard.components import AppContext
from dashboard.error_pages import error_response
from dashboard.report import render_report_html
from storage import EXCEL_MARK, StorageError

CsvChunks = Callable[..., Iterator[str]]


def export_window(values: Any) -> dict[str, Any]:
    """Parse ``session=ID`` or ``start=YYYY-MM-DD&end=YYYY-MM-DD`` (UTC dates, end included)."""
    session = values.get("session", "")
    start, end = values.get("start", ""), values.get("end", "")
    if session:
        if not (session.isascii() and session.isdigit()) or len(session) > 18:
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
    if last == date.max:
        raise ValueError("end: date out of range")
    return {
        "start": datetime.combine(first, time.min, tzinfo=UTC),
        "end": datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    }


def export_filename(window: dict[str, Any]) -> str:
    if "session_id" in window:
        return f"classmood-session-{window['session_id']}.csv"
    last = window["end"] - timedelta(days=1)
    return f"classmood-{window['start']:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"


def _encoded(chunks: Iterator[str]) -> Iterator[bytes]:
    try:
        for chunk in chunks:
            yield chunk.encode("utf-8")
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def register_routes(server: Flask, ctx: AppContext, csv_chunks: CsvChunks) -> None:
    """``csv_chunks`` is :func:`storage.iter_csv`: the export's text, header first, a few thousand rows a chunk."""

    @server.route("/download/report/<int:session_id>.html", endpoint="download_report")
    def download_report(session_id: int) -> Response:
        try:
            report = ctx.cache.report(session_id)
        except LookupError:
            return error_response(404, f"There is no lecture number {session_id}.")
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
            return error_response(403, "Only administrators can export data. Ask one to do it for you.")
        try:
            window = export_window(request.args)
        except ValueError as exc:
            return error_response(400, str(exc))

        chunks = csv_chunks(ctx.db, **window)
        try:
            header = next(chunks)
        except StorageError as exc:
            return error_response(404, str(exc))
        mark = [EXCEL_MARK] if request.args.get("excel") == "1" else []
        return Response(
            _encoded(itertools.chain(mark, [header], chunks)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{export_filename(window)}"'},
        )
