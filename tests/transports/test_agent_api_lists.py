"""The agent API's lists: previews, paging through ended conversations, file limits, and the
events of queued conversations that every desk receives."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from frontdesk.actions.chat import expire_idle_conversations
from frontdesk.app import Services
from frontdesk.settings import Settings
from frontdesk.store.models import utcnow
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


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _say(client: httpx.AsyncClient, chat: dict[str, Any], text: str) -> None:
    sent = await client.post(
        f"{BASE}/{chat['id']}/members/{chat['member']['id']}/messages",
        json={"body": text},
        headers=visitor_headers(chat),
    )
    assert sent.status_code == 200, sent.text


def _previews(reply: httpx.Response) -> dict[str, Any]:
    assert reply.status_code == 200, reply.text
    return {c["id"]: c["preview"] for c in reply.json()["conversations"]}


async def test_every_list_previews_the_newest_text_or_file(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, token = await make_agent(services, "ada")
    agent = bearer(token)
    silent = await start_chat(client)
    chat = await start_chat(client)
    cid = chat["id"]
    await _say(client, chat, "first")
    await _say(client, chat, "x" * 500)
    queued = _previews(await client.get("/api/agent/queue", headers=agent))
    assert queued[silent["id"]] is None
    preview = queued[cid]
    assert preview == {
        "index": 3,
        "kind": "text",
        "text": "x" * 200,
        "member": {"id": chat["member"]["id"], "role": "CUSTOMER", "display_name": "Vic Tor"},
        "created_at": preview["created_at"],
    }
    assert _previews(await client.get("/api/agent/conversations", headers=agent))[cid] == preview

    await client.post(f"/api/agent/conversations/{cid}/accept", headers=agent)
    # A member joining is no message to preview: the visitor's words stay.
    assert _previews(await client.get("/api/agent/conversations", headers=agent))[cid] == preview
    await client.post(
        f"/api/agent/conversations/{cid}/files",
        files={"file": ("<img src=x>.txt", b"hello", "text/plain")},
        headers=agent,
    )
    shared = _previews(await client.get("/api/agent/conversations", headers=agent))[cid]
    assert (shared["index"], shared["kind"], shared["text"]) == (5, "file", "<img src=x>.txt")
    assert shared["member"]["role"] == "AGENT"

    await client.post(f"/api/agent/conversations/{cid}/end", headers=agent)
    ended = _previews(await client.get("/api/agent/conversations/ended", headers=agent))
    assert ended == {cid: shared}
    transcript = await client.get(f"/api/agent/conversations/{cid}", headers=agent)
    assert transcript.json()["conversation"]["preview"] == shared


async def test_ended_conversations_page_without_gaps_or_repeats(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, sue = await make_agent(services, "sue", role="supervisor")
    supervisor = bearer(sue)
    ids = []
    for _ in range(3):
        chat = await start_chat(client)
        await client.post(f"/api/agent/conversations/{chat['id']}/accept", headers=supervisor)
        await client.post(f"/api/agent/conversations/{chat['id']}/end", headers=supervisor)
        ids.append(chat["id"])
    # The idle sweeper ends these four at the very same instant: ties must page by id.
    tied = [(await start_chat(client))["id"] for _ in range(4)]
    later = utcnow() + dt.timedelta(hours=1)
    swept = await expire_idle_conversations(
        services.database, services.broker, services.settings, now=later
    )
    assert sorted(swept) == sorted(tied)
    expected = sorted(tied, reverse=True) + ids[::-1]

    seen: list[str] = []
    before: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, **({"before": before} if before else {})}
        page = await client.get("/api/agent/conversations/ended", params=params, headers=supervisor)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += [c["id"] for c in body["conversations"]]
        pages += 1
        before = body["next_before"]
        if before is None:
            break
        assert before == seen[-1]
    assert seen == expected
    assert pages == 4

    _, bob = await make_agent(services, "bob")
    queued = await start_chat(client)
    for wrong in (ids[0], queued["id"], "nope", "x" * 65):
        refused = await client.get(
            "/api/agent/conversations/ended", params={"before": wrong}, headers=bearer(bob)
        )
        assert error_code(refused, 422) == "invalid_input", wrong
    empty = await client.get(
        "/api/agent/conversations/ended", params={"limit": 0}, headers=supervisor
    )
    assert error_code(empty, 422) == "invalid_input"


async def test_the_file_limits_are_the_servers(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, token = await make_agent(services, "ada")
    limits = await client.get("/api/agent/file-limits", headers=bearer(token))
    assert limits.json() == {
        "max_bytes": services.settings.upload_max_bytes,
        "types": list(services.settings.upload_types),
    }
    assert error_code(await client.get("/api/agent/file-limits"), 401) == "unauthorized"


# --- events of queued conversations -----------------------------------------------------------


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


async def test_every_desk_hears_queued_conversations_until_one_agent_takes_them(
    live: LiveServer,
) -> None:
    _, ada = await make_agent(live.services, "ada")
    _, bob = await make_agent(live.services, "bob")
    sockets = [await _desk_socket(live, ada), await _desk_socket(live, bob)]
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        cid = chat["id"]
        await _say(http, chat, "Is anyone there?")
        typing = await http.post(
            f"{BASE}/{cid}/members/{chat['member']['id']}/typing", headers=visitor_headers(chat)
        )
        assert typing.status_code == 204
        for ws in sockets:
            frames = await _frames_until(ws, {"type": "typing"})
            assert [(f["type"], f.get("index")) for f in frames] == [
                ("queue", None),
                ("message", 1),
                ("message", 2),
                ("typing", None),
            ]
            assert frames[2]["message"]["text"] == "Is anyone there?"
            assert frames[3]["member"]["role"] == "CUSTOMER"

        await http.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(ada))
        await _say(http, chat, "Only for Ada now.")
        # A second chat marks the end of what Bob may hear about the first.
        other = await start_chat(http)
        ada_frames = await _frames_until(
            sockets[0], {"type": "queue", "conversation_id": other["id"]}
        )
        bob_frames = await _frames_until(
            sockets[1], {"type": "queue", "conversation_id": other["id"]}
        )
    assert any(
        f["type"] == "message" and f["message"]["text"] == "Only for Ada now." for f in ada_frames
    )
    assert [(f["type"], f["state"]) for f in bob_frames] == [
        ("queue", "active"),
        ("queue", "queued"),
    ]
    for ws in sockets:
        await ws.close()
