"""The ``pureengage-v3-rest`` transport: nexus chat v3 over REST with long-polling.

Starting a session returns a client token (a JWT naming the session and the visitor's
participant); every later call sends it as the ``x-nexus-client-key`` header, and it opens no
other session. ``GET …/messages`` waits for news (``long_poll``). Shapes: ``v3_shapes``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.actions.chat import send_message, set_typing, update_user_data
from frontdesk.actions.chat_views import MAX_PAGE, get_conversation, list_messages, not_found
from frontdesk.actions.files import attach_file, get_file
from frontdesk.actions.routing import (
    QueuePosition,
    finish_conversation,
    queue_position,
    start_conversation,
)
from frontdesk.errors import Forbidden, InvalidInput, Unauthorized
from frontdesk.store.models import utcnow
from frontdesk.transports.attachments import attachment_response
from frontdesk.transports.before_body import chat_start_allowed
from frontdesk.transports.error_docs import answers, error_responses
from frontdesk.transports.idempotency import IdempotencyKey, IdempotencyKeyForm
from frontdesk.transports.long_poll import LONG_POLL_SECONDS, News, wait_for_news
from frontdesk.transports.v3_shapes import (
    BASE,
    V3Reply,
    V3Route,
    message_body,
    queue_body,
    shown,
    typing_body,
)
from frontdesk.transports.visitor_context import Scalar, build_visitor

if TYPE_CHECKING:
    from frontdesk.app import Services

TRANSPORT = "pureengage-v3-rest"
AUDIENCE = "v3-client"
TOKEN_HEADER = "x-nexus-client-key"  # noqa: S105 - a header name, not a secret
TOKEN_TTL_SECONDS = 12 * 60 * 60
# The original widget restores a whole chat with count=10000.
MAX_HISTORY = 10_000
# Where a visitor's upload goes: app.py gives these paths the upload size limit.
UPLOAD_PATH = r"/nexus/v3/chat/sessions/[^/]+/images"

router = APIRouter(tags=["visitor: pureengage-v3-rest"], route_class=V3Route)

OperationId = Annotated[str, Field(max_length=100)]


class StartData(BaseModel):
    """The registration form; fields not named here are kept as userData."""

    model_config = ConfigDict(extra="allow")

    nickname: str = Field(default="", max_length=100)
    firstName: str = Field(default="", max_length=100)
    lastName: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    subject: str = Field(default="", max_length=500)
    endpoint: str = Field(default="", max_length=200, description="Accepted and ignored.")
    stream: str = Field(default="", max_length=100, description="Accepted and ignored.")
    clientType: str = Field(default="", max_length=100, description="Accepted and ignored.")
    userData: dict[str, Scalar] = Field(default_factory=dict)


class StartBody(BaseModel):
    """Start a session."""

    model_config = ConfigDict(extra="ignore")

    operationId: OperationId = ""
    data: StartData = StartData()


class SendData(BaseModel):
    """A message, or typing started / stopped."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["Text", "TypingStarted", "TypingStopped"] = "Text"
    text: str = Field(default="", max_length=10_000)


class SendBody(BaseModel):
    """``POST …/messages``; ``idempotencyKey`` counts for ``Text`` only."""

    model_config = ConfigDict(extra="ignore")

    operationId: OperationId = ""
    idempotencyKey: IdempotencyKey = None
    data: SendData


class UserDataBody(BaseModel):
    """``PUT …/userdata``: the keys to merge into the session's userData."""

    model_config = ConfigDict(extra="ignore")

    operationId: OperationId = ""
    data: dict[str, Any]


class EndBody(BaseModel):
    """``DELETE …/participants/{id}`` (the body is optional)."""

    model_config = ConfigDict(extra="ignore")

    operationId: OperationId = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Participant:
    """The session and participant a client token was issued for."""

    session_id: str
    participant_id: str


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


def _operation(request: Request, operation_id: str) -> str:
    # Errors raised from here on echo it too (v3_shapes.operation_id).
    request.state.operation_id = operation_id
    return operation_id


@answers(401, 404)
async def participant(request: Request, session_id: str) -> Participant:
    """FastAPI dependency: the visitor, by their client token, for the path's session."""
    token = request.headers.get(TOKEN_HEADER, "").strip()
    if not token:
        raise Unauthorized(f"Send the client token as the `{TOKEN_HEADER}` header.")
    claims = _services(request).keyring.verify(token, audience=AUDIENCE)
    sid, pid = claims.get("sessionId"), claims.get("participantId")
    if not isinstance(sid, str) or not isinstance(pid, str):
        raise Unauthorized("The client token names no session.")
    # The same answer whether the other session exists or not.
    if sid != session_id:
        raise not_found()
    return Participant(sid, pid)


Caller = Annotated[Participant, Depends(participant)]


@router.post(BASE, summary="Start a chat session (v3)", responses=error_responses(403, 429))
async def start(body: StartBody, request: Request) -> V3Reply:
    """Queue a chat from an allowed site; answers the client token for every later call."""
    svc = _services(request)
    # Checked here, after FastAPI read the body, not before it: every v3 answer, refusals too,
    # echoes the body's operationId.
    operation = _operation(request, body.operationId)
    await chat_start_allowed(request)
    origin = request.headers.get("origin")
    form = body.data
    visitor = build_visitor(
        request,
        display_name=form.nickname,
        first_name=form.firstName,
        last_name=form.lastName,
        email=form.email,
        subject=form.subject,
        user_data={**(form.model_extra or {}), **form.userData},
    )
    conversation, member = await start_conversation(
        svc.database, svc.broker, origin=cast(str, origin), transport=TRANSPORT, visitor=visitor
    )
    token = svc.keyring.sign(
        {"sessionId": conversation.id, "participantId": member.id},
        audience=AUDIENCE,
        ttl_seconds=TOKEN_TTL_SECONDS,
    )
    return V3Reply(
        operationId=operation,
        data={
            "sessionId": conversation.id,
            "participantId": member.id,
            "clientToken": token,
            "index": conversation.last_index,
        },
    )


@router.get(
    f"{BASE}/{{session_id}}/messages",
    summary="Wait for messages, or page the history",
    response_model=V3Reply,
)
async def get_messages(
    session_id: str,
    caller: Caller,
    request: Request,
    operationId: Annotated[str, Query(max_length=100)] = "",
    index: Annotated[int, Query(ge=0, le=2**31, description="Messages after this index.")] = 0,
    count: Annotated[
        int | None,
        Query(
            ge=1, le=MAX_HISTORY, description="A history page: answer at once, at most this many."
        ),
    ] = None,
    wait: Annotated[
        float,
        Query(alias="timeout", ge=0, le=LONG_POLL_SECONDS, description="Longest wait, in seconds."),
    ] = LONG_POLL_SECONDS,
) -> Response:
    """Messages after ``index``; without ``count``, wait until there are some (or typing, or
    the end), at most ``timeout`` seconds. ``data.index`` is where to continue from; while no
    agent has the chat, ``data.queuePosition`` tells the visitor's place."""
    svc = _services(request)
    operation = _operation(request, operationId)
    if count is not None:
        news = await _history(svc, session_id, index, count)
    else:
        waited = await wait_for_news(
            svc,
            session_id,
            caller.participant_id,
            after=index,
            wait_seconds=wait,
            shown=shown,
            receive=request.receive,
        )
        if waited is None:
            # The client left: nobody reads this answer.
            return Response(status_code=204)
        news = waited
    # Read once the answer is known, never while waiting; after the messages, so a place the
    # answer tells means no agent had joined when they were read.
    place = await queue_position(svc.database, session_id) if news.queued else None
    return _news_response(operation, session_id, news, place)


async def _history(svc: Services, session_id: str, after: int, count: int) -> News:
    conversation = await get_conversation(svc.database, session_id)
    news = News(
        last_index=after,
        ended=conversation.state == "ended",
        queued=conversation.state == "queued",
    )
    remaining = count
    while remaining > 0:
        page = await list_messages(
            svc.database, session_id, after=news.last_index, limit=min(remaining, MAX_PAGE)
        )
        for message in page:
            news.last_index = message.index
            body = message.as_json()
            if shown(body):
                news.messages.append(body)
        remaining -= len(page)
        if len(page) < MAX_PAGE:
            break
    return news


def _news_response(
    operation: str, session_id: str, news: News, place: QueuePosition | None
) -> Response:
    now = utcnow().isoformat().replace("+00:00", "Z")
    messages = [message_body(m, session_id) for m in news.messages]
    messages += [typing_body(t["member"], t["typing"], now) for t in news.typing]
    data: dict[str, Any] = {"messages": messages, "index": news.last_index, "chatEnded": news.ended}
    if place is not None:
        data["queuePosition"] = queue_body(place)
    reply = V3Reply(operationId=operation, data=data)
    return Response(reply.model_dump_json(), media_type="application/json")


@router.post(
    f"{BASE}/{{session_id}}/messages",
    summary="Send a message, or typing",
    responses=error_responses(409, 429),
)
async def post_message(
    session_id: str, body: SendBody, caller: Caller, request: Request
) -> V3Reply:
    """``Text`` stores a message (answered with it); ``TypingStarted``/``TypingStopped`` tell
    the agent."""
    svc = _services(request)
    operation = _operation(request, body.operationId)
    pid = caller.participant_id
    if body.data.type != "Text":
        typing = body.data.type == "TypingStarted"
        await svc.rate_limits.check(svc.rate_limits.typing, pid)
        # A TypingStarted that carries text offers it as a preview for the agent.
        await set_typing(svc.database, svc.broker, session_id, pid, typing, preview=body.data.text)
        return V3Reply(operationId=operation, data={})
    await svc.rate_limits.check(svc.rate_limits.messages, pid)
    message = await send_message(
        svc.database,
        svc.broker,
        session_id,
        pid,
        body.data.text,
        idempotency_key=body.idempotencyKey,
    )
    return V3Reply(
        operationId=operation, data={"message": message_body(message.as_json(), session_id)}
    )


@router.put(
    f"{BASE}/{{session_id}}/userdata",
    summary="Update the session's userData",
    responses=error_responses(409, 429),
)
async def put_user_data(
    session_id: str, body: UserDataBody, caller: Caller, request: Request
) -> V3Reply:
    """Merge ``data`` into the session's userData (the agent sees it in the visitor context)."""
    svc = _services(request)
    operation = _operation(request, body.operationId)
    if not body.data:
        raise InvalidInput("data must name at least one key.")
    await svc.rate_limits.check(svc.rate_limits.messages, caller.participant_id)
    await update_user_data(svc.database, svc.broker, session_id, caller.participant_id, body.data)
    return V3Reply(operationId=operation, data={})


@router.delete(
    f"{BASE}/{{session_id}}/participants/{{participant_id}}", summary="Leave (end) the chat"
)
async def delete_participant(
    session_id: str,
    participant_id: str,
    caller: Caller,
    request: Request,
    body: EndBody | None = None,
) -> V3Reply:
    """The visitor leaves, which ends the chat; ending an ended chat changes nothing."""
    svc = _services(request)
    operation = _operation(
        request, body.operationId if body else request.query_params.get("operationId", "")[:100]
    )
    if participant_id != caller.participant_id:
        raise Forbidden("A visitor may only remove themselves.")
    await finish_conversation(
        svc.database, svc.broker, session_id, reason="visitor", member_id=participant_id
    )
    return V3Reply(operationId=operation, data={})


@router.post(
    f"{BASE}/{{session_id}}/images",
    summary="Upload an image (or another file)",
    responses=error_responses(409, 429),
)
async def post_image(
    session_id: str,
    caller: Caller,
    request: Request,
    file: Annotated[UploadFile, File(description="The file (multipart/form-data).")],
    operationId: Annotated[str, Form(max_length=100)] = "",
    idempotencyKey: IdempotencyKeyForm = None,
) -> V3Reply:
    """Share a file in the chat; its type is checked by content, not by name."""
    svc = _services(request)
    operation = _operation(request, operationId)
    await svc.rate_limits.check(svc.rate_limits.messages, caller.participant_id)
    # One byte more than allowed is enough to know it is too large.
    data = await file.read(svc.settings.upload_max_bytes + 1)
    message = await attach_file(
        svc.database,
        svc.broker,
        session_id,
        caller.participant_id,
        filename=file.filename or "",
        content_type=file.content_type or "",
        data=data,
        settings=svc.settings,
        idempotency_key=idempotencyKey,
    )
    return V3Reply(
        operationId=operation, data={"message": message_body(message.as_json(), session_id)}
    )


@router.get(
    f"{BASE}/{{session_id}}/images/{{file_id}}",
    summary="Download a shared file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def get_image(session_id: str, file_id: str, caller: Caller, request: Request) -> Response:
    """A file shared in this session, always as an attachment."""
    file = await get_file(_services(request).database, file_id, conversation_id=session_id)
    return attachment_response(file)
