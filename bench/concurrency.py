"""The agent writing while teachers watch: does anything lock, fail or crawl?

Starts the real `classmood dashboard` (waitress) on a free 127.0.0.1 port in a subprocess, a writer
subprocess calling storage.write_frame at FPS frames/s of STUDENTS students (like the capture
agent), and CLIENTS logged-in HTTP clients, each polling the two Dash callbacks the live page
fires on every refresh (the session list and the live view) once per INTERVAL seconds, for
SECONDS seconds. Reports request latency (p50/p95/max), failed requests, "database is locked"
anywhere (writer, server log, responses) and the writer's achieved rate. All traffic stays on
loopback; the run is bounded by --seconds.

    .venv/bin/python bench/concurrency.py                                  # 20 clients, 120 s, 5 fps x 25
    .venv/bin/python bench/concurrency.py --clients 5 --seconds 10 --json
    .venv/bin/python bench/concurrency.py --db postgresql+psycopg://...   # an empty PostgreSQL database
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

LIVE_OUTPUTS = (
    ("live-mood", "figure"),
    ("live-state", "children"),
    ("live-attention", "children"),
    ("live-asof", "children"),
)
LOCKED = "database is locked"


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- writer (runs as its own process: `concurrency.py --writer URL SESSION FPS STUDENTS SECONDS`) ---


def run_writer(url: str, session_id: int, fps: float, students: int, seconds: float) -> dict[str, Any]:
    """write_frame at ``fps`` on a fixed clock for ``seconds``; latencies and errors."""
    import random

    from model.emotions import EMOTIONS
    from storage import PrivacyPolicy, StudentObservation, connect, write_frame
    from storage.settings import PrivacyMode

    db = connect(url, migrate=False)
    privacy = PrivacyPolicy(PrivacyMode.NAMED)
    rng = random.Random(0)
    names = [f"Student {i:02d}" for i in range(students)]
    latencies: list[float] = []
    errors: list[str] = []
    period = 1.0 / fps
    started = time.monotonic()
    frame = 0
    while time.monotonic() - started < seconds:
        observations = []
        for name in names:
            raw = [rng.random() for _ in EMOTIONS]
            total = sum(raw)
            camera_on = rng.random() > 0.1
            observations.append(
                StudentObservation(
                    name,
                    camera_on,
                    (10, 10, 48, 48) if camera_on else None,
                    tuple(v / total for v in raw) if camera_on else None,
                )
            )
        begin = time.perf_counter()
        try:
            write_frame(db, session_id, frame, datetime.now(UTC), observations, privacy)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding to report
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        latencies.append((time.perf_counter() - begin) * 1000)
        frame += 1
        wait = started + frame * period - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    elapsed = time.monotonic() - started
    db.dispose()
    return {
        "frames": frame,
        "fps": frame / elapsed,
        "errors": len(errors),
        "error_samples": errors[:5],
        "locked": sum(LOCKED in e for e in errors),
        "write_ms_p50": _percentile(latencies, 50),
        "write_ms_p95": _percentile(latencies, 95),
        "write_ms_max": max(latencies, default=float("nan")),
    }


# --- clients ------------------------------------------------------------------------------------


def _callback_body(
    outputs: tuple[tuple[str, str], ...],
    inputs: list[tuple[str, str, Any]],
    state: list[tuple[str, str, Any]] | None = None,
) -> dict[str, Any]:
    many = len(outputs) > 1
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if many
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if many
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[-1][0]}.{inputs[-1][1]}"],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in (state or [])],
    }


def _login(base: str, name: str, password: str) -> Any:
    import requests

    http = requests.Session()
    page = http.get(f"{base}/login", timeout=30)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError("login page without a form token")
    response = http.post(
        f"{base}/login",
        data={"name": name, "password": password, "csrf": token.group(1)},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed with HTTP {response.status_code}")
    return http


def _client(
    base: str,
    user: tuple[str, str],
    session_id: int,
    interval: float,
    until: float,
    latencies: list[float],
    failures: list[str],
    lock: threading.Lock,
) -> None:
    try:
        http = _login(base, *user)
    except Exception as exc:  # noqa: BLE001
        with lock:
            failures.append(f"login: {type(exc).__name__}: {exc}")
        return
    tick = 0
    next_at = time.monotonic()
    while time.monotonic() < until:
        tick += 1
        bodies = (
            _callback_body(
                (("live-session", "options"), ("live-session", "value")),
                [("live-interval", "n_intervals", tick)],
                [("live-session", "value", session_id)],
            ),
            _callback_body(
                LIVE_OUTPUTS, [("live-session", "value", session_id), ("live-interval", "n_intervals", tick)]
            ),
        )
        for body in bodies:
            begin = time.perf_counter()
            try:
                response = http.post(f"{base}/_dash-update-component", json=body, timeout=60)
                elapsed = (time.perf_counter() - begin) * 1000
                problem = None if response.status_code == 200 else f"HTTP {response.status_code}"
                if problem is None and LOCKED in response.text:
                    problem = LOCKED
            except Exception as exc:  # noqa: BLE001
                elapsed = (time.perf_counter() - begin) * 1000
                problem = f"{type(exc).__name__}: {exc}"
            with lock:
                latencies.append(elapsed)
                if problem:
                    failures.append(problem)
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))


# --- the run ------------------------------------------------------------------------------------


def run_bench(
    clients: int = 20,
    seconds: float = 120.0,
    fps: float = 5.0,
    students: int = 25,
    interval: float = 1.0,
    db_url: str | None = None,
) -> dict[str, Any]:
    """One bounded run; returns the figures (see the module docstring)."""
    import requests

    from storage import PrivacyPolicy, add_user, connect, start_session
    from storage.settings import PrivacyMode

    with tempfile.TemporaryDirectory(prefix="classmood-concurrency-") as folder:
        work = Path(folder)
        url = db_url or f"sqlite:///{(work / 'classmood.db').as_posix()}"
        db = connect(url)
        password = secrets.token_urlsafe(12)
        user = f"bench_{secrets.token_hex(3)}"
        add_user(db, user, password, "teacher")
        session_id = start_session(db, "Concurrency bench", "bench", PrivacyPolicy(PrivacyMode.NAMED))
        db.dispose()

        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "CLASSMOOD_STORAGE__DATA_DIR": str(work / "data"), "TF_CPP_MIN_LOG_LEVEL": "3"}
        server_log = work / "server.log"
        with open(server_log, "w") as log_file:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "classmood.cli",
                    "dashboard",
                    "--db",
                    url,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                cwd=REPO_ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            writer = None
            try:
                deadline = time.monotonic() + 120
                while True:
                    try:
                        requests.get(f"{base}/login", timeout=2)
                        break
                    except requests.ConnectionError:
                        if server.poll() is not None or time.monotonic() > deadline:
                            raise RuntimeError(
                                f"dashboard did not start: {server_log.read_text()[-2000:]}"
                            ) from None
                        time.sleep(0.2)
                writer = subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--writer",
                        url,
                        str(session_id),
                        str(fps),
                        str(students),
                        str(seconds),
                    ],
                    cwd=REPO_ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                latencies: list[float] = []
                failures: list[str] = []
                lock = threading.Lock()
                until = time.monotonic() + seconds
                threads = [
                    threading.Thread(
                        target=_client,
                        args=(base, (user, password), session_id, interval, until, latencies, failures, lock),
                        daemon=True,
                    )
                    for _ in range(clients)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=seconds + 120)
                out, err = writer.communicate(timeout=seconds + 120)
                if writer.returncode != 0:
                    raise RuntimeError(f"writer failed: {err[-2000:]}")
                written = json.loads(out.strip().splitlines()[-1])
            finally:
                if writer is not None and writer.poll() is None:
                    writer.kill()
                    writer.wait()
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        logged = server_log.read_text(errors="replace")
    return {
        "clients": clients,
        "seconds": seconds,
        "interval_s": interval,
        "fps": fps,
        "students": students,
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "requests": len(latencies),
        "failed": len(failures),
        "failure_samples": sorted(set(failures))[:5],
        "requests_per_s": len(latencies) / seconds,
        "latency_ms_p50": _percentile(latencies, 50),
        "latency_ms_p95": _percentile(latencies, 95),
        "latency_ms_max": max(latencies, default=float("nan")),
        "server_locked": logged.count(LOCKED),
        "server_tracebacks": logged.count("Traceback"),
        "writer": written,
    }


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--writer"]:
        url, session_id, fps, students, seconds = argv[1:6]
        print(json.dumps(run_writer(url, int(session_id), float(fps), int(students), float(seconds))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--fps", type=float, default=5.0)
    parser.add_argument("--students", type=int, default=25)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between a client's refreshes")
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 100 and 1 <= args.seconds <= 900):
        parser.error("--clients must be 1..100 and --seconds 1..900")
    result = run_bench(args.clients, args.seconds, args.fps, args.students, args.interval, args.db)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        w = result["writer"]
        print(
            f"{result['clients']} clients x {result['seconds']:.0f} s on {result['database']}: "
            f"{result['requests']} requests ({result['requests_per_s']:.1f}/s), {result['failed']} failed; "
            f"latency p50 {result['latency_ms_p50']:.0f} ms, p95 {result['latency_ms_p95']:.0f} ms, "
            f"max {result['latency_ms_max']:.0f} ms"
        )
        print(
            f"writer: {w['frames']} frames at {w['fps']:.2f} fps x {result['students']} students, {w['errors']} errors "
            f"({w['locked']} locked); write p50 {w['write_ms_p50']:.1f} ms, p95 {w['write_ms_p95']:.1f} ms, "
            f"max {w['write_ms_max']:.1f} ms"
        )
        print(
            f"server log: {result['server_locked']} 'database is locked', {result['server_tracebacks']} tracebacks"
        )
        if result["failure_samples"]:
            print("failures:", *result["failure_samples"], sep="\n  ")
    return (
        0 if result["failed"] == 0 and result["writer"]["errors"] == 0 and result["server_locked"] == 0 else 1
    )


if __name__ == "__main__":
    sys.exit(main())
