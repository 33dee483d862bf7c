"""The ``classmood`` command: parse arguments, load config once, run one subcommand.

Each subcommand lives in ``classmood/commands/<name>.py`` with ``register(subparsers, common)``
adding its parser (``set_defaults(handler=...)``) and a handler ``(args, settings) -> int``.
User errors are :class:`classmood.errors.UserError` (or the packages' own error types listed in
``classmood.errors``); they print one line and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from classmood.config import ConfigError, Settings, load_config
from classmood.errors import describe, is_user_error

COMMAND_MODULES: tuple[str, ...] = (
    "start",
    "db",
    "users",
    "export",
    "purge",
    "train",
    "train-lines",
    "ensemble",
    "reframe",
    "evaluate",
    "synth",
    "capture",
    "inspect",
    "demo",
    "dashboard",
)


def common_parsers() -> dict[str, argparse.ArgumentParser]:
    """Parent parsers that subcommands share: ``config`` (every command), ``db`` and ``roster``."""
    config = argparse.ArgumentParser(add_help=False)
    config.add_argument(
        "--config", type=Path, default=None, metavar="PATH", help="config file (default: ./config.yaml)"
    )
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db", dest="db_url", default=None, metavar="URL", help="database URL (overrides storage.url)"
    )
    roster = argparse.ArgumentParser(add_help=False)
    roster.add_argument(
        "--roster",
        type=Path,
        default=None,
        metavar="FILE",
        help="class list, one name per line (UTF-8): OCR reads are matched to it",
    )
    return {"config": config, "db": db, "roster": roster}


def _version() -> str:
    """The installed distribution's version (pyproject.toml's), or "unknown" outside an install."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("classmood")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="classmood", description="Class mood from video lectures.")
    parser.add_argument("--version", action="version", version=f"classmood {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = common_parsers()
    for name in COMMAND_MODULES:
        importlib.import_module(f"classmood.commands.{name.replace('-', '_')}").register(subparsers, common)
    return parser


def settings_for(args: argparse.Namespace) -> Settings:
    """Load the config once and apply the command-line overrides every command shares."""
    settings = load_config(getattr(args, "config", None))
    if getattr(args, "db_url", None):
        settings.storage.url = args.db_url
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_for(args)
        return int(args.handler(args, settings) or 0)
    except ConfigError as exc:
        print(f"classmood: config: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("classmood: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if not is_user_error(exc):
            raise
        print(f"classmood: {describe(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
