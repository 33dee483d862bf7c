"""Shared fixtures: paths, tiny generated FER-style datasets."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from model import EMOTIONS

REPO_ROOT = Path(__file__).resolve().parent.parent
FER_ROOT = Path(os.environ.get("CLASSMOOD_FER_ROOT", REPO_ROOT.parent / "shared" / "datasets" / "fer2013"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def fer_root() -> Path:
    """The real FER2013 folder beside the checkout (CI has it; skip with a reason elsewhere)."""
    if not (FER_ROOT / "test").is_dir():
        pytest.skip(f"FER2013 not found at {FER_ROOT}")
    return FER_ROOT


@pytest.fixture(scope="session")
def bench_script() -> Callable[[str], ModuleType]:
    """Loads a script of ``bench/`` by name (the folder is not a package) as a module."""

    def load(name: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO_ROOT / "bench" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module

    return load


def _face(rng: np.random.Generator, label: int) -> np.ndarray:
    """A 48x48 image whose content depends on the label, so a tiny net can learn something."""
    image = rng.integers(0, 60, size=(48, 48)).astype(np.uint8)
    cv2.circle(image, (24, 24), 6 + 2 * label, int(120 + 15 * label), -1)
    return image


@pytest.fixture()
def tiny_fer(tmp_path: Path) -> Path:
    """A Kaggle-layout dataset with 6 train and 2 test images per class."""
    rng = np.random.default_rng(0)
    root = tmp_path / "fer"
    for split, count in (("train", 6), ("test", 2)):
        for label, emotion in enumerate(EMOTIONS):
            folder = root / split / emotion
            folder.mkdir(parents=True)
            for i in range(count):
                prefix = "Training" if split == "train" else "PublicTest"
                cv2.imwrite(str(folder / f"{prefix}_{label}{i:04d}.jpg"), _face(rng, label))
    return root


@pytest.fixture()
def tiny_fer_csv(tmp_path: Path) -> Path:
    """The same kind of data in the original fer2013.csv form."""
    rng = np.random.default_rng(1)
    lines = ["emotion,pixels,Usage"]
    for usage, count in (("Training", 5), ("PublicTest", 2), ("PrivateTest", 1)):
        for label in range(len(EMOTIONS)):
            for _ in range(count):
                pixels = " ".join(str(int(v)) for v in _face(rng, label).ravel())
                lines.append(f"{label},{pixels},{usage}")
    path = tmp_path / "fer2013.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


POSTGRES_URL = os.environ.get("CLASSMOOD_TEST_POSTGRES_URL")


@pytest.fixture()
def sqlite_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    from storage import connect

    db = connect(f"sqlite:///{tmp_path / 'test.db'}")
    yield db
    db.dispose()


@pytest.fixture()
def postgres_db():  # type: ignore[no-untyped-def]
    """A fresh PostgreSQL schema per test, migrated by Alembic, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import sessionmaker

    from storage import Database, upgrade

    if not POSTGRES_URL:
        pytest.skip("CLASSMOOD_TEST_POSTGRES_URL not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    db = Database(engine, sessionmaker(engine, expire_on_commit=False))
    upgrade(db)
    try:
        yield db
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Each test using this runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_db")
