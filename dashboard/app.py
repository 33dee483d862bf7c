"""The app factory: a Flask server with the login guard, and the Dash app on top of it."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from types import ModuleType
from typing import Any

from dash import Dash, Input, Output, dcc, html
from flask import Flask

from dashboard import agent_view
from dashboard.agent_view import LatestFrame
from dashboard.auth import (
    HttpsAwareSessionInterface,
    LoginRateLimiter,
    SignedInUser,
    current_user,
    install_csrf,
    install_guard,
    load_secret_key,
)
from dashboard.cache import AggregateCache
from dashboard.components import AppContext, query_params
from dashboard.downloads import register_routes as register_downloads
from dashboard.error_pages import install_error_pages
from dashboard.input_guard import install_input_guard
from dashboard.look import FONT_CSS
from dashboard.pages import export, live, login, reports, students
from dashboard.settings import DashboardSettings
from storage import authenticate, get_user, iter_csv

PAGES: tuple[ModuleType, ...] = (live, students, reports, export)
SESSION_LIFETIME = timedelta(hours=12)


def _signed_in(user: Any) -> SignedInUser | None:
    if user is None:
        return None
    return SignedInUser(id=int(user.id), name=str(user.name), role=str(user.role))


def _local_zone() -> tzinfo:
    """This computer's time zone (an aware datetime always has one)."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def _nav(user: SignedInUser | None) -> html.Header:
    links = [
        dcc.Link(page.TITLE, href=page.PATH, className="nav-link", id=f"nav-{page.TITLE.lower()}")
        for page in PAGES
        if page is not export or (user is not None and user.is_admin)
    ]
    who = (
        [
            html.Span(user.name, className="user-name", id="nav-user"),
            html.Span(f" ({user.role})", className="muted"),
        ]
        if user
        else []
    )
    return html.Header(
        [
            html.Div("ClassMood", className="brand"),
            html.Nav(links),
            html.Div(
                [*who, html.A("Sign out", href="/logout", className="nav-link", id="nav-logout")],
                className="who",
            ),
        ],
        className="topbar",
    )


def _flask_server(settings: DashboardSettings, data_dir: Path) -> Flask:
    """The Flask server: secret key, session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS),
    request body limit."""
    server = Flask("classmood.dashboard")
    server.config.update(
        SECRET_KEY=load_secret_key(settings, data_dir),
        SESSION_COOKIE_NAME="classmood_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    server.session_interface = HttpsAwareSessionInterface()
    return server


def _secure(server: Flask, settings: DashboardSettings, db: Any) -> None:
    """Form tokens, the login guard, forged-id refusal, error pages and the sign-in routes."""
    install_csrf(server)
    install_guard(server, lambda user_id: _signed_in(get_user(db, user_id)), login.PUBLIC_ENDPOINTS)
    install_input_guard(server)
    install_error_pages(server)
    login.register_routes(
        server,
        lambda name, password: _signed_in(authenticate(db, name, password)),
        LoginRateLimiter(settings.login_attempts_per_minute),
    )


def _dash_app(server: Flask) -> Dash:
    """The Dash app on ``server``, serving its own assets and the dashboard's font."""
    app = Dash(
        "classmood.dashboard",
        server=server,
        title="ClassMood",
        update_title=None,  # type: ignore[arg-type]  # Dash documents None (keep the title while updating)
        suppress_callback_exceptions=True,
        assets_folder=str(Path(__file__).with_name("assets")),
        serve_locally=True,
        compress=False,
    )
    app.index_string = app.index_string.replace("{%css%}", "{%css%}\n<style>" + FONT_CSS + "</style>", 1)
    return app


def _register_pages(app: Dash, ctx: AppContext) -> None:
    """The page frame (navigation, signed-in user), the router callback and each page's callbacks."""

    def _layout() -> html.Div:
        return html.Div(
            [dcc.Location(id="url"), _nav(current_user()), html.Main(id="page", className="page")]
        )

    app.layout = _layout

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))
    def _route(pathname: str | None, search: str | None) -> Any:
        params = query_params(search)
        for page in PAGES:
            if pathname == page.PATH:
                return page.layout(ctx, params)
        return html.Div(
            [
                html.H2("Not found"),
                html.P(f"No page at {pathname}."),
                dcc.Link("Go to the live page", href="/"),
            ]
        )

    for page in PAGES:
        page.register_callbacks(app, ctx)


def create_app(
    settings: DashboardSettings,
    db: Any,
    *,
    data_dir: Path,
    tz: tzinfo | None = None,
    latest_frame: LatestFrame | None = None,
    offer_agent_view: bool = True,
) -> tuple[Flask, Dash]:
    """The dashboard: every page, callback and download behind the login (``db`` is a storage.Database).

    ``data_dir`` keeps the generated secret key when ``settings.secret_key`` is not set; ``tz`` is
    the time zone times are shown in (default: this computer's); ``latest_frame``: what a capture
    agent in this process sees now (``classmood start``); ``offer_agent_view``: whether the live page may
    offer it at all (not when nothing per student is kept).
    """
    server = _flask_server(settings, data_dir)
    ctx = AppContext(
        settings=settings,
        db=db,
        cache=AggregateCache(db),
        tz=tz or _local_zone(),
        latest_frame=latest_frame,
        agent_view_offered=offer_agent_view,
    )
    _secure(server, settings, db)
    register_downloads(server, ctx, iter_csv)
    agent_view.register_routes(server, latest_frame if ctx.agent_view_offered else None)
    app = _dash_app(server)
    _register_pages(app, ctx)
    return server, app
