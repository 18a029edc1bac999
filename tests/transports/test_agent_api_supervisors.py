"""Supervisors and admins watch every live conversation, read-only; plain agents may not."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from frontdesk.actions.chat_views import agent_channel
from frontdesk.app import Services
from frontdesk.settings import Settings
from frontdesk.store.models import Agent
from frontdesk.transports import event_stream
from tests.transports.chat_helpers import (
    BASE,
    bearer,
    error_code,
    make_agent,
    next_frame,
    start_chat,
    visitor_headers,
)
from tests.transports.live_server import LiveServer, live_server

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _accepted(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    chat = await start_chat(client)
    reply = await client.post(
        f"/api/agent/conversations/{chat['id']}/accept", headers=bearer(token)
    )
    assert reply.status_code == 200, reply.text
    return chat


async def _say(client: httpx.AsyncClient, chat: dict[str, Any], text: str) -> None:
    sent = await client.post(
        f"{BASE}/{chat['id']}/members/{chat['member']['id']}/messages",
        json={"body": text},
        headers=visitor_headers(chat),
    )
    assert sent.status_code == 200, sent.text


async def test_supervisors_and_admins_see_every_active_conversation_agents_get_403(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, ada = await make_agent(services, "ada")
    _, bob = await make_agent(services, "bob")
    _, sue = await make_agent(services, "sue", role="supervisor")
    _, root = await make_agent(services, "root", role="admin")
    first = await _accepted(client, ada)
    second = await _accepted(client, bob)
    await _say(client, second, "Hello Bob")
    await start_chat(client)  # queued: not active, not listed
    for token in (sue, root):
        listed = await client.get("/api/agent/conversations/active", headers=bearer(token))
        conversations = listed.json()["conversations"]
        assert [c["id"] for c in conversations] == [first["id"], second["id"]]
        assert conversations[1]["preview"]["text"] == "Hello Bob"
        assert {c["state"] for c in conversations} == {"active"}
    refused = await client.get("/api/agent/conversations/active", headers=bearer(ada))
    assert error_code(refused, 403) == "forbidden"
    assert refused.json()["error"]["details"]["required_roles"] == ["supervisor", "admin"]
    # Nor may a plain agent open a colleague's transcript, live or ended.
    other = await client.get(f"/api/agent/conversations/{second['id']}", headers=bearer(ada))
    assert error_code(other, 403) == "forbidden"
    await client.post(f"/api/agent/conversations/{second['id']}/end", headers=bearer(bob))
    other = await client.get(f"/api/agent/conversations/{second['id']}", headers=bearer(ada))
    assert error_code(other, 403) == "forbidden"
    missing = await client.get("/api/agent/conversations/nope", headers=bearer(ada))
    assert error_code(missing, 404) == "not_found"


async def test_a_supervisor_reads_a_live_transcript_but_cannot_write_to_it(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, ada = await make_agent(services, "ada")
    _, sue = await make_agent(services, "sue", role="supervisor")
    chat = await _accepted(client, ada)
    cid = chat["id"]
    await _say(client, chat, "Where is my parcel?")
    transcript = await client.get(f"/api/agent/conversations/{cid}", headers=bearer(sue))
    assert transcript.status_code == 200
    body = transcript.json()
    assert [m["text"] for m in body["messages"] if m["kind"] == "text"] == ["Where is my parcel?"]
    assert [m["role"] for m in body["members"]] == ["CUSTOMER", "AGENT"]
    base = f"/api/agent/conversations/{cid}"
    for response in (
        await client.post(f"{base}/messages", json={"text": "hi"}, headers=bearer(sue)),
        await client.post(f"{base}/typing", json={"typing": True}, headers=bearer(sue)),
        await client.post(f"{base}/end", headers=bearer(sue)),
        await client.post(
            f"{base}/files", files={"file": ("a.png", PNG, "image/png")}, headers=bearer(sue)
        ),
    ):
        assert error_code(response, 403) == "forbidden"
    after = await client.get(f"/api/agent/conversations/{cid}", headers=bearer(sue))
    assert after.json()["conversation"]["last_index"] == body["conversation"]["last_index"]
    assert after.json()["conversation"]["state"] == "active"


# --- live ---------------------------------------------------------------------------------------


@pytest.fixture
async def live(settings: Settings) -> Any:
    async with live_server(settings) as server:
        yield server


async def _desk_socket(live: LiveServer, token: str) -> ClientConnection:
    ws = await connect(f"{live.ws}/api/agent/events")
    await ws.send(json.dumps({"type": "auth", "token": token}))
    assert (await next_frame(ws))["type"] == "ready"
    return ws


async def _frames_until(ws: ClientConnection, last: dict[str, Any]) -> list[dict[str, Any]]:
    """Frames up to and including the first that contains every item of ``last``."""
    frames = []
    while True:
        frame = await next_frame(ws)
        frames.append(frame)
        if last.items() <= frame.items():
            return frames


def _of(frames: list[dict[str, Any]], cid: str, kind: str) -> list[dict[str, Any]]:
    return [f for f in frames if f.get("conversation_id") == cid and f["type"] == kind]


async def test_a_supervisor_watches_every_conversation_live_and_agents_only_their_own(
    live: LiveServer,
) -> None:
    _, ada = await make_agent(live.services, "ada")
    _, bob = await make_agent(live.services, "bob")
    supervisor, sue = await make_agent(live.services, "sue", role="supervisor")
    async with httpx.AsyncClient(base_url=live.http) as http:
        adas_chat = await _accepted(http, ada)
        sues_chat = await _accepted(http, sue)
        watching = await _desk_socket(live, sue)
        bobs_socket = await _desk_socket(live, bob)
        cid = adas_chat["id"]
        await _say(http, adas_chat, "Hello Ada")
        await http.post(
            f"{BASE}/{cid}/members/{adas_chat['member']['id']}/typing",
            headers=visitor_headers(adas_chat),
        )
        await http.post(
            f"/api/agent/conversations/{cid}/typing", json={"typing": True}, headers=bearer(ada)
        )
        await _say(http, sues_chat, "Hello Sue")
        # Something meant for her alone, not a conversation's event: it still reaches her.
        await live.services.broker.publish(
            agent_channel(supervisor.id), {"type": "screen-pop", "call_id": "c-1"}
        )
        marker = await start_chat(http)
        frames = await _frames_until(watching, {"type": "queue", "conversation_id": marker["id"]})
        bobs = await _frames_until(bobs_socket, {"type": "queue", "conversation_id": marker["id"]})
    assert [m["message"]["text"] for m in _of(frames, cid, "message")] == ["Hello Ada"]
    assert [t["member"]["role"] for t in _of(frames, cid, "typing")] == ["CUSTOMER", "AGENT"]
    # Her own chat's events come once, not once per channel she could hear them on.
    own = _of(frames, sues_chat["id"], "message")
    assert [m["message"]["text"] for m in own] == ["Hello Sue"]
    assert [f for f in frames if f["type"] == "screen-pop"] == [
        {"type": "screen-pop", "call_id": "c-1"}
    ]
    assert [f for f in bobs if f.get("conversation_id") in (cid, sues_chat["id"])] == []
    assert [f for f in bobs if f["type"] == "screen-pop"] == []
    await watching.close()
    await bobs_socket.close()


async def _until_closed(ws: ClientConnection) -> None:
    while True:
        await next_frame(ws, heartbeats=True)


async def test_a_changed_role_closes_the_stream_so_the_desk_reconnects_with_it(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_stream, "HEARTBEAT_SECONDS", 0.05)
    agent, token = await make_agent(live.services, "ada")
    ws = await _desk_socket(live, token)
    async with live.services.database.session() as session, session.begin():
        await session.execute(update(Agent).where(Agent.id == agent.id).values(role="supervisor"))
    with pytest.raises(ConnectionClosed) as closed:
        await _until_closed(ws)
    assert closed.value.rcvd is not None
    # Not 4401: the session is still good, so the desk reconnects instead of signing out.
    assert closed.value.rcvd.code == 4400
    again = await _desk_socket(live, token)
    await again.close()
