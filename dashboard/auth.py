"""Who may see the dashboard: secret key, cookie settings, the login guard (Flask-Login), form
tokens (Flask-WTF), login rate limiting."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import flask_login
from flask import Flask, Response, current_app, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.wrappers import Response as BaseResponse

from dashboard.errors import DashboardError
from dashboard.settings import DashboardSettings
from storage import load_or_create_secret

ROLE_ADMIN = "admin"
SECRET_KEY_FILE = "secret_key"
# Paths whose unauthenticated requests get 401 (called by scripts), not a redirect to the login page.
API_PREFIXES: tuple[str, ...] = ("/_dash-", "/_reload-hash", "/download/")


@dataclass(frozen=True)
class SignedInUser:
    """A user as Flask-Login sees one: the four members its ``UserMixin`` would give, typed here
    (Flask-Login ships no types)."""

    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_authenticated(self) -> bool:
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


def load_secret_key(settings: DashboardSettings, data_dir: Path) -> str:
    """``dashboard.secret_key`` (config or CLASSMOOD_DASHBOARD__SECRET_KEY), else the key kept in
    ``<data_dir>/secret_key``, generated (mode 0600) on first use."""
    if settings.secret_key:
        if len(settings.secret_key) < 16:
            raise DashboardError("dashboard.secret_key: too short (use at least 16 random characters)")
        return settings.secret_key
    path = data_dir / SECRET_KEY_FILE
    try:
        return load_or_create_secret(path).hex()
    except ValueError:
        raise DashboardError(
            f"{path}: secret key file is damaged (delete it to generate a new one)"
        ) from None
    except OSError as exc:
        raise DashboardError(f"{path}: cannot read or create the secret key ({exc.strerror})") from None


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over HTTPS (or always, if configured)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


class LoginRateLimiter:
    """At most ``attempts_per_minute`` wrong passwords per (user, client address) in any 60 s.

    Ours, not Flask-Limiter: its storage (the ``limits`` package) reads ``time.time()`` with no clock
    to inject, and this window is tested sliding on an injected clock (tests/dashboard/test_app.py).
    """

    def __init__(self, attempts_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = attempts_per_minute
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] >= 60.0:
            failures.popleft()
        return failures

    def retry_after(self, user: str, address: str) -> float | None:
        """Seconds until another try is allowed, or None if allowed now."""
        key = (user.casefold(), address)
        with self._lock:
            now = self._clock()
            failures = self._recent(key, now)
            if len(failures) < self._limit:
                if not failures:
                    self._failures.pop(key, None)
                return None
            return max(1.0, 60.0 - (now - failures[0]))

    def record_failure(self, user: str, address: str) -> None:
        key = (user.casefold(), address)
        with self._lock:
            self._recent(key, self._clock()).append(self._clock())

    def reset(self, user: str, address: str) -> None:
        with self._lock:
            self._failures.pop((user.casefold(), address), None)


def install_csrf(server: Flask) -> None:
    """Anti-forgery tokens for the plain HTML forms (field ``csrf``), valid for the browser session.

    The forms check their token themselves (:func:`csrf_ok`): Dash's JSON callbacks carry no form
    token (SameSite=Lax cookies and JSON bodies guard them), so no check runs on every POST."""
    server.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_FIELD_NAME="csrf",
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,  # the token alone, as before: proxies and privacy settings drop Referer
    )
    CSRFProtect(server)


def csrf_token() -> str:
    """This browser session's anti-forgery token for plain HTML forms."""
    return str(generate_csrf())


def csrf_ok() -> bool:
    """True if this request's form carries this browser session's token."""
    try:
        current_app.extensions["csrf"].protect()
    except CSRFError:
        return False
    return True


def sign_in(user: SignedInUser) -> None:
    session.clear()
    session.permanent = True
    login_user(user)


def sign_out() -> None:
    logout_user()
    session.clear()


def current_user() -> SignedInUser | None:
    """The signed-in user of this request, or None."""
    user = flask_login.current_user
    return user if isinstance(user, SignedInUser) else None


def install_guard(
    server: Flask,
    lookup_user: Callable[[int], SignedInUser | None],
    public_endpoints: Iterable[str],
) -> None:
    """Every request needs a signed-in user except ``public_endpoints`` (the login page).

    Page requests without one are redirected to the login page; Dash's JSON endpoints,
    callbacks and downloads get 401. The user is re-read from the database on each request,
    so a deleted user or a changed role takes effect at once.
    """
    public = frozenset(public_endpoints)
    manager = LoginManager(server)

    def _load_user(user_id: str) -> SignedInUser | None:
        return lookup_user(int(user_id)) if user_id.isdigit() else None

    def _unauthorized() -> BaseResponse:
        if request.method == "GET" and not request.path.startswith(API_PREFIXES):
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("login", next=target))
        response = jsonify(error="sign in first", login=url_for("login"))
        response.status_code = 401
        return response

    # Registered by call, not as decorators: Flask-Login's are untyped and would erase these types.
    manager.user_loader(_load_user)
    manager.unauthorized_handler(_unauthorized)

    # What login_required does, for every view: Dash registers its own views, which cannot be decorated.
    @server.before_request
    def _require_login() -> BaseResponse | None:
        if flask_login.current_user.is_authenticated:
            return None
        if "_user_id" in session:
            session.clear()  # a deleted user: the session ends at once
        if request.endpoint in public:
            return None
        return cast(BaseResponse, manager.unauthorized())  # what _unauthorized returned

    @server.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith("/_dash-component-suites/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def safe_next(target: str | None) -> str:
    """A post-login redirect target that stays on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
