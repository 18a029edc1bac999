"""The REST polling wire shapes (GMS Chat API v2): replies, transcript entries and errors.

Every reply has ``statusCode`` (0 ok, 1 chat server unavailable, 2 error), ``messages`` and
``chatEnded``; ``chatEnded: true`` tells the client its chat is over, whatever else it says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from frontdesk.actions.chat_views import MemberView, MessageView
from frontdesk.actions.routing import QueuePosition
from frontdesk.errors import Conflict, FrontdeskError, Unavailable
from frontdesk.settings import Settings
from frontdesk.transports.shaped_errors import ShapedErrorRoute, error_response
from frontdesk.transports.typing_board import Typing

STATUS_OK: Literal[0] = 0
STATUS_UNAVAILABLE: Literal[1] = 1
STATUS_ERROR: Literal[2] = 2

PARTY_TYPES = {
    "CUSTOMER": "Client",
    "AGENT": "Agent",
    "SUPERVISOR": "Supervisor",
    "BOT": "Bot",
    "SYSTEM": "External",
}
# The stored kinds a visitor sees; user-data updates stay on the desk.
MESSAGE_TYPES = {
    "text": "Message",
    "member-join": "ParticipantJoined",
    "member-leave": "ParticipantLeft",
    "notice": "Notice",
    "custom-notice": "CustomNotice",
    "file": "FileUploaded",
}
SYSTEM_PARTY = {"nickname": "System", "participantId": "system", "type": "External"}
# upload-file-types lists file name extensions, colon-separated.
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg:jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "text/plain": "txt",
}


class QueuePlace(BaseModel):
    """Where a waiting visitor stands (a Frontdesk extension; GMS clients ignore it)."""

    position: int = Field(description="1 is next.")
    estimatedWaitSeconds: int = Field(description="A rough estimate from recent waits.")

    @classmethod
    def of(cls, place: QueuePosition) -> QueuePlace:
        return cls(position=place.position, estimatedWaitSeconds=place.estimated_wait_seconds)


class GmsReply(BaseModel):
    """Every answer: status, transcript entries, and whether the chat is over."""

    statusCode: Literal[0, 1, 2] = Field(
        default=STATUS_OK, description="0 ok, 1 chat server unavailable, 2 error (see `errors`)."
    )
    chatId: str | None = Field(default=None, description="Request chat only.")
    alias: str | None = Field(default=None, description="Request chat only; send it back.")
    userId: str | None = Field(default=None, description="Request chat only; send it back.")
    secureKey: str | None = Field(
        default=None, description="Request chat only; sealed by the server, send it back."
    )
    messages: list[dict[str, Any]] = Field(
        default_factory=list, description="Transcript entries from `transcriptPosition` on."
    )
    chatEnded: bool = Field(default=False, description="True once the chat is over.")
    userData: dict[str, Any] | None = Field(default=None, description="File upload only.")
    queuePosition: QueuePlace | None = Field(
        default=None,
        description="Request chat and refresh, only while no agent has the chat: the visitor's "
        "place in the queue (a Frontdesk extension).",
    )


def utc_ms(moment: dt.datetime) -> int:
    """Milliseconds since the epoch, as GMS writes ``utcTime``."""
    return int(moment.timestamp() * 1000)


def party(member: MemberView | None) -> dict[str, Any]:
    """The ``from`` of an entry."""
    if member is None:
        return dict(SYSTEM_PARTY)
    return {
        "nickname": member.display_name,
        "participantId": member.id,
        "type": PARTY_TYPES.get(member.role, "External"),
    }


def transcript_entry(message: MessageView) -> dict[str, Any] | None:
    """A stored message as a transcript entry, or None for kinds visitors do not see."""
    kind = MESSAGE_TYPES.get(message.kind)
    if kind is None:
        return None
    entry: dict[str, Any] = {
        "index": message.index,
        "type": kind,
        "text": message.text,
        "utcTime": utc_ms(message.created_at),
        "from": party(message.member),
    }
    if message.kind == "file" and message.data is not None:
        entry["userData"] = {
            "file-id": message.data["file_id"],
            "file-name": message.data["name"],
            "file-size": str(message.data["size"]),
            "file-type": message.data["type"],
        }
    elif message.kind == "custom-notice" and message.data:
        entry["eventAttributes"] = message.data
    return entry


def typing_entry(state: Typing) -> dict[str, Any]:
    """A member typing (or just stopped): an entry without an index, not part of the transcript."""
    member = state.member
    return {
        "type": "TypingStarted" if state.typing else "TypingStopped",
        "text": "",
        "utcTime": int(state.at * 1000),
        "from": {
            "nickname": member["display_name"],
            "participantId": member["id"],
            "type": PARTY_TYPES.get(member["role"], "External"),
        },
    }


def file_limits_entry(settings: Settings, now: dt.datetime) -> dict[str, Any]:
    """The entry whose ``userData`` tells a client what it may upload."""
    types = ":".join(EXTENSIONS[t] for t in settings.upload_types if t in EXTENSIONS)
    return {
        "type": "Notice",
        "text": "",
        "utcTime": utc_ms(now),
        "from": dict(SYSTEM_PARTY),
        "userData": {
            "upload-max-file-size": str(settings.upload_max_bytes),
            "upload-file-types": types,
            "upload-need-agent": "false",
        },
    }


def gms_error(error: FrontdeskError, request: Request) -> JSONResponse:
    """An error in both shapes: the envelope, and ``statusCode``/``errors`` for GMS clients."""
    status = STATUS_UNAVAILABLE if isinstance(error, Unavailable) else STATUS_ERROR
    return error_response(
        error,
        {
            "statusCode": status,
            "errors": [{"code": error.status, "advice": error.message}],
            "messages": [],
            # The chat core's conflicts are "the conversation has ended" and "you left it".
            "chatEnded": isinstance(error, Conflict),
        },
    )


class GmsRoute(ShapedErrorRoute):
    """A REST polling route: errors carry ``statusCode``, ``errors`` and ``chatEnded``."""

    def render(self, error: FrontdeskError, request: Request) -> JSONResponse:
        return gms_error(error, request)
