"""Dashboard users: salted scrypt password hashes (werkzeug.security), roles teacher and admin."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from storage.database import Database
from storage.errors import StorageError
from storage.schema import DashboardUser
from storage.writes import utc

ROLES: tuple[str, ...] = ("teacher", "admin")
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 100
LEGACY_SCHEME = "scrypt$"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str


def hash_password(password: str) -> str:
    """A salted scrypt hash in werkzeug's format (``scrypt:N:r:p$salt$hex``)."""
    return generate_password_hash(password, method="scrypt")


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored``, a werkzeug hash or one written before werkzeug hashed them."""
    if stored.startswith(LEGACY_SCHEME):
        return _verify_legacy(password, stored)
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError):
        return False


def _verify_legacy(password: str, stored: str) -> bool:
    """Hashes stored before werkzeug (``scrypt$N$r$p$salthex$digesthex``): werkzeug cannot read this format."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def add_user(db: Database, name: str, password: str, role: str) -> User:
    name = name.strip()
    if not name:
        raise StorageError("user name must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise StorageError(f"user name must be at most {MAX_NAME_LENGTH} characters")
    if role not in ROLES:
        raise StorageError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StorageError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    try:
        with db.session() as session:
            row = DashboardUser(name=name, password_hash=hash_password(password), role=role, created_at=utc())
            session.add(row)
            session.flush()
            return User(row.id, row.name, row.role)
    except IntegrityError:
        raise StorageError(f"a user named {name!r} already exists") from None


def set_password(db: Database, name: str, password: str) -> User:
    """A new password for an existing user (the demo's one-time password on a database it used before)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StorageError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    with db.session() as session:
        row = session.scalar(select(DashboardUser).where(DashboardUser.name == name.strip()))
        if row is None:
            raise StorageError(f"no user named {name!r}")
        row.password_hash = hash_password(password)
        return User(row.id, row.name, row.role)


_DUMMY_HASH = hash_password(secrets.token_hex(8))


def authenticate(db: Database, name: str, password: str) -> User | None:
    """The user if the password matches; the same work is done for unknown names."""
    with db.session() as session:
        row = session.scalar(select(DashboardUser).where(DashboardUser.name == name.strip()))
        if row is None:
            verify_password(password, _DUMMY_HASH)
            return None
        return User(row.id, row.name, row.role) if verify_password(password, row.password_hash) else None


def get_user(db: Database, user_id: int) -> User | None:
    with db.session() as session:
        row = session.get(DashboardUser, user_id)
        return User(row.id, row.name, row.role) if row is not None else None


def list_users(db: Database) -> list[User]:
    with db.session() as session:
        return [
            User(r.id, r.name, r.role)
            for r in session.scalars(select(DashboardUser).order_by(DashboardUser.name))
        ]


def count_users(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(DashboardUser)) or 0
