"""Config: defaults, YAML + environment overrides, and one clear line for every bad value."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from classmood.config import REPO_ROOT, ConfigError, Settings, load_config


def test_the_shipped_config_is_valid_and_documents_every_key() -> None:
    text = (REPO_ROOT / "config.yaml").read_text()
    loaded = load_config(REPO_ROOT / "config.yaml", env={})
    defaults = Settings()
    for section, model in defaults:
        assert f"\n{section}:" in "\n" + text, section
        for key in type(model).model_fields:
            assert f"  {key}:" in text, f"{section}.{key} is not in config.yaml"
    assert loaded.privacy.mode == "named"
    assert loaded.storage.database_url().endswith("/data/classmood.db")


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("dashboard:\n  port: 9000\n")
    env = {
        "CLASSMOOD_DASHBOARD__PORT": "9100",
        "CLASSMOOD_PRIVACY__EXCLUDE": "[Guest, Host]",
        "CLASSMOOD_CAPTURE__REGION": "10,20,640,480",
        "UNRELATED": "1",
    }
    settings = load_config(path, env=env)
    assert settings.dashboard.port == 9100
    assert settings.privacy.exclude == ["Guest", "Host"]
    assert settings.capture.region == (10, 20, 640, 480)
    assert settings.storage.data_dir == tmp_path / "data"


@pytest.mark.parametrize(
    "text, env, key",
    [
        ("dashboard:\n  port: 70000\n", {}, "dashboard.port"),
        ("capture:\n  fps: 0\n", {}, "capture.fps"),
        ("privacy:\n  mode: secret\n", {}, "privacy.mode"),
        ("capture:\n  colour: red\n", {}, "capture.colour"),
        ("storage:\n  url: mysql://x\n", {}, "storage.url"),
        ("", {"CLASSMOOD_CAPTURE__REGION": "1,2,x,4"}, "capture.region"),
        ("", {"CLASSMOOD_MODEL__THREADS": "many"}, "model.threads"),
        ("model:\n  quality: best\n", {}, "model.quality"),
        ("- a\n- b\n", {}, "mapping"),
        ("dashboard: [\n", {}, "YAML"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, env: dict[str, str], key: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(path, env=env)


def test_model_quality_is_fast_unless_set_and_a_bad_one_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("model:\n  quality: accurate\n")
    assert load_config(REPO_ROOT / "config.yaml", env={}).model.quality == "fast"
    assert load_config(path, env={}).model.weights().name == "emotion-accurate.onnx"
    env = {"CLASSMOOD_MODEL__QUALITY": "fast"}
    assert load_config(path, env=env).model.weights().name == "emotion.onnx"
    path.write_text("model:\n  quality: accurate\n  path: mine.onnx\n")
    assert load_config(path, env={}).model.weights() == tmp_path / "mine.onnx"
    for text in ("model:\n  quality: Accurate\n", "model:\n  quality: 1\n"):
        path.write_text(text)
        with pytest.raises(ConfigError) as raised:
            load_config(path, env={})
        assert str(raised.value).startswith("model.quality: must be 'fast' or 'accurate' (got ")
        assert "\n" not in str(raised.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yaml", env={})


def test_cli_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("dashboard:\n  port: abc\n")
    result = subprocess.run(
        [sys.executable, "-m", "classmood.cli", "evaluate", "--data", str(tmp_path), "--config", str(path)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("classmood: config: dashboard.port")
    assert len(result.stderr.strip().splitlines()) == 1


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    document=st.dictionaries(
        st.sampled_from(["capture", "storage", "dashboard", "model", "privacy", "other"]),
        st.dictionaries(
            st.sampled_from(["fps", "port", "mode", "region", "url", "exclude", "path", "x"]),
            yaml_values,
            max_size=4,
        ),
        max_size=4,
    ),
    env=st.dictionaries(
        st.sampled_from(
            [
                "CLASSMOOD_CAPTURE__FPS",
                "CLASSMOOD_DASHBOARD__PORT",
                "CLASSMOOD_X__Y",
                "CLASSMOOD_PRIVACY__MODE",
                "CLASSMOOD_CAPTURE__REGION",
            ]
        ),
        st.text(max_size=12),
        max_size=3,
    ),
)
def test_any_document_loads_or_raises_config_error(
    tmp_path_factory: pytest.TempPathFactory, document: dict, env: dict
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "c.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    try:
        result = load_config(path, env=env)
    except ConfigError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(result, Settings)


@settings(max_examples=100, deadline=None)
@given(raw=st.text(max_size=200))
def test_arbitrary_text_never_escapes_as_another_error(
    tmp_path_factory: pytest.TempPathFactory, raw: str
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "c.yaml"
    path.write_text(raw, encoding="utf-8")
    with contextlib.suppress(ConfigError):
        load_config(path, env={})
