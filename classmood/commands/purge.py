"""`classmood purge --older-than DAYS`: delete old lectures and everything recorded in them."""

from __future__ import annotations

import argparse

from classmood.config import Settings


def register(subparsers: argparse._SubParsersAction, common: dict[str, argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("purge", parents=[common["config"], common["db"]], help="delete old lectures")
    parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from storage import connect, purge

    deleted = purge(connect(settings.storage.database_url()), args.older_than)
    print(f"deleted {deleted} lecture session(s) started more than {args.older_than} days ago")
    return 0
