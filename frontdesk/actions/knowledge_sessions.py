"""Search sessions: opened for a visitor, carried in sealed keys that only this server can read.

The widget keeps the session id (cookie ``knowledgecenter.state.session``) and the sealed keys
(cookie ``knowledgecenter.state.keys``), and sends the keys back in the ``gkc_sessionId`` header.
A session is found from its keys alone: an id without valid keys attributes nothing, so nobody can
vote in someone else's session by guessing ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from typing import Any

from frontdesk.actions.knowledge_text import checked_language, clean_line
from frontdesk.errors import InvalidInput, InvalidToken
from frontdesk.security.keyring import Keyring
from frontdesk.store.database import Database
from frontdesk.store.models import KnowledgeSession, utcnow

KEYS_PURPOSE = "knowledgecenter session keys"
KEYS_TTL_SECONDS = 30 * 24 * 3600
# How often a session's last_seen_at is written again: not on every request.
TOUCH_EVERY = dt.timedelta(minutes=5)
_OPAQUE = re.compile(r"[A-Za-z0-9._:-]{0,100}")


@dataclasses.dataclass(frozen=True, slots=True)
class SessionInfo:
    """A search session as the widget sees it."""

    id: str
    language: str
    customer_id: str
    media: str
    created_at: dt.datetime


def _info(row: KnowledgeSession) -> SessionInfo:
    return SessionInfo(row.id, row.language, row.customer_id, row.media, row.created_at)


def checked_customer_id(value: Any) -> str:
    """An opaque customer id from the site; never personal data, so only id-like characters."""
    if not isinstance(value, str) or not _OPAQUE.fullmatch(value):
        raise InvalidInput(
            "customerId must be an opaque id: up to 100 letters, digits and . _ : -",
            fields=[{"field": "customerId", "problem": "not an opaque id"}],
        )
    return value


async def open_session(
    database: Database,
    keyring: Keyring,
    *,
    language: str,
    customer_id: str = "",
    media: str = "selfservice",
    origin: str = "",
) -> tuple[SessionInfo, str]:
    """Start a session; the session and the sealed keys that name it."""
    now = utcnow()
    row = KnowledgeSession(
        id=str(uuid.uuid4()),
        language=checked_language(language),
        customer_id=checked_customer_id(customer_id),
        media=clean_line(media)[:32] or "selfservice",
        origin=origin[:255],
        created_at=now,
        last_seen_at=now,
    )
    async with database.session() as session:
        session.add(row)
        await session.commit()
    return _info(row), sealed_keys(keyring, row.id)


def sealed_keys(keyring: Keyring, session_id: str) -> str:
    """The keys the widget keeps for a session: its id, sealed."""
    return keyring.seal({"sid": session_id}, purpose=KEYS_PURPOSE, ttl_seconds=KEYS_TTL_SECONDS)


async def resume_session(
    database: Database, keyring: Keyring, keys: str, *, session_id: str | None = None
) -> SessionInfo:
    """The session the keys name; ``InvalidToken`` if they are forged, stale, or not for it."""
    value = keyring.unseal(keys, purpose=KEYS_PURPOSE)
    sid = value.get("sid") if isinstance(value, dict) else None
    if not isinstance(sid, str):
        raise InvalidToken("The token was refused: unreadable contents.", reason="malformed")
    if session_id is not None and session_id != sid:
        raise InvalidToken("These keys belong to another session.", reason="wrong_session")
    async with database.session() as session:
        row = await session.get(KnowledgeSession, sid)
        if row is None:
            raise InvalidToken("The search session no longer exists.", reason="unknown_session")
        now = utcnow()
        if now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
            await session.commit()
        return _info(row)


async def update_session(
    database: Database,
    session_id: str,
    *,
    language: str | None = None,
    customer_id: str | None = None,
    media: str | None = None,
) -> SessionInfo:
    """Change a session's language, customer id or media (the widget's ``sessionChanged``)."""
    async with database.session() as session:
        row = await session.get(KnowledgeSession, session_id)
        if row is None:
            raise InvalidToken("The search session no longer exists.", reason="unknown_session")
        if language is not None:
            row.language = checked_language(language)
        if customer_id is not None:
            row.customer_id = checked_customer_id(customer_id)
        if media is not None:
            row.media = clean_line(media)[:32] or row.media
        row.last_seen_at = utcnow()
        await session.commit()
        return _info(row)
