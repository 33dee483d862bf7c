"""Web dashboard (Dash/Plotly on Flask): live class mood, students, reports, CSV export, behind a login."""

from dashboard.agent_view import LatestFrame
from dashboard.app import create_app
from dashboard.errors import DashboardError
from dashboard.serve import BackgroundDashboard, serve

__all__ = ["BackgroundDashboard", "DashboardError", "LatestFrame", "create_app", "serve"]
