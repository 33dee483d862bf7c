"""Who may see the dashboard: secret key, cookie settings, the login guard, login rate limiting."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, g, jsonify, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response as BaseResponse

from classmood.config import DashboardSettings
from dashboard.errors import DashboardError
from storage import load_or_create_secret

ROLE_ADMIN = "admin"
SECRET_KEY_FILE = "secret_key"
# Paths whose unauthenticated requests get 401 (called by scripts), not a redirect to the login page.
API_PREFIXES: tuple[str, ...] = ("/_dash-", "/_reload-hash", "/download/")


@dataclass(frozen=True)
class SignedInUser:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN


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
        raise DashboardError(f"{path}: secret key file is damaged (delete it to generate a new one)") from None
    except OSError as exc:
        raise DashboardError(f"{path}: cannot read or create the secret key ({exc.strerror})") from None


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over HTTPS (or always, if configured)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


class LoginRateLimiter:
    """At most ``attempts_per_minute`` wrong passwords per (user, client address) in any 60 s."""

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


def csrf_token() -> str:
    """This browser session's anti-forgery token for plain HTML forms."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def csrf_ok(submitted: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and submitted and secrets.compare_digest(str(expected), submitted))


def sign_in(user: SignedInUser) -> None:
    session.clear()
    session.permanent = True
    session["user_id"] = user.id
    session["user_name"] = user.name
    session["role"] = user.role
    csrf_token()


def current_user() -> SignedInUser | None:
    """The signed-in user of this request (set by the guard), or None."""
    user: SignedInUser | None = g.get("user")
    return user


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

    @server.before_request
    def _require_login() -> BaseResponse | None:
        user_id = session.get("user_id")
        user = lookup_user(int(user_id)) if isinstance(user_id, int) else None
        if user is None and user_id is not None:
            session.clear()
        g.user = user
        if user is not None or request.endpoint in public:
            return None
        if request.method == "GET" and not request.path.startswith(API_PREFIXES):
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("login", next=target))
        response = jsonify(error="sign in first", login=url_for("login"))
        response.status_code = 401
        return response

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
