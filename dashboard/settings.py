"""The dashboard's settings (the ``dashboard:`` section of config.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DashboardSettings(BaseModel):
    """Where the dashboard listens, how often pages refresh, who needs attention, login limits."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    host: str = "127.0.0.1"
    port: int = Field(8050, ge=1, le=65535)
    refresh_seconds: float = Field(5.0, ge=1, le=300)
    secret_key: str | None = None
    attention_minutes: float = Field(3.0, gt=0, le=120)
    attention_negative_share: float = Field(0.6, gt=0, le=1)
    attention_absent_share: float = Field(0.8, gt=0, le=1)
    login_attempts_per_minute: int = Field(5, ge=1)
    threads: int = Field(8, ge=1, le=64)
