"""The ``purecloud-v2-sockets`` event stream: v2 frames for one conversation over a WebSocket.

The URL carries no secret: the socket's first frame is
``{"type": "auth", "token": "<jwt>", "after": <message id or index>}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from fastapi import APIRouter
from starlette.websockets import WebSocket, WebSocketDisconnect

from frontdesk.actions.chat_views import conversation_channel, get_conversation
from frontdesk.actions.routing import queue_position
from frontdesk.errors import FrontdeskError, InvalidInput, Unauthorized, Unavailable
from frontdesk.transports.conversation_feed import ConversationFeed
from frontdesk.transports.event_stream import (
    AUTH_TIMEOUT_SECONDS,
    CLOSE_BAD_FRAME,
    CLOSE_NOT_FOUND,
    CLOSE_POLICY,
    CLOSE_TRY_AGAIN_LATER,
    CLOSE_UNAUTHORIZED,
    Outbox,
    admit,
    close_quietly,
    heartbeat,
    receive_frame,
    refuse,
    run_until_first_ends,
    stream_error,
)
from frontdesk.transports.ids import MAX_ROW_ID
from frontdesk.transports.v2_frames import (
    BASE,
    HEARTBEAT,
    frame_for,
    metadata_frame,
    queue_body,
)
from frontdesk.transports.v2_sockets import Guest, message_index, verify_guest

if TYPE_CHECKING:
    from frontdesk.app import Services

router = APIRouter()


@router.websocket(f"{BASE}/{{conversation_id}}/events")
async def event_stream(websocket: WebSocket, conversation_id: str) -> None:
    """The visitor's event stream: auth frame first, then v2 frames and heartbeats."""
    svc = cast("Services", websocket.app.state.services)
    origin = websocket.headers.get("origin")
    if not svc.origins.allows(origin):
        svc.origins.refusals.refused(origin, f"WebSocket {websocket.url.path}")
        # Closing before accepting answers the handshake with HTTP 403.
        await websocket.close(code=CLOSE_POLICY)
        return
    if not await admit(websocket, svc.rate_limits):
        return
    await websocket.accept()
    outbox = Outbox(websocket)
    try:
        frame = await receive_frame(websocket, AUTH_TIMEOUT_SECONDS)
        if frame.get("type") != "auth":
            raise Unauthorized('The first frame must be {"type": "auth", "token": "<jwt>"}.')
        caller = verify_guest(svc, frame.get("token"), conversation_id)
        after = _after(frame, conversation_id)
        await get_conversation(svc.database, conversation_id)
    except WebSocketDisconnect:
        return
    except Exception as exc:
        error = stream_error(exc)
        if error is None:
            raise
        await refuse(outbox, error, _close_code(error), _error_frame)
        return
    try:
        await _stream(svc, outbox, caller, after)
    except Exception as exc:
        error = stream_error(exc)
        if error is None:
            raise
        await refuse(outbox, error, _close_code(error), _error_frame)


def _close_code(error: FrontdeskError) -> int:
    if isinstance(error, Unavailable):
        return CLOSE_TRY_AGAIN_LATER
    if error.status == 400:
        return CLOSE_BAD_FRAME
    return CLOSE_NOT_FOUND if error.status == 404 else CLOSE_UNAUTHORIZED


def _error_frame(envelope: dict[str, Any]) -> dict[str, Any]:
    return metadata_frame("error", envelope)


async def _stream(svc: Services, outbox: Outbox, caller: Guest, after: int | None) -> None:
    cid = caller.conversation_id
    # A conversation only ever leaves the queue, so once it has, nobody asks again.
    queued = True

    async def send(events: list[dict[str, Any]]) -> None:
        """The visitor's frames for the feed's events; the caller holds the outbox lock."""
        for event in events:
            frame = frame_for(event, caller.member_id)
            if frame is not None:
                await outbox.send_locked(frame)

    async def forward() -> None:
        async for events in feed:
            async with outbox.lock:
                await send(events)

    async def tell_queue_position() -> None:
        """While the visitor waits for an agent: a ``queue-position`` frame (checked each beat)."""
        nonlocal queued
        if not queued:
            return
        # Read and sent under the lock: an agent's join, published after its commit, can only
        # follow a place read before it, so the last word the visitor gets is the agent's.
        async with outbox.lock:
            place = await queue_position(svc.database, cid)
            if place is None:
                queued = False
                return
            await outbox.send_locked(metadata_frame("queue-position", queue_body(cid, place)))

    async def read() -> None:
        while True:
            try:
                frame = await receive_frame(outbox.websocket)
            except WebSocketDisconnect:
                return
            if frame.get("type") == "catchup":
                feed.replay(cid, _after(frame, cid) or 0)

    async with svc.broker.subscribe(conversation_channel(cid)) as subscription:
        conversation = await get_conversation(svc.database, cid)
        await outbox.send(
            metadata_frame(
                "ready",
                {
                    "conversationId": cid,
                    "memberId": caller.member_id,
                    "lastIndex": conversation.last_index,
                },
            )
        )
        # Subscribed before reading the store, so nothing falls between the two.
        start = conversation.last_index if after is None else after
        feed = ConversationFeed(
            svc.database, subscription, {cid: start}, behind=() if after is None else (cid,)
        )
        async with outbox.lock:
            while feed.behind:
                await send(await feed.catch_up())
        await tell_queue_position()
        failure = await run_until_first_ends(
            forward(), read(), heartbeat(outbox, HEARTBEAT, tell_queue_position)
        )
    error = stream_error(failure)
    if error is not None:
        code = CLOSE_TRY_AGAIN_LATER if isinstance(error, Unavailable) else CLOSE_BAD_FRAME
        await refuse(outbox, error, code, _error_frame)
    await close_quietly(outbox.websocket)


def _after(frame: dict[str, Any], conversation_id: str) -> int | None:
    value = frame.get("after")
    if value is None or (
        isinstance(value, int) and not isinstance(value, bool) and value <= MAX_ROW_ID
    ):
        return value if value is None or value >= 0 else 0
    if isinstance(value, str):
        return message_index(value, conversation_id, "after")
    raise InvalidInput("after must be a message id or index.")
