"""The ``purecloud-v2-sockets`` transport: Genesys Cloud guest chat v2 REST.

A visitor creates a conversation and receives a JWT that only reaches that conversation; every
later call sends it as ``Authorization: Bearer <jwt>``. The event stream is ``v2_event_stream``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.websockets import WebSocket

from frontdesk.actions.chat import Visitor, send_message, set_typing
from frontdesk.actions.chat_views import (
    MAX_PAGE,
    get_conversation,
    get_member,
    list_members,
    list_messages,
    not_found,
)
from frontdesk.actions.files import get_file
from frontdesk.actions.routing import finish_conversation, queue_position, start_conversation
from frontdesk.errors import (
    Forbidden,
    InvalidInput,
    Unauthorized,
)
from frontdesk.transports.attachments import attachment_response
from frontdesk.transports.before_body import GuardedRoute, before_body, chat_start_allowed
from frontdesk.transports.error_docs import answers, error_responses
from frontdesk.transports.idempotency import IdempotencyKey
from frontdesk.transports.v2_frames import (
    BASE,
    member_entity,
    message_entity,
    queue_body,
)
from frontdesk.transports.visitor_context import build_visitor

if TYPE_CHECKING:
    from frontdesk.app import Services

TRANSPORT = "purecloud-v2-sockets"
AUDIENCE = "v2-guest"
TOKEN_TTL_SECONDS = 12 * 60 * 60
MAX_CUSTOM_FIELDS = 100

router = APIRouter(tags=["visitor: purecloud-v2-sockets"], route_class=GuardedRoute)

# customFields that are the registration form; the page and browser facts among the rest are
# taken out by ``build_visitor``, as for the REST transports.
_FORM_FIELDS = {
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "subject": "subject",
}

FieldValue = str | int | float | bool | None


class MemberInfo(BaseModel):
    """Who the visitor is, as the v2 client sends it."""

    model_config = ConfigDict(extra="ignore")

    displayName: str = Field(default="", max_length=100)
    role: Literal["CUSTOMER"] = "CUSTOMER"
    customFields: dict[str, FieldValue] = Field(default_factory=dict)


class CreateBody(BaseModel):
    """The v2 create-conversation body; routing and journey data are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")

    deploymentId: str = Field(default="", max_length=200)
    organizationId: str = Field(default="", max_length=200)
    routingTarget: dict[str, Any] | None = None
    memberInfo: MemberInfo = MemberInfo()
    journeyContext: dict[str, Any] | None = None


class CreateReply(BaseModel):
    """The new conversation, the visitor's token and where to listen."""

    id: str
    jwt: str = Field(description="Send as `Authorization: Bearer <jwt>` on every later call.")
    eventStreamUri: str = Field(description="WebSocket URL; authenticate with the first frame.")
    member: dict[str, str]


class MessageBody(BaseModel):
    """A visitor's message."""

    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=10_000)
    bodyType: Literal["standard"] = "standard"
    idempotencyKey: IdempotencyKey = None


class EntitiesReply(BaseModel):
    """A page of v2 entities."""

    entities: list[dict[str, Any]]
    pageSize: int
    total: int | None = None


class QueueReply(BaseModel):
    """Where the conversation stands; the position and the wait only while it is queued."""

    conversationId: str
    state: str = Field(description="`queued`, `active` or `ended`.")
    position: int | None = Field(default=None, description="1 is next.")
    estimatedWaitSeconds: int | None = Field(
        default=None, description="A rough estimate from recent waits."
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Guest:
    """The conversation and member a visitor's JWT was issued for."""

    conversation_id: str
    member_id: str


def _services(request: Request | WebSocket) -> Services:
    return cast("Services", request.app.state.services)


def verify_guest(services: Services, token: object, conversation_id: str) -> Guest:
    """The guest a JWT names, provided it was issued for ``conversation_id``."""
    if not isinstance(token, str) or not token:
        raise Unauthorized("Send the conversation's token as `Authorization: Bearer <jwt>`.")
    claims = services.keyring.verify(token, audience=AUDIENCE)
    cid, mid = claims.get("cid"), claims.get("mid")
    if not isinstance(cid, str) or not isinstance(mid, str):
        raise Unauthorized("The token does not name a conversation.")
    # The same answer whether the other conversation exists or not.
    if cid != conversation_id:
        raise not_found()
    return Guest(cid, mid)


@answers(401, 404)
async def guest(request: Request, conversation_id: str) -> Guest:
    """FastAPI dependency: the visitor, by their bearer JWT, for the path's conversation."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized("Send the conversation's token as `Authorization: Bearer <jwt>`.")
    return verify_guest(_services(request), token.strip(), conversation_id)


Caller = Annotated[Guest, Depends(guest)]


def _own(caller: Guest, member_id: str) -> None:
    if member_id != caller.member_id:
        raise Forbidden("A visitor may only act as their own member.")


def _visitor(body: CreateBody, request: Request) -> Visitor:
    custom = dict(body.memberInfo.customFields)
    if len(custom) > MAX_CUSTOM_FIELDS:
        raise InvalidInput(f"customFields may have at most {MAX_CUSTOM_FIELDS} entries.")
    form = {name: custom.pop(key) for key, name in _FORM_FIELDS.items() if key in custom}
    text = {name: "" if value is None else str(value) for name, value in form.items()}
    return build_visitor(
        request,
        display_name=body.memberInfo.displayName,
        first_name=text.get("first_name", ""),
        last_name=text.get("last_name", ""),
        email=text.get("email", ""),
        subject=text.get("subject", ""),
        user_data=custom,
    )


@router.post(BASE, summary="Start a chat (v2 guest)", responses=error_responses(403, 429))
@before_body(chat_start_allowed)
async def create(body: CreateBody, request: Request) -> CreateReply:
    """Queue a new conversation from an allowed site; returns the visitor's JWT."""
    svc = _services(request)
    origin = request.headers.get("origin")
    conversation, member = await start_conversation(
        svc.database,
        svc.broker,
        origin=cast(str, origin),
        transport=TRANSPORT,
        visitor=_visitor(body, request),
    )
    token = svc.keyring.sign(
        {"cid": conversation.id, "mid": member.id}, audience=AUDIENCE, ttl_seconds=TOKEN_TTL_SECONDS
    )
    scheme = "wss" if request.url.scheme == "https" else "ws"
    stream = f"{scheme}://{request.url.netloc}{BASE}/{conversation.id}/events"
    return CreateReply(
        id=conversation.id, jwt=token, eventStreamUri=stream, member={"id": member.id}
    )


@router.post(
    f"{BASE}/{{conversation_id}}/members/{{member_id}}/messages",
    summary="Send a message",
    responses=error_responses(409, 429),
)
async def post_message(
    conversation_id: str, member_id: str, body: MessageBody, caller: Caller, request: Request
) -> dict[str, Any]:
    """Store the visitor's message; it comes back on the stream with its index.

    A repeat with the same ``idempotencyKey`` stores nothing and answers the first message."""
    _own(caller, member_id)
    svc = _services(request)
    await svc.rate_limits.check(svc.rate_limits.messages, member_id)
    message = await send_message(
        svc.database,
        svc.broker,
        conversation_id,
        member_id,
        body.body,
        idempotency_key=body.idempotencyKey,
    )
    return cast(dict[str, Any], message_entity(message))


@router.post(
    f"{BASE}/{{conversation_id}}/members/{{member_id}}/typing",
    status_code=204,
    summary="Say the visitor is typing",
    responses=error_responses(409, 429),
)
async def post_typing(
    conversation_id: str, member_id: str, caller: Caller, request: Request
) -> Response:
    """Tell the agent the visitor is typing (v2 has no "stopped" call)."""
    _own(caller, member_id)
    svc = _services(request)
    await svc.rate_limits.check(svc.rate_limits.typing, member_id)
    await set_typing(svc.database, svc.broker, conversation_id, member_id, True)
    return Response(status_code=204)


@router.get(f"{BASE}/{{conversation_id}}/members", summary="List the members")
async def get_members(conversation_id: str, caller: Caller, request: Request) -> EntitiesReply:
    """Every member of the visitor's conversation."""
    members = await list_members(_services(request).database, conversation_id)
    entities = [member_entity(member) for member in members]
    return EntitiesReply(entities=entities, pageSize=len(entities), total=len(entities))


@router.get(f"{BASE}/{{conversation_id}}/members/{{member_id}}", summary="One member")
async def get_one_member(
    conversation_id: str, member_id: str, caller: Caller, request: Request
) -> dict[str, Any]:
    """One member of the visitor's conversation (the visitor's own state shows if it ended)."""
    return member_entity(await get_member(_services(request).database, conversation_id, member_id))


@router.get(f"{BASE}/{{conversation_id}}/messages", summary="Message history")
async def get_messages(
    conversation_id: str,
    caller: Caller,
    request: Request,
    sortOrder: Literal["ascending", "descending"] = "descending",
    maxResults: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    before: str | None = None,
    after: str | None = None,
) -> EntitiesReply:
    """Stored messages; ``after=<message id>`` returns exactly what came after it."""
    messages = await list_messages(
        _services(request).database,
        conversation_id,
        after=message_index(after, conversation_id, "after"),
        before=message_index(before, conversation_id, "before"),
        limit=maxResults,
        descending=sortOrder == "descending",
    )
    entities = [e for e in (message_entity(m) for m in messages) if e is not None]
    return EntitiesReply(entities=entities, pageSize=maxResults)


@router.get(f"{BASE}/{{conversation_id}}/queue", summary="Place in the queue")
async def get_queue(conversation_id: str, caller: Caller, request: Request) -> QueueReply:
    """The visitor's place in the queue and a rough wait, until an agent has the chat."""
    database = _services(request).database
    place = await queue_position(database, conversation_id)
    if place is not None:
        return QueueReply(state="queued", **queue_body(conversation_id, place))
    conversation = await get_conversation(database, conversation_id)
    return QueueReply(conversationId=conversation_id, state=conversation.state)


@router.get(
    f"{BASE}/{{conversation_id}}/files/{{file_id}}",
    summary="Download a shared file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def get_shared_file(
    conversation_id: str, file_id: str, caller: Caller, request: Request
) -> Response:
    """A file shared in the visitor's conversation, always as an attachment."""
    file = await get_file(_services(request).database, file_id, conversation_id=conversation_id)
    return attachment_response(file)


@router.delete(
    f"{BASE}/{{conversation_id}}/members/{{member_id}}",
    status_code=204,
    summary="Leave (end) the chat",
)
async def delete_member(
    conversation_id: str, member_id: str, caller: Caller, request: Request
) -> Response:
    """The visitor leaves, which ends the conversation."""
    _own(caller, member_id)
    svc = _services(request)
    await finish_conversation(
        svc.database, svc.broker, conversation_id, reason="visitor", member_id=member_id
    )
    return Response(status_code=204)


def message_index(value: str | None, conversation_id: str, name: str) -> int | None:
    """A message id (``<conversation id>:<index>``) or a bare index, as an index."""
    if value is None:
        return None
    prefix, _, index = value.rpartition(":")
    if (prefix and prefix != conversation_id) or not index.isdecimal() or len(index) > 9:
        raise InvalidInput(
            f"{name} must be a message id of this conversation.",
            fields=[{"field": name, "problem": "not a message id of this conversation"}],
        )
    return int(index)
