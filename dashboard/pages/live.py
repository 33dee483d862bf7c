"""Live page: the chosen (by default the running) session's class mood, refreshed every few seconds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import figures
from dashboard.agent_view import PATH as AGENT_VIEW_PATH
from dashboard.components import (
    AppContext,
    duration_text,
    int_param,
    local_time,
    of_class,
    session_dropdown,
    session_options,
    stat,
)
from dashboard.look import percent, signed
from storage import queries
from storage.measures import MOOD_INDEX_DEFINITION

PATH = "/"
TITLE = "Live"
STATE_WINDOW_SECONDS = 60.0
AGENT_VIEW_SHOW = "What the agent sees"
AGENT_VIEW_HIDE = "Hide what the agent sees"


@dataclass(frozen=True)
class LiveView:
    figure: go.Figure
    state: list[Any]
    attention: list[Any]
    as_of: str


def live_bucket_seconds(duration_seconds: float) -> int:
    """Bucket width for the live chart: at most ~360 points, never under 5 s."""
    return max(5, queries.auto_bucket_seconds(duration_seconds, 360))


def _state_cards(
    ctx: AppContext, info: pd.DataFrame, state: pd.DataFrame, bucket: int
) -> tuple[list[Any], str]:
    """The current-state cards of the last minute and the "as of" line above them."""
    if state.empty:
        return [html.P("No observations yet.")], ""
    row = state.iloc[0]
    cards = [
        stat(
            "students present",
            of_class(int(row["students_present"]), info.at[0, "class_size"]),
            "state-present",
        ),
        stat("cameras off", str(row["cameras_off"]), "state-cameras-off"),
        stat("positive", percent(row["positive_share"]), "state-positive"),
        stat("negative", percent(row["negative_share"]), "state-negative"),
        stat("neutral", percent(row["neutral_share"])),
        stat(
            "mood index",
            signed(row["mood_index"]),
            "state-mood",
        ),
    ]
    status = "running" if bool(info.at[0, "running"]) else "ended"
    as_of = (
        f"As of {local_time(row['as_of'], ctx.tz, '%H:%M:%S')} (last {int(STATE_WINDOW_SECONDS)} s) · "
        f"session {status}, {duration_text(float(info['duration_seconds'].iloc[0]))} · {bucket} s per point"
    )
    return cards, as_of


def _attention_items(flagged: pd.DataFrame, session_id: int) -> list[Any]:
    """One list item per flagged student, linked to their page, saying why they were flagged."""
    if flagged.empty:
        return [html.Li("Nobody right now.", className="muted")]
    return [
        html.Li(
            [
                dcc.Link(
                    str(student),
                    href=f"/students?session={session_id}&student={int(pid)}",
                    className="student-name",
                ),
                html.Span(
                    f" — {reason}: negative {percent(neg)}, absent {percent(absent)} of {frames} frames"
                ),
            ]
        )
        for pid, student, reason, neg, absent, frames in zip(
            flagged["participant_id"],
            flagged["student"],
            flagged["reason"],
            flagged["negative_share"],
            flagged["absent_share"],
            flagged["frames"],
        )
    ]


def refresh(ctx: AppContext, session_id: int | None) -> LiveView:
    """Everything the live page shows for one session (the data callback)."""
    if session_id is None:
        return LiveView(figures.empty("No sessions yet. Start one with `classmood capture`."), [], [], "")
    info = queries.session_info(ctx.db, session_id)
    bucket = live_bucket_seconds(float(info["duration_seconds"].iloc[0]))
    timeline = ctx.cache.class_timeline(session_id, bucket)
    figure = figures.class_mood(timeline, tz=ctx.tz, uirevision=f"live-{session_id}")
    state = queries.current_state(ctx.db, session_id, STATE_WINDOW_SECONDS)
    dash_settings = ctx.settings
    flagged = queries.needs_attention(
        ctx.db,
        session_id,
        dash_settings.attention_minutes,
        dash_settings.attention_negative_share,
        dash_settings.attention_absent_share,
    )
    cards, as_of = _state_cards(ctx, info, state, bucket)
    return LiveView(figure, cards, _attention_items(flagged, session_id), as_of)


def agent_view_content(ctx: AppContext) -> list[Any]:
    """The latest frame as the agent in this process drew it, or why there is none."""
    if ctx.latest_frame is None:
        return [
            html.P(
                "No capture agent runs in this process, so there is no frame to show. "
                "`classmood start` runs the agent beside the dashboard and shows here what it sees.",
                id="agent-view-none",
                className="muted",
            )
        ]
    view = ctx.latest_frame.view()
    if view is None:
        return [html.P("The agent has not analysed a frame yet.", id="agent-view-none", className="muted")]
    return [
        html.P(
            f"Frame of {local_time(view.taken_at, ctx.tz, '%H:%M:%S')}: {view.found}. Green boxes: camera on; "
            "grey: camera off; yellow: faces, each tile with the name read and the emotion. Held in memory only.",
            id="agent-view-caption",
            className="muted",
        ),
        html.Img(
            src=f"{AGENT_VIEW_PATH}?at={view.taken_at.timestamp():.3f}",
            id="agent-view-image",
            alt="the latest frame the agent analysed, with what it found drawn on it",
        ),
    ]


def _agent_view_controls(ctx: AppContext) -> list[Any]:
    if not ctx.agent_view_offered:
        return []
    return [
        html.Div(
            [
                html.Button(AGENT_VIEW_SHOW, id="agent-view-toggle", n_clicks=0, className="button"),
                html.Span("the latest frame as the agent read it: is everyone found?", className="muted"),
            ],
            className="agent-view-bar",
        ),
        html.Div(id="agent-view", className="agent-view", hidden=True),
    ]


def layout(ctx: AppContext, params: dict[str, str]) -> html.Div:
    dash_settings = ctx.settings
    return html.Div(
        [
            html.Div(
                [
                    html.H2("Live class mood"),
                    session_dropdown("live-session", ctx, int_param(params, "session")),
                ],
                className="page-head",
            ),
            *_agent_view_controls(ctx),
            html.P(id="live-asof", className="muted"),
            html.Div(id="live-state", className="stats"),
            dcc.Graph(id="live-mood", config={"displaylogo": False}),
            html.P(MOOD_INDEX_DEFINITION, className="definition", id="mood-definition"),
            html.H3("Needs attention"),
            html.P(
                f"Students who, over the last {dash_settings.attention_minutes:g} minutes, looked negative "
                f"(angry, disgust, fear, sad) at least {percent(dash_settings.attention_negative_share)} of the time, "
                f"or were absent (camera off or no face) at least {percent(dash_settings.attention_absent_share)} of the time.",
                className="muted",
            ),
            html.Ul(id="live-attention", className="attention"),
            dcc.Interval(id="live-interval", interval=int(dash_settings.refresh_seconds * 1000)),
        ]
    )


def register_callbacks(app: Dash, ctx: AppContext) -> None:
    if ctx.agent_view_offered:

        @app.callback(
            Output("agent-view", "children"),
            Output("agent-view", "hidden"),
            Output("agent-view-toggle", "children"),
            Input("agent-view-toggle", "n_clicks"),
            Input("live-interval", "n_intervals"),
        )
        def _agent_view(clicks: int | None, _tick: int | None) -> tuple[Any, ...]:
            if not (clicks or 0) % 2:
                return [], True, AGENT_VIEW_SHOW
            return agent_view_content(ctx), False, AGENT_VIEW_HIDE

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
