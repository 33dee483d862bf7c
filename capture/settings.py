"""The capture agent's settings (the ``capture:`` section of config.yaml)."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SourceKind(StrEnum):
    """Where frames come from."""

    SCREEN = "screen"
    CAMERA = "camera"
    VIDEO = "video"
    IMAGES = "images"
    SYNTH = "synth"


class CaptureSettings(BaseModel):
    """Where frames come from and how the agent samples and reads them."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    source: SourceKind = SourceKind.SCREEN
    fps: float = Field(1.0, gt=0, le=30)
    monitor: int = Field(1, ge=0)
    region: tuple[int, int, int, int] | None = None
    window_title: str | None = None
    camera_index: int = Field(0, ge=0)
    path: Path | None = None
    smoothing_window: int = Field(3, ge=1, le=60)
    min_face_size: int = Field(12, ge=8)
    names_budget_ms: int = Field(0, ge=0, le=10_000)
    face_process: bool = True

    @field_validator("region", mode="before")
    @classmethod
    def _parse_region(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
            if len(parts) != 4 or not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("expected x,y,w,h as four integers")
            value = tuple(int(p) for p in parts)
        return value

    @field_validator("region")
    @classmethod
    def _check_region(cls, value: tuple[int, int, int, int] | None) -> tuple[int, int, int, int] | None:
        if value is not None and (value[2] <= 0 or value[3] <= 0):
            raise ValueError("width and height must be positive")
        return value
