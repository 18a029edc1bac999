"""What the WebSocket event streams share: one sender at a time, the auth frame, heartbeats."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from starlette import status
from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from frontdesk.actions.rate_limits import RateLimits
from frontdesk.errors import BadRequest, FrontdeskError, RateLimited
from frontdesk.json_input import parse_json
from frontdesk.store.database import database_error

# Module settings rather than server settings: clients' own timers are fixed around them.
HEARTBEAT_SECONDS = 10.0
AUTH_TIMEOUT_SECONDS = 10.0
MAX_CLIENT_FRAME_CHARACTERS = 16_384

CLOSE_POLICY = 1008
CLOSE_BAD_FRAME = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_TRY_AGAIN_LATER = status.WS_1013_TRY_AGAIN_LATER


class Outbox:
    """Sends JSON frames on one WebSocket from several tasks, one frame at a time."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.lock = asyncio.Lock()

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one frame; callers holding ``lock`` use ``send_locked``."""
        async with self.lock:
            await self.send_locked(frame)

    async def send_locked(self, frame: dict[str, Any]) -> None:
        """Send one frame while the caller holds ``lock``."""
        await self.websocket.send_text(json.dumps(frame, separators=(",", ":")))


async def admit(websocket: WebSocket, limits: RateLimits) -> bool:
    """Count a handshake against its address's limit; over it, answer HTTP 429 and say False."""
    address = websocket.client.host if websocket.client else "unknown"
    try:
        await limits.check(limits.socket_connects, address)
    except RateLimited as error:
        if "websocket.http.response" in websocket.scope.get("extensions", {}):
            retry_after = str(error.details["retry_after"])
            await websocket.send_denial_response(
                JSONResponse(
                    error.envelope(), status_code=429, headers={"Retry-After": retry_after}
                )
            )
        else:
            await websocket.close(code=CLOSE_POLICY)
        return False
    return True


async def receive_frame(websocket: WebSocket, wait: float | None = None) -> dict[str, Any]:
    """The next client frame as a JSON object; ``BadRequest`` for anything else or too late."""
    try:
        async with asyncio.timeout(wait):
            text = await websocket.receive_text()
    except TimeoutError:
        raise BadRequest("Send the authentication frame first.") from None
    except KeyError:
        # Starlette raises KeyError for a binary frame where text was expected.
        raise BadRequest("Frames must be JSON text.") from None
    if len(text) > MAX_CLIENT_FRAME_CHARACTERS:
        raise BadRequest("The frame is too large.")
    frame = parse_json(text, what="The frame")
    if not isinstance(frame, dict):
        raise BadRequest("Frames must be JSON objects.")
    return frame


def stream_error(exc: BaseException | None) -> FrontdeskError | None:
    """What a stream tells its client about ``exc``: the error itself, what a database failure
    means (``store.database.database_error``), None for anything else (a bug, or no failure)."""
    if exc is None or isinstance(exc, FrontdeskError):
        return exc
    return database_error(exc)


async def refuse(
    outbox: Outbox, error: FrontdeskError, code: int, wrap: Callable[[dict[str, Any]], Any]
) -> None:
    """Send the error envelope (in the stream's frame shape) and close with ``code``."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        await outbox.send(wrap(error.envelope()))
        await outbox.websocket.close(code=code)


async def heartbeat(
    outbox: Outbox,
    frame: dict[str, Any],
    check: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Send ``frame`` every ``HEARTBEAT_SECONDS``; ``check`` may raise to end the stream."""
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        if check is not None:
            await check()
        await outbox.send(frame)


async def run_until_first_ends(*coroutines: Coroutine[Any, Any, None]) -> BaseException | None:
    """Run the stream's tasks until one ends (client gone, error); cancel the rest."""
    tasks = [asyncio.create_task(coroutine) for coroutine in coroutines]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            return task.exception()
    return None


async def close_quietly(websocket: WebSocket, code: int = 1000) -> None:
    """Close unless the client already has."""
    if websocket.application_state != WebSocketState.DISCONNECTED:
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await websocket.close(code=code)
