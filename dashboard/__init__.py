"""Web dashboard (Dash/Plotly on Flask): live class mood, students, reports, CSV export, behind a login.

Exports load on first use (PEP 562): the config loader reads ``dashboard.settings`` for
every command, and that must not start Dash.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dashboard.app import create_app
    from dashboard.errors import DashboardError
    from dashboard.serve import serve

_EXPORTS: dict[str, tuple[str, ...]] = {
    "dashboard.app": ("create_app",),
    "dashboard.errors": ("DashboardError",),
    "dashboard.serve": ("serve",),
}
__all__ = [name for names in _EXPORTS.values() for name in names]


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            return getattr(import_module(module), name)
    raise AttributeError(f"module 'dashboard' has no attribute {name!r}")
