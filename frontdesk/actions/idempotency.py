"""Idempotent sends: a send repeated under its sender's key stores nothing and answers the first.

A client that lost the answer to a send cannot know whether it was stored, so it sends again
with the same key. Each message keeps its sender's key, and a unique index on (conversation,
sender, key) lets only one of two racing copies in: the other's insert fails, its transaction
(with the index it took) rolls back, and it answers the stored message. A look-up before the
insert only spares the common, sequential retry that failed insert; it is not what makes it safe.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actions.chat_views import MessageView, message_view
from frontdesk.errors import IdempotencyConflict, InvalidInput
from frontdesk.store.database import Database
from frontdesk.store.models import File, Member, Message

KEY_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
_KEY = re.compile(KEY_PATTERN)
FIELD = "idempotency_key"


@dataclasses.dataclass(frozen=True, slots=True)
class Sent:
    """What a send carried: tells a repeat from another send that reuses its key."""

    kind: str
    text: str = ""
    sha256: str = ""


def checked_key(key: str | None) -> str | None:
    """An idempotency key of 1 to 64 safe characters, or None for a send without one."""
    if key is None:
        return None
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        problem = "must be 1 to 64 letters, digits or the characters _ . : -"
        raise InvalidInput(f"{FIELD} {problem}.", fields=[{"field": FIELD, "problem": problem}])
    return key


async def store_once(
    db: Database,
    conversation_id: str,
    member_id: str,
    key: str | None,
    sent: Sent,
    store: Callable[[], Awaitable[MessageView]],
    republish: Callable[[MessageView], Awaitable[None]],
) -> MessageView:
    """``store()`` the send, unless this sender already stored one under ``key``: then that one.

    ``store`` inserts with ``key`` and publishes after commit. A repeat ``republish``es the stored
    message: the first copy's process may have died between its commit and its publish, and
    live streams drop an index they hold, so a second publish costs them nothing.
    """
    if key is None:
        return await store()
    first = await stored_send(db, conversation_id, member_id, key, sent)
    if first is None:
        try:
            return await store()
        except IntegrityError:
            # A copy of this send committed between the look-up and the insert.
            first = await stored_send(db, conversation_id, member_id, key, sent)
            if first is None:
                raise
    await republish(first)
    return first


async def stored_send(
    db: Database, conversation_id: str, member_id: str, key: str, sent: Sent
) -> MessageView | None:
    """The message this sender stored under ``key``, or None; ``IdempotencyConflict`` when
    it is not what ``sent`` carries."""
    async with db.session() as session:
        row = await session.scalar(
            select(Message).where(
                Message.conversation_id == conversation_id,
                Message.member_id == member_id,
                Message.idempotency_key == key,
            )
        )
        if row is None:
            return None
        if not await _same(session, row, sent):
            raise IdempotencyConflict(
                "This idempotency key was already used for another message.",
                **{FIELD: key, "index": row.index},
            )
        return message_view(row, await session.get(Member, member_id))


async def _same(session: AsyncSession, row: Message, sent: Sent) -> bool:
    if row.kind != sent.kind:
        return False
    if sent.kind != "file":
        return row.text == sent.text
    file_id = (row.data or {}).get("file_id")
    sha256 = await session.scalar(select(File.sha256).where(File.id == file_id))
    return sha256 == sent.sha256
