"""The app behind its login: guard on every route and callback, roles, rate limit, cookies, downloads, XSS."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC
from typing import Any

import pytest
from flask.testing import FlaskClient

from dashboard.auth import LoginRateLimiter, load_secret_key, safe_next
from dashboard.errors import DashboardError
from dashboard_seed import ADMIN, TEACHER, XSS_NAME

EXPORT_HEADER = (
    "session,session_title,frame,timestamp,student,camera,emotion,confidence,"
    "angry,disgust,fear,happy,sad,surprise,neutral"
)


def _csrf(client: FlaskClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True))
    assert match
    return match.group(1)


def _login(client: FlaskClient, user: tuple[str, str], **kw: Any) -> Any:
    return client.post(
        "/login", data={"name": user[0], "password": user[1], "csrf": _csrf(client), "next": "/"}, **kw
    )


def _callback(
    client: FlaskClient, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]], state=()
) -> Any:
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{i}.{p}" for i, p, _ in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }
    return client.post("/_dash-update-component", json=body)


def _urls(server) -> list[tuple[str, str]]:
    """Every route of the server (Flask and Dash) with its arguments filled in, and a method."""
    found = []
    for rule in server.url_map.iter_rules():
        if rule.endpoint in ("login", "logout"):
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = re.sub(rf"<(?:[^:>]+:)?{arg}>", "1" if "int:" in rule.rule else "x.js", url)
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        found.append((url, method))
    return found


def test_every_route_and_callback_needs_login(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    urls = _urls(dashboard_env.server)
    paths = {u for u, _ in urls}
    assert {
        "/_dash-update-component",
        "/_dash-layout",
        "/_dash-dependencies",
        "/download/export.csv",
    } <= paths
    assert any(p.startswith("/download/report/") for p in paths)
    for url, method in [
        *urls,
        ("/", "GET"),
        ("/students", "GET"),
        ("/reports?session=1", "GET"),
        ("/export", "GET"),
    ]:
        response = client.open(url, method=method, json={} if method == "POST" else None)
        assert response.status_code in (302, 401), (url, method, response.status_code)
        if url.startswith(("/_dash-", "/download/")) or method == "POST":
            assert response.status_code == 401, url
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login?next=")
    page = _callback(client, [("page", "children")], [("url", "pathname", "/"), ("url", "search", "")])
    assert page.status_code == 401


def test_login_then_pages_and_callbacks_work(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    response = _login(client, TEACHER)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-dependencies").status_code == 200
    for path in ("/", "/students", "/reports", "/export"):
        routed = _callback(client, [("page", "children")], [("url", "pathname", path), ("url", "search", "")])
        assert routed.status_code == 200, path
    live = _callback(
        client,
        [
            ("live-mood", "figure"),
            ("live-state", "children"),
            ("live-attention", "children"),
            ("live-asof", "children"),
        ],
        [("live-session", "value", dashboard_env.session_id), ("live-interval", "n_intervals", 1)],
    )
    assert live.status_code == 200
    figure = live.get_json()["response"]["live-mood"]["figure"]
    assert [t["name"] for t in figure["data"]][-1] == "mood index"
    assert figure["layout"]["uirevision"] == f"live-{dashboard_env.session_id}"


def test_wrong_passwords_are_rate_limited_per_user_and_address(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    for _ in range(3):
        assert _login(client, (ADMIN[0], "wrong")).status_code == 401
    blocked = _login(client, ADMIN)
    assert blocked.status_code == 429
    assert "Too many wrong passwords" in blocked.get_data(as_text=True)
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    other_address = dashboard_env.server.test_client()
    assert _login(other_address, ADMIN, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302
    assert _login(client, TEACHER).status_code == 302


def test_rate_limiter_window_slides() -> None:
    now = [1000.0]
    limiter = LoginRateLimiter(2, clock=lambda: now[0])
    limiter.record_failure("Ada", "1.1.1.1")
    limiter.record_failure("ada", "1.1.1.1")
    assert limiter.retry_after("ADA", "1.1.1.1") == pytest.approx(60.0)
    assert limiter.retry_after("ada", "2.2.2.2") is None
    now[0] += 45
    assert limiter.retry_after("ada", "1.1.1.1") == pytest.approx(15.0)
    now[0] += 15
    assert limiter.retry_after("ada", "1.1.1.1") is None


def test_login_needs_the_form_token_and_never_redirects_off_site(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    assert client.post("/login", data={"name": ADMIN[0], "password": ADMIN[1]}).status_code == 400
    token = _csrf(client)
    response = client.post(
        "/login", data={"name": ADMIN[0], "password": ADMIN[1], "csrf": token, "next": "//evil.example/x"}
    )
    assert response.headers["Location"] == "/"
    assert safe_next("/students?session=2") == "/students?session=2"
    assert safe_next("https://evil.example") == "/"
    assert safe_next("/\\evil.example") == "/"


def test_session_cookie_flags(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    cookie = _login(client, ADMIN).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure_client = dashboard_env.server.test_client()
    token_page = secure_client.get("/login", base_url="https://localhost")
    token = re.search(r'name="csrf" value="([^"]+)"', token_page.get_data(as_text=True)).group(1)
    response = secure_client.post(
        "/login", base_url="https://localhost", data={"name": ADMIN[0], "password": ADMIN[1], "csrf": token}
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_logout(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    _login(client, TEACHER)
    confirm = client.get("/logout")
    token = re.search(r'name="csrf" value="([^"]+)"', confirm.get_data(as_text=True)).group(1)
    assert client.post("/logout", data={"csrf": token}).status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/_dash-layout").status_code == 401


def test_export_is_admin_only_and_streamed(dashboard_env) -> None:
    teacher = dashboard_env.server.test_client()
    _login(teacher, TEACHER)
    assert teacher.get(f"/download/export.csv?session={dashboard_env.session_id}").status_code == 403
    admin = dashboard_env.server.test_client()
    _login(admin, ADMIN)
    response = admin.get(f"/download/export.csv?session={dashboard_env.session_id}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == EXPORT_HEADER
    assert len(lines) == 1 + 240 * 3
    assert any(XSS_NAME in line for line in lines)
    by_dates = admin.get("/download/export.csv?start=2024-03-01&end=2024-03-01")
    assert by_dates.get_data(as_text=True).splitlines()[1:] == lines[1:]
    for_excel = admin.get(f"/download/export.csv?session={dashboard_env.session_id}&excel=1").get_data()
    assert for_excel.startswith(b"\xef\xbb\xbf") and for_excel[3:].decode("utf-8").splitlines() == lines
    assert admin.get("/download/export.csv?start=2024-03-02&end=2024-03-01").status_code == 400
    assert admin.get("/download/export.csv").status_code == 400


def test_report_download_is_self_contained_and_escapes_names(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    _login(client, TEACHER)
    response = client.get(f"/download/report/{dashboard_env.session_id}.html")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert XSS_NAME not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "cdn" not in body.lower().split("plotly.js v")[0][-2000:]
    assert not re.search(r'<script[^>]+src=["\']https?:', body)
    assert client.get("/download/report/999.html").status_code == 404


def test_names_reach_the_page_as_text(dashboard_env) -> None:
    client = dashboard_env.server.test_client()
    _login(client, TEACHER)
    response = _callback(
        client,
        [("students-heatmap", "figure"), ("students-student", "options"), ("students-table", "data")],
        [("students-session", "value", dashboard_env.session_id), ("students-interval", "n_intervals", 1)],
    )
    payload = response.get_json()["response"]
    assert XSS_NAME in [o["label"] for o in payload["students-student"]["options"]]
    assert XSS_NAME in [r["student"] for r in payload["students-table"]["data"]]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in payload["students-heatmap"]["figure"]["data"][0]["y"]
    assert "dangerouslySetInnerHTML" not in response.get_data(as_text=True)


def test_secret_key_generated_once_with_private_mode(tmp_path, dashboard_env) -> None:
    settings = dashboard_env.settings.model_copy()
    key = load_secret_key(settings, tmp_path / "d")
    path = tmp_path / "d" / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret_key(settings, tmp_path / "d") == key and len(key) == 64
    settings.secret_key = "k" * 32
    assert load_secret_key(settings, tmp_path / "d") == "k" * 32
    settings.secret_key = "short"
    with pytest.raises(DashboardError):
        load_secret_key(settings, tmp_path / "d")


def test_a_report_without_a_drop_says_so_instead_of_an_empty_table(sqlite_db) -> None:

    from dashboard.cache import AggregateCache
    from dashboard.components import AppContext
    from dashboard.figures import HARDEST_MARK, NO_HARDEST
    from dashboard.pages.reports import report_view
    from dashboard.settings import DashboardSettings
    from dashboard_seed import seed_lecture

    with sqlite_db.session() as s:
        names = ("Ana", "Bo")
        lecture = seed_lecture(s, names=names, absent_names=names, seconds=60)  # no face: no mood, no drop
    ctx = AppContext(settings=DashboardSettings(), db=sqlite_db, cache=AggregateCache(sqlite_db), tz=UTC)
    content = report_view(ctx, lecture.session_id)
    hardest = next(part for part in content if getattr(part, "id", None) == "report-hardest")
    assert "never fell" in hardest.children
    definition = next(part for part in content if getattr(part, "className", None) == "definition")
    assert HARDEST_MARK not in definition.children
    # ... and so does the downloaded report
    from dashboard.report import render_report_html
    from storage.queries import session_report

    document = render_report_html(session_report(sqlite_db, lecture.session_id), UTC)
    assert NO_HARDEST in document and HARDEST_MARK not in document and "<th>Mood before</th>" not in document


def test_a_report_without_named_students_says_so(sqlite_db) -> None:
    from dataclasses import replace

    from dashboard.figures import NO_STUDENTS
    from dashboard.report import render_report_html
    from dashboard_seed import seed_lecture
    from storage.queries import session_report

    with sqlite_db.session() as s:
        lecture = seed_lecture(s, names=("Ana",), seconds=20)
    named = session_report(sqlite_db, lecture.session_id)
    nameless = replace(named, students=named.students.iloc[0:0])  # as the aggregate privacy mode keeps it
    assert NO_STUDENTS not in render_report_html(named, UTC)
    assert NO_STUDENTS in render_report_html(nameless, UTC)


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_errors_a_browser_meets_are_pages_with_a_way_back_and_scripts_get_json(
    dashboard_env, monkeypatch
) -> None:
    teacher = dashboard_env.server.test_client()
    _login(teacher, TEACHER)
    page = teacher.get(f"/download/export.csv?session={dashboard_env.session_id}", headers=BROWSER)
    assert page.status_code == 403 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert (
        "Not for your account" in body and 'id="error-back" href="/"' in body and "/assets/style.css" in body
    )
    script = teacher.get(
        f"/download/export.csv?session={dashboard_env.session_id}", headers={"Accept": "application/json"}
    )
    assert script.status_code == 403 and script.get_json() == {
        "error": "Only administrators can export data. Ask one to do it for you."
    }
    missing = teacher.get("/download/report/999999.html", headers=BROWSER)
    assert missing.status_code == 404 and "no lecture number 999999" in missing.get_data(as_text=True)
    admin = dashboard_env.server.test_client()
    _login(admin, ADMIN)
    assert "start and end dates" in admin.get("/download/export.csv", headers=BROWSER).get_data(as_text=True)

    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("dashboard.downloads.render_report_html", broken)
    failed = teacher.get(f"/download/report/{dashboard_env.session_id}.html", headers=BROWSER)
    assert failed.status_code == 500 and "Something went wrong" in failed.get_data(as_text=True)
    assert "a bug" not in failed.get_data(as_text=True)  # no internals shown


def test_a_student_whose_face_was_never_seen_gets_a_sentence_not_an_empty_chart(sqlite_db) -> None:

    from dashboard.cache import AggregateCache
    from dashboard.components import AppContext
    from dashboard.pages.students import detail
    from dashboard.settings import DashboardSettings
    from dashboard_seed import seed_lecture

    with sqlite_db.session() as s:
        lecture = seed_lecture(s, names=("Ana", "Bo"), absent_names=("Bo",), seconds=30)
    ctx = AppContext(settings=DashboardSettings(), db=sqlite_db, cache=AggregateCache(sqlite_db), tz=UTC)
    absent = detail(ctx, lecture.session_id, lecture.participant_ids["Bo"])
    assert "No face of Bo was seen" in absent.layout.annotations[0].text and not absent.data
    present = detail(ctx, lecture.session_id, lecture.participant_ids["Ana"])
    assert len(present.data) > 0


def _ids(component: Any) -> set[str]:
    """Every component id in a Dash layout tree."""
    found = {component.id} if getattr(component, "id", None) else set()
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found |= _ids(child)
    return found


def test_agent_view_is_in_memory_says_when_no_agent_runs_and_is_never_offered_in_aggregate_mode(
    tmp_path,
) -> None:
    from datetime import UTC, datetime

    from classmood.config import Settings
    from dashboard import LatestFrame, create_app
    from dashboard.cache import AggregateCache
    from dashboard.components import AppContext
    from dashboard.pages import live
    from storage import add_user, connect

    db = connect(f"sqlite:///{tmp_path / 'c.db'}")
    add_user(db, ADMIN[0], ADMIN[1], "admin")
    settings = Settings()
    settings.storage.data_dir = tmp_path
    drawn: list[int] = []
    latest = LatestFrame()

    def draw() -> bytes:
        drawn.append(1)
        return b"\x89PNG frame"

    server, _ = create_app(settings.dashboard, db, data_dir=tmp_path, latest_frame=latest)
    client = server.test_client()
    _login(client, ADMIN)
    assert client.get("/agent-view.png").status_code == 404  # no frame analysed yet
    latest.put(draw, datetime(2025, 1, 1, tzinfo=UTC), "9 tiles, 9 faces with an emotion")
    assert drawn == []  # drawn only when asked for
    for _ in range(2):
        answer = client.get("/agent-view.png")
        assert answer.status_code == 200 and answer.data == b"\x89PNG frame"
    assert drawn == [1]  # ... and once per frame

    # the dashboard alone: the control is there and says plainly that no agent runs here
    ctx = AppContext(settings=settings.dashboard, db=db, cache=AggregateCache(db), tz=UTC)
    assert "agent-view-toggle" in _ids(live.layout(ctx, {}))
    assert "No capture agent runs in this process" in live.agent_view_content(ctx)[0].children

    # aggregate mode: nothing per student is kept, so no picture of students is offered at all
    private, _ = create_app(
        settings.dashboard, db, data_dir=tmp_path, latest_frame=latest, offer_agent_view=False
    )
    client = private.test_client()
    _login(client, ADMIN)
    answer = client.get("/agent-view.png")
    assert answer.status_code == 404 and answer.data != b"\x89PNG frame"
    ctx = AppContext(
        settings=settings.dashboard,
        db=db,
        cache=AggregateCache(db),
        tz=UTC,
        latest_frame=latest,
        agent_view_offered=False,
    )
    assert not _ids(live.layout(ctx, {})) & {"agent-view-toggle", "agent-view"}
    db.dispose()
