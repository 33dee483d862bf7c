"""Errors of the storage package."""

from __future__ import annotations


class StorageError(Exception):
    """A database problem phrased for the user (unreachable server, unknown session, ...)."""
