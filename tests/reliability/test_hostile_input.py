"""Hostile input to the dashboard is inert: SQL injection and markup in names and URL parameters,
spreadsheet formulas in exports, SQL in the login form."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from storage import (
    PrivacyPolicy,
    StudentObservation,
    add_user,
    connect,
    end_session,
    start_session,
    write_frame,
)

ADMIN = ("ada", "correct horse battery")
TEACHER = ("tom", "staple paper clip")
HOSTILE_NAMES = (
    "Robert'); DROP TABLE observations;--",
    "x' OR '1'='1",
    '" OR 1=1 --',
    "<img src=x onerror=alert(1)>",
    "<script>alert('xss')</script>",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\tTabbed",
    "مريم 🙂 O'Brien",
)
T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


@dataclass
class HostileEnv:
    db: Any
    server: Any
    session_id: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileEnv]:
    """One database and app for the module: nothing here may change them (each test checks)."""
    from dashboard import create_app
    from dashboard.settings import DashboardSettings

    tmp_path = tmp_path_factory.mktemp("hostile")
    db = connect(f"sqlite:///{tmp_path / 'hostile.db'}")
    add_user(db, *ADMIN, "admin")
    add_user(db, *TEACHER, "teacher")
    privacy = PrivacyPolicy("named")
    session_id = start_session(
        db, "Robert'); DROP TABLE lecture_sessions;--", "synth", privacy, started_at=T0
    )
    for frame in range(30):
        observations = [
            StudentObservation(name, True, (1, 2, 30, 30), tuple([0.05] * 3 + [0.6] + [0.05] * 3))
            for name in HOSTILE_NAMES
        ]
        write_frame(db, session_id, frame, T0 + timedelta(seconds=frame), observations, privacy)
    end_session(db, session_id, T0 + timedelta(seconds=30))
    server, _ = create_app(DashboardSettings(), db, data_dir=tmp_path / "data")
    server.config["TESTING"] = True
    yield HostileEnv(db, server, session_id)
    db.dispose()


def _login(client: FlaskClient, user: tuple[str, str]) -> Any:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    return client.post("/login", data={"name": user[0], "password": user[1], "csrf": token.group(1)})


def _callback(client: FlaskClient, outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]]) -> Any:
    many = len(outputs) > 1
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if many
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if many
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{i}.{p}" for i, p, _ in inputs],
        "state": [],
    }
    return client.post("/_dash-update-component", json=body)


def _tables_intact(env: HostileEnv) -> None:
    with env.db.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM observations")).scalar() == 30 * len(
            HOSTILE_NAMES
        )
        assert connection.execute(text("SELECT COUNT(*) FROM participants")).scalar() == len(HOSTILE_NAMES)
        assert connection.execute(text("SELECT COUNT(*) FROM lecture_sessions")).scalar() == 1
        assert connection.execute(text("SELECT COUNT(*) FROM dashboard_users")).scalar() == 2


def test_hostile_names_are_stored_verbatim_and_reach_the_page_as_text(hostile: HostileEnv) -> None:
    with hostile.db.engine.connect() as connection:
        stored = set(connection.execute(text("SELECT display_name FROM participants")).scalars())
    assert stored == set(HOSTILE_NAMES)
    client = hostile.server.test_client()
    _login(client, TEACHER)
    response = _callback(
        client,
        [("students-heatmap", "figure"), ("students-student", "options"), ("students-table", "data")],
        [("students-session", "value", hostile.session_id), ("students-interval", "n_intervals", 1)],
    )
    assert response.status_code == 200
    payload = response.get_json()["response"]
    assert {o["label"] for o in payload["students-student"]["options"]} == set(HOSTILE_NAMES)
    assert {r["student"] for r in payload["students-table"]["data"]} == set(HOSTILE_NAMES)
    labels = payload["students-heatmap"]["figure"]["data"][0]["y"]
    assert not any("<img" in str(label) or "<script" in str(label) for label in labels), (
        "Plotly labels are HTML: escaped"
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in labels
    assert "dangerouslySetInnerHTML" not in response.get_data(as_text=True)
    routed = _callback(
        client, [("page", "children")], [("url", "pathname", "/reports"), ("url", "search", "")]
    )
    assert routed.status_code == 200 and "dangerouslySetInnerHTML" not in routed.get_data(as_text=True)
    _tables_intact(hostile)


@pytest.mark.parametrize(
    "search",
    [
        "?session=1%20OR%201=1",
        "?session=1;DROP%20TABLE%20observations",
        "?session=-1&student=1'%20OR%20'1'='1",
        "?student=0x41&session=%27",
        "?session=99999999999999999999999999",
        "?session=%00&student=%E2%80%AE",
    ],
)
def test_hostile_query_parameters_are_ignored(hostile: HostileEnv, search: str) -> None:
    client = hostile.server.test_client()
    _login(client, TEACHER)
    for path in ("/", "/students", "/reports"):
        assert client.get(path + search).status_code == 200
        routed = _callback(
            client, [("page", "children")], [("url", "pathname", path), ("url", "search", search)]
        )
        assert routed.status_code == 200, (path, search)
    _tables_intact(hostile)


CALLBACKS = {
    "live": (
        [
            ("live-mood", "figure"),
            ("live-state", "children"),
            ("live-attention", "children"),
            ("live-asof", "children"),
        ],
        [("live-session", "value"), ("live-interval", "n_intervals")],
    ),
    "students": (
        [("students-heatmap", "figure"), ("students-student", "options"), ("students-table", "data")],
        [("students-session", "value"), ("students-interval", "n_intervals")],
    ),
    "reports": ([("reports-view", "children")], [("reports-session", "value")]),
}


def _forged(client: FlaskClient, page: str, value: Any) -> Any:
    outputs, inputs = CALLBACKS[page]
    return _callback(client, outputs, [(i, p, value if p == "value" else 1) for i, p in inputs])


@pytest.mark.parametrize("page", sorted(CALLBACKS))
@pytest.mark.parametrize("value", ["1 OR 1=1", "' OR ''='", -1, 10**30, 1.5, True, [1], {"a": 1}])
def test_forged_callback_ids_are_refused_before_any_query(hostile: HostileEnv, page: str, value: Any) -> None:
    client = hostile.server.test_client()
    _login(client, TEACHER)
    response = _forged(client, page, value)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "not an id" in response.get_json()["error"]
    _tables_intact(hostile)


@pytest.mark.parametrize("page", sorted(CALLBACKS))
def test_a_missing_session_is_404_and_a_real_one_works(hostile: HostileEnv, page: str) -> None:
    client = hostile.server.test_client()
    _login(client, TEACHER)
    assert _forged(client, page, 987654).status_code == 404
    assert _forged(client, page, hostile.session_id).status_code == 200
    assert _forged(client, page, None).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "session=1%20OR%201=1",
        "session=1;DROP%20TABLE%20observations",
        "start=2024-01-01'%20OR%20'1'='1",
        "start=2024-03-01&end=2024-03-01;DELETE%20FROM%20observations",
    ],
)
def test_hostile_export_parameters_are_refused(hostile: HostileEnv, query: str) -> None:
    client = hostile.server.test_client()
    _login(client, ADMIN)
    assert client.get(f"/download/export.csv?{query}").status_code == 400
    not_a_report = client.get("/download/report/1%20OR%201=1.html")
    assert "attachment" not in not_a_report.headers.get("Content-Disposition", ""), (
        "only integer ids reach the report route"
    )
    _tables_intact(hostile)


def test_exported_names_never_start_a_formula(hostile: HostileEnv) -> None:
    client = hostile.server.test_client()
    _login(client, ADMIN)
    response = client.get(f"/download/export.csv?session={hostile.session_id}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 30 * len(HOSTILE_NAMES)
    students = {r["student"] for r in rows}
    assert "'" + '=HYPERLINK("http://evil.example","click")' in students
    assert {"'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3", "'\tTabbed"} <= students
    assert not any(s[:1] in "=+-@\t\r" for s in students)
    assert {r["session_title"] for r in rows} == {"Robert'); DROP TABLE lecture_sessions;--"}


@pytest.mark.parametrize(
    "name,password",
    [
        ("' OR '1'='1", "' OR '1'='1"),
        ("ada'--", "anything"),
        ("ada", "' OR 1=1 --"),
        ("ada\x00", ADMIN[1]),
    ],
)
def test_sql_in_the_login_form_signs_nobody_in(hostile: HostileEnv, name: str, password: str) -> None:
    client = hostile.server.test_client()
    response = _login(client, (name, password))
    assert response.status_code in (400, 401)
    assert client.get("/").status_code == 302
    _tables_intact(hostile)
