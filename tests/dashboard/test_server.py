"""The dashboard served for real: waitress on a free loopback port, talked to over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from dashboard_seed import ADMIN, TEACHER

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPORT_HEADER = (
    "session,session_title,frame,timestamp,student,camera,emotion,confidence,"
    "angry,disgust,fear,happy,sad,surprise,neutral"
)


def _login(base: str, user: tuple[str, str]) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=10)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = http.post(
        f"{base}/login",
        data={"name": user[0], "password": user[1], "csrf": token},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302
    return http


def test_waitress_serves_pages_callbacks_and_a_streamed_export(served, dashboard_env) -> None:
    anonymous = requests.get(f"{served}/", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302
    assert requests.post(f"{served}/_dash-update-component", json={}, timeout=10).status_code == 401

    teacher = _login(served, TEACHER)
    index = teacher.get(f"{served}/", timeout=10)
    assert index.status_code == 200 and "_dash-config" in index.text
    scripts = re.findall(r'src="([^"]+)"', index.text)
    assert scripts and all(teacher.get(served + s, timeout=30).status_code == 200 for s in scripts)
    assert (
        teacher.get(
            f"{served}/download/export.csv?session={dashboard_env.session_id}", timeout=10
        ).status_code
        == 403
    )

    admin = _login(served, ADMIN)
    with admin.get(
        f"{served}/download/export.csv?session={dashboard_env.session_id}", stream=True, timeout=30
    ) as r:
        assert r.status_code == 200
        assert r.headers.get("Transfer-Encoding") == "chunked" or "Content-Length" not in r.headers
        body = b"".join(r.iter_content(8192)).decode("utf-8")
    assert body.splitlines()[0] == EXPORT_HEADER
    assert len(body.splitlines()) == 1 + 240 * 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_dashboard_command_serves_and_warns_without_users(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CLASSMOOD_STORAGE__DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "classmood.cli",
            "dashboard",
            "--db",
            f"sqlite:///{tmp_path / 'cli.db'}",
            "--port",
            str(port),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=2)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "dashboard did not start within 60 s"
                time.sleep(0.3)
        assert response.status_code == 302
        assert response.headers.get("Server") == "ClassMood"
        assert (tmp_path / "data" / "secret_key").exists()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "No dashboard users yet" in stderr
    assert "classmood users add NAME --role admin" in stderr
    assert f"http://127.0.0.1:{port}/" in stderr
