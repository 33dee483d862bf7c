"""The post-lecture report as ONE self-contained HTML file (plotly.js inlined, no network needed).

Every text taken from the database goes through :func:`html.escape` (pandas ``to_html`` escapes
cells; titles and names are escaped here), and plotly's JSON escapes ``<`` and ``>``.
"""

from __future__ import annotations

import html
from datetime import tzinfo

import pandas as pd
import plotly.io as pio

from dashboard import figures
from dashboard.components import duration_text, local_time, of_class
from dashboard.look import FONT_CSS, MISSING, number, percent, signed
from model.emotions import EMOTIONS
from storage.measures import MOOD_INDEX_DEFINITION
from storage.queries import SessionReport

_STYLE = (
    FONT_CSS
    + """
body { margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d1f23; }
h1 { margin-bottom: .2rem; } .muted { color: #5a5f69; }
.stats { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.stat { background: #f4f5f7; border-radius: 8px; padding: .6rem 1rem; min-width: 8rem; }
.stat b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #e3e5e8; padding: .3rem .5rem; text-align: left; }
"""
)


def _stat(label: str, value: str) -> str:
    return f'<div class="stat"><b>{html.escape(value)}</b>{html.escape(label)}</div>'


def student_table(students: pd.DataFrame, tz: tzinfo) -> pd.DataFrame:
    """The per-student summary with readable, formatted columns."""
    if students.empty:
        return pd.DataFrame(columns=["Student"])
    out = pd.DataFrame(
        {
            "Student": students["student"].astype(str),
            "Dominant": students["emotion"].fillna(MISSING),
            "Mood index": students["mood_index"].map(signed),
            "Camera on": students["camera_on_share"].map(percent),
            "Face seen": students["face_share"].map(percent),
            **{e: students[e].map(percent) for e in EMOTIONS},
            "First seen": students["first_seen"].map(lambda t: local_time(t, tz, "%H:%M:%S")),
            "Last seen": students["last_seen"].map(lambda t: local_time(t, tz, "%H:%M:%S")),
        }
    )
    return out


def hardest_table(report: SessionReport, tz: tzinfo) -> pd.DataFrame:
    hardest = report.hardest
    if hardest.empty:
        return pd.DataFrame(columns=["#", "From", "To", "Mood before", "Mood after"])
    return pd.DataFrame(
        {
            "#": range(1, len(hardest) + 1),
            "From": hardest["start"].map(lambda t: local_time(t, tz, "%H:%M:%S")),
            "To": hardest["end"].map(lambda t: local_time(t, tz, "%H:%M:%S")),
            "Mood before": hardest["mood_before"].map(signed),
            "Mood after": hardest["mood_after"].map(signed),
        }
    )


def _stats_html(report: SessionReport) -> str:
    """The row of headline figures: duration, attendance, camera and face shares, mean mood."""
    session = report.session.iloc[0]
    attendance = report.attendance.iloc[0]
    return "".join(
        [
            _stat("duration", duration_text(float(session["duration_seconds"]))),
            _stat("students seen", of_class(int(attendance["students"]), session["class_size"])),
            _stat("present per frame (mean)", number(attendance["mean_present"])),
            _stat("present at most", str(int(attendance["peak_present"]))),
            _stat("camera on", percent(attendance["camera_on_share"])),
            _stat("face visible", percent(attendance["face_share"])),
            _stat(
                "class mood index",
                signed(None if report.timeline.empty else report.timeline["mood_index"].mean()),
            ),
        ]
    )


def _table_or_note(table: pd.DataFrame | None, note: str) -> str:
    """``table`` as escaped HTML, or ``note`` (why there is none) when it is None."""
    if table is None:
        return f'<p class="muted">{html.escape(note)}</p>'
    return table.to_html(index=False, escape=True, border=0)


def render_report_html(report: SessionReport, tz: tzinfo) -> str:
    """The whole report as a standalone HTML document (plotly.js is inside; docs/dashboard.md gives its size)."""
    session = report.session.iloc[0]
    mood = figures.class_mood(report.timeline, tz=tz, hardest=report.hardest)
    presence = figures.attendance(report.timeline, tz=tz)
    mood_html = pio.to_html(mood, include_plotlyjs=True, full_html=False, config={"displaylogo": False})
    presence_html = pio.to_html(
        presence, include_plotlyjs=False, full_html=False, config={"displaylogo": False}
    )
    title = html.escape(str(session["title"]))
    started = local_time(session["started_at"], tz)
    status = "still running" if bool(session["running"]) else "ended"
    stats = _stats_html(report)
    students_html = _table_or_note(
        None if report.students.empty else student_table(report.students, tz), figures.NO_STUDENTS
    )
    hardest_html = _table_or_note(
        None if report.hardest.empty else hardest_table(report, tz), figures.NO_HARDEST
    )
    mark = "" if report.hardest.empty else " " + figures.HARDEST_MARK
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ClassMood report · {title}</title><style>{_STYLE}</style></head>
<body>
<h1>{title}</h1>
<p class="muted">Started {html.escape(started)} ({html.escape(str(getattr(tz, "key", tz)))}) · {status} ·
source {html.escape(str(session["source"]))} · privacy mode {html.escape(str(session["privacy_mode"]))}</p>
<div class="stats">{stats}</div>
<h2>Mood over the lecture</h2>
<p class="muted">{html.escape(MOOD_INDEX_DEFINITION + mark)}</p>
{mood_html}
<h2>Hardest moments</h2>
{hardest_html}
<h2>Attendance</h2>
{presence_html}
<h2>Students</h2>
{students_html}
<p class="muted">Emotion estimates come from faces in a video call and are uncertain; use them as a prompt
to check in with the class, never to judge a person.</p>
</body>
</html>
"""
