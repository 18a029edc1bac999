"""Agent passwords: argon2id hashes, checked without ever raising on a bad stored hash."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults follow RFC 9106's low-memory profile (64 MiB, 3 passes); only the
# variant is pinned so a library upgrade cannot silently change it.
_hasher = PasswordHasher(type=Type.ID)


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``, with its salt and parameters encoded in it."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False for a mismatch or a broken hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's (or cannot be read)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def verify_nothing(password: str) -> None:
    """Spend as long as one verification, so an unknown account answers as slowly as a known one."""
    verify_password(_dummy_hash(), password)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))
