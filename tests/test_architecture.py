"""The package drawing holds: no arrow runs up into the composition root, and each stated "never" holds.

Every import counts, including the ones inside functions (kept there for start-up speed).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from classmood.config import REPO_ROOT

PACKAGES: tuple[str, ...] = ("capture", "dashboard", "storage", "model", "training")
# package -> top-level packages it must never import (the architecture sketch's rules of thumb).
NEVER: dict[str, frozenset[str]] = {
    "capture": frozenset({"classmood", "storage", "dashboard"}),
    "dashboard": frozenset({"classmood", "capture", "tensorflow", "training"}),
    "storage": frozenset({"classmood", "capture", "dashboard", "training"}),
    "model": frozenset({"classmood", "capture", "dashboard", "storage", "training"}),
    "training": frozenset({"classmood", "capture", "dashboard", "storage"}),
}


def imported_roots(path: Path) -> set[str]:
    """The top-level package of every ``import x`` and ``from x import y`` in a file."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.partition(".")[0])
    return roots


@pytest.mark.parametrize("package", PACKAGES)
def test_no_package_imports_what_it_must_not(package: str) -> None:
    files = sorted((REPO_ROOT / package).rglob("*.py"))
    assert files
    wrong = {str(f.relative_to(REPO_ROOT)): sorted(imported_roots(f) & NEVER[package]) for f in files}
    assert {f: names for f, names in wrong.items() if names} == {}


def test_the_rule_sees_function_level_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from classmood.config import Settings\n    import storage.queries\n")
    assert imported_roots(module) == {"classmood", "storage"}
