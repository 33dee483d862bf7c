"""`classmood users add|list`: who may use the dashboard."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from classmood.config import Settings
from classmood.errors import UserError


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser("users", help="dashboard users")
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        parents=[common["config"], common["db"]],
        help="add a user",
        description="The password is read from CLASSMOOD_PASSWORD or asked for twice at a prompt.",
    )
    add.add_argument("name")
    add.add_argument("--role", choices=("teacher", "admin"), required=True)
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", parents=[common["config"], common["db"]], help="list users")
    listing.set_defaults(handler=run_list)


def read_password() -> str:
    """A new user's password: ``CLASSMOOD_PASSWORD``, else asked twice at a prompt (never echoed)."""
    from_env = os.environ.get("CLASSMOOD_PASSWORD")
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise UserError("no password: set CLASSMOOD_PASSWORD or run in a terminal to be asked")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise UserError("the two passwords differ")
    return first


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.wiring import open_database
    from storage import add_user

    password = read_password()
    db = open_database(settings)
    user = add_user(db, args.name, password, args.role)
    print(f"added {user.role} {user.name!r}")
    return 0


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.wiring import open_database
    from storage import list_users

    for user in list_users(open_database(settings, must_exist=True)):
        print(f"{user.name}\t{user.role}")
    return 0
