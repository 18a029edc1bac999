"""The agent API: status, the queue, the agent's conversations, accept, reply, share, type, end;
for supervisors and admins, every active conversation, read-only.

Authentication is an API token (``Authorization: Bearer``) or the desk cookie; a cookie on a
state-changing request must come from the desk's own origin (``transports.auth``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from frontdesk.actions.chat import send_message, set_typing
from frontdesk.actions.chat_views import (
    MAX_PAGE,
    ConversationView,
    MemberView,
    MessageView,
    get_conversation,
    latest_messages,
    list_members,
    list_messages,
)
from frontdesk.actions.files import attach_file, file_conversation, get_file
from frontdesk.actions.routing import (
    accept,
    finish_conversation,
    get_presence,
    list_active,
    list_agent_conversations,
    list_ended,
    list_queue,
    queue_position,
    set_status,
)
from frontdesk.errors import Forbidden, NotFound
from frontdesk.transports.agent_models import (
    PREVIEW_LENGTH,
    ConversationOut,
    ConversationReply,
    ConversationsReply,
    EndedReply,
    FileLimitsOut,
    MemberOut,
    MessageOut,
    MessageReply,
    PresenceOut,
    PreviewOut,
    QueueOut,
    StatusBody,
    TextBody,
    TranscriptReply,
    TypingBody,
)
from frontdesk.transports.attachments import attachment_response
from frontdesk.transports.auth import (
    SUPERVISING_ROLES,
    Caller,
    authenticated,
    require_role,
    supervises,
)
from frontdesk.transports.error_docs import error_responses
from frontdesk.transports.idempotency import IdempotencyKeyHeader
from frontdesk.transports.ids import MAX_ROW_ID

if TYPE_CHECKING:
    from frontdesk.app import Services

router = APIRouter(prefix="/api/agent", tags=["agent"])

AnyAgent = Annotated[Caller, Depends(authenticated)]
Supervisor = Annotated[Caller, Depends(require_role(*SUPERVISING_ROLES))]


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


def _preview(message: MessageView) -> PreviewOut:
    return PreviewOut.model_validate({**message.as_json(), "text": message.text[:PREVIEW_LENGTH]})


async def _outs(svc: Services, views: list[ConversationView]) -> list[ConversationOut]:
    """The conversations as the API shows them, with previews and queue places."""
    previews = await latest_messages(svc.database, [view.id for view in views])
    outs = []
    for view in views:
        out = ConversationOut.model_validate(view.as_json())
        latest = previews.get(view.id)
        if latest is not None:
            out.preview = _preview(latest)
        if view.state == "queued":
            position = await queue_position(svc.database, view.id)
            if position is not None:
                out.queue = QueueOut(
                    position=position.position,
                    estimated_wait_seconds=position.estimated_wait_seconds,
                )
        outs.append(out)
    return outs


async def _out(svc: Services, view: ConversationView) -> ConversationOut:
    return (await _outs(svc, [view]))[0]


async def _visible(
    svc: Services, caller: Caller, conversation_id: str
) -> tuple[ConversationView, list[MemberView]]:
    """The conversation if the caller may see it: queued, theirs, or they supervise."""
    view = await get_conversation(svc.database, conversation_id)
    members = await list_members(svc.database, conversation_id)
    if (
        view.state == "queued"
        or supervises(caller.agent)
        or any(member.agent_id == caller.agent.id for member in members)
    ):
        return view, members
    raise Forbidden(
        "This conversation is another agent's; only supervisors and admins may open it.",
        conversation_id=conversation_id,
        required_roles=list(SUPERVISING_ROLES),
    )


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
    """Queued conversations, longest waiting first, with their positions and previews."""
    svc = _services(request)
    return ConversationsReply(conversations=await _outs(svc, await list_queue(svc.database)))


@router.get("/conversations", summary="Your active conversations and the queue")
async def get_conversations(caller: AnyAgent, request: Request) -> ConversationsReply:
    """Your active conversations first, then the queued ones, with previews."""
    svc = _services(request)
    views = await list_agent_conversations(svc.database, caller.agent.id)
    return ConversationsReply(conversations=await _outs(svc, views))


@router.get("/conversations/active", summary="Every active conversation (supervisors)")
async def get_active(caller: Supervisor, request: Request) -> ConversationsReply:
    """All agents' active conversations, longest accepted first; other roles get 403."""
    svc = _services(request)
    return ConversationsReply(conversations=await _outs(svc, await list_active(svc.database)))


@router.get("/conversations/ended", summary="Past conversations")
async def get_ended(
    caller: AnyAgent,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    before: Annotated[
        str | None,
        Query(max_length=64, description="The `next_before` of the previous page."),
    ] = None,
) -> EndedReply:
    """Ended conversations, newest first: yours, or everyone's for supervisors, a page at a time."""
    svc = _services(request)
    agent_id = None if supervises(caller.agent) else caller.agent.id
    # One more than asked says whether another page follows.
    views = await list_ended(svc.database, agent_id, limit + 1, before=before)
    page = views[:limit]
    return EndedReply(
        conversations=await _outs(svc, page),
        next_before=page[-1].id if len(views) > limit else None,
    )


@router.get("/conversations/{conversation_id}", summary="A conversation and its transcript")
async def get_transcript(
    conversation_id: str,
    caller: AnyAgent,
    request: Request,
    after: Annotated[
        int, Query(ge=0, le=MAX_ROW_ID, description="Only messages with a larger index.")
    ] = 0,
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


@router.post(
    "/conversations/{conversation_id}/accept",
    summary="Take a queued conversation",
    responses=error_responses(409),
)
async def post_accept(
    conversation_id: str, caller: AnyAgent, request: Request
) -> ConversationReply:
    """You join the conversation; already taken or ended is a 409 ``conflict``."""
    svc = _services(request)
    view = await accept(svc.database, svc.broker, caller.agent, conversation_id)
    return ConversationReply(conversation=await _out(svc, view))


@router.post(
    "/conversations/{conversation_id}/messages",
    status_code=201,
    summary="Reply",
    responses=error_responses(409, 429),
)
async def post_message(
    conversation_id: str,
    body: TextBody,
    caller: AnyAgent,
    request: Request,
    idempotency_key: IdempotencyKeyHeader = None,
) -> MessageReply:
    """Store your message; it reaches the visitor and the desk as a ``message`` event.

    A repeat with the same ``Idempotency-Key`` stores nothing and answers the first message."""
    svc = _services(request)
    member_id = await _own_member(svc, caller, conversation_id)
    await svc.rate_limits.check(svc.rate_limits.messages, member_id)
    message = await send_message(
        svc.database,
        svc.broker,
        conversation_id,
        member_id,
        body.text,
        idempotency_key=idempotency_key,
    )
    return MessageReply(message=MessageOut.model_validate(message.as_json()))


@router.post(
    "/conversations/{conversation_id}/files",
    status_code=201,
    summary="Share a file",
    responses=error_responses(409, 429),
)
async def post_file(
    conversation_id: str,
    file: Annotated[UploadFile, File(description="The file (multipart/form-data field `file`).")],
    caller: AnyAgent,
    request: Request,
    idempotency_key: IdempotencyKeyHeader = None,
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
        idempotency_key=idempotency_key,
    )
    return MessageReply(message=MessageOut.model_validate(message.as_json()))


@router.get("/file-limits", summary="What files may be shared")
async def get_file_limits(caller: AnyAgent, request: Request) -> FileLimitsOut:
    """The largest file and the types the server accepts (it checks the content on upload)."""
    settings = _services(request).settings
    return FileLimitsOut(max_bytes=settings.upload_max_bytes, types=list(settings.upload_types))


@router.get(
    "/files/{file_id}",
    summary="Download a shared file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def get_shared_file(file_id: str, caller: AnyAgent, request: Request) -> Response:
    """The file, always as an attachment, from a conversation you may see."""
    svc = _services(request)
    conversation_id = await file_conversation(svc.database, file_id)
    try:
        await _visible(svc, caller, conversation_id)
    except (NotFound, Forbidden):
        # File ids are as private as the conversation: not yours looks like not there.
        raise NotFound("No such file.") from None
    return attachment_response(await get_file(svc.database, file_id))


@router.post(
    "/conversations/{conversation_id}/typing",
    status_code=204,
    summary="Typing started/stopped",
    responses=error_responses(409, 429),
)
async def post_typing(
    conversation_id: str, body: TypingBody, caller: AnyAgent, request: Request
) -> Response:
    """Tell the visitor you are (or stopped) typing; nothing is stored."""
    svc = _services(request)
    member_id = await _own_member(svc, caller, conversation_id)
    await svc.rate_limits.check(svc.rate_limits.typing, member_id)
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
