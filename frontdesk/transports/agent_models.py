"""The agent API's request and reply shapes (in the OpenAPI document; docs/api/agents.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.actions.chat import MAX_TEXT_LENGTH

PREVIEW_LENGTH = 200


class StatusBody(BaseModel):
    """Whether the agent takes chats now."""

    model_config = ConfigDict(extra="forbid", strict=True)

    status: Literal["available", "away"]


class PresenceOut(BaseModel):
    """The agent's routing state."""

    status: str = Field(description="`available` or `away`")
    capacity: int
    active: int = Field(description="Conversations the agent has now.")


class TextBody(BaseModel):
    """An agent's message."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)


class TypingBody(BaseModel):
    """Typing started (true) or stopped (false)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    typing: bool


class MemberRef(BaseModel):
    """Who sent a message."""

    id: str
    role: str
    display_name: str


class MemberOut(MemberRef):
    """A party to a conversation."""

    state: Literal["CONNECTED", "DISCONNECTED"]
    agent_id: int | None
    joined_at: str
    left_at: str | None


class MessageOut(BaseModel):
    """A stored message; ``index`` is gapless from 1 in each conversation."""

    id: str = Field(description="`<conversation id>:<index>`")
    index: int
    kind: Literal[
        "text",
        "member-join",
        "member-leave",
        "notice",
        "custom-notice",
        "user-data-updated",
        "file",
    ]
    text: str
    member: MemberRef | None
    data: dict[str, Any] | None
    created_at: str


class VisitorOut(BaseModel):
    """What the visitor entered in the chat form."""

    first_name: str
    last_name: str
    email: str
    subject: str


class ContextOut(BaseModel):
    """Where the visitor is and what their widget sent."""

    page_url: str
    page_title: str
    referrer: str
    browser: str
    language: str
    user_data: dict[str, Any]


class PreviewOut(BaseModel):
    """The conversation's newest text or file message, for lists; ``text`` is cut short."""

    index: int
    kind: Literal["text", "file"]
    text: str = Field(description=f"At most {PREVIEW_LENGTH} characters of the message.")
    member: MemberRef | None
    created_at: str


class QueueOut(BaseModel):
    """A queued conversation's place: 1 is next."""

    position: int
    estimated_wait_seconds: int


class ConversationOut(BaseModel):
    """A conversation with its visitor context."""

    id: str
    state: Literal["queued", "active", "ended"]
    origin: str
    transport: str
    last_index: int = Field(description="Index of the newest message.")
    agent_id: int | None
    visitor: VisitorOut
    context: ContextOut
    created_at: str
    accepted_at: str | None
    last_activity_at: str
    ended_at: str | None
    ended_reason: str | None
    queue: QueueOut | None = None
    preview: PreviewOut | None = None


class ConversationsReply(BaseModel):
    """A list of conversations."""

    conversations: list[ConversationOut]


class EndedReply(ConversationsReply):
    """A page of ended conversations."""

    next_before: str | None = Field(
        description="Pass as `before` for the next page; null when this is the last page."
    )


class FileLimitsOut(BaseModel):
    """What may be shared: checked again, by content, on upload."""

    max_bytes: int
    types: list[str]


class ConversationReply(BaseModel):
    """One conversation."""

    conversation: ConversationOut


class TranscriptReply(BaseModel):
    """A conversation, its members, and its messages after the requested index."""

    conversation: ConversationOut
    members: list[MemberOut]
    messages: list[MessageOut]


class MessageReply(BaseModel):
    """The stored message."""

    message: MessageOut
