"""Web dashboard (Dash/Plotly on Flask): live class mood, students, reports, CSV export, behind a login.

Serving it: :func:`dashboard.serve.serve`.

Exports load on first use (PEP 562): the config loader reads ``dashboard.settings`` for
every command, and that must not start Dash.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dashboard.agent_view import LatestFrame
    from dashboard.app import create_app
    from dashboard.errors import DashboardError
    from dashboard.serve import BackgroundDashboard

_EXPORTS: dict[str, tuple[str, ...]] = {
    "dashboard.agent_view": ("LatestFrame",),
    "dashboard.app": ("create_app",),
    "dashboard.serve": ("BackgroundDashboard",),
    "dashboard.errors": ("DashboardError",),
}
__all__ = [  # written out: linters and type checkers read the exports from it
    "BackgroundDashboard",
    "DashboardError",
    "LatestFrame",
    "create_app",
]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            value = getattr(import_module(module), name)
            globals()[name] = value  # the next lookup is a plain attribute
            return value
    raise AttributeError(f"module 'dashboard' has no attribute {name!r}")
