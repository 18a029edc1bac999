"""The desk's event stream: queue changes and the events of the agent's conversations (of every
assigned conversation for supervisors and admins).

Frames are the broker events themselves (``docs/api/agents.md``), through a ``ConversationFeed``
over the conversations the agent follows: when the broker lost events, the stream says
``resync`` and then sends the messages that were missed. The socket authenticates with
the desk cookie, only from the desk's own origin, or with an API token in the first frame,
``{"type": "auth", "token": "<token>"}``; a token never travels in the URL.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from fastapi import APIRouter
from starlette.websockets import WebSocket, WebSocketDisconnect

from frontdesk.actions.agents import AgentInfo, agent_for_token
from frontdesk.actions.chat_views import (
    DESK_CHANNEL,
    FANOUT_EVENT_TYPES,
    SUPERVISOR_CHANNEL,
    ConversationView,
    agent_channel,
    followed_conversations,
)
from frontdesk.broker.base import BrokerMessage
from frontdesk.errors import Forbidden, Unauthorized, Unavailable
from frontdesk.transports.auth import desk_cookie_name, origin_key, supervises
from frontdesk.transports.conversation_feed import ConversationFeed
from frontdesk.transports.event_stream import (
    AUTH_TIMEOUT_SECONDS,
    CLOSE_BAD_FRAME,
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

if TYPE_CHECKING:
    from frontdesk.app import Services

router = APIRouter()

HEARTBEAT = {"type": "heartbeat"}


def is_fanout_copy(event: dict[str, Any]) -> bool:
    """Whether an event on an agent's channel also went to the supervisors' (``chat.fanout``
    sends every assigned conversation's events to both): a supervisor takes it from there only.
    Anything else on the agent's own channel still reaches them."""
    return event.get("type") in FANOUT_EVENT_TYPES and "conversation_id" in event


def _error_frame(envelope: dict[str, Any]) -> dict[str, Any]:
    return {"type": "error", **envelope}


@router.websocket("/api/agent/events")
async def agent_events(websocket: WebSocket) -> None:
    """Queue changes and the agent's conversation events, with heartbeats."""
    svc = cast("Services", websocket.app.state.services)
    origin = websocket.headers.get("origin")
    same_origin = origin is not None and origin_key(origin) == origin_key(str(websocket.base_url))
    # Cross-site WebSocket hijacking: a browser on another site must not get this socket.
    if origin is not None and not same_origin:
        await websocket.close(code=CLOSE_POLICY)
        return
    if not await admit(websocket, svc.rate_limits):
        return
    await websocket.accept()
    outbox = Outbox(websocket)
    cookie = websocket.cookies.get(desk_cookie_name(websocket))
    try:
        if cookie and same_origin:
            token, kind = cookie, "cookie"
        else:
            frame = await receive_frame(websocket, AUTH_TIMEOUT_SECONDS)
            presented = frame.get("token")
            if frame.get("type") != "auth" or not isinstance(presented, str):
                raise Unauthorized('The first frame must be {"type": "auth", "token": "<token>"}.')
            token, kind = presented, "api"
        agent = await agent_for_token(svc.database, token, kind=kind)
    except WebSocketDisconnect:
        return
    except Exception as exc:
        error = stream_error(exc)
        if error is None:
            raise
        code = CLOSE_BAD_FRAME if error.status == 400 else CLOSE_UNAUTHORIZED
        if isinstance(error, Unavailable):
            code = CLOSE_TRY_AGAIN_LATER
        await refuse(outbox, error, code, _error_frame)
        return
    await _stream(svc, outbox, agent, token, kind)


async def _stream(svc: Services, outbox: Outbox, agent: AgentInfo, token: str, kind: str) -> None:
    async def forward() -> None:
        async for events in feed:
            for event in events:
                await outbox.send(event)

    def second_copy(item: BrokerMessage) -> bool:
        return supervising and item.channel == own and is_fanout_copy(item.event)

    async def follows(known: Collection[str]) -> list[ConversationView]:
        return await followed_conversations(
            svc.database, agent.id, supervising=supervising, known=known
        )

    async def still_valid() -> None:
        # A revoked session or disabled agent loses the socket within one heartbeat.
        current = await agent_for_token(svc.database, token, kind=kind)
        if supervises(current) != supervising:
            # The role changed: the desk reconnects and gets the channels of its new role.
            raise Forbidden("Your role changed; reconnect.", role=current.role)

    async def read() -> None:
        while True:
            try:
                await receive_frame(outbox.websocket)
            except WebSocketDisconnect:
                return

    supervising = supervises(agent)
    own = agent_channel(agent.id)
    channels = (DESK_CHANNEL, own, SUPERVISOR_CHANNEL) if supervising else (DESK_CHANNEL, own)
    async with svc.broker.subscribe(*channels) as subscription:
        # Subscribed before reading the store, so nothing falls between the two.
        feed = await ConversationFeed.following(
            svc.database, subscription, follows, ignore=second_copy
        )
        await outbox.send({"type": "ready", "agent_id": agent.id})
        failure = await run_until_first_ends(
            forward(), read(), heartbeat(outbox, HEARTBEAT, still_valid)
        )
    error = stream_error(failure)
    if error is not None:
        code = CLOSE_UNAUTHORIZED if error.status == 401 else CLOSE_BAD_FRAME
        if isinstance(error, Unavailable):
            code = CLOSE_TRY_AGAIN_LATER
        await refuse(outbox, error, code, _error_frame)
    await close_quietly(outbox.websocket)
