"""Helpers the commands share to build the packages' inputs from the one Settings object."""

from __future__ import annotations

from classmood.config import Settings


def open_database(settings: Settings, *, migrate: bool = True):  # type: ignore[no-untyped-def]
    """Connect to the configured database (migrating it first) and apply automatic retention."""
    from storage import apply_retention, connect

    db = connect(settings.storage.database_url(), migrate=migrate)
    apply_retention(db, settings.privacy.retention_days)
    return db


def privacy_policy(settings: Settings):  # type: ignore[no-untyped-def]
    """The storage privacy policy from config; the pseudonym key lives in the data directory."""
    from storage import PrivacyPolicy, load_or_create_secret

    key = b""
    if settings.privacy.mode == "pseudonymous":
        key = load_or_create_secret(settings.storage.data_dir / "pseudonym_key")
    return PrivacyPolicy(settings.privacy.mode, frozenset(settings.privacy.exclude), key)
