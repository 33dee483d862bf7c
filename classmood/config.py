"""Settings: config.yaml validated by pydantic, overridden by CLASSMOOD_<SECTION>__<KEY> variables.

Loaded once by the CLI and passed to the packages; nothing else reads the file or
the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from capture.settings import CaptureSettings
from dashboard.settings import DashboardSettings
from model.settings import ModelSettings
from storage.settings import PrivacySettings, StorageSettings

ENV_PREFIX = "CLASSMOOD_"
DEFAULT_CONFIG = Path("config.yaml")
REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A config problem, phrased as one line naming the key."""


class Settings(BaseModel):
    """The whole file: one section per package, each section that package's own model."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

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
    if first["type"] in ("literal_error", "enum"):
        message = message.replace("Input should be", "must be")
    value = first.get("input")
    shown = (
        f" (got {value!r})"
        if value is not None and not isinstance(value, dict) and first["type"] != "extra_forbidden"
        else ""
    )
    return f"{key}: {message}{shown}"


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read config.yaml (or ``path``), apply environment overrides, validate.

    A relative ``storage.data_dir`` or ``model.path`` resolves against the file's folder;
    ``capture.path`` is used as given (relative to the working directory).
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
