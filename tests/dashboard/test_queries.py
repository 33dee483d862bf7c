"""The dashboard's SQL aggregates against the same numbers computed by pandas from the seeded rows."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from dashboard_seed import T0, XSS_NAME, seed_lecture
from model.emotions import EMOTIONS
from storage.queries import (
    auto_bucket_seconds,
    class_timeline,
    current_state,
    hardest_moments,
    latest_session_id,
    list_sessions,
    needs_attention,
    session_report,
    student_heatmap,
    student_summary,
    student_timeline,
    summarize_students,
)

MOOD = {"happy": 1, "surprise": 1, "angry": -1, "disgust": -1, "fear": -1, "sad": -1, "neutral": 0}


def _with_mood(raw: pd.DataFrame, bucket: int) -> pd.DataFrame:
    raw = raw.copy()
    raw["mood"] = sum(raw[e] * w for e, w in MOOD.items())
    raw["bucket"] = raw["timestamp"].dt.floor(f"{bucket}s")
    return raw


def test_class_timeline_matches_pandas(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=40)
    timeline = class_timeline(any_db, lecture.session_id, 10)
    raw = _with_mood(lecture.raw, 10)
    grouped = raw.groupby("bucket")
    assert list(timeline["bucket_start"]) == list(grouped.size().index)
    assert timeline["bucket_start"].dt.tz is not None
    np.testing.assert_allclose(timeline["mood_index"], grouped["mood"].mean(), atol=1e-9)
    for emotion in EMOTIONS:
        np.testing.assert_allclose(timeline[emotion], grouped[emotion].mean(), atol=1e-9)
    assert list(timeline["n_faces"]) == list(grouped["happy"].count())
    assert list(timeline["n_frames"]) == [10, 10, 10, 10]
    np.testing.assert_allclose(timeline["n_students"], [3.0] * 4)
    np.testing.assert_allclose(
        timeline["n_camera_off"], grouped["camera_on"].apply(lambda c: (~c).sum() / 10)
    )
    assert np.allclose(timeline[list(EMOTIONS)].sum(axis=1), 1.0)
    assert timeline["mood_index"].between(-1, 1).all()


def test_class_timeline_since_and_empty(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=40)
    later = class_timeline(any_db, lecture.session_id, 10, since=T0 + timedelta(seconds=20))
    assert list(later["bucket_start"]) == [T0 + timedelta(seconds=20), T0 + timedelta(seconds=30)]
    assert class_timeline(any_db, lecture.session_id + 99, 10).empty
    with pytest.raises(ValueError, match="bucket_seconds"):
        class_timeline(any_db, lecture.session_id, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        class_timeline(any_db, lecture.session_id, 10, since=T0.replace(tzinfo=None))


def test_sessions_list_and_latest(any_db) -> None:
    assert latest_session_id(any_db) is None
    assert list_sessions(any_db).empty
    with any_db.session() as s:
        old_running = seed_lecture(
            s, title="Old running", seconds=5, ended=False, start=T0 - timedelta(days=1)
        )
        newest = seed_lecture(s, title="Newest ended", seconds=5, start=T0 + timedelta(hours=2))
    sessions = list_sessions(any_db)
    assert list(sessions["id"]) == [newest.session_id, old_running.session_id]
    assert list(sessions["running"]) == [False, True]
    assert list(sessions["n_students"]) == [3, 3]
    assert str(sessions["started_at"].dt.tz) == "UTC"
    assert latest_session_id(any_db) == old_running.session_id


def test_current_state_counts_latest_frame_and_window_shares(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=40)
    state = current_state(any_db, lecture.session_id, window_seconds=10)
    assert len(state) == 1
    row = state.iloc[0]
    raw = lecture.raw
    end = raw["timestamp"].max()
    window = raw[(raw["timestamp"] > end - pd.Timedelta(seconds=10)) & (raw["timestamp"] <= end)]
    last = raw[raw["frame"] == 39]
    assert row["students_present"] == 3
    assert row["cameras_off"] == int((~last["camera_on"]).sum())
    assert row["faces_visible"] == int(last["happy"].notna().sum())
    assert row["faces"] == int(window["happy"].notna().sum())
    assert row["positive_share"] == pytest.approx((window["happy"] + window["surprise"]).mean())
    negative = window["angry"] + window["disgust"] + window["fear"] + window["sad"]
    assert row["negative_share"] == pytest.approx(negative.mean())
    assert row["mood_index"] == pytest.approx(row["positive_share"] - row["negative_share"])
    assert row["as_of"] == end


def test_needs_attention_flags_sad_and_absent_students(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(
            s, names=("Ana", "Bo", "Cy", "Dee"), seconds=300, sad_names=("Bo",), absent_names=("Cy",)
        )
    flagged = needs_attention(any_db, lecture.session_id, minutes=3, negative_share=0.6, absent_share=0.8)
    assert set(flagged["student"]) == {"Bo", "Cy"}
    by_name = flagged.set_index("student")
    assert by_name.at["Cy", "reason"] == "absent"
    assert by_name.at["Cy", "absent_share"] == pytest.approx(1.0)
    assert by_name.at["Cy", "camera_off_share"] == pytest.approx(1.0)
    assert by_name.at["Bo", "reason"] == "negative"
    raw = lecture.raw
    bo = raw[(raw["name"] == "Bo") & (raw["timestamp"] > raw["timestamp"].max() - pd.Timedelta(minutes=3))]
    assert by_name.at["Bo", "negative_share"] == pytest.approx((bo["emotion"] == "sad").mean())
    assert by_name.at["Bo", "frames"] == len(bo)
    looser = needs_attention(any_db, lecture.session_id, minutes=3, negative_share=0.99, absent_share=0.99)
    assert list(looser["student"]) == ["Cy"]


def test_student_heatmap_and_summary(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=40)
    heat = student_heatmap(any_db, lecture.session_id, 20)
    assert len(heat) == 3 * 2
    raw = _with_mood(lecture.raw, 20)
    expected = raw.groupby(["participant_id", "bucket"])
    merged = heat.set_index(["participant_id", "bucket_start"]).sort_index()
    np.testing.assert_allclose(merged["mood_index"], expected["mood"].mean().sort_index(), atol=1e-9)
    means = expected[list(EMOTIONS)].mean().sort_index()
    assert list(merged["emotion"]) == list(means.idxmax(axis=1))
    assert set(heat["student"]) == {"Ana", "Bo", XSS_NAME}

    summary = student_summary(any_db, lecture.session_id)
    assert list(summary["student"]) == sorted(["Ana", "Bo", XSS_NAME])
    ana = summary.set_index("student").loc["Ana"]
    rows = lecture.raw[lecture.raw["name"] == "Ana"]
    assert ana["frames"] == 40
    assert ana["camera_on_share"] == pytest.approx(rows["camera_on"].mean())
    assert ana["face_share"] == pytest.approx(rows["happy"].notna().mean())
    assert ana["first_seen"] == rows["timestamp"].min()
    assert ana["last_seen"] == rows["timestamp"].max()
    assert ana["emotion"] == rows[list(EMOTIONS)].mean().idxmax()


def test_student_timeline_raw_and_bucketed(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=40)
    pid = lecture.participant_ids["Bo"]
    raw_rows = student_timeline(any_db, lecture.session_id, pid)
    assert len(raw_rows) == 40
    assert raw_rows["timestamp"].is_monotonic_increasing
    bucketed = student_timeline(any_db, lecture.session_id, pid, bucket_seconds=10)
    bo = _with_mood(lecture.raw[lecture.raw["name"] == "Bo"], 10)
    np.testing.assert_allclose(bucketed["sad"], bo.groupby("bucket")["sad"].mean(), atol=1e-9)
    np.testing.assert_allclose(bucketed["camera_on"], bo.groupby("bucket")["camera_on"].mean(), atol=1e-9)


def test_session_report(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=120)
    report = session_report(any_db, lecture.session_id)
    # from the first frame (0.25 s after the session was opened) to the last (119.25 s)
    assert report.session.at[0, "duration_seconds"] == pytest.approx(119)
    assert report.session.at[0, "started_at"] == T0 + pd.Timedelta(seconds=0.25)
    assert report.bucket_seconds == 5
    assert report.attendance.at[0, "students"] == 3
    assert report.attendance.at[0, "peak_present"] == 3
    assert report.attendance.at[0, "mean_present"] == pytest.approx(3.0)
    assert report.attendance.at[0, "face_share"] == pytest.approx(lecture.raw["happy"].notna().mean())
    assert report.attendance.at[0, "camera_on_share"] == pytest.approx(lecture.raw["camera_on"].mean())
    assert len(report.students) == 3
    assert len(report.timeline) == 24
    with pytest.raises(LookupError):
        session_report(any_db, lecture.session_id + 5)


def test_hardest_moments_finds_the_drop() -> None:
    times = pd.date_range(T0, periods=60, freq="10s", tz="UTC")
    mood = np.full(60, 0.3)
    mood[30:] = -0.5
    mood[45:] = -0.4
    timeline = pd.DataFrame({"bucket_start": times, "mood_index": mood})
    hardest = hardest_moments(timeline, 10, count=3, span_seconds=30)
    assert len(hardest) >= 1
    first = hardest.iloc[0]
    assert first["drop"] == pytest.approx(0.8, abs=0.01)
    assert first["start"] <= times[30] <= first["end"]
    assert (hardest["drop"] > 0).all()
    assert hardest_moments(timeline.iloc[:0], 10).empty


def test_auto_bucket_seconds() -> None:
    assert auto_bucket_seconds(120) == 1
    assert auto_bucket_seconds(2 * 3600) == 30
    assert auto_bucket_seconds(10 * 3600) == 120


def test_summary_from_cells_equals_sql_summary(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=50)
    direct = student_summary(any_db, lecture.session_id)
    derived = summarize_students(student_heatmap(any_db, lecture.session_id, 15))
    pd.testing.assert_frame_equal(direct, derived, check_dtype=False, atol=1e-9)


def test_heatmap_since_returns_whole_buckets(any_db) -> None:
    with any_db.session() as s:
        lecture = seed_lecture(s, seconds=40)
    full = student_heatmap(any_db, lecture.session_id, 10)
    tail = student_heatmap(any_db, lecture.session_id, 10, since=T0 + timedelta(seconds=25))
    expected = full[full["bucket_start"] >= T0 + timedelta(seconds=20)].reset_index(drop=True)
    pd.testing.assert_frame_equal(tail, expected)
