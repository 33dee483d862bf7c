"""`classmood purge --older-than DAYS [--yes]`: delete old lectures and everything recorded in them."""

from __future__ import annotations

import argparse
import sys

from classmood.config import Settings
from classmood.errors import UserError


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        "purge",
        parents=[common["config"], common["db"]],
        help="delete old lectures",
        description="Deletes lecture sessions started more than DAYS days ago, with all their records. "
        "Asks first unless --yes is given.",
    )
    parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.wiring import open_database
    from storage import purge, sessions_older_than

    if args.older_than < 0:
        raise UserError(f"--older-than {args.older_than}: must be 0 days or more")
    db = open_database(settings, must_exist=True, retention=False)
    if not args.yes:
        count = sessions_older_than(db, args.older_than)
        if count == 0:
            print(f"no lecture session started more than {args.older_than} days ago")
            return 0
        if not sys.stdin.isatty():
            raise UserError(f"{count} lecture session(s) would be deleted: add --yes to confirm")
        answer = input(
            f"Delete {count} lecture session(s) started more than {args.older_than} days ago, "
            "with all their records? [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return 1
    deleted = purge(db, args.older_than)
    print(f"deleted {deleted} lecture session(s) started more than {args.older_than} days ago")
    return 0
