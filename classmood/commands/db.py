"""`classmood db upgrade`: create or migrate the database schema."""

from __future__ import annotations

import argparse

from classmood.config import Settings


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: dict[str, argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade", parents=[common["config"], common["db"]], help="create or migrate the schema"
    )
    upgrade.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from classmood.wiring import open_database
    from storage import upgrade

    db = open_database(settings, migrate=False, retention=False)
    revision = upgrade(db)
    print(f"{db.url}: schema at revision {revision}")
    return 0
