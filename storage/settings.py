"""Storage's settings: where the database lives (``storage:``) and what it may keep (``privacy:``)."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


class StorageSettings(BaseModel):
    """The database URL, or the data folder that holds the default SQLite file."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    data_dir: Path = Path("data")
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError("expected a sqlite:/// or postgresql:// URL")
        return value

    def database_url(self) -> str:
        """The configured URL, or an SQLite file in the data directory."""
        return self.url or f"sqlite:///{(self.data_dir / 'classmood.db').as_posix()}"


class PrivacyMode(StrEnum):
    """How students' names are stored: as given, as keyed pseudonyms, or not at all (class rows only)."""

    NAMED = "named"
    PSEUDONYMOUS = "pseudonymous"
    AGGREGATE = "aggregate"


class PrivacySettings(BaseModel):
    """What is stored about students and for how long."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    mode: PrivacyMode = PrivacyMode.NAMED
    retention_days: int = Field(180, ge=0)
    exclude: list[str] = Field(default_factory=list)
    save_debug_frames: bool = False
