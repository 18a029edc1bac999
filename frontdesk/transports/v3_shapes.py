"""The ``pureengage-v3-rest`` wire shapes: messages, replies and errors of nexus chat v3.

Every answer is ``{"operationId": <the client's>, "data": {...}}``; an error adds
``status: {code, message}`` (``INVALID_SESSION`` when the session is gone or not the caller's)
beside the one envelope.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from frontdesk.actions.chat_views import not_found
from frontdesk.actions.routing import QueuePosition
from frontdesk.errors import Conflict, FrontdeskError, NotFound
from frontdesk.transports.shaped_errors import ShapedErrorRoute, error_response

BASE = "/nexus/v3/chat/sessions"
PARTY_TYPES = {
    "CUSTOMER": "Customer",
    "AGENT": "Agent",
    "SUPERVISOR": "Supervisor",
    "BOT": "Bot",
    "SYSTEM": "External",
}
# The stored kinds a visitor sees; user-data updates stay on the desk.
MESSAGE_TYPES = {
    "text": "Text",
    "member-join": "ParticipantJoined",
    "member-leave": "ParticipantLeft",
    "notice": "Notice",
    "custom-notice": "CustomNotice",
    "file": "Text",
}
SYSTEM_PARTY = {"participantId": "system", "nickname": "System", "type": "External"}
INVALID_SESSION = "INVALID_SESSION"


class V3Reply(BaseModel):
    """Every answer: the client's ``operationId`` echoed, and the data."""

    operationId: str = Field(description="The request's `operationId`, echoed.")
    data: dict[str, Any]


def shown(message: dict[str, Any]) -> bool:
    """Whether a visitor sees a message (``MessageView.as_json``)."""
    return message["kind"] in MESSAGE_TYPES


def message_body(message: dict[str, Any], conversation_id: str) -> dict[str, Any]:
    """A shown message (``MessageView.as_json``) as a v3 message."""
    member = message["member"]
    sender = dict(SYSTEM_PARTY) if member is None else party(member)
    body: dict[str, Any] = {
        "index": message["index"],
        "type": MESSAGE_TYPES[message["kind"]],
        "text": message["text"],
        "timestamp": message["created_at"],
        "from": sender,
    }
    data = message["data"]
    if message["kind"] == "file" and data is not None:
        # Clients that know nothing of files still show a line of text.
        body["text"] = f"Shared a file: {data['name']}"
        body["content"] = {
            "type": data["type"],
            "name": data["name"],
            "size": data["size"],
            # Relative to the dataURL without ``/sessions``, as v3 clients resolve it.
            "url": f"/sessions/{conversation_id}/images/{data['file_id']}",
        }
    elif message["kind"] == "custom-notice" and data:
        body["data"] = data
    return body


def party(member: dict[str, Any]) -> dict[str, Any]:
    """A member (``MemberView.as_json`` or a message's ``member``) as a v3 ``from``."""
    return {
        "participantId": member["id"],
        "nickname": member["display_name"],
        "type": PARTY_TYPES.get(member["role"], "External"),
    }


def typing_body(member: dict[str, Any], typing: bool, timestamp: str) -> dict[str, Any]:
    """Someone else started or stopped typing: a message without an index."""
    return {
        "type": "TypingStarted" if typing else "TypingStopped",
        "text": "",
        "timestamp": timestamp,
        "from": party(member),
    }


def queue_body(place: QueuePosition) -> dict[str, int]:
    """Where a waiting visitor stands (a Frontdesk extension; v3 clients ignore it)."""
    return {"position": place.position, "estimatedWaitSeconds": place.estimated_wait_seconds}


def operation_id(request: Request) -> str:
    """The ``operationId`` of the request being answered, as far as it was read."""
    known = getattr(request.state, "operation_id", None)
    if isinstance(known, str):
        return known
    return request.query_params.get("operationId", "")[:100]


def v3_error(error: FrontdeskError, request: Request) -> JSONResponse:
    """An error in both shapes: the envelope, and ``status.code`` for v3 clients."""
    # A session that is gone, ended, or not the caller's: the client drops it (sessionLost).
    # A missing file is not a lost session.
    lost = isinstance(error, Conflict) or (
        isinstance(error, NotFound) and error.message == not_found().message
    )
    code = INVALID_SESSION if lost else error.code.upper()
    return error_response(
        error,
        {
            "operationId": operation_id(request),
            "status": {"code": code, "message": error.message},
        },
    )


class V3Route(ShapedErrorRoute):
    """A v3 route: errors carry ``operationId`` and ``status``."""

    def render(self, error: FrontdeskError, request: Request) -> JSONResponse:
        return v3_error(error, request)
