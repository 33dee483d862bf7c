"""How fast the dashboard's pages get their data on a big lecture.

Seeds a database with a 2-hour lecture of 50 students, one observation per student per second
(360,000 rows, bulk insert, then the rollups rebuilt from them with the same SQL as migration
0002's backfill, so the database holds what write_frame would have written), then times each page's data callback (queries + figure building,
exactly what the Dash callback runs) and the raw queries: median of several runs.
"page ... (refresh)" is a page whose aggregate cache is warm (what every refresh and every
later visit costs); "(first load)" starts from an empty cache. Target: < 300 ms each.

    .venv/bin/python bench/dashboard_speed.py            # temporary SQLite file
    .venv/bin/python bench/dashboard_speed.py --db postgresql+psycopg://... --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.cache import AggregateCache
from dashboard.components import AppContext
from dashboard.pages import live, reports, students
from dashboard.report import render_report_html
from dashboard.settings import DashboardSettings
from model.emotions import EMOTIONS
from storage import Database, PrivacyPolicy, StudentObservation, connect, queries, start_session, write_frame
from storage.schema import LectureSession, Observation, Participant
from storage.settings import PrivacyMode
from storage.writes import rebuild_rollups

TARGET_MS = 300.0
START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def seed(engine: Engine, students: int, seconds: int, running: bool, chunk_frames: int = 600) -> int:
    """Insert one lecture (Core executemany in chunks); return its session id."""
    rng = np.random.default_rng(7)
    with engine.begin() as conn:
        key = conn.execute(
            insert(LectureSession).values(
                title="Benchmark lecture",
                source="synth",
                privacy_mode="named",
                started_at=START,
                ended_at=None if running else START + timedelta(seconds=seconds),
                frames_written=seconds,
            )
        ).inserted_primary_key
        assert key is not None  # an INSERT of one row
        session_id = key[0]
        conn.execute(
            insert(Participant),
            [
                {
                    "session_id": session_id,
                    "display_name": f"Student {i:02d}",
                    "first_seen": START,
                    "last_seen": START + timedelta(seconds=seconds - 1),
                }
                for i in range(students)
            ],
        )
        ids = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM participants WHERE session_id = :s ORDER BY id"), {"s": session_id}
            )
        ]
    # A slow drift of mood per student plus noise; 5% camera off, 3% no face.
    base_logits = rng.normal(0, 1, size=(students, len(EMOTIONS)))
    for first in range(0, seconds, chunk_frames):
        frames = np.arange(first, min(seconds, first + chunk_frames))
        logits = (
            base_logits[None, :, :]
            + np.sin(frames[:, None, None] / 600.0 + np.arange(len(EMOTIONS)))
            + rng.normal(0, 0.7, size=(len(frames), students, len(EMOTIONS)))
        )
        probs = np.exp(logits)
        probs /= probs.sum(axis=2, keepdims=True)
        camera_on = rng.random((len(frames), students)) > 0.05
        face = camera_on & (rng.random((len(frames), students)) > 0.03)
        rows = []
        for fi, frame in enumerate(frames):
            timestamp = START + timedelta(seconds=int(frame), milliseconds=100)
            for si in range(students):
                p = probs[fi, si]
                has_face = bool(face[fi, si])
                best = int(np.argmax(p))
                rows.append(
                    {
                        "session_id": session_id,
                        "participant_id": ids[si],
                        "frame": int(frame),
                        "timestamp": timestamp,
                        "camera_on": bool(camera_on[fi, si]),
                        "emotion": EMOTIONS[best] if has_face else None,
                        "confidence": float(p[best]) if has_face else None,
                        **{e: (float(p[k]) if has_face else None) for k, e in enumerate(EMOTIONS)},
                    }
                )
        with engine.begin() as conn:
            conn.execute(insert(Observation), rows)
    return int(session_id)


def backfill(engine: Engine, session_id: int) -> None:
    """The rollups of the bulk-inserted lecture, as write_frame keeps them."""
    with engine.begin() as conn:
        rebuild_rollups(conn, session_id)


def frame_writer(db: Database, students: int) -> Callable[[], Any]:
    """One write_frame call of ``students`` observations per call (observations + rollups), in a
    separate session so the measured lecture is unchanged."""
    privacy = PrivacyPolicy(PrivacyMode.NAMED)
    session_id = start_session(db, "Write benchmark", "synth", privacy, started_at=START)
    scores = (0.05, 0.05, 0.1, 0.5, 0.1, 0.1, 0.1)
    seen = [StudentObservation(f"Student {i:02d}", True, (1, 2, 48, 48), scores) for i in range(students)]
    frames = iter(range(10**9))

    def write() -> None:
        frame = next(frames)
        write_frame(db, session_id, frame, START + timedelta(seconds=frame), seen, privacy)

    return write


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm caches the way a refreshing dashboard does
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def cases(
    db: Database, session_id: int, settings: DashboardSettings, participant_id: int, n_students: int
) -> dict[str, Callable[[], Any]]:
    last_observation: pd.Timestamp = queries.session_info(db, session_id)["last_observation"].iloc[0]
    last = last_observation.to_pydatetime()
    warm = AppContext(settings=settings, db=db, cache=AggregateCache(db), tz=UTC)

    def cold() -> AppContext:
        return AppContext(settings=settings, db=db, cache=AggregateCache(db), tz=UTC)

    return {
        "page live (refresh)": lambda: live.refresh(warm, session_id),
        "page students overview (refresh)": lambda: students.overview(warm, session_id),
        "page students one student": lambda: students.detail(warm, session_id, participant_id),
        "page reports (refresh)": lambda: reports.report_view(warm, session_id),
        "page reports sessions list": lambda: reports.sessions_table(warm),
        "download report HTML (warm)": lambda: render_report_html(warm.cache.report(session_id), UTC),
        "page live (first load)": lambda: live.refresh(cold(), session_id),
        "page students overview (first load)": lambda: students.overview(cold(), session_id),
        "page reports (first load)": lambda: reports.report_view(cold(), session_id),
        "query class_timeline (whole lecture)": lambda: queries.class_timeline(db, session_id, 30),
        "query class_timeline (since 2 min ago)": lambda: queries.class_timeline(
            db, session_id, 30, since=last - timedelta(minutes=2)
        ),
        "query current_state (60 s)": lambda: queries.current_state(db, session_id, 60),
        "query needs_attention": lambda: queries.needs_attention(
            db,
            session_id,
            settings.attention_minutes,
            settings.attention_negative_share,
            settings.attention_absent_share,
        ),
        "query student_heatmap (whole lecture)": lambda: queries.student_heatmap(db, session_id, 60),
        "query student_timeline (10 s)": lambda: queries.student_timeline(db, session_id, participant_id, 10),
        "query student_summary": lambda: queries.student_summary(db, session_id),
        f"write_frame ({n_students} students, with rollups)": frame_writer(db, n_students),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--minutes", type=int, default=120)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = connect(url)
        engine = db.engine
        t0 = time.perf_counter()
        session_id = seed(engine, args.students, args.minutes * 60, running=True)
        seed_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        backfill(engine, session_id)
        backfill_s = time.perf_counter() - t0
        with engine.begin() as conn:
            rows = conn.execute(
                text("SELECT COUNT(*) FROM observations WHERE session_id = :s"), {"s": session_id}
            ).scalar_one()
            participant_id = conn.execute(
                text("SELECT MIN(id) FROM participants WHERE session_id = :s"), {"s": session_id}
            ).scalar_one()
            conn.execute(text("ANALYZE"))
        results = {
            name: median_ms(fn, args.runs)
            for name, fn in cases(db, session_id, DashboardSettings(), participant_id, args.students).items()
        }
        db.dispose()

    report = {
        "database": engine.dialect.name,
        "rows": rows,
        "students": args.students,
        "minutes": args.minutes,
        "seed_seconds": round(seed_s, 1),
        "rollup_backfill_seconds": round(backfill_s, 1),
        "runs": args.runs,
        "target_ms": TARGET_MS,
        "median_ms": {k: round(v, 1) for k, v in results.items()},
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"{report['database']}: {rows} observations ({args.students} students x {args.minutes} min), seeded in {seed_s:.1f} s, rollups backfilled in {backfill_s:.1f} s"
        )
        width = max(len(k) for k in results)
        print(f"{'case'.ljust(width)}  median ms  target {TARGET_MS:.0f}")
        for name, ms in results.items():
            print(f"{name.ljust(width)}  {ms:9.1f}  {'ok' if ms < TARGET_MS else 'SLOW'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
