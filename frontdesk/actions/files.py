"""Files shared in a chat: checked, stored in the database, announced as a ``file`` message.

The bytes live in the database, so whichever server process a download reaches can serve it.
The type is what the content is, never what the uploader claims; the name is text, shown as text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
import uuid
from typing import Any

from sqlalchemy import select

from frontdesk.actions.chat import (
    connected_member,
    insert_message,
    invalid,
    message_events,
    publish,
    publish_again,
    take_index,
)
from frontdesk.actions.chat_views import MessageView, conversation_view, load_conversation
from frontdesk.actions.idempotency import Sent, checked_key, store_once
from frontdesk.broker import Broker
from frontdesk.errors import Gone, NotFound, PayloadTooLarge, UnsupportedMediaType
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import File, utcnow

MAX_NAME_LENGTH = 255
FALLBACK_NAME = "file"
# Leading bytes of each binary type; WebP is a RIFF container whose form type is at offset 8.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
# Control characters other than tab, line feed, form feed and carriage return: binary content.
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclasses.dataclass(frozen=True, slots=True)
class StoredFile:
    """A file as a download serves it."""

    id: str
    conversation_id: str
    name: str
    content_type: str
    size: int
    data: bytes

    def as_json(self) -> dict[str, Any]:
        """What a ``file`` message's ``data`` says about the file."""
        return {"file_id": self.id, "name": self.name, "size": self.size, "type": self.content_type}


async def attach_file(
    db: Database,
    broker: Broker,
    conversation_id: str,
    member_id: str,
    *,
    filename: str,
    content_type: str,
    data: bytes,
    settings: Settings,
    idempotency_key: str | None = None,
) -> MessageView:
    """Store a file from a connected member of an open conversation and post it as a message.

    ``content_type`` is the uploader's claim, kept only for the error: the stored type comes
    from the content and must be one of ``settings.upload_types``. A repeat under the same
    ``idempotency_key`` answers the stored message (``idempotency``).
    """
    key = checked_key(idempotency_key)
    if not data:
        raise invalid("file", "must not be empty")
    if len(data) > settings.upload_max_bytes:
        raise PayloadTooLarge(
            f"The file is larger than {settings.upload_max_bytes} bytes.",
            limit=settings.upload_max_bytes,
        )
    real_type = detect_type(data)
    if real_type is None or real_type not in settings.upload_types:
        raise UnsupportedMediaType(
            "This kind of file may not be shared.",
            allowed=list(settings.upload_types),
            claimed=content_type[:100],
        )
    name = clean_filename(filename)
    row = File(
        id=str(uuid.uuid4()),
        conversation_id=conversation_id,
        member_id=member_id,
        name=name,
        content_type=real_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        created_at=utcnow(),
        deleted_at=None,
    )

    async def store() -> MessageView:
        async with db.session() as session, session.begin():
            # The index first, as in send_message: it locks the conversation row.
            index = await take_index(session, conversation_id)
            member = await connected_member(session, conversation_id, member_id)
            session.add(row)
            await session.flush()
            message = await insert_message(
                session,
                conversation_id,
                index,
                "file",
                member,
                name,
                _stored(row).as_json(),
                idempotency_key=key,
            )
            view = conversation_view(await load_conversation(session, conversation_id))
        await publish(broker, message_events(view, [message]))
        return message

    sent = Sent("file", sha256=row.sha256)
    return await store_once(
        db,
        conversation_id,
        member_id,
        key,
        sent,
        store,
        lambda message: publish_again(db, broker, conversation_id, message),
    )


async def get_file(db: Database, file_id: str, *, conversation_id: str | None = None) -> StoredFile:
    """A stored file; with ``conversation_id``, only one shared in that conversation.

    A file whose bytes retention deleted is ``Gone``, so a link to it says why it stopped working.
    """
    async with db.session() as session:
        row = await session.get(File, file_id)
    if row is None or (conversation_id is not None and row.conversation_id != conversation_id):
        raise NotFound("No such file.")
    if row.deleted_at is not None:
        raise Gone(
            "This file was deleted: files of ended chats are kept only for a while.",
            file_id=row.id,
            deleted_at=row.deleted_at.isoformat().replace("+00:00", "Z"),
        )
    return _stored(row)


async def file_conversation(db: Database, file_id: str) -> str:
    """The conversation a file was shared in (deleted or not), or ``NotFound``."""
    async with db.session() as session:
        conversation_id = await session.scalar(
            select(File.conversation_id).where(File.id == file_id)
        )
    if conversation_id is None:
        raise NotFound("No such file.")
    return conversation_id


def detect_type(data: bytes) -> str | None:
    """The type the content is (by signature, or UTF-8 text), or None when it is neither."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if _BINARY_CONTROLS.search(text) else "text/plain"


def clean_filename(filename: str) -> str:
    """A file name without folders, control or direction characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", filename)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: invisible formatting, e.g. U+202E, which reverses "gnp.exe".
    name = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in name)
    name = " ".join(name.split()).strip(". ")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(". ") + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH].rstrip(". ")
    return name or FALLBACK_NAME


def _stored(row: File) -> StoredFile:
    return StoredFile(
        id=row.id,
        conversation_id=row.conversation_id,
        name=row.name,
        content_type=row.content_type,
        size=row.size,
        data=row.data,
    )
