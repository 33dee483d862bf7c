"""The emotion model's settings (the ``model:`` section of config.yaml)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from model.quality import Quality, weights_for


class ModelSettings(BaseModel):
    """Which weights to load and how to run them."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    path: Path | None = None
    quality: Quality = "fast"
    threads: int = Field(2, ge=1, le=64)
    mirror_average: bool = False
    temperature: float | None = Field(None, gt=0, le=20)

    def weights(self) -> Path:
        """The file to load: ``path`` when given, else the committed weights of ``quality``."""
        return self.path if self.path is not None else weights_for(self.quality)
