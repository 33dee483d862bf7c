"""Settings: config.yaml validated by pydantic, overridden by CLASSMOOD_<SECTION>__<KEY> variables.

Loaded once by the CLI and passed to the packages; nothing else reads the file or
the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "CLASSMOOD_"
DEFAULT_CONFIG = Path("config.yaml")
REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A config problem, phrased as one line naming the key."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CaptureSettings(Section):
    source: Literal["screen", "camera", "video", "images", "synth"] = "screen"
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


class StorageSettings(Section):
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


class DashboardSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(8050, ge=1, le=65535)
    refresh_seconds: float = Field(5.0, ge=1, le=300)
    secret_key: str | None = None
    attention_minutes: float = Field(3.0, gt=0, le=120)
    attention_negative_share: float = Field(0.6, gt=0, le=1)
    attention_absent_share: float = Field(0.8, gt=0, le=1)
    login_attempts_per_minute: int = Field(5, ge=1)
    threads: int = Field(8, ge=1, le=64)


class ModelSettings(Section):
    path: Path | None = None
    threads: int = Field(2, ge=1, le=64)
    mirror_average: bool = False
    temperature: float | None = Field(None, gt=0, le=20)


class PrivacySettings(Section):
    mode: Literal["named", "pseudonymous", "aggregate"] = "named"
    retention_days: int = Field(180, ge=0)
    exclude: list[str] = Field(default_factory=list)
    save_debug_frames: bool = False


class Settings(Section):
    capture: CaptureSettings = Field(default_factory=CaptureSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    model: ModelSettings = Field(default_factory=ModelSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)



def _env_overrides(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    overrides: dict[str, dict[str, str]] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX) :].partition("__")
        overrides.setdefault(section.lower(), {})[key.lower()] = value
    return overrides


def _env_value(raw: str) -> Any:
    """Environment values are YAML scalars or lists, so `[a, b]` and `true` work."""
    try:
        return yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        return raw


def _merge(base: dict[str, Any], overrides: dict[str, dict[str, str]]) -> dict[str, Any]:
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for section, values in overrides.items():
        target = merged.setdefault(section, {})
        if not isinstance(target, dict):
            raise ConfigError(f"{section}: must be a mapping of settings")
        for key, raw in values.items():
            target[key] = _env_value(raw)
    return merged


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(p) for p in first["loc"] if not isinstance(p, int) or p) or "(top level)"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown setting"
    if first["type"] == "literal_error":
        message = message.replace("Input should be", "must be")
    value = first.get("input")
    shown = f" (got {value!r})" if value is not None and not isinstance(value, dict) and first["type"] != "extra_forbidden" else ""
    return f"{key}: {message}{shown}"


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read config.yaml (or ``path``), apply environment overrides, validate.

    Relative paths in the file are resolved against the file's folder.
    """
    env = os.environ if env is None else env
    explicit = path is not None
    path = Path(path) if path is not None else DEFAULT_CONFIG
    data: Any = {}
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{path}:{where} not valid YAML") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read ({exc})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    elif explicit:
        raise ConfigError(f"{path}: config file not found")
    try:
        settings = Settings.model_validate(_merge(data, _env_overrides(env)))
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    base = path.resolve().parent if path.exists() else Path.cwd()
    storage = settings.storage
    if not storage.data_dir.is_absolute():
        storage.data_dir = base / storage.data_dir
    if settings.model.path is not None and not settings.model.path.is_absolute():
        settings.model.path = base / settings.model.path
    return settings
