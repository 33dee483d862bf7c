"""The storage commands through the installed `classmood` console script, in a subprocess."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import (
    EXPORT_COLUMNS,
    PrivacyPolicy,
    StudentObservation,
    authenticate,
    connect,
    export_csv,
    start_session,
    write_frame,
)

HAPPY = (0.05, 0.0, 0.05, 0.7, 0.1, 0.05, 0.05)
NAMED = PrivacyPolicy("named")
CONSOLE_SCRIPT = Path(sys.executable).parent / "classmood"


def classmood(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command; the test's own CLASSMOOD_* variables do not leak in."""
    command = [str(CONSOLE_SCRIPT)] if CONSOLE_SCRIPT.exists() else [sys.executable, "-m", "classmood.cli"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("CLASSMOOD_")}
    return subprocess.run(
        [*command, *args],
        check=False,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def _one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture()
def lecture_db(tmp_path: Path) -> str:
    """A database with two lectures a day apart, students with spreadsheet-hostile names."""
    url = f"sqlite:///{tmp_path / 'lectures.db'}"
    db = connect(url)
    day1 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    for title, start in (("=cmd|' /C calc'!A0", day1), ("Physics", day1 + timedelta(days=1))):
        sid = start_session(db, title, "synth", NAMED, started_at=start)
        for frame in range(3):
            seen = [
                StudentObservation("+Ana", True, (1, 2, 3, 4), HAPPY),
                StudentObservation("Bo, Jr.", False),
            ]
            write_frame(db, sid, frame, start + timedelta(seconds=frame), seen, NAMED)
    db.dispose()
    return url


def test_db_upgrade_uses_the_db_flag_over_config_file_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  url: sqlite:///{tmp_path / 'from_file.db'}\n")
    env = {"CLASSMOOD_STORAGE__URL": f"sqlite:///{tmp_path / 'from_env.db'}"}
    flag = f"sqlite:///{tmp_path / 'new' / 'from_flag.db'}"
    result = classmood("db", "upgrade", "--config", str(config), "--db", flag, env=env)
    assert result.returncode == 0, result.stderr
    assert "0003_class_size" in result.stdout
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.db")] == ["new/from_flag.db"]


def test_bad_config_value_exits_2_with_one_line(tmp_path: Path) -> None:
    result = classmood(
        "db", "upgrade", "--db", f"sqlite:///{tmp_path / 'x.db'}", env={"CLASSMOOD_DASHBOARD__PORT": "abc"}
    )
    _one_line_error(result, "dashboard.port")
    assert not (tmp_path / "x.db").exists()


def test_unreachable_database_is_one_line() -> None:
    _one_line_error(
        classmood("export", "--all", "--db", "postgresql+psycopg://nobody@127.0.0.1:9/none"),
        "cannot open database",
    )


def test_users_add_list_and_refusals(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    good = {"CLASSMOOD_PASSWORD": "s3cret-pass"}
    added = classmood("users", "add", "kim", "--role", "teacher", "--db", url, env=good)
    assert added.returncode == 0, added.stderr
    assert "s3cret-pass" not in added.stdout + added.stderr
    _one_line_error(
        classmood("users", "add", "kim", "--role", "admin", "--db", url, env=good), "already exists"
    )
    _one_line_error(
        classmood("users", "add", "ada", "--role", "admin", "--db", url, env={"CLASSMOOD_PASSWORD": "short"}),
        "at least 8",
    )
    _one_line_error(classmood("users", "add", "ada", "--role", "admin", "--db", url), "CLASSMOOD_PASSWORD")
    listed = classmood("users", "list", "--db", url)
    assert listed.returncode == 0 and listed.stdout.splitlines() == ["kim\tteacher"]
    db = connect(url)
    assert authenticate(db, "kim", "s3cret-pass") is not None and authenticate(db, "ada", "short") is None
    db.dispose()


def test_export_csv_to_stdout_or_a_file(lecture_db: str, tmp_path: Path) -> None:
    everything = classmood("export", "--all", "--db", lecture_db)
    assert everything.returncode == 0, everything.stderr
    assert everything.stdout.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(everything.stdout)))
    assert len(rows) == 12
    first = rows[0]
    assert first["session_title"] == "'=cmd|' /C calc'!A0" and first["student"] == "'+Ana"
    assert (first["frame"], first["timestamp"], first["camera"], first["emotion"]) == (
        "0",
        "2026-11-23T10:00:00.000Z",
        "on",
        "happy",
    )
    assert float(first["confidence"]) == pytest.approx(0.7)
    absent = rows[1]
    assert (absent["student"], absent["camera"], absent["emotion"], absent["happy"]) == (
        "Bo, Jr.",
        "off",
        "",
        "",
    )
    assert [r["frame"] for r in rows[6:]] == ["0", "0", "1", "1", "2", "2"]

    out = tmp_path / "export.csv"
    written = classmood("export", "--all", "--out", str(out), "--db", lecture_db)
    assert written.returncode == 0 and written.stdout == "" and "12 rows" in written.stderr
    assert out.read_bytes().decode("utf-8").splitlines() == everything.stdout.splitlines()
    assert out.read_bytes().count(b"\r\n") == 13


def test_export_one_session_or_a_date_range(lecture_db: str) -> None:
    one = classmood("export", "--session", "2", "--db", lecture_db)
    assert {r["session_title"] for r in csv.DictReader(io.StringIO(one.stdout))} == {"Physics"}
    day = classmood("export", "--from", "2026-11-23", "--to", "2026-11-23", "--db", lecture_db)
    assert day.returncode == 0, day.stderr
    assert {r["session"] for r in csv.DictReader(io.StringIO(day.stdout))} == {"1"}
    _one_line_error(
        classmood("export", "--session", "42", "--db", lecture_db), "no lecture session with id 42"
    )
    _one_line_error(
        classmood("export", "--from", "2026-11-24", "--to", "2026-11-20", "--db", lecture_db),
        "--to must be after",
    )


def test_purge_asks_unless_yes(lecture_db: str) -> None:
    refused = classmood("purge", "--older-than", "0", "--db", lecture_db)
    _one_line_error(refused, "2 lecture session(s) would be deleted", "--yes")
    nothing = classmood("purge", "--older-than", "36500", "--db", lecture_db)
    assert nothing.returncode == 0 and "no lecture session" in nothing.stdout
    done = classmood("purge", "--older-than", "0", "--yes", "--db", lecture_db)
    assert done.returncode == 0 and "deleted 2" in done.stdout
    db = connect(lecture_db)
    assert export_csv(db, io.StringIO()) == 0
    db.dispose()


def test_commands_that_only_read_refuse_a_database_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for args in (("users", "list"), ("export", "--all")):
        result = classmood(*args, "--db", f"sqlite:///{missing}", cwd=tmp_path)
        _one_line_error(result, "no such file")
        assert not missing.exists(), args


def test_version() -> None:
    from importlib.metadata import version

    result = classmood("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"classmood {version('classmood')}"


def test_export_for_excel_starts_with_the_byte_order_mark(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'x.db'}"
    db = connect(db_url)
    session = start_session(db, "Ελληνικά 101", "test", NAMED)
    write_frame(
        db,
        session,
        0,
        datetime(2026, 1, 1, tzinfo=UTC),
        [StudentObservation("Zoë Ødegaard", True, (1, 2, 3, 4), HAPPY)],
        NAMED,
    )
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    assert classmood("export", "--all", "--db", db_url, "--out", str(plain), cwd=tmp_path).returncode == 0
    assert (
        classmood("export", "--all", "--db", db_url, "--out", str(excel), "--excel", cwd=tmp_path).returncode
        == 0
    )
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    assert "Zoë Ødegaard" in excel.read_text(encoding="utf-8-sig")
