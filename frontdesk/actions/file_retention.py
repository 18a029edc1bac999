"""Retention: the bytes of files shared in chats that ended long enough ago are deleted.

The file's row stays, without its bytes and with ``deleted_at`` set, so the transcript still names
the file and a download answers ``410 gone`` instead of a puzzling ``404``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import select, update

from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import Conversation, File, utcnow

log = logging.getLogger("frontdesk.files")

SWEEP_INTERVAL_SECONDS = 600.0


async def delete_expired_files(
    db: Database, settings: Settings, *, now: dt.datetime | None = None
) -> int:
    """Delete the bytes of files from chats ended over ``file_retention_days`` ago; 0 keeps all.

    Returns how many files were deleted.
    """
    if settings.file_retention_days == 0:
        return 0
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=settings.file_retention_days)
    expired = select(Conversation.id).where(
        Conversation.state == "ended", Conversation.ended_at < cutoff
    )
    async with db.session() as session, session.begin():
        result = await session.execute(
            update(File)
            .where(File.deleted_at.is_(None), File.conversation_id.in_(expired))
            .values(data=b"", deleted_at=now)
        )
    # CursorResult is what an UPDATE returns; the generic Result type does not say so.
    return int(getattr(result, "rowcount", 0) or 0)


async def sweep_expired_files(db: Database, settings: Settings) -> None:
    """Delete expired files every ``SWEEP_INTERVAL_SECONDS`` until cancelled (a lifespan task)."""
    if settings.file_retention_days == 0:
        return
    while True:
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
        try:
            deleted = await delete_expired_files(db, settings)
        except Exception:
            log.exception("deleting expired files failed; trying again later")
        else:
            if deleted:
                log.info("deleted %d files past their retention", deleted)
