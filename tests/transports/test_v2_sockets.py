from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from frontdesk.actions.chat import send_message
from frontdesk.actions.chat_views import get_conversation, list_messages
from frontdesk.app import Services
from frontdesk.broker.memory import MemoryBroker
from frontdesk.security.keyring import Keyring
from frontdesk.security.secret_key import load_secret_key
from frontdesk.settings import Settings
from frontdesk.store.models import Conversation
from frontdesk.transports import event_stream
from frontdesk.transports.v2_sockets import AUDIENCE
from tests.conftest import TEST_ORIGINS, TEST_SECRET_KEY, _client_for
from tests.transports.chat_helpers import (
    BASE,
    CREATE_BODY,
    SITE,
    SITE_HEADERS,
    bearer,
    error_code,
    make_agent,
    next_frame,
    start_chat,
    visitor_headers,
)
from tests.transports.live_server import LiveServer, live_server

DOCS = Path(__file__).parents[2] / "docs" / "api" / "visitor-v2-sockets.md"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _count_conversations(services: Services) -> int:
    from sqlalchemy import func, select

    async with services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Conversation)) or 0)


async def _send(client: httpx.AsyncClient, chat: dict[str, Any], text: str) -> dict[str, Any]:
    response = await client.post(
        f"{BASE}/{chat['id']}/members/{chat['member']['id']}/messages",
        json={"body": text},
        headers=visitor_headers(chat),
    )
    assert response.status_code == 200, response.text
    sent: dict[str, Any] = response.json()
    return sent


# --- REST -------------------------------------------------------------------------------------


async def test_create_returns_a_token_and_a_stream_url_without_secrets(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    assert set(chat) == {"id", "jwt", "eventStreamUri", "member"}
    assert chat["eventStreamUri"] == f"ws://testserver{BASE}/{chat['id']}/events"
    assert chat["jwt"] not in chat["eventStreamUri"]
    members = await client.get(f"{BASE}/{chat['id']}/members", headers=visitor_headers(chat))
    assert members.status_code == 200
    [member] = members.json()["entities"]
    assert member["id"] == chat["member"]["id"]
    assert (member["role"], member["state"], member["displayName"]) == (
        "CUSTOMER",
        "CONNECTED",
        "Vic Tor",
    )
    conversation = await get_conversation(services.database, chat["id"])
    assert (conversation.first_name, conversation.email, conversation.subject) == (
        "Vic",
        "vic@example.test",
        "Shoes",
    )
    assert (conversation.page_url, conversation.page_title) == (
        "http://shop.example.test/cart",
        "Cart",
    )
    assert conversation.user_data == {"cartValue": 42}
    assert (conversation.origin, conversation.transport, conversation.state) == (
        SITE,
        "purecloud-v2-sockets",
        "queued",
    )


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null"])
async def test_create_refuses_sites_not_allowed(
    client: httpx.AsyncClient, services: Services, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    response = await client.post(BASE, json=CREATE_BODY, headers=headers)
    assert error_code(response, 403) == "origin_not_allowed"
    assert await _count_conversations(services) == 0


async def test_a_chat_with_an_agent_from_start_to_end(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    cid, mid = chat["id"], chat["member"]["id"]
    _, token = await make_agent(services, "ada")
    agent = bearer(token)
    queue = (await client.get("/api/agent/queue", headers=agent)).json()["conversations"]
    assert [c["id"] for c in queue] == [cid]
    assert queue[0]["queue"]["position"] == 1
    accepted = await client.post(f"/api/agent/conversations/{cid}/accept", headers=agent)
    assert accepted.status_code == 200, accepted.text
    await _send(client, chat, "Hello, I need shoes")
    reply = await client.post(
        f"/api/agent/conversations/{cid}/messages", json={"text": "Which size?"}, headers=agent
    )
    assert reply.status_code == 201
    await _send(client, chat, "42")
    typing = await client.post(f"{BASE}/{cid}/members/{mid}/typing", headers=visitor_headers(chat))
    assert typing.status_code == 204
    history = await client.get(
        f"{BASE}/{cid}/messages?sortOrder=ascending", headers=visitor_headers(chat)
    )
    entities = history.json()["entities"]
    assert [(e["index"], e["bodyType"], e["body"]) for e in entities] == [
        (1, "member-join", ""),
        (2, "member-join", ""),
        (3, "standard", "Hello, I need shoes"),
        (4, "standard", "Which size?"),
        (5, "standard", "42"),
    ]
    assert [e["id"] for e in entities] == [f"{cid}:{i}" for i in range(1, 6)]
    assert entities[2]["sender"] == {"id": mid}
    ended = await client.delete(f"{BASE}/{cid}/members/{mid}", headers=visitor_headers(chat))
    assert ended.status_code == 204
    own = await client.get(f"{BASE}/{cid}/members/{mid}", headers=visitor_headers(chat))
    assert own.json()["state"] == "DISCONNECTED"
    transcript = (await client.get(f"/api/agent/conversations/{cid}", headers=agent)).json()
    assert transcript["conversation"]["state"] == "ended"
    assert [m["index"] for m in transcript["messages"]] == list(range(1, 8))
    refused = await client.post(
        f"{BASE}/{cid}/members/{mid}/messages", json={"body": "hi"}, headers=visitor_headers(chat)
    )
    assert error_code(refused, 409) == "conflict"


async def test_a_token_reaches_only_its_own_conversation(client: httpx.AsyncClient) -> None:
    mine, theirs = await start_chat(client), await start_chat(client)
    headers = visitor_headers(mine)
    answers = []
    for cid, mid in (
        (theirs["id"], theirs["member"]["id"]),
        ("00000000-0000-4000-8000-000000000000", mine["member"]["id"]),
    ):
        for method, path, body in (
            ("POST", f"{cid}/members/{mid}/messages", {"body": "hi"}),
            ("POST", f"{cid}/members/{mid}/typing", None),
            ("GET", f"{cid}/members", None),
            ("GET", f"{cid}/members/{mid}", None),
            ("GET", f"{cid}/messages", None),
            ("DELETE", f"{cid}/members/{mid}", None),
        ):
            response = await client.request(method, f"{BASE}/{path}", json=body, headers=headers)
            assert error_code(response, 404) == "not_found", (method, path)
            answers.append(response.json())
    # A foreign conversation and a missing one get the same answer.
    assert all(answer == answers[0] for answer in answers)
    cid = mine["id"]
    for method, path in (
        ("POST", f"{cid}/members/{theirs['member']['id']}/messages"),
        ("POST", f"{cid}/members/{theirs['member']['id']}/typing"),
        ("DELETE", f"{cid}/members/{theirs['member']['id']}"),
    ):
        body = {"body": "hi"} if path.endswith("messages") else None
        response = await client.request(method, f"{BASE}/{path}", json=body, headers=headers)
        assert error_code(response, 403) == "forbidden"
    other_member = await client.get(
        f"{BASE}/{cid}/members/{theirs['member']['id']}", headers=headers
    )
    assert error_code(other_member, 404) == "not_found"
    theirs_history = await client.get(
        f"{BASE}/{theirs['id']}/messages", headers=visitor_headers(theirs)
    )
    assert len(theirs_history.json()["entities"]) == 1


async def test_missing_tampered_foreign_and_expired_tokens_are_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    chat = await start_chat(client)
    url = f"{BASE}/{chat['id']}/messages"
    assert error_code(await client.get(url), 401) == "unauthorized"
    assert error_code(await client.get(url, headers={"Authorization": "Basic x"}), 401) == (
        "unauthorized"
    )
    head, payload, signature = chat["jwt"].split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    for token in (f"{head}.{payload}.{flipped}", "not-a-jwt", chat["jwt"] + "x"):
        response = await client.get(url, headers=bearer(token))
        assert error_code(response, 401) == "invalid_token"
    past = Keyring(load_secret_key(settings), clock=lambda: time.time() - 100_000)
    claims = {"cid": chat["id"], "mid": chat["member"]["id"]}
    expired = past.sign(claims, audience=AUDIENCE, ttl_seconds=60)
    response = await client.get(url, headers=bearer(expired))
    assert error_code(response, 401) == "invalid_token"
    assert response.json()["error"]["details"]["reason"] == "expired"
    foreign = Keyring(load_secret_key(settings)).sign(claims, audience="v3-client", ttl_seconds=60)
    response = await client.get(url, headers=bearer(foreign))
    assert response.json()["error"]["details"]["reason"] == "wrong_audience"


async def test_history_pages_and_catches_up_after_a_message_id(client: httpx.AsyncClient) -> None:
    chat = await start_chat(client)
    cid = chat["id"]
    sent = [await _send(client, chat, f"m{i}") for i in range(6)]
    assert [m["index"] for m in sent] == list(range(2, 8))
    headers = visitor_headers(chat)
    after = await client.get(
        f"{BASE}/{cid}/messages",
        params={"after": sent[2]["id"], "sortOrder": "ascending"},
        headers=headers,
    )
    assert [e["index"] for e in after.json()["entities"]] == [5, 6, 7]
    latest = await client.get(f"{BASE}/{cid}/messages", params={"maxResults": 2}, headers=headers)
    assert [e["index"] for e in latest.json()["entities"]] == [7, 6]
    older = await client.get(
        f"{BASE}/{cid}/messages", params={"before": f"{cid}:6", "maxResults": 2}, headers=headers
    )
    assert [e["index"] for e in older.json()["entities"]] == [5, 4]
    by_index = await client.get(f"{BASE}/{cid}/messages", params={"after": "6"}, headers=headers)
    assert [e["index"] for e in by_index.json()["entities"]] == [7]
    for bad in ("other:3", "x", f"{cid}:-1", "9" * 20):
        response = await client.get(
            f"{BASE}/{cid}/messages", params={"after": bad}, headers=headers
        )
        assert error_code(response, 422) == "invalid_input", bad


async def test_bad_input_gets_the_envelope_and_loses_nothing(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    await _send(client, chat, "kept")
    url = f"{BASE}/{chat['id']}/members/{chat['member']['id']}/messages"
    headers = visitor_headers(chat)
    for body, status, code in (
        ({"body": 123}, 422, "invalid_input"),
        ({"body": "x", "sender": {"id": "agent"}}, 422, "invalid_input"),
        ({"body": "x" * 10_001}, 422, "invalid_input"),
        ({"body": "   "}, 422, "invalid_input"),
        ({}, 422, "invalid_input"),
    ):
        response = await client.post(url, json=body, headers=headers)
        assert error_code(response, status) == code, body
    malformed = await client.post(
        url, content=b"{nope", headers={**headers, "Content-Type": "application/json"}
    )
    assert error_code(malformed, 400) == "malformed_json"
    nested = {**CREATE_BODY, "memberInfo": {"customFields": {"deep": {"a": 1}}}}
    response = await client.post(BASE, json=nested, headers=SITE_HEADERS)
    assert error_code(response, 422) == "invalid_input"
    huge = {**CREATE_BODY, "memberInfo": {"customFields": {f"k{i}": "v" for i in range(101)}}}
    assert error_code(await client.post(BASE, json=huge, headers=SITE_HEADERS), 422) == (
        "invalid_input"
    )
    wrong_role = {**CREATE_BODY, "memberInfo": {"role": "AGENT"}}
    response = await client.post(BASE, json=wrong_role, headers=SITE_HEADERS)
    assert error_code(response, 422) == "invalid_input"
    messages = await list_messages(services.database, chat["id"])
    assert [(m.index, m.text) for m in messages] == [(1, ""), (2, "kept")]
    assert await _count_conversations(services) == 1


async def test_a_send_repeated_with_its_idempotency_key_is_stored_once(
    embedded_client: httpx.AsyncClient,
) -> None:
    client = embedded_client
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    chat = await start_chat(client)
    url = f"{BASE}/{chat['id']}/members/{chat['member']['id']}/messages"
    headers = visitor_headers(chat)
    body = {"body": "Hello", "idempotencyKey": "8c0e2b1c-5a4f-4e57-9a57-0d5c8f1c2b3a"}
    copies = await asyncio.gather(*(client.post(url, json=body, headers=headers) for _ in range(3)))
    assert [r.status_code for r in copies] == [200] * 3
    assert len({r.json()["id"] for r in copies}) == 1
    assert copies[0].json()["id"] == f"{chat['id']}:2"
    assert "idempotencyKey" not in copies[0].text
    other = await client.post(url, json={**body, "body": "Bye"}, headers=headers)
    assert error_code(other, 409) == "idempotency_conflict"
    for bad in ("", "x" * 65, "no spaces", 7):
        response = await client.post(url, json={**body, "idempotencyKey": bad}, headers=headers)
        assert error_code(response, 422) == "invalid_input", bad
    assert (await _send(client, chat, "without a key"))["id"] == f"{chat['id']}:3"
    messages = await list_messages(services.database, chat["id"])
    assert [(m.index, m.text) for m in messages] == [(1, ""), (2, "Hello"), (3, "without a key")]


async def test_concurrent_visitor_and_agent_sends_are_gapless(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    cid = chat["id"]
    _, token = await make_agent(services, "ada")
    await client.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(token))

    async def agent_says(i: int) -> None:
        response = await client.post(
            f"/api/agent/conversations/{cid}/messages",
            json={"text": f"a{i}"},
            headers=bearer(token),
        )
        assert response.status_code == 201, response.text

    await asyncio.gather(
        *(agent_says(i) for i in range(15)), *(_send(client, chat, f"v{i}") for i in range(15))
    )
    messages = await list_messages(services.database, cid)
    assert [m.index for m in messages] == list(range(1, 33))
    assert sorted(m.text for m in messages if m.kind == "text") == sorted(
        [f"a{i}" for i in range(15)] + [f"v{i}" for i in range(15)]
    )


# --- the event stream -------------------------------------------------------------------------


@pytest.fixture
async def live(settings: Settings) -> Any:
    async with live_server(settings) as server:
        yield server


async def _open(
    server: LiveServer, chat: dict[str, Any], **auth: Any
) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(f"{server.ws}{BASE}/{chat['id']}/events", origin=SITE)  # type: ignore[arg-type]
    await ws.send(json.dumps({"type": "auth", "token": chat["jwt"], **auth}))
    ready = await next_frame(ws)
    assert ready["metadata"]["type"] == "ready", ready
    return ws, ready


async def test_the_stream_carries_a_whole_chat(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        cid, mid = chat["id"], chat["member"]["id"]
        ws, ready = await _open(live, chat)
        assert ready["eventBody"] == {"conversationId": cid, "memberId": mid, "lastIndex": 1}
        _, token = await make_agent(live.services, "ada")
        agent = bearer(token)
        await http.post(f"/api/agent/conversations/{cid}/accept", headers=agent)
        joined = await next_frame(ws)
        assert joined["topicName"] == f"v2.conversations.chats.{cid}.messages"
        assert joined["metadata"] == {"type": "message"}
        assert joined["eventBody"]["bodyType"] == "member-join"
        assert joined["eventBody"]["index"] == 2
        agent_member = joined["eventBody"]["sender"]["id"]
        change = await next_frame(ws)
        assert change["metadata"] == {"type": "member-change"}
        assert change["eventBody"]["member"]["id"] == agent_member
        assert change["eventBody"]["member"]["role"] == "AGENT"
        assert change["eventBody"]["member"]["state"] == "CONNECTED"
        await _send(http, chat, "hello")
        own = await next_frame(ws)
        assert (own["eventBody"]["body"], own["eventBody"]["index"]) == ("hello", 3)
        assert own["eventBody"]["sender"] == {"id": mid}
        await http.post(f"{BASE}/{cid}/members/{mid}/typing", headers=visitor_headers(chat))
        await http.post(
            f"/api/agent/conversations/{cid}/typing", json={"typing": True}, headers=agent
        )
        typing = await next_frame(ws)  # the visitor's own typing is not echoed
        assert typing["metadata"] == {"type": "typing-indicator"}
        assert typing["eventBody"]["sender"] == {"id": agent_member}
        await http.post(
            f"/api/agent/conversations/{cid}/messages", json={"text": "hi!"}, headers=agent
        )
        reply = await next_frame(ws)
        assert reply["eventBody"] == {
            "id": f"{cid}:4",
            "index": 4,
            "conversation": {"id": cid},
            "sender": {"id": agent_member},
            "body": "hi!",
            "bodyType": "standard",
            "timestamp": reply["eventBody"]["timestamp"],
        }
        await http.post(f"/api/agent/conversations/{cid}/end", headers=agent)
        left = [await next_frame(ws) for _ in range(4)]
        assert [f["eventBody"].get("bodyType") for f in left[:2]] == ["member-leave"] * 2
        assert left[0]["eventBody"]["sender"] == {"id": agent_member}
        states = {
            f["eventBody"]["member"]["id"]: f["eventBody"]["member"]["state"] for f in left[2:]
        }
        assert states == {agent_member: "DISCONNECTED", mid: "DISCONNECTED"}
        await ws.close()


async def test_the_stream_replays_what_came_after_the_given_message(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        for i in range(3):
            await _send(http, chat, f"m{i}")
        ws, _ = await _open(live, chat, after=f"{chat['id']}:2")
        replayed = [await next_frame(ws) for _ in range(2)]
        assert [f["eventBody"]["index"] for f in replayed] == [3, 4]
        await _send(http, chat, "live")
        live_frame = await next_frame(ws)
        assert (live_frame["eventBody"]["index"], live_frame["eventBody"]["body"]) == (5, "live")
        await ws.send(json.dumps({"type": "catchup", "after": 3}))
        again = [await next_frame(ws) for _ in range(2)]
        assert [f["eventBody"]["index"] for f in again] == [4, 5]
        await ws.close()


async def test_the_stream_sends_heartbeats(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_stream, "HEARTBEAT_SECONDS", 0.05)
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        ws, _ = await _open(live, chat)
        beat = await next_frame(ws, heartbeats=True)
        assert beat == {
            "topicName": "channel.metadata",
            "eventBody": {"message": "WebSocket Heartbeat"},
            "metadata": {"type": "heartbeat"},
        }
        await ws.close()


@pytest.mark.parametrize("origin", ["https://evil.example", None])
async def test_the_stream_refuses_handshakes_from_other_sites(
    live: LiveServer, origin: str | None
) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
    with pytest.raises(InvalidStatus) as refused:
        await connect(f"{live.ws}{BASE}/{chat['id']}/events", origin=origin)  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403


async def _refused(live: LiveServer, cid: str, first: str) -> tuple[int, dict[str, Any]]:
    ws = await connect(f"{live.ws}{BASE}/{cid}/events", origin=SITE)  # type: ignore[arg-type]
    await ws.send(first)
    error = await next_frame(ws)
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, error


async def test_the_stream_refuses_foreign_tampered_and_missing_tokens(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        mine, theirs = await start_chat(http), await start_chat(http)
    code, error = await _refused(
        live, theirs["id"], json.dumps({"type": "auth", "token": mine["jwt"]})
    )
    assert (code, error["eventBody"]["error"]["code"]) == (4404, "not_found")
    assert error["metadata"] == {"type": "error"}
    code, error = await _refused(
        live, "no-such-id", json.dumps({"type": "auth", "token": mine["jwt"]})
    )
    assert (code, error["eventBody"]["error"]["code"]) == (4404, "not_found")
    code, error = await _refused(
        live, mine["id"], json.dumps({"type": "auth", "token": mine["jwt"][:-3] + "abc"})
    )
    assert (code, error["eventBody"]["error"]["code"]) == (4401, "invalid_token")
    code, error = await _refused(live, mine["id"], json.dumps({"type": "hello"}))
    assert (code, error["eventBody"]["error"]["code"]) == (4401, "unauthorized")
    code, error = await _refused(live, mine["id"], "not json")
    assert (code, error["eventBody"]["error"]["code"]) == (4400, "malformed_json")
    code, error = await _refused(live, mine["id"], "[" * 1000 + "]" * 1000)
    assert (code, error["eventBody"]["error"]["code"]) == (4400, "json_too_deep")
    huge = json.dumps({"type": "auth", "token": mine["jwt"], "after": 10**30})
    _, error = await _refused(live, mine["id"], huge)
    assert error["eventBody"]["error"]["code"] == "invalid_input"


async def test_an_event_crosses_to_another_server_instance(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=postgres_url,
        redis_url=redis_url,
        secret_key=TEST_SECRET_KEY,
        allowed_origins=TEST_ORIGINS,
    )
    async with (
        live_server(settings) as one,
        live_server(settings) as two,
        httpx.AsyncClient(base_url=one.http) as http_one,
    ):
        chat = await start_chat(http_one)
        ws, _ = await _open(two, chat)
        await _send(http_one, chat, "across")
        frame = await next_frame(ws)
        assert (frame["eventBody"]["body"], frame["eventBody"]["index"]) == ("across", 2)
        await ws.close()


async def test_messages_the_broker_lost_are_replayed_from_the_store(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        ws, _ = await _open(live, chat)
        services = live.services
        # Written through a broker nobody listens to: as if the events were lost in transit.
        nowhere = MemoryBroker()
        for text in ("lost 1", "lost 2"):
            await send_message(services.database, nowhere, chat["id"], chat["member"]["id"], text)
        await _send(http, chat, "arrives")
        frames = [await next_frame(ws) for _ in range(3)]
        assert [(f["eventBody"]["index"], f["eventBody"]["body"]) for f in frames] == [
            (2, "lost 1"),
            (3, "lost 2"),
            (4, "arrives"),
        ]
        await ws.close()


# --- files and limits -------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


async def test_a_shared_file_reaches_the_stream_with_its_attachment(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        cid = chat["id"]
        _, token = await make_agent(live.services, "ada")
        await http.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(token))
        ws, _ = await _open(live, chat, after=1)
        assert (await next_frame(ws))["eventBody"]["bodyType"] == "member-join"
        uploaded = await http.post(
            f"/api/agent/conversations/{cid}/files",
            files={"file": ("<img src=x onerror=alert(1)>.png", PNG, "image/png")},
            headers=bearer(token),
        )
        file_id = uploaded.json()["message"]["data"]["file_id"]
        frame = await next_frame(ws)
        assert frame["metadata"] == {"type": "message"}
        body = frame["eventBody"]
        assert (body["index"], body["bodyType"]) == (3, "standard")
        assert body["body"] == "Shared a file: <img src=x onerror=alert(1)>.png"
        assert body["attachment"] == {
            "id": file_id,
            "name": "<img src=x onerror=alert(1)>.png",
            "size": len(PNG),
            "type": "image/png",
            "path": f"{BASE}/{cid}/files/{file_id}",
        }
        download = await http.get(body["attachment"]["path"], headers=visitor_headers(chat))
        assert download.content == PNG
        assert download.headers["content-disposition"].startswith("attachment;")
        await ws.close()


async def test_chat_starts_are_rate_limited_per_address(settings: Settings) -> None:
    limited = settings.replace(conversation_starts_per_ip=2, conversation_starts_window_seconds=1)
    async for client in _client_for(limited):
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        for _ in range(2):
            await start_chat(client)
        refused = await client.post(BASE, json=CREATE_BODY, headers=SITE_HEADERS)
        assert error_code(refused, 429) == "rate_limited"
        assert refused.json()["error"]["details"] == {
            "limit": "conversation-starts",
            "retry_after": 1,
        }
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["access-control-allow-origin"] == SITE
        assert await _count_conversations(services) == 2
        await asyncio.sleep(1.1)
        await start_chat(client)


async def test_visitor_messages_are_rate_limited_per_member(settings: Settings) -> None:
    limited = settings.replace(messages_per_member=2, messages_window_seconds=30)
    async for client in _client_for(limited):
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        chat, other = await start_chat(client), await start_chat(client)
        for text in ("one", "two"):
            await _send(client, chat, text)
        refused = await client.post(
            f"{BASE}/{chat['id']}/members/{chat['member']['id']}/messages",
            json={"body": "three"},
            headers=visitor_headers(chat),
        )
        assert error_code(refused, 429) == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 30
        await _send(client, other, "someone else")
        stored = await list_messages(services.database, chat["id"])
        assert [m.text for m in stored] == ["", "one", "two"]


async def test_a_burst_of_typing_is_rate_limited_per_member(settings: Settings) -> None:
    async for client in _client_for(settings.replace(typing_per_member=5)):
        chat = await start_chat(client)
        url = f"{BASE}/{chat['id']}/members/{chat['member']['id']}/typing"
        replies = await asyncio.gather(
            *(client.post(url, headers=visitor_headers(chat)) for _ in range(40))
        )
        assert [reply.status_code for reply in replies].count(204) == 5
        limited = [reply for reply in replies if reply.status_code != 204]
        assert {error_code(reply, 429) for reply in limited} == {"rate_limited"}
        assert limited[0].json()["error"]["details"]["limit"] == "typing"
        assert 1 <= int(limited[0].headers["retry-after"]) <= 10


async def test_stream_handshakes_are_rate_limited_per_address(settings: Settings) -> None:
    limited = settings.replace(socket_connects_per_ip=2, socket_connects_window_seconds=1)
    async with live_server(limited) as server, httpx.AsyncClient(base_url=server.http) as http:
        chat = await start_chat(http)
        first, _ = await _open(server, chat)
        second, _ = await _open(server, chat)
        with pytest.raises(InvalidStatus) as refused:
            await connect(f"{server.ws}{BASE}/{chat['id']}/events", origin=SITE)  # type: ignore[arg-type]
        assert refused.value.response.status_code == 429
        assert refused.value.response.headers["Retry-After"] == "1"
        await asyncio.sleep(1.1)
        third, _ = await _open(server, chat)
        for ws in (first, second, third):
            await ws.close()


# --- the queue position -----------------------------------------------------------------------


async def test_the_queue_route_tells_a_waiting_visitor_their_place(
    client: httpx.AsyncClient, services: Services
) -> None:
    first, second = await start_chat(client), await start_chat(client)
    url = f"{BASE}/{second['id']}/queue"
    waiting = await client.get(url, headers=visitor_headers(second))
    assert waiting.status_code == 200, waiting.text
    # No chat was accepted yet: the estimate falls back to a minute per place.
    assert waiting.json() == {
        "conversationId": second["id"],
        "state": "queued",
        "position": 2,
        "estimatedWaitSeconds": 120,
    }
    _, token = await make_agent(services, "ada")
    await client.post(f"/api/agent/conversations/{first['id']}/accept", headers=bearer(token))
    moved = (await client.get(url, headers=visitor_headers(second))).json()
    assert (moved["state"], moved["position"]) == ("queued", 1)
    await client.post(f"/api/agent/conversations/{second['id']}/accept", headers=bearer(token))
    taken = (await client.get(url, headers=visitor_headers(second))).json()
    assert taken == {
        "conversationId": second["id"],
        "state": "active",
        "position": None,
        "estimatedWaitSeconds": None,
    }
    await client.post(f"/api/agent/conversations/{second['id']}/end", headers=bearer(token))
    ended = (await client.get(url, headers=visitor_headers(second))).json()
    assert (ended["state"], ended["position"]) == ("ended", None)


async def test_the_queue_route_answers_only_for_the_own_conversation(
    client: httpx.AsyncClient,
) -> None:
    mine, theirs = await start_chat(client), await start_chat(client)
    foreign = await client.get(f"{BASE}/{theirs['id']}/queue", headers=visitor_headers(mine))
    missing = await client.get(
        f"{BASE}/00000000-0000-4000-8000-000000000000/queue", headers=visitor_headers(mine)
    )
    assert error_code(foreign, 404) == error_code(missing, 404) == "not_found"
    assert foreign.json() == missing.json()
    anonymous = await client.get(f"{BASE}/{mine['id']}/queue", headers=SITE_HEADERS)
    assert error_code(anonymous, 401) == "unauthorized"


async def test_the_stream_tells_a_waiting_visitor_their_place_until_an_agent_joins(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_stream, "HEARTBEAT_SECONDS", 0.05)
    async with httpx.AsyncClient(base_url=live.http) as http:
        first, second = await start_chat(http), await start_chat(http)
        ws, _ = await _open(live, second)
        told = await next_frame(ws, queue=True)
        assert told == {
            "topicName": "channel.metadata",
            "eventBody": {
                "conversationId": second["id"],
                "position": 2,
                "estimatedWaitSeconds": 120,
            },
            "metadata": {"type": "queue-position"},
        }
        # Told again with the heartbeats, so the place moves as the queue does.
        assert (await next_frame(ws, queue=True))["metadata"]["type"] == "queue-position"
        _, token = await make_agent(live.services, "ada")
        agent = bearer(token)
        await http.post(f"/api/agent/conversations/{first['id']}/accept", headers=agent)
        while (frame := await next_frame(ws, queue=True))["eventBody"].get("position") != 1:
            assert frame["metadata"]["type"] == "queue-position", frame
        await http.post(f"/api/agent/conversations/{second['id']}/accept", headers=agent)
        joined = await next_frame(ws)
        assert joined["eventBody"]["bodyType"] == "member-join"
        # Once an agent has the chat: heartbeats only, no more places.
        frames = [await next_frame(ws, heartbeats=True, queue=True) for _ in range(6)]
        kinds = [f["metadata"]["type"] for f in frames]
        assert "queue-position" not in kinds[1:], kinds
        assert kinds.count("heartbeat") >= 4, kinds
        await ws.close()


async def test_the_stream_of_an_accepted_chat_tells_no_queue_position(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_stream, "HEARTBEAT_SECONDS", 0.05)
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        _, token = await make_agent(live.services, "ada")
        await http.post(f"/api/agent/conversations/{chat['id']}/accept", headers=bearer(token))
        ws, _ = await _open(live, chat)
        frames = [await next_frame(ws, heartbeats=True, queue=True) for _ in range(3)]
        assert [f["metadata"]["type"] for f in frames] == ["heartbeat"] * 3
        await ws.close()


def _queue_examples() -> list[dict[str, Any]]:
    """The JSON examples of the docs' Queue position section: the route's answer, then the frame."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Queue position", 1)[1].split("\n## ", 1)[0]
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", section, re.S)]


async def test_the_documented_queue_examples_have_the_real_shapes(live: LiveServer) -> None:
    route, frame = _queue_examples()
    async with httpx.AsyncClient(base_url=live.http) as http:
        await start_chat(http)
        chat = await start_chat(http)
        answer = await http.get(f"{BASE}/{chat['id']}/queue", headers=visitor_headers(chat))
        assert answer.json() == {**route, "conversationId": chat["id"]}
        ws, _ = await _open(live, chat)
        told = await next_frame(ws, queue=True)
        assert told == {**frame, "eventBody": {**frame["eventBody"], "conversationId": chat["id"]}}
        await ws.close()
