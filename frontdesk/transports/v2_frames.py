"""The ``purecloud-v2-sockets`` wire shapes: chat events as Genesys Cloud guest chat v2 frames."""

from __future__ import annotations

from typing import Any

from frontdesk.actions.chat_views import MemberView, MessageView
from frontdesk.actions.routing import QueuePosition

BASE = "/api/v2/webchat/guest/conversations"

# The stored kinds a visitor sees, as v2 ``bodyType``s; user-data updates stay on the desk.
BODY_TYPES = {
    "text": "standard",
    "member-join": "member-join",
    "member-leave": "member-leave",
    "notice": "notice",
    "custom-notice": "notice",
    "file": "standard",
}
ROLES = {
    "CUSTOMER": "CUSTOMER",
    "AGENT": "AGENT",
    "SUPERVISOR": "AGENT",
    "BOT": "WORKFLOW",
    "SYSTEM": "WORKFLOW",
}
SYSTEM_SENDER = "system"
HEARTBEAT = {
    "topicName": "channel.metadata",
    "eventBody": {"message": "WebSocket Heartbeat"},
    "metadata": {"type": "heartbeat"},
}


def message_body(message: dict[str, Any], conversation_id: str) -> dict[str, Any] | None:
    """A message event's ``message`` (see ``MessageView.as_json``) as a v2 message entity."""
    body_type = BODY_TYPES.get(message["kind"])
    if body_type is None:
        return None
    member = message["member"]
    body = {
        "id": message["id"],
        "index": message["index"],
        "conversation": {"id": conversation_id},
        "sender": {"id": member["id"] if member else SYSTEM_SENDER},
        "body": message["text"],
        "bodyType": body_type,
        "timestamp": message["created_at"],
    }
    if message["kind"] == "file":
        # Clients that know nothing of files still show a sensible line of text.
        file = message["data"]
        body["body"] = f"Shared a file: {file['name']}"
        body["attachment"] = {
            "id": file["file_id"],
            "name": file["name"],
            "size": file["size"],
            "type": file["type"],
            "path": f"{BASE}/{conversation_id}/files/{file['file_id']}",
        }
    return body


def member_body(member: dict[str, Any]) -> dict[str, Any]:
    """A member (see ``MemberView.as_json``) as a v2 member entity."""
    body = {
        "id": member["id"],
        "displayName": member["display_name"],
        "role": ROLES.get(member["role"], "WORKFLOW"),
        "state": member["state"],
        "joinDate": member["joined_at"],
    }
    if member["left_at"]:
        body["leaveDate"] = member["left_at"]
    return body


def message_entity(message: MessageView) -> dict[str, Any] | None:
    """A stored message as a v2 message entity (None for kinds visitors do not see)."""
    return message_body(message.as_json(), message.conversation_id)


def member_entity(member: MemberView) -> dict[str, Any]:
    """A stored member as a v2 member entity."""
    return member_body(member.as_json())


def message_frame(body: dict[str, Any]) -> dict[str, Any]:
    """The WebSocket frame of a v2 message entity."""
    conversation_id = body["conversation"]["id"]
    return {
        "topicName": f"v2.conversations.chats.{conversation_id}.messages",
        "version": "2",
        "eventBody": body,
        "metadata": {"type": "message"},
    }


def frame_for(event: dict[str, Any], own_member_id: str) -> dict[str, Any] | None:
    """The frame a visitor gets for a broker event, or None when they get none."""
    conversation_id = event["conversation_id"]
    kind = event["type"]
    if kind == "message":
        body = message_body(event["message"], conversation_id)
        return None if body is None else message_frame(body)
    if kind == "member":
        member = event["member"]
        return {
            "topicName": f"v2.conversations.chats.{conversation_id}.members",
            "version": "2",
            "eventBody": {
                "conversation": {"id": conversation_id},
                "member": member_body(member),
                "lastIndex": event["last_index"],
                "timestamp": member["left_at"] or member["joined_at"],
            },
            "metadata": {"type": "member-change"},
        }
    if kind == "typing" and event["typing"] and event["member"]["id"] != own_member_id:
        return {
            "topicName": f"v2.conversations.chats.{conversation_id}.messages",
            "version": "2",
            "eventBody": {
                "conversation": {"id": conversation_id},
                "sender": {"id": event["member"]["id"]},
                "lastIndex": event["last_index"],
            },
            "metadata": {"type": "typing-indicator"},
        }
    return None


def metadata_frame(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """A frame about the stream itself (``ready``, ``error``)."""
    return {"topicName": "channel.metadata", "eventBody": body, "metadata": {"type": kind}}


def queue_body(conversation_id: str, place: QueuePosition) -> dict[str, Any]:
    """Where a waiting visitor stands: position 1 is next; the wait is a rough estimate."""
    return {
        "conversationId": conversation_id,
        "position": place.position,
        "estimatedWaitSeconds": place.estimated_wait_seconds,
    }
