"""The REST polling transport (GMS Chat API v2), the widgets' default when no transport is set.

Every call is a form-encoded POST under ``/genesys/2/chat/{serviceName}``. Starting a chat
returns ``alias``, ``userId`` and ``secureKey``, which the client sends back on every later call;
``secureKey`` is sealed by the server and names the conversation and the visitor, so a client
can neither read nor forge it, and it opens no other conversation. Shapes: ``rest_polling_shapes``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import APIRouter, Depends, File, Form, Path, Request, Response, UploadFile

from frontdesk.actions.chat import (
    send_custom_notice,
    send_message,
    set_typing,
    update_user_data,
)
from frontdesk.actions.chat_views import get_conversation, list_messages, not_found
from frontdesk.actions.files import attach_file, get_file
from frontdesk.actions.routing import finish_conversation, queue_position, start_conversation
from frontdesk.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    RateLimited,
    Unauthorized,
    UnsupportedMediaType,
)
from frontdesk.json_input import parse_json
from frontdesk.store.models import utcnow
from frontdesk.transports.attachments import attachment_response
from frontdesk.transports.before_body import before_body, chat_start_allowed
from frontdesk.transports.error_docs import answers, error_responses
from frontdesk.transports.idempotency import IdempotencyKeyForm
from frontdesk.transports.rest_polling_shapes import (
    GmsReply,
    GmsRoute,
    QueuePlace,
    file_limits_entry,
    transcript_entry,
    typing_entry,
)
from frontdesk.transports.visitor_context import build_visitor

if TYPE_CHECKING:
    from frontdesk.app import Services

TRANSPORT = "rest-polling"
BASE = "/genesys/2/chat/{service_name}"
CHAT = BASE + "/{chat_id}"
KEYS_PURPOSE = "rest-polling-keys"
KEYS_TTL_SECONDS = 12 * 60 * 60
# GMS names the chat server that holds the chat; every Frontdesk process holds every chat.
ALIAS = "frontdesk"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
USER_DATA_PREFIX = "userData["
# Where a visitor's upload goes: app.py gives these paths the upload size limit.
UPLOAD_PATH = r"/genesys/2/chat/[^/]+/[^/]+/file"


@answers(415)
async def form_only(request: Request) -> None:
    """Refuse bodies that are not forms, as GMS does (415)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in FORM_TYPES:
        raise UnsupportedMediaType(
            "Send the fields form-encoded (application/x-www-form-urlencoded).",
            allowed=list(FORM_TYPES),
        )


router = APIRouter(
    tags=["visitor: REST polling"], route_class=GmsRoute, dependencies=[Depends(form_only)]
)

ServiceName = Annotated[str, Path(pattern=r"^[A-Za-z0-9._~-]{1,100}$")]
Position = Annotated[
    int | None,
    Form(ge=0, le=2**31, description="Return the transcript from this index on (1 = all)."),
]


@dataclasses.dataclass(frozen=True, slots=True)
class ChatKeys:
    """The conversation and visitor member a ``secureKey`` was sealed for."""

    conversation_id: str
    member_id: str


def _services(request: Request) -> Services:
    return cast("Services", request.app.state.services)


@answers(401, 403, 404)
async def chat_keys(
    request: Request,
    chat_id: str,
    alias: Annotated[str, Form()] = "",
    userId: Annotated[str, Form()] = "",
    secureKey: Annotated[str, Form()] = "",
) -> ChatKeys:
    """FastAPI dependency: the visitor, by the keys in the form, for the path's chat."""
    if not (alias and userId and secureKey):
        raise Unauthorized("Send the chat's alias, userId and secureKey with every call.")
    sealed = _services(request).keyring.unseal(secureKey, purpose=KEYS_PURPOSE)
    if not isinstance(sealed, dict) or not all(isinstance(sealed.get(k), str) for k in ("c", "m")):
        raise Unauthorized("The secureKey names no chat.")
    # The same answer whether the other chat exists or not.
    if sealed["c"] != chat_id:
        raise not_found()
    if userId != sealed["m"] or alias != ALIAS:
        raise Forbidden("The userId and alias do not belong to this secureKey.")
    return ChatKeys(sealed["c"], sealed["m"])


Keys = Annotated[ChatKeys, Depends(chat_keys)]


async def _transcript(
    svc: Services,
    keys: ChatKeys,
    position: int | None,
    *,
    typing: bool = False,
    queue: bool = False,
) -> GmsReply:
    """The reply: entries from ``position`` on (none without one), typing, and chatEnded; with
    ``queue``, the visitor's place while the chat waits for an agent."""
    cid = keys.conversation_id
    # The state first: a chat that ends meanwhile shows its last entries now, chatEnded next.
    conversation = await get_conversation(svc.database, cid)
    entries: list[dict[str, Any]] = []
    if position is not None:
        messages = await list_messages(svc.database, cid, after=max(position, 1) - 1)
        entries = [e for e in (transcript_entry(m) for m in messages) if e is not None]
    if typing and conversation.state != "ended":
        entries += [
            typing_entry(state)
            for state in svc.typing.states(cid)
            if state.member["id"] != keys.member_id
        ]
    place = None
    if queue and conversation.state == "queued":
        # Read after the entries: a place the answer tells means no agent had joined when the
        # entries were read, so it never comes with the agent's ParticipantJoined.
        found = await queue_position(svc.database, cid)
        place = QueuePlace.of(found) if found is not None else None
    return GmsReply(messages=entries, chatEnded=conversation.state == "ended", queuePosition=place)


def _user_data(form: Any) -> dict[str, Any]:
    """``userData[key]=value`` fields, or one ``userData`` field holding a JSON object."""
    data: dict[str, Any] = {}
    raw = form.get("userData")
    if isinstance(raw, str) and raw.strip():
        parsed = parse_json(raw, field="userData")
        if not isinstance(parsed, dict):
            raise InvalidInput("userData must be a JSON object.")
        data.update(parsed)
    for name, value in form.multi_items():
        if name.startswith(USER_DATA_PREFIX) and name.endswith("]") and isinstance(value, str):
            data[name[len(USER_DATA_PREFIX) : -1]] = value
    return data


@router.post(
    BASE,
    summary="Request a chat",
    response_model_exclude_none=True,
    responses=error_responses(403, 429),
)
@router.post(
    BASE + "/",
    include_in_schema=False,
    response_model_exclude_none=True,
    responses=error_responses(403, 429),
)
@before_body(chat_start_allowed)
async def request_chat(
    service_name: ServiceName,
    request: Request,
    nickname: Annotated[str, Form(max_length=100)] = "",
    firstName: Annotated[str, Form(max_length=100)] = "",
    lastName: Annotated[str, Form(max_length=100)] = "",
    emailAddress: Annotated[str, Form(max_length=254)] = "",
    subject: Annotated[str, Form(max_length=500)] = "",
    text: Annotated[str, Form(description="A first message (optional).")] = "",
    endpoint: Annotated[str, Form(description="Accepted and ignored.")] = "",
) -> GmsReply:
    """Queue a chat from an allowed site; answers the keys to send back on every later call.

    Any other ``userData[key]`` fields become the chat's userData (and page context).
    """
    svc = _services(request)
    origin = request.headers.get("origin")
    visitor = build_visitor(
        request,
        display_name=nickname,
        first_name=firstName,
        last_name=lastName,
        email=emailAddress,
        subject=subject,
        user_data=_user_data(await request.form()),
    )
    conversation, member = await start_conversation(
        svc.database, svc.broker, origin=cast(str, origin), transport=TRANSPORT, visitor=visitor
    )
    keys = ChatKeys(conversation.id, member.id)
    if text.strip():
        await send_message(svc.database, svc.broker, conversation.id, member.id, text)
    secure_key = svc.keyring.seal(
        {"c": keys.conversation_id, "m": keys.member_id},
        purpose=KEYS_PURPOSE,
        ttl_seconds=KEYS_TTL_SECONDS,
    )
    reply = await _transcript(svc, keys, 1, queue=True)
    return reply.model_copy(
        update={
            "chatId": conversation.id,
            "alias": ALIAS,
            "userId": member.id,
            "secureKey": secure_key,
        }
    )


@router.post(
    CHAT + "/send",
    summary="Send a message",
    response_model_exclude_none=True,
    responses=error_responses(409, 429),
)
async def send(
    service_name: ServiceName,
    keys: Keys,
    request: Request,
    message: Annotated[str, Form()] = "",
    messageType: Annotated[str, Form(description="Accepted; stored as text.")] = "text",
    transcriptPosition: Position = None,
    idempotencyKey: IdempotencyKeyForm = None,
) -> GmsReply:
    """Store the visitor's message; with ``transcriptPosition``, answer the transcript too.

    A repeat with the same ``idempotencyKey`` (optional) stores nothing."""
    svc = _services(request)
    await svc.rate_limits.check(svc.rate_limits.messages, keys.member_id)
    await send_message(
        svc.database,
        svc.broker,
        keys.conversation_id,
        keys.member_id,
        message,
        idempotency_key=idempotencyKey,
    )
    return await _transcript(svc, keys, transcriptPosition)


@router.post(CHAT + "/refresh", summary="Poll for new entries", response_model_exclude_none=True)
async def refresh(
    service_name: ServiceName,
    keys: Keys,
    request: Request,
    transcriptPosition: Position = None,
    message: Annotated[
        str, Form(description="Typing preview: the visitor's unsent text, shown to agents.")
    ] = "",
) -> GmsReply:
    """The transcript from ``transcriptPosition`` (all without it), who is typing now and, while
    no agent has the chat, ``queuePosition``. A non-empty ``message`` counts as typing it."""
    svc = _services(request)
    if message.strip():
        await _pass_on_preview(svc, keys, message)
    return await _transcript(svc, keys, transcriptPosition or 1, typing=True, queue=True)


async def _pass_on_preview(svc: Services, keys: ChatKeys, message: str) -> None:
    """Count a poll's typing preview as typing, if the chat and the typing limit allow.

    The preview is a courtesy to the agent: a chat that ended or was left, or a visitor over the
    typing limit, still gets its poll answered (with chatEnded), never an error.
    """
    with contextlib.suppress(Conflict, RateLimited):
        await svc.rate_limits.check(svc.rate_limits.typing, keys.member_id)
        await set_typing(
            svc.database, svc.broker, keys.conversation_id, keys.member_id, True, preview=message
        )


@router.post(
    CHAT + "/startTyping",
    summary="The visitor started typing",
    response_model_exclude_none=True,
    responses=error_responses(429),
)
@router.post(
    CHAT + "/stopTyping",
    summary="The visitor stopped typing",
    response_model_exclude_none=True,
    responses=error_responses(429),
)
async def typing(
    service_name: ServiceName,
    keys: Keys,
    request: Request,
    transcriptPosition: Position = None,
    message: Annotated[
        str, Form(description="startTyping: the visitor's unsent text, shown to agents.")
    ] = "",
) -> GmsReply:
    """Tell the agent the visitor is typing (with a preview of the text), or stopped."""
    svc = _services(request)
    started = request.url.path.endswith("/startTyping")
    await svc.rate_limits.check(svc.rate_limits.typing, keys.member_id)
    await set_typing(
        svc.database,
        svc.broker,
        keys.conversation_id,
        keys.member_id,
        started,
        preview=message,
    )
    return await _transcript(svc, keys, transcriptPosition)


@router.post(
    CHAT + "/customNotice",
    summary="Send a custom notice",
    response_model_exclude_none=True,
    responses=error_responses(409, 429),
)
async def custom_notice(
    service_name: ServiceName,
    keys: Keys,
    request: Request,
    message: Annotated[str, Form()] = "",
    eventAttributes: Annotated[str, Form(description="A JSON object.")] = "",
    transcriptPosition: Position = None,
) -> GmsReply:
    """Store a notice for the agent (e.g. ``{"purpose": "cancel-idle-timer"}`` on waking)."""
    svc = _services(request)
    await svc.rate_limits.check(svc.rate_limits.messages, keys.member_id)
    attributes = None
    if eventAttributes.strip():
        attributes = parse_json(eventAttributes, field="eventAttributes")
        if not isinstance(attributes, dict):
            raise InvalidInput("eventAttributes must be a JSON object.")
    await send_custom_notice(
        svc.database, svc.broker, keys.conversation_id, keys.member_id, message, attributes
    )
    return await _transcript(svc, keys, transcriptPosition)


@router.post(
    CHAT + "/updateData",
    summary="Update the chat's userData",
    response_model_exclude_none=True,
    responses=error_responses(409, 429),
)
async def update_data(
    service_name: ServiceName,
    keys: Keys,
    request: Request,
    transcriptPosition: Position = None,
) -> GmsReply:
    """Merge ``userData[key]`` fields (or a ``userData`` JSON object) into the chat's userData."""
    svc = _services(request)
    await svc.rate_limits.check(svc.rate_limits.messages, keys.member_id)
    data = _user_data(await request.form())
    if not data:
        raise InvalidInput("Send at least one userData[key] field.")
    await update_user_data(svc.database, svc.broker, keys.conversation_id, keys.member_id, data)
    return await _transcript(svc, keys, transcriptPosition)


@router.post(CHAT + "/disconnect", summary="End the chat", response_model_exclude_none=True)
async def disconnect(
    service_name: ServiceName, keys: Keys, request: Request, transcriptPosition: Position = None
) -> GmsReply:
    """The visitor leaves, which ends the chat; ending an ended chat changes nothing."""
    svc = _services(request)
    await finish_conversation(
        svc.database,
        svc.broker,
        keys.conversation_id,
        reason="visitor",
        member_id=keys.member_id,
    )
    return await _transcript(svc, keys, transcriptPosition)


@router.post(
    CHAT + "/file/limits", summary="What may be uploaded", response_model_exclude_none=True
)
async def file_limits(service_name: ServiceName, keys: Keys, request: Request) -> GmsReply:
    """One entry whose ``userData`` has ``upload-max-file-size``, ``upload-file-types``, ..."""
    svc = _services(request)
    conversation = await get_conversation(svc.database, keys.conversation_id)
    return GmsReply(
        messages=[file_limits_entry(svc.settings, utcnow())],
        chatEnded=conversation.state == "ended",
    )


@router.post(
    CHAT + "/file",
    summary="Upload a file",
    response_model_exclude_none=True,
    responses=error_responses(409, 429),
)
async def upload_file(
    service_name: ServiceName,
    keys: Keys,
    request: Request,
    file: Annotated[UploadFile, File(description="The file (multipart/form-data).")],
    idempotencyKey: IdempotencyKeyForm = None,
) -> GmsReply:
    """Share a file in the chat; its type is checked by content, not by name."""
    svc = _services(request)
    await svc.rate_limits.check(svc.rate_limits.messages, keys.member_id)
    # One byte more than allowed is enough to know it is too large.
    data = await file.read(svc.settings.upload_max_bytes + 1)
    message = await attach_file(
        svc.database,
        svc.broker,
        keys.conversation_id,
        keys.member_id,
        filename=file.filename or "",
        content_type=file.content_type or "",
        data=data,
        settings=svc.settings,
        idempotency_key=idempotencyKey,
    )
    entry = cast(dict[str, Any], transcript_entry(message))
    return GmsReply(userData=entry["userData"])


@router.post(
    CHAT + "/file/{file_id}/download",
    summary="Download a shared file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_file(
    service_name: ServiceName, file_id: str, keys: Keys, request: Request
) -> Response:
    """A file shared in this chat, always as an attachment (a form POST to a new tab)."""
    file = await get_file(
        _services(request).database, file_id, conversation_id=keys.conversation_id
    )
    return attachment_response(file)
