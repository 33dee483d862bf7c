"""Errors a browser meets are pages of the app, with a way back; scripts that ask for JSON get JSON."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template_string, request
from werkzeug.exceptions import HTTPException, InternalServerError

from dashboard.look import FONT_CSS

log = logging.getLogger(__name__)

HEADINGS: dict[int, str] = {
    400: "That request is not one the dashboard understands",
    401: "Sign in first",
    403: "Not for your account",
    404: "Nothing here",
    429: "Too many attempts",
    500: "Something went wrong on the dashboard",
}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ status }} · ClassMood</title>
<link rel="stylesheet" href="/assets/style.css">
<style>{{ font_css|safe }}</style>
</head>
<body>
<header class="topbar"><span class="brand">ClassMood</span></header>
<main class="page" id="error-page">
  <h2>{{ heading }}</h2>
  <p class="definition" id="error-message">{{ message }}</p>
  <p class="muted">Error {{ status }}.</p>
  <a class="button" id="error-back" href="/">Back to the dashboard</a>
</main>
</body>
</html>
"""


def wants_json() -> bool:
    """Dash's own requests and clients that prefer JSON to HTML (scripts, ``curl``) get JSON."""
    if request.path.startswith("/_dash"):
        return True
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"


def error_response(status: int, message: str) -> Response:
    """The error as JSON (``{"error": message}``) or as a page of the app, as the client prefers."""
    if wants_json():
        response = jsonify(error=message)
    else:
        heading = HEADINGS.get(status, "Something went wrong")
        response = Response(
            render_template_string(_PAGE, status=status, heading=heading, message=message, font_css=FONT_CSS),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def install_error_pages(server: Flask) -> None:
    """Every HTTP error of ``server``, and any unexpected exception (500, logged), through :func:`error_response`."""

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return error_response(exc.code or 500, exc.description or HEADINGS.get(exc.code or 500, "error"))

    @server.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        log.exception("dashboard: unexpected error on %s", request.path)
        return error_response(500, InternalServerError.description)
