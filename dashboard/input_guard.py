"""Callback inputs that name database rows (sessions, students) must be plain ids.

The pages only ever send ids from their own dropdowns and links, so anything else in a
``/_dash-update-component`` request was forged: it is refused with 400 before any query runs.
A well-formed id of a session or student that does not exist gives 404, not a server error.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from dashboard.error_pages import error_response

# Dash component ids whose ``value`` is a row id: every "<page>-session" dropdown and the student picker.
ID_SUFFIXES: tuple[str, ...] = ("-session", "-student")
MAX_ID = 2**63 - 1


def is_row_id(value: Any) -> bool:
    """None (nothing chosen) or a positive integer that fits a database id."""
    return value is None or (type(value) is int and 0 < value <= MAX_ID)


def bad_callback_inputs(body: Any) -> list[str]:
    """The ``id.value`` of every row-id input or state of a Dash callback request that is not an id."""
    if not isinstance(body, dict):
        return []
    bad = []
    for group in ("inputs", "state"):
        items = body.get(group) or []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            component = item.get("id")
            if (
                isinstance(component, str)
                and component.endswith(ID_SUFFIXES)
                and item.get("property") == "value"
                and not is_row_id(item.get("value"))
            ):
                bad.append(f"{component}.value")
    return bad


def install_input_guard(server: Flask) -> None:
    """Refuse forged row ids in callbacks (400) and answer missing rows with 404."""

    @server.before_request
    def _check_callback_ids() -> Response | None:
        if request.path != "/_dash-update-component" or request.method != "POST":
            return None
        bad = bad_callback_inputs(request.get_json(silent=True))
        return error_response(400, f"not an id: {', '.join(bad)}") if bad else None

    @server.errorhandler(LookupError)
    def _missing(exc: LookupError) -> Response:
        return error_response(404, str(exc) or "not found")
