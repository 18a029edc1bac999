"""API keys for the operator's own systems (the IVR): created by the CLI, shown once, kept hashed.

A key is ``fdivr_`` and 43 random URL-safe characters. The prefix lets secret scanners and people
recognise a leaked key; only its SHA-256 is stored, so a copy of the database cannot be used to
call the API.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import select, update

from frontdesk.actions.chat import invalid
from frontdesk.errors import NotFound, Unauthorized
from frontdesk.store.database import Database
from frontdesk.store.models import KEY_SCOPES, OperatorKey, utcnow

KEY_PREFIXES = {"ivr": "fdivr_"}
MAX_KEY_LENGTH = 128
MAX_NAME_LENGTH = 100
# Writing last_used_at on every call would make every redeem two writes; a minute is enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_REFUSED = "Send a valid operator API key as `Authorization: Bearer <key>`."


@dataclasses.dataclass(frozen=True, slots=True)
class KeyInfo:
    """An operator key without its secret."""

    id: int
    name: str
    scope: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def as_json(self) -> dict[str, Any]:
        """The key as the CLI lists it."""
        return {
            "id": self.id,
            "name": self.name,
            "scope": self.scope,
            "created_at": self.created_at.isoformat(),
            "last_used_at": None if self.last_used_at is None else self.last_used_at.isoformat(),
            "revoked": self.revoked_at is not None,
        }


def _info(row: OperatorKey) -> KeyInfo:
    return KeyInfo(
        **{field.name: getattr(row, field.name) for field in dataclasses.fields(KeyInfo)}
    )


def _hash(key: str) -> str:
    # 256 random bits: a fast hash is enough, and keeps the lookup one index hit.
    return hashlib.sha256(key.encode()).hexdigest()


async def create_key(db: Database, *, name: str, scope: str = "ivr") -> tuple[KeyInfo, str]:
    """A new key for ``scope``; the secret is returned here and never again."""
    name = name.strip()
    if not 0 < len(name) <= MAX_NAME_LENGTH:
        raise invalid("name", f"must be 1 to {MAX_NAME_LENGTH} characters")
    if scope not in KEY_SCOPES:
        raise invalid("scope", f"must be one of {', '.join(KEY_SCOPES)}")
    secret = KEY_PREFIXES[scope] + secrets.token_urlsafe(32)
    row = OperatorKey(
        name=name,
        scope=scope,
        key_hash=_hash(secret),
        created_at=utcnow(),
        last_used_at=None,
        revoked_at=None,
    )
    async with db.session() as session:
        session.add(row)
        await session.commit()
        return _info(row), secret


async def list_keys(db: Database) -> list[KeyInfo]:
    """Every key, oldest first, revoked ones included."""
    async with db.session() as session:
        return [
            _info(row)
            for row in await session.scalars(select(OperatorKey).order_by(OperatorKey.id))
        ]


async def revoke_key(db: Database, key_id: int) -> KeyInfo:
    """Revoke a key at once; revoking a revoked key changes nothing."""
    async with db.session() as session, session.begin():
        row = await session.get(OperatorKey, key_id)
        if row is None:
            raise NotFound("No such key.", key_id=key_id)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        return _info(row)


async def key_for(db: Database, presented: str, *, scope: str) -> KeyInfo:
    """The live key ``presented`` is, for ``scope``; anything else is ``Unauthorized``."""
    if not presented or len(presented) > MAX_KEY_LENGTH:
        raise Unauthorized(_REFUSED)
    now = utcnow()
    async with db.session() as session:
        row = await session.scalar(
            select(OperatorKey).where(OperatorKey.key_hash == _hash(presented))
        )
    if row is None or row.revoked_at is not None or row.scope != scope:
        raise Unauthorized(_REFUSED)
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        # One statement, not a read then a write: on SQLite it waits for the lock instead of
        # failing when another request holds it.
        async with db.session() as session, session.begin():
            await session.execute(
                update(OperatorKey).where(OperatorKey.id == row.id).values(last_used_at=now)
            )
        row.last_used_at = now
    return _info(row)
