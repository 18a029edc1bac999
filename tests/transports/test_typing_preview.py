"""Typing previews: a visitor's unsent text reaches the agents' event stream, never a visitor's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from frontdesk.actions.chat_views import TYPING_CHANNEL, conversation_channel
from frontdesk.actions.typing_preview import MAX_PREVIEW_LENGTH
from frontdesk.broker import Subscription
from frontdesk.settings import Settings
from tests.transports.chat_helpers import SITE_HEADERS, bearer, make_agent, next_frame
from tests.transports.live_server import LiveServer, live_server

REST = "/genesys/2/chat/customer-support"
V3 = "/nexus/v3/chat/sessions"
HOSTILE = "  <img src=x onerror=alert(1)>\x00\x1b[31m\nnext\u202e " + "x" * 400


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as server:
        yield server


async def desk_socket(live: LiveServer, token: str) -> ClientConnection:
    ws = await connect(f"{live.ws}/api/agent/events")
    await ws.send(json.dumps({"type": "auth", "token": token}))
    assert (await next_frame(ws))["type"] == "ready"
    return ws


async def frame_of(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next frame of ``kind``, skipping the others."""
    while True:
        frame = await next_frame(ws)
        if frame.get("type") == kind:
            return frame


async def next_event(subscription: Subscription) -> dict[str, Any]:
    async with asyncio.timeout(5):
        event: dict[str, Any] = (await anext(subscription)).event
    return event


async def rest_chat(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.post(f"{REST}/", data={"nickname": "Vic"}, headers=SITE_HEADERS)
    assert response.status_code == 200, response.text
    chat: dict[str, Any] = response.json()
    return chat


async def rest_call(
    http: httpx.AsyncClient, chat: dict[str, Any], operation: str, **fields: str
) -> dict[str, Any]:
    keys = {k: chat[k] for k in ("alias", "userId", "secureKey")}
    response = await http.post(f"{REST}/{chat['chatId']}/{operation}", data={**keys, **fields})
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    return reply


async def test_rest_polling_previews_reach_agents_and_never_the_visitor_side(
    live: LiveServer,
) -> None:
    _, token = await make_agent(live.services, "ada")
    ws = await desk_socket(live, token)
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await rest_chat(http)
        cid, mid = chat["chatId"], chat["userId"]
        await frame_of(ws, "message")
        broker = live.services.broker
        async with broker.subscribe(conversation_channel(cid), TYPING_CHANNEL) as visitor_side:
            await rest_call(http, chat, "startTyping", message=HOSTILE)
            typing = await frame_of(ws, "typing")
            assert (typing["member"]["id"], typing["typing"]) == (mid, True)
            # Trimmed, control characters gone, line breaks as spaces, capped; still text.
            expected = ("<img src=x onerror=alert(1)>[31m next " + "x" * 400)[:MAX_PREVIEW_LENGTH]
            assert typing["preview"] == expected
            assert len(typing["preview"]) == MAX_PREVIEW_LENGTH
            seen = [await next_event(visitor_side), await next_event(visitor_side)]
            assert [e["type"] for e in seen] == ["typing", "typing"]
            assert all("preview" not in e and e["typing"] is True for e in seen)

            # Stopping clears it, whatever the call carries.
            await rest_call(http, chat, "stopTyping", message="left over")
            stopped = await frame_of(ws, "typing")
            assert stopped["typing"] is False
            assert "preview" not in stopped

            # A refresh that carries text counts as typing it; one without says nothing.
            await rest_call(http, chat, "refresh", message="my draft")
            refreshed = await frame_of(ws, "typing")
            assert (refreshed["typing"], refreshed["preview"]) == (True, "my draft")
            await rest_call(http, chat, "refresh", message=" \n ")
            await rest_call(http, chat, "send", message="hello there")
            assert (await next_frame(ws))["type"] == "message"
            # Typing with an emptied box says so: the desk drops the old preview.
            await rest_call(http, chat, "startTyping", message="")
            blank = await frame_of(ws, "typing")
            assert blank["typing"] is True
            assert "preview" not in blank
            events = [await next_event(visitor_side) for _ in range(7)]
            assert not [e for e in events if "preview" in e]
            assert "my draft" not in json.dumps(events)

        # Nothing of a preview is stored.
        transcript = await http.get(f"/api/agent/conversations/{cid}", headers=bearer(token))
        assert "onerror" not in transcript.text
        assert "my draft" not in transcript.text
        # A finished chat still answers a refresh that carries text.
        await rest_call(http, chat, "disconnect")
        after = await rest_call(http, chat, "refresh", message="too late")
        assert after["chatEnded"] is True
    await ws.close()


async def test_the_assigned_agent_gets_previews_on_their_own_channel(live: LiveServer) -> None:
    _, token = await make_agent(live.services, "ada")
    ws = await desk_socket(live, token)
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await rest_chat(http)
        cid = chat["chatId"]
        accepted = await http.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(token))
        assert accepted.status_code == 200, accepted.text
        await rest_call(http, chat, "startTyping", message="Where is my order")
        typing = await frame_of(ws, "typing")
        assert (typing["conversation_id"], typing["preview"]) == (cid, "Where is my order")
    await ws.close()


async def test_v3_typing_with_text_is_a_preview(live: LiveServer) -> None:
    _, token = await make_agent(live.services, "ada")
    ws = await desk_socket(live, token)
    async with httpx.AsyncClient(base_url=live.http) as http:
        started = await http.post(
            V3, json={"operationId": "op", "data": {"nickname": "Vic"}}, headers=SITE_HEADERS
        )
        assert started.status_code == 200, started.text
        session = started.json()["data"]
        sid, headers = session["sessionId"], {"x-nexus-client-key": session["clientToken"]}
        await frame_of(ws, "message")
        async with live.services.broker.subscribe(conversation_channel(sid)) as visitor_side:
            for kind, text in (("TypingStarted", "draft\x00 one"), ("TypingStopped", "x")):
                response = await http.post(
                    f"{V3}/{sid}/messages",
                    json={"operationId": "op", "data": {"type": kind, "text": text}},
                    headers=headers,
                )
                assert response.status_code == 200, response.text
            typing = await frame_of(ws, "typing")
            assert (typing["typing"], typing["preview"]) == (True, "draft one")
            stopped = await frame_of(ws, "typing")
            assert stopped["typing"] is False
            assert "preview" not in stopped
            events = [await next_event(visitor_side), await next_event(visitor_side)]
            assert [("preview" in e, e["typing"]) for e in events] == [
                (False, True),
                (False, False),
            ]
    await ws.close()
