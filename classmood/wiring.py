"""Helpers the commands share to build the packages' inputs from the one Settings object."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from classmood.config import Settings

if TYPE_CHECKING:  # storage is imported when a command needs it, not when the CLI starts
    from storage import Database, PrivacyPolicy


def open_database(
    settings: Settings, *, migrate: bool = True, must_exist: bool = False, retention: bool = True
) -> Database:
    """Connect to the configured database (migrating it first) and apply automatic retention
    (unless ``retention`` is off: the commands that manage the database themselves).

    A new SQLite file is said on one line, so that nobody wonders which database a command used.

    ``must_exist``: for commands that only read, an SQLite file that is not there is an error
    instead of a new, empty database."""
    from sqlalchemy.engine import make_url

    from classmood.errors import UserError
    from storage import apply_retention, connect

    url = make_url(settings.storage.database_url())
    file = (
        url.database
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        else None
    )
    if must_exist and file is not None and not Path(file).is_file():
        raise UserError(
            f"database {file}: no such file (a lecture recorded with 'classmood capture' "
            "or 'classmood demo' makes one; --db URL picks another)"
        )

    created = file is not None and not Path(file).exists()
    db = connect(settings.storage.database_url(), migrate=migrate)
    if created:
        print(f"created the database {file}", file=sys.stderr)
    if retention:
        apply_retention(db, settings.privacy.retention_days)
    return db


def privacy_policy(settings: Settings) -> PrivacyPolicy:
    """The storage privacy policy from config; the pseudonym key lives in the data directory."""
    from storage import PrivacyPolicy, load_or_create_secret

    key = b""
    if settings.privacy.mode == "pseudonymous":
        key = load_or_create_secret(settings.storage.data_dir / "pseudonym_key")
    return PrivacyPolicy(settings.privacy.mode, frozenset(settings.privacy.exclude), key)
