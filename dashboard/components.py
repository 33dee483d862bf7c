"""Small layout pieces the pages share (every name is passed as a plain string: React renders it as text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any
from urllib.parse import parse_qs

import pandas as pd
from dash import dcc, html

from dashboard.agent_view import LatestFrame
from dashboard.cache import AggregateCache
from dashboard.settings import DashboardSettings
from storage import queries


@dataclass(frozen=True)
class AppContext:
    """What every page needs: the dashboard settings, the database, the shared aggregate cache, the
    display time zone, the latest frame of a capture agent in this process (None when the dashboard
    runs alone) and whether the live page offers it."""

    settings: DashboardSettings
    db: Any  # storage.Database (read through storage.queries)
    cache: AggregateCache
    tz: tzinfo
    latest_frame: LatestFrame | None = None

    agent_view_offered: bool = True  # "what the agent sees": never when nothing per student is kept


def query_params(search: str | None) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if v}


def int_param(params: dict[str, str], name: str) -> int | None:
    value = params.get(name, "")
    return int(value) if value.isdigit() else None


def local_time(value: Any, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).tz_convert(tz).strftime(fmt)


def duration_text(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def session_options(sessions: pd.DataFrame, tz: tzinfo) -> list[dcc.Dropdown.Options]:
    """Dropdown options for sessions: title, local start time, and "running" where it is."""
    labels = (
        sessions["title"].astype(str)
        + " · "
        + sessions["started_at"].dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M")
        + sessions["running"].map({True: " · running", False: ""})
    )
    return [{"label": label, "value": int(sid)} for label, sid in zip(labels, sessions["id"])]


def session_dropdown(component_id: str, ctx: AppContext, value: int | None) -> dcc.Dropdown:
    sessions = queries.list_sessions(ctx.db)
    if value is None or value not in set(sessions["id"]):
        value = queries.latest_session_id(ctx.db)
    return dcc.Dropdown(
        id=component_id,
        options=session_options(sessions, ctx.tz),
        value=value,
        clearable=False,
        placeholder="No sessions recorded yet",
        className="session-chooser",
    )


def of_class(count: int, class_size: Any) -> str:
    """A count of students, "of N" when the lecture had a class list of N."""
    return (
        f"{count} of {int(class_size)}" if class_size is not None and not pd.isna(class_size) else str(count)
    )


def stat(label: str, value: str, element_id: str | None = None) -> html.Div:
    props: dict[str, Any] = {"id": element_id} if element_id else {}
    return html.Div(
        [html.Div(value, className="stat-value"), html.Div(label, className="stat-label")],
        className="stat",
        **props,
    )
