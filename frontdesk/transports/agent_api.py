"""The agent API: status, the queue, the agent's conversations, accept, reply, share, type, end.

Authentication is an API token (``Authorization: Bearer``) or the desk cookie; a cookie on a
state-changing request must come from the desk's own origin (``transports.auth``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.actions.chat import MAX_TEXT_LENGTH, send_message, set_typing
from frontdesk.actions.chat_views import (
    MAX_PAGE,
    ConversationView,
    MemberView,
    get_conversation,
    list_members,
    list_messages,
    not_found,
)
from frontdesk.actions.files import attach_file, get_file
from frontdesk.actions.routing import (
    accept,
    finish_conversation,
    get_presence,
    list_agent_conversations,
    list_ended,
    list_queue,
    queue_position,
    set_status,
)
from frontdesk.errors import Forbidden, NotFound
from frontdesk.transports.attachments import attachment_response
from frontdesk.transports.auth import Caller, authenticated

if TYPE_CHECKING:
    from frontdesk.app import Services

router = APIRouter(prefix="/api/agent", tags=["agent"])

AnyAgent = Annotated[Caller, Depends(authenticated)]
SUPERVISING_ROLES = frozenset({"supervisor", "admin"})


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


class ConversationsReply(BaseModel):
    """A list of conversations."""

    conversations: list[ConversationOut]


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


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


def _supervises(caller: Caller) -> bool:
    return caller.agent.role in SUPERVISING_ROLES


async def _out(svc: Services, view: ConversationView) -> ConversationOut:
    out = ConversationOut.model_validate(view.as_json())
    if view.state == "queued":
        position = await queue_position(svc.database, view.id)
        if position is not None:
            out.queue = QueueOut(
                position=position.position,
                estimated_wait_seconds=position.estimated_wait_seconds,
            )
    return out


async def _visible(
    svc: Services, caller: Caller, conversation_id: str
) -> tuple[ConversationView, list[MemberView]]:
    """The conversation if the caller may see it: queued, theirs, or they supervise."""
    view = await get_conversation(svc.database, conversation_id)
    members = await list_members(svc.database, conversation_id)
    if (
        view.state == "queued"
        or _supervises(caller)
        or any(member.agent_id == caller.agent.id for member in members)
    ):
        return view, members
    raise not_found()


async def _own_member(svc: Services, caller: Caller, conversation_id: str) -> str:
    """The caller's connected member in a conversation they may see."""
    _, members = await _visible(svc, caller, conversation_id)
    for member in members:
        if member.agent_id == caller.agent.id and member.state == "CONNECTED":
            return member.id
    raise Forbidden("Accept the conversation first.", conversation_id=conversation_id)


@router.get("/status", summary="Your routing status")
async def get_status(caller: AnyAgent, request: Request) -> PresenceOut:
    """Available or away, capacity and current load."""
    presence = await get_presence(_services(request).database, caller.agent.id)
    return PresenceOut(status=presence.status, capacity=presence.capacity, active=presence.active)


@router.put("/status", summary="Become available or away")
async def put_status(body: StatusBody, caller: AnyAgent, request: Request) -> PresenceOut:
    """Becoming available hands you the longest-waiting chats up to your capacity."""
    svc = _services(request)
    presence = await set_status(svc.database, svc.broker, caller.agent.id, body.status)
    return PresenceOut(status=body.status, capacity=presence.capacity, active=presence.active)


@router.get("/queue", summary="Conversations waiting for an agent")
async def get_queue(caller: AnyAgent, request: Request) -> ConversationsReply:
    """Queued conversations, longest waiting first, with their positions."""
    svc = _services(request)
    return ConversationsReply(
        conversations=[await _out(svc, view) for view in await list_queue(svc.database)]
    )


@router.get("/conversations", summary="Your active conversations and the queue")
async def get_conversations(caller: AnyAgent, request: Request) -> ConversationsReply:
    """Your active conversations first, then the queued ones."""
    svc = _services(request)
    views = await list_agent_conversations(svc.database, caller.agent.id)
    return ConversationsReply(conversations=[await _out(svc, view) for view in views])


@router.get("/conversations/ended", summary="Past conversations")
async def get_ended(
    caller: AnyAgent,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
) -> ConversationsReply:
    """Ended conversations, newest first: yours, or everyone's for supervisors."""
    svc = _services(request)
    agent_id = None if _supervises(caller) else caller.agent.id
    views = await list_ended(svc.database, agent_id, limit)
    return ConversationsReply(conversations=[await _out(svc, view) for view in views])


@router.get("/conversations/{conversation_id}", summary="A conversation and its transcript")
async def get_transcript(
    conversation_id: str,
    caller: AnyAgent,
    request: Request,
    after: Annotated[int, Query(ge=0, description="Only messages with a larger index.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
) -> TranscriptReply:
    """Context, members and the messages after ``after`` (page with the last index you got)."""
    svc = _services(request)
    view, members = await _visible(svc, caller, conversation_id)
    messages = await list_messages(svc.database, conversation_id, after=after, limit=limit)
    return TranscriptReply(
        conversation=await _out(svc, view),
        members=[MemberOut.model_validate(member.as_json()) for member in members],
        messages=[MessageOut.model_validate(message.as_json()) for message in messages],
    )


@router.post("/conversations/{conversation_id}/accept", summary="Take a queued conversation")
async def post_accept(
    conversation_id: str, caller: AnyAgent, request: Request
) -> ConversationReply:
    """You join the conversation; already taken or ended is a 409 ``conflict``."""
    svc = _services(request)
    view = await accept(svc.database, svc.broker, caller.agent, conversation_id)
    return ConversationReply(conversation=await _out(svc, view))


@router.post("/conversations/{conversation_id}/messages", status_code=201, summary="Reply")
async def post_message(
    conversation_id: str, body: TextBody, caller: AnyAgent, request: Request
) -> MessageReply:
    """Store your message; it reaches the visitor and the desk as a ``message`` event."""
    svc = _services(request)
    member_id = await _own_member(svc, caller, conversation_id)
    await svc.rate_limits.check(svc.rate_limits.messages, member_id)
    message = await send_message(svc.database, svc.broker, conversation_id, member_id, body.text)
    return MessageReply(message=MessageOut.model_validate(message.as_json()))


@router.post("/conversations/{conversation_id}/files", status_code=201, summary="Share a file")
async def post_file(
    conversation_id: str,
    file: Annotated[UploadFile, File(description="The file (multipart/form-data field `file`).")],
    caller: AnyAgent,
    request: Request,
) -> MessageReply:
    """Store the file and post it as a ``file`` message (its type is checked by content)."""
    svc = _services(request)
    member_id = await _own_member(svc, caller, conversation_id)
    await svc.rate_limits.check(svc.rate_limits.messages, member_id)
    # One byte more than allowed is enough to know it is too large.
    data = await file.read(svc.settings.upload_max_bytes + 1)
    message = await attach_file(
        svc.database,
        svc.broker,
        conversation_id,
        member_id,
        filename=file.filename or "",
        content_type=file.content_type or "",
        data=data,
        settings=svc.settings,
    )
    return MessageReply(message=MessageOut.model_validate(message.as_json()))


@router.get(
    "/files/{file_id}",
    summary="Download a shared file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def get_shared_file(file_id: str, caller: AnyAgent, request: Request) -> Response:
    """The file, always as an attachment, from a conversation you may see."""
    svc = _services(request)
    file = await get_file(svc.database, file_id)
    try:
        await _visible(svc, caller, file.conversation_id)
    except NotFound:
        raise NotFound("No such file.") from None
    return attachment_response(file)


@router.post(
    "/conversations/{conversation_id}/typing", status_code=204, summary="Typing started/stopped"
)
async def post_typing(
    conversation_id: str, body: TypingBody, caller: AnyAgent, request: Request
) -> Response:
    """Tell the visitor you are (or stopped) typing; nothing is stored."""
    svc = _services(request)
    member_id = await _own_member(svc, caller, conversation_id)
    await set_typing(svc.database, svc.broker, conversation_id, member_id, body.typing)
    return Response(status_code=204)


@router.post("/conversations/{conversation_id}/end", summary="End the conversation")
async def post_end(conversation_id: str, caller: AnyAgent, request: Request) -> ConversationReply:
    """Everyone leaves; ending an ended conversation changes nothing."""
    svc = _services(request)
    view, _ = await _visible(svc, caller, conversation_id)
    if view.state == "ended":
        return ConversationReply(conversation=await _out(svc, view))
    member_id = await _own_member(svc, caller, conversation_id)
    view = await finish_conversation(
        svc.database, svc.broker, conversation_id, reason="agent", member_id=member_id
    )
    return ConversationReply(conversation=await _out(svc, view))
