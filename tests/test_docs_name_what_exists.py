"""Docstrings, error messages and the docs name only flags and config keys that exist.

A flag (``--name``) must be an option of some parser of this repository (the CLI, the bench and
training scripts); a dotted ``section.key`` of a config section must be a setting of that
section's model, unless it names a module or an export of the package of the same name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from classmood.config import REPO_ROOT, Settings

PRODUCT = ("classmood", "capture", "dashboard", "storage", "model", "training")
SCRIPTS = (*PRODUCT, "bench", "scripts")
DOCS = ("README.md", "config.yaml", *(f"docs/{p.name}" for p in sorted((REPO_ROOT / "docs").glob("*.md"))))
# argparse's own flags, the pip flags in the install commands the docs and messages show, and
# `ruff format --check` (what `make lint` runs).
OTHER_PROGRAMS = frozenset({"--help", "--version", "--dry-run", "--no-deps", "--check"})
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
KEY = re.compile(r"(?<![\w./])(capture|storage|dashboard|model|privacy)\.([a-z_][a-z0-9_]*)\b")


def _sources(packages: tuple[str, ...]) -> Iterator[Path]:
    for package in packages:
        yield from sorted((REPO_ROOT / package).rglob("*.py"))


def defined_flags() -> set[str]:
    """Every ``--option`` given to ``add_argument`` anywhere in the repository's code."""
    flags = set()
    for path in _sources(SCRIPTS):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_argument"
            ):
                flags.update(
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and str(a.value).startswith("--")
                )
    return flags


def prose(path: Path) -> Iterator[str]:
    """A module's docstrings and the messages of the exceptions it raises."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                yield doc
        elif isinstance(node, ast.Raise) and node.exc is not None:
            for part in ast.walk(node.exc):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    yield part.value


def texts() -> Iterator[tuple[str, str]]:
    for path in _sources(PRODUCT):
        for text in prose(path):
            yield str(path.relative_to(REPO_ROOT)), text
    for name in DOCS:
        yield name, (REPO_ROOT / name).read_text(encoding="utf-8")


def _is_module_or_export(package: str, name: str) -> bool:
    root = REPO_ROOT / package
    if (root / f"{name}.py").exists() or (root / name).is_dir():
        return True
    init = (root / "__init__.py").read_text(encoding="utf-8")
    return f'"{name}"' in init or f" {name}," in init or f" {name}\n" in init


def test_every_flag_named_exists() -> None:
    known = defined_flags() | OTHER_PROGRAMS
    assert {"--source", "--db", "--config", "--faces"} <= known
    unknown = {(where, flag) for where, text in texts() for flag in FLAG.findall(text) if flag not in known}
    assert sorted(unknown) == []


def test_every_config_key_named_exists() -> None:
    sections = {name: set(type(model).model_fields) for name, model in Settings()}
    unknown = {
        (where, f"{section}.{key}")
        for where, text in texts()
        for section, key in KEY.findall(text)
        if key not in sections[section]
        and not _is_module_or_export("storage" if section == "privacy" else section, key)
    }
    assert sorted(unknown) == []


def test_the_checks_catch_a_wrong_name(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Set capture.colour."""\ndef f():\n    raise ValueError("use --path")\n')
    found = list(prose(module))
    assert FLAG.findall(found[1]) == ["--path"] and "--path" not in defined_flags()
    assert KEY.findall(found[0]) == [("capture", "colour")] and not _is_module_or_export("capture", "colour")
