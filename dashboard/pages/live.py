"""Live page: the chosen (by default the running) session's class mood, refreshed every few seconds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import figures
from dashboard.components import (
    AppContext,
    duration_text,
    int_param,
    local_time,
    percent,
    session_dropdown,
    session_options,
    stat,
)
from storage import queries

PATH = "/"
TITLE = "Live"
STATE_WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class LiveView:
    figure: go.Figure
    state: list[Any]
    attention: list[Any]
    as_of: str


def live_bucket_seconds(duration_seconds: float) -> int:
    """Bucket width for the live chart: at most ~360 points, never under 5 s."""
    return max(5, queries.auto_bucket_seconds(duration_seconds, 360))


def refresh(ctx: AppContext, session_id: int | None) -> LiveView:
    """Everything the live page shows for one session (the data callback)."""
    if session_id is None:
        return LiveView(figures.empty("No sessions yet. Start one with `classmood capture`."), [], [], "")
    info = queries.session_info(ctx.db, session_id)
    bucket = live_bucket_seconds(float(info["duration_seconds"].iloc[0]))
    timeline = ctx.cache.class_timeline(session_id, bucket)
    figure = figures.class_mood(timeline, tz=ctx.tz, uirevision=f"live-{session_id}")
    state = queries.current_state(ctx.db, session_id, STATE_WINDOW_SECONDS)
    dash_settings = ctx.settings.dashboard
    flagged = queries.needs_attention(
        ctx.db,
        session_id,
        dash_settings.attention_minutes,
        dash_settings.attention_negative_share,
        dash_settings.attention_absent_share,
    )
    if state.empty:
        cards: list[Any] = [html.P("No observations yet.")]
        as_of = ""
    else:
        row = state.iloc[0]
        cards = [
            stat("students present", str(row["students_present"]), "state-present"),
            stat("cameras off", str(row["cameras_off"]), "state-cameras-off"),
            stat("positive", percent(row["positive_share"]), "state-positive"),
            stat("negative", percent(row["negative_share"]), "state-negative"),
            stat("neutral", percent(row["neutral_share"])),
            stat("mood index", "–" if row["mood_index"] != row["mood_index"] else f"{row['mood_index']:+.2f}", "state-mood"),
        ]
        status = "running" if bool(info.at[0, "running"]) else "ended"
        as_of = (
            f"As of {local_time(row['as_of'], ctx.tz, '%H:%M:%S')} (last {int(STATE_WINDOW_SECONDS)} s) · "
            f"session {status}, {duration_text(float(info['duration_seconds'].iloc[0]))} · {bucket} s per point"
        )
    if flagged.empty:
        attention: list[Any] = [html.Li("Nobody right now.", className="muted")]
    else:
        attention = [
            html.Li(
                [
                    dcc.Link(str(student), href=f"/students?session={session_id}&student={int(pid)}", className="student-name"),
                    html.Span(f" — {reason}: negative {neg:.0%}, absent {absent:.0%} of {frames} frames"),
                ]
            )
            for pid, student, reason, neg, absent, frames in zip(
                flagged["participant_id"], flagged["student"], flagged["reason"],
                flagged["negative_share"], flagged["absent_share"], flagged["frames"],
            )
        ]
    return LiveView(figure, cards, attention, as_of)


def layout(ctx: AppContext, params: dict[str, str]) -> html.Div:
    dash_settings = ctx.settings.dashboard
    return html.Div(
        [
            html.Div([html.H2("Live class mood"), session_dropdown("live-session", ctx, int_param(params, "session"))],
                     className="page-head"),
            html.P(id="live-asof", className="muted"),
            html.Div(id="live-state", className="stats"),
            dcc.Graph(id="live-mood", config={"displaylogo": False}),
            html.P(queries.MOOD_INDEX_DEFINITION, className="definition", id="mood-definition"),
            html.H3("Needs attention"),
            html.P(
                f"Students who, over the last {dash_settings.attention_minutes:g} minutes, looked negative "
                f"(angry, disgust, fear, sad) at least {dash_settings.attention_negative_share:.0%} of the time, "
                f"or were absent (camera off or no face) at least {dash_settings.attention_absent_share:.0%} of the time.",
                className="muted",
            ),
            html.Ul(id="live-attention", className="attention"),
            dcc.Interval(id="live-interval", interval=int(dash_settings.refresh_seconds * 1000)),
        ]
    )


def register_callbacks(app: Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("live-mood", "figure"),
        Output("live-state", "children"),
        Output("live-attention", "children"),
        Output("live-asof", "children"),
        Input("live-session", "value"),
        Input("live-interval", "n_intervals"),
    )
    def _update(session_id: int | None, _tick: int | None) -> tuple[Any, ...]:
        view = refresh(ctx, session_id)
        return view.figure, view.state, view.attention, view.as_of

    @app.callback(
        Output("live-session", "options"),
        Output("live-session", "value"),
        Input("live-interval", "n_intervals"),
        State("live-session", "value"),
        prevent_initial_call=True,
    )
    def _sessions(_tick: int | None, current: int | None) -> tuple[Any, Any]:
        sessions = queries.list_sessions(ctx.db)
        value = queries.latest_session_id(ctx.db) if current is None else no_update
        return session_options(sessions, ctx.tz), value
