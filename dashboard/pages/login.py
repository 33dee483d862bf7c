"""Sign-in and sign-out: plain Flask routes with a self-contained HTML form (no Dash, no assets)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, redirect, render_template_string, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from dashboard.auth import (
    LoginRateLimiter,
    SignedInUser,
    csrf_ok,
    csrf_token,
    current_user,
    safe_next,
    sign_in,
    sign_out,
)
from dashboard.look import FONT_CSS

PUBLIC_ENDPOINTS: tuple[str, ...] = ("login", "logout")

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>ClassMood · {{ heading }}</title>
<style>
  {{ font_css|safe }}
  body { background: #f4f5f7;
         color: #1d1f23; display: flex; min-height: 100vh; margin: 0; align-items: center; justify-content: center; }
  main { background: #fff; padding: 2rem 2.5rem; border-radius: 10px; box-shadow: 0 2px 12px rgba(0,0,0,.08);
         width: min(22rem, 90vw); }
  h1 { font-size: 1.4rem; margin: 0 0 1.2rem; }
  label { display: block; margin: .8rem 0 .3rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem;
         border: 1px solid #b9bec7; border-radius: 6px; }
  button { margin-top: 1.3rem; width: 100%; padding: .6rem; font-size: 1rem; border: 0; border-radius: 6px;
         background: #2456c9; color: #fff; cursor: pointer; }
  .error { background: #fde8e8; color: #8a1c1c; padding: .6rem .8rem; border-radius: 6px; }
  .note { color: #555; font-size: .9rem; }
</style>
</head>
<body>
<main>
  <h1>{{ heading }}</h1>
  {% if message %}<p class="error" role="alert" id="login-error">{{ message }}</p>{% endif %}
  {% if form == "login" %}
  <form method="post" action="{{ url_for('login') }}">
    <input type="hidden" name="csrf" value="{{ csrf }}">
    <input type="hidden" name="next" value="{{ next }}">
    <label for="name">User name</label>
    <input type="text" id="name" name="name" value="{{ name }}" autocomplete="username" required autofocus>
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required>
    <button type="submit" id="login-submit">Sign in</button>
  </form>
  <p class="note">No account yet? An administrator adds one with <code>classmood users add NAME --role teacher</code>.</p>
  {% else %}
  <form method="post" action="{{ url_for('logout') }}">
    <input type="hidden" name="csrf" value="{{ csrf }}">
    <p>Signed in as <strong>{{ name }}</strong>.</p>
    <button type="submit" id="logout-submit">Sign out</button>
  </form>
  {% endif %}
</main>
</body>
</html>
"""


def _page(status: int, **context: object) -> Response:
    context.setdefault("message", None)
    context.setdefault("name", "")
    context.setdefault("next", "/")
    body = render_template_string(_PAGE, csrf=csrf_token(), font_css=FONT_CSS, **context)
    return Response(body, status=status, mimetype="text/html")


def _sign_in_page(status: int, target: str, name: str = "", message: str | None = None) -> Response:
    """The sign-in form, keeping the name typed and where to go after, with an optional error."""
    return _page(
        status, heading="Sign in to ClassMood", form="login", next=target, name=name, message=message
    )


def _too_many_attempts(wait: float, target: str, name: str) -> Response:
    """429 with ``Retry-After`` (whole seconds, rounded up) and a message saying when to try again."""
    seconds = int(wait + 0.999)
    response = _sign_in_page(
        429,
        target,
        name,
        f"Too many wrong passwords for this user from your address. Try again in {seconds} seconds.",
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def register_routes(
    server: Flask,
    authenticate: Callable[[str, str], SignedInUser | None],
    limiter: LoginRateLimiter,
) -> None:
    """/login (GET form, POST credentials) and /logout (GET confirm, POST sign out)."""

    @server.route("/login", methods=["GET", "POST"], endpoint="login")
    def login() -> BaseResponse:
        target = safe_next(request.values.get("next"))
        if request.method == "GET":
            if current_user() is not None:
                return redirect(target)
            return _sign_in_page(200, target)
        name = (request.form.get("name") or "").strip()
        password = request.form.get("password") or ""
        if not csrf_ok():
            return _sign_in_page(400, target, name, "The form expired. Please try again.")
        address = request.remote_addr or "unknown"
        wait = limiter.retry_after(name, address)
        if wait is not None:
            return _too_many_attempts(wait, target, name)
        user = authenticate(name, password) if name and password else None
        if user is None:
            limiter.record_failure(name, address)
            return _sign_in_page(401, target, name, "Wrong user name or password.")
        limiter.reset(name, address)
        sign_in(user)
        return redirect(target)

    @server.route("/logout", methods=["GET", "POST"], endpoint="logout")
    def logout() -> BaseResponse:
        user = current_user()
        if request.method == "GET":
            if user is None:
                return redirect(url_for("login"))
            return _page(200, heading="Sign out", form="logout", name=user.name)
        if user is not None and not csrf_ok():
            return _page(
                400,
                heading="Sign out",
                form="logout",
                name=user.name,
                message="The form expired. Please try again.",
            )
        sign_out()
        return redirect(url_for("login"))
