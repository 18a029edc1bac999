from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from frontdesk.actions.agents import close_session
from frontdesk.app import Services
from frontdesk.settings import Settings
from frontdesk.transports import event_stream
from tests.conftest import _client_for
from tests.transports.chat_helpers import (
    BASE,
    PASSWORD,
    SITE_HEADERS,
    bearer,
    error_code,
    make_agent,
    next_frame,
    start_chat,
    visitor_headers,
)
from tests.transports.live_server import LiveServer, live_server

OWN_ORIGIN = "http://testserver"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def test_status_starts_away_and_becoming_available_assigns_waiting_chats(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, token = await make_agent(services, "ada")
    headers = bearer(token)
    status = await client.get("/api/agent/status", headers=headers)
    assert status.json() == {"status": "away", "capacity": 3, "active": 0}
    chats = [await start_chat(client) for _ in range(4)]
    put = await client.put("/api/agent/status", json={"status": "available"}, headers=headers)
    assert put.json() == {"status": "available", "capacity": 3, "active": 3}
    mine = (await client.get("/api/agent/conversations", headers=headers)).json()["conversations"]
    assert [(c["id"], c["state"]) for c in mine] == [
        (chats[0]["id"], "active"),
        (chats[1]["id"], "active"),
        (chats[2]["id"], "active"),
        (chats[3]["id"], "queued"),
    ]
    assert mine[3]["queue"]["position"] == 1
    assert mine[0]["queue"] is None
    await client.post(f"/api/agent/conversations/{chats[0]['id']}/end", headers=headers)
    queue = (await client.get("/api/agent/queue", headers=headers)).json()["conversations"]
    assert queue == []  # the freed place went to the waiting chat
    for bad in ({"status": "busy"}, {"status": "away", "capacity": 9}, {}):
        response = await client.put("/api/agent/status", json=bad, headers=headers)
        assert error_code(response, 422) == "invalid_input"


async def test_a_conversation_shows_context_members_and_messages_after_an_index(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    cid = chat["id"]
    _, token = await make_agent(services, "ada")
    headers = bearer(token)
    queued = (await client.get(f"/api/agent/conversations/{cid}", headers=headers)).json()
    assert queued["conversation"]["visitor"] == {
        "first_name": "Vic",
        "last_name": "Tor",
        "email": "vic@example.test",
        "subject": "Shoes",
    }
    assert queued["conversation"]["context"]["user_data"] == {"cartValue": 42}
    assert queued["conversation"]["context"]["page_title"] == "Cart"
    assert queued["conversation"]["queue"]["position"] == 1
    await client.post(f"/api/agent/conversations/{cid}/accept", headers=headers)
    await client.post(
        f"{BASE}/{cid}/members/{chat['member']['id']}/messages",
        json={"body": "<img src=x onerror=alert(1)>"},
        headers=visitor_headers(chat),
    )
    page = (
        await client.get(f"/api/agent/conversations/{cid}", params={"after": 2}, headers=headers)
    ).json()
    assert [m["index"] for m in page["messages"]] == [3]
    message = page["messages"][0]
    assert message == {
        "id": f"{cid}:3",
        "index": 3,
        "kind": "text",
        "text": "<img src=x onerror=alert(1)>",
        "member": {"id": chat["member"]["id"], "role": "CUSTOMER", "display_name": "Vic Tor"},
        "data": None,
        "created_at": message["created_at"],
    }
    assert [m["role"] for m in page["members"]] == ["CUSTOMER", "AGENT"]
    assert page["conversation"]["last_index"] == 3


async def test_only_the_assigned_agent_or_a_supervisor_sees_and_writes(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    cid = chat["id"]
    _, ada = await make_agent(services, "ada")
    _, bob = await make_agent(services, "bob")
    _, sue = await make_agent(services, "sue", role="supervisor")
    early = await client.post(
        f"/api/agent/conversations/{cid}/messages", json={"text": "hi"}, headers=bearer(ada)
    )
    assert error_code(early, 403) == "forbidden"
    assert (
        await client.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(ada))
    ).is_success
    again = await client.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(bob))
    assert error_code(again, 409) == "conflict"
    for method, path, body in (
        ("GET", "", None),
        ("POST", "/messages", {"text": "hi"}),
        ("POST", "/typing", {"typing": True}),
        ("POST", "/end", None),
    ):
        response = await client.request(
            method, f"/api/agent/conversations/{cid}{path}", json=body, headers=bearer(bob)
        )
        assert error_code(response, 403) == "forbidden", path
    missing = await client.post("/api/agent/conversations/nope/accept", headers=bearer(bob))
    assert error_code(missing, 404) == "not_found"
    seen = await client.get(f"/api/agent/conversations/{cid}", headers=bearer(sue))
    assert seen.status_code == 200
    assert error_code(await client.get("/api/agent/queue"), 401) == "unauthorized"


async def test_bad_messages_are_refused(client: httpx.AsyncClient, services: Services) -> None:
    chat = await start_chat(client)
    cid = chat["id"]
    _, token = await make_agent(services, "ada")
    headers = bearer(token)
    await client.post(f"/api/agent/conversations/{cid}/accept", headers=headers)
    url = f"/api/agent/conversations/{cid}/messages"
    for body in ({"text": ""}, {"text": "x" * 10_001}, {"text": 5}, {"text": "x", "index": 1}):
        assert error_code(await client.post(url, json=body, headers=headers), 422) == (
            "invalid_input"
        )
    typing = await client.post(
        f"/api/agent/conversations/{cid}/typing", json={"typing": "yes"}, headers=headers
    )
    assert error_code(typing, 422) == "invalid_input"
    transcript = (await client.get(f"/api/agent/conversations/{cid}", headers=headers)).json()
    assert transcript["conversation"]["last_index"] == 2


async def test_ended_conversations_are_listed_newest_first(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, ada = await make_agent(services, "ada")
    _, sue = await make_agent(services, "sue", role="supervisor")
    ids = []
    for _ in range(3):
        chat = await start_chat(client)
        await client.post(f"/api/agent/conversations/{chat['id']}/accept", headers=bearer(ada))
        ended = await client.post(f"/api/agent/conversations/{chat['id']}/end", headers=bearer(ada))
        assert ended.json()["conversation"]["ended_reason"] == "agent"
        ids.append(chat["id"])
    repeat = await client.post(f"/api/agent/conversations/{ids[0]}/end", headers=bearer(ada))
    assert repeat.status_code == 200
    listed = await client.get("/api/agent/conversations/ended?limit=2", headers=bearer(ada))
    assert [c["id"] for c in listed.json()["conversations"]] == ids[::-1][:2]
    supervised = await client.get("/api/agent/conversations/ended", headers=bearer(sue))
    assert len(supervised.json()["conversations"]) == 3
    _, bob = await make_agent(services, "bob")
    assert (await client.get("/api/agent/conversations/ended", headers=bearer(bob))).json() == {
        "conversations": [],
        "next_before": None,
    }


async def test_the_desk_cookie_needs_the_desk_origin_to_change_state(
    client: httpx.AsyncClient, services: Services
) -> None:
    await make_agent(services, "ada")
    login = await client.post(
        "/api/desk/login",
        json={"email": "ada@example.test", "password": PASSWORD},
        headers={"Origin": OWN_ORIGIN},
    )
    assert login.status_code == 200
    chat = await start_chat(client)
    url = f"/api/agent/conversations/{chat['id']}/accept"
    for headers in ({}, {"Origin": "https://evil.example"}):
        assert error_code(await client.post(url, headers=headers), 403) == "origin_not_allowed"
    assert (await client.post(url, headers={"Origin": OWN_ORIGIN})).status_code == 200
    assert (await client.get("/api/agent/conversations")).status_code == 200


def test_the_agent_api_is_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for path in (
        "/api/agent/status",
        "/api/agent/queue",
        "/api/agent/conversations",
        "/api/agent/conversations/ended",
        "/api/agent/conversations/active",
        "/api/agent/file-limits",
        "/api/agent/conversations/{conversation_id}",
        "/api/agent/conversations/{conversation_id}/accept",
        "/api/agent/conversations/{conversation_id}/messages",
        "/api/agent/conversations/{conversation_id}/typing",
        "/api/agent/conversations/{conversation_id}/end",
        BASE,
    ):
        assert path in paths, path


# --- the desk's event stream ------------------------------------------------------------------


@pytest.fixture
async def live(settings: Settings) -> Any:
    async with live_server(settings) as server:
        yield server


async def _desk_socket(live: LiveServer, token: str) -> ClientConnection:
    ws = await connect(f"{live.ws}/api/agent/events")
    await ws.send(json.dumps({"type": "auth", "token": token}))
    ready = await next_frame(ws)
    assert ready["type"] == "ready"
    return ws


async def test_the_desk_stream_pushes_queue_changes_and_own_conversations(
    live: LiveServer,
) -> None:
    agent, token = await make_agent(live.services, "ada")
    ws = await _desk_socket(live, token)
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        cid = chat["id"]
        queued = await next_frame(ws)
        assert queued == {
            "type": "queue",
            "conversation_id": cid,
            "state": "queued",
            "agent_id": None,
            "last_index": 1,
        }
        started = await next_frame(ws)
        assert (started["type"], started["index"]) == ("message", 1)
        await http.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(token))
        frames = [await next_frame(ws) for _ in range(4)]
        assert sorted(f["type"] for f in frames) == ["conversation", "member", "message", "queue"]
        joined = next(f for f in frames if f["type"] == "message")
        assert (joined["conversation_id"], joined["index"]) == (cid, 2)
        assert joined["message"]["kind"] == "member-join"
        assert joined["message"]["member"]["display_name"] == "Ada"
        await http.post(
            f"{BASE}/{cid}/members/{chat['member']['id']}/messages",
            json={"body": "hello"},
            headers=visitor_headers(chat),
        )
        message = await next_frame(ws)
        assert message["type"] == "message"
        assert (message["index"], message["message"]["text"]) == (3, "hello")
        await http.post(
            f"{BASE}/{cid}/members/{chat['member']['id']}/typing", headers=visitor_headers(chat)
        )
        typing = await next_frame(ws)
        assert typing == {
            "type": "typing",
            "conversation_id": cid,
            "last_index": 3,
            "member": typing["member"],
            "typing": True,
        }
        assert typing["member"]["role"] == "CUSTOMER"
    assert agent.id == queued["agent_id"] or queued["agent_id"] is None
    await ws.close()


async def test_the_desk_stream_accepts_the_cookie_from_the_desk_only(live: LiveServer) -> None:
    await make_agent(live.services, "ada")
    async with httpx.AsyncClient(base_url=live.http) as http:
        login = await http.post(
            "/api/desk/login",
            json={"email": "ada@example.test", "password": PASSWORD},
            headers={"Origin": live.http},
        )
        cookie = f"frontdesk_desk={login.cookies['frontdesk_desk']}"
    ws = await connect(
        f"{live.ws}/api/agent/events",
        origin=live.http,  # type: ignore[arg-type]
        additional_headers={"Cookie": cookie},
    )
    assert (await next_frame(ws))["type"] == "ready"
    await ws.close()
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            f"{live.ws}/api/agent/events",
            origin="https://evil.example",  # type: ignore[arg-type]
            additional_headers={"Cookie": cookie},
        )
    assert refused.value.response.status_code == 403
    # Without an Origin (not a browser) the cookie alone is not enough: a token frame is needed.
    ws = await connect(f"{live.ws}/api/agent/events", additional_headers={"Cookie": cookie})
    await ws.send(json.dumps({"type": "auth", "token": login.cookies["frontdesk_desk"]}))
    error = await next_frame(ws)
    assert (error["type"], error["error"]["code"]) == ("error", "unauthorized")
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_behind_a_trusted_https_proxy_the_desk_uses_the_host_prefixed_cookie(
    live: LiveServer,
) -> None:
    await make_agent(live.services, "ada")
    # The proxy on 127.0.0.1, which uvicorn trusts by default, says the client came over https.
    public = live.http.replace("http://", "https://")
    forwarded = {"X-Forwarded-Proto": "https", "Origin": public}
    async with httpx.AsyncClient(base_url=live.http) as http:
        login = await http.post(
            "/api/desk/login",
            json={"email": "ada@example.test", "password": PASSWORD},
            headers=forwarded,
        )
    assert login.status_code == 200, login.text
    name, _, rest = login.headers["set-cookie"].partition("=")
    assert name == "__Host-frontdesk_desk"
    assert "secure" in rest.lower()
    token = rest.partition(";")[0]
    ws = await connect(
        f"{live.ws}/api/agent/events",
        origin=public,  # type: ignore[arg-type]
        additional_headers={"Cookie": f"{name}={token}", "X-Forwarded-Proto": "https"},
    )
    assert (await next_frame(ws))["type"] == "ready"
    await ws.close()


async def _until_closed(ws: ClientConnection) -> None:
    while True:
        await next_frame(ws, heartbeats=True)


async def test_the_desk_stream_refuses_bad_tokens_and_drops_revoked_ones(
    live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = await make_agent(live.services, "ada")
    ws = await connect(f"{live.ws}/api/agent/events")
    await ws.send(json.dumps({"type": "auth", "token": "wrong"}))
    assert (await next_frame(ws))["error"]["code"] == "unauthorized"
    with pytest.raises(ConnectionClosed):
        await ws.recv()
    monkeypatch.setattr(event_stream, "HEARTBEAT_SECONDS", 0.05)
    ws = await _desk_socket(live, token)
    assert await next_frame(ws, heartbeats=True) == {"type": "heartbeat"}
    await close_session(live.services.database, token)
    with pytest.raises(ConnectionClosed) as closed:
        await _until_closed(ws)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


# --- files and limits -------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
ATTACHMENT_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'",
    "cache-control": "private, no-store",
}


async def _accepted_chat(
    client: httpx.AsyncClient, services: Services, name: str = "ada"
) -> tuple[dict[str, Any], dict[str, str]]:
    chat = await start_chat(client)
    _, token = await make_agent(services, name)
    accepted = await client.post(
        f"/api/agent/conversations/{chat['id']}/accept", headers=bearer(token)
    )
    assert accepted.status_code == 200, accepted.text
    return chat, bearer(token)


async def test_an_agent_shares_a_file_and_both_sides_download_it_as_an_attachment(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat, agent = await _accepted_chat(client, services)
    cid = chat["id"]
    uploaded = await client.post(
        f"/api/agent/conversations/{cid}/files",
        files={"file": ("../../Grüße\u202egnp.html", PNG, "text/html")},
        headers=agent,
    )
    assert uploaded.status_code == 201, uploaded.text
    message = uploaded.json()["message"]
    file_id = message["data"]["file_id"]
    name = "Grüße gnp.html"
    assert (message["index"], message["kind"], message["text"]) == (3, "file", name)
    assert message["data"] == {
        "file_id": file_id,
        "name": name,
        "size": len(PNG),
        "type": "image/png",
    }
    transcript = (await client.get(f"/api/agent/conversations/{cid}?after=2", headers=agent)).json()
    assert transcript["messages"] == [message]

    expected_disposition = (
        "attachment; filename=\"Gr__e gnp.html\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20gnp.html"
    )
    for response in (
        await client.get(f"/api/agent/files/{file_id}", headers=agent),
        await client.get(f"{BASE}/{cid}/files/{file_id}", headers=visitor_headers(chat)),
    ):
        assert response.status_code == 200, response.text
        assert response.content == PNG
        assert response.headers["content-type"] == "image/png"
        assert response.headers["content-disposition"] == expected_disposition
        assert ATTACHMENT_HEADERS.items() <= response.headers.items()

    history = await client.get(f"{BASE}/{cid}/messages", headers=visitor_headers(chat))
    entity = history.json()["entities"][0]
    assert entity["bodyType"] == "standard"
    assert entity["body"] == f"Shared a file: {name}"
    assert entity["attachment"] == {
        "id": file_id,
        "name": name,
        "size": len(PNG),
        "type": "image/png",
        "path": f"{BASE}/{cid}/files/{file_id}",
    }


async def test_files_reach_only_those_who_may_see_the_conversation(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat, agent = await _accepted_chat(client, services)
    cid = chat["id"]
    uploaded = await client.post(
        f"/api/agent/conversations/{cid}/files",
        files={"file": ("notes.txt", b"hello", "text/plain")},
        headers=agent,
    )
    file_id = uploaded.json()["message"]["data"]["file_id"]
    other = await start_chat(client)
    _, bob = await make_agent(services, "bob")
    _, sue = await make_agent(services, "sue", role="supervisor")
    refusals = [
        (await client.get(f"/api/agent/files/{file_id}", headers=bearer(bob)), 404),
        (await client.get("/api/agent/files/nope", headers=agent), 404),
        (await client.get(f"/api/agent/files/{file_id}"), 401),
        (await client.get(f"{BASE}/{cid}/files/{file_id}", headers=visitor_headers(other)), 404),
        (
            await client.get(
                f"{BASE}/{other['id']}/files/{file_id}", headers=visitor_headers(other)
            ),
            404,
        ),
        (await client.get(f"{BASE}/{cid}/files/{file_id}", headers=SITE_HEADERS), 401),
        (
            await client.post(
                f"/api/agent/conversations/{cid}/files",
                files={"file": ("x.txt", b"x", "text/plain")},
                headers=bearer(bob),
            ),
            403,
        ),
    ]
    for response, status in refusals:
        assert error_code(response, status) in ("not_found", "unauthorized", "forbidden")
    supervised = await client.get(f"/api/agent/files/{file_id}", headers=bearer(sue))
    assert supervised.headers["content-type"] == "text/plain; charset=utf-8"
    assert supervised.content == b"hello"


async def test_uploads_of_the_wrong_kind_or_size_are_refused(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat, agent = await _accepted_chat(client, services)
    url = f"/api/agent/conversations/{chat['id']}/files"
    limit = services.settings.upload_max_bytes
    cases = [
        (("setup.exe", b"MZ\x90\x00\x03" + bytes(64), "image/png"), 415, "unsupported_media_type"),
        (("empty.txt", b"", "text/plain"), 422, "invalid_input"),
        (("big.png", PNG + bytes(limit), "image/png"), 413, "payload_too_large"),
        (("huge.png", PNG + bytes(limit + 128 * 1024), "image/png"), 413, "payload_too_large"),
    ]
    for upload, status, code in cases:
        response = await client.post(url, files={"file": upload}, headers=agent)
        assert error_code(response, status) == code, upload[0]
    missing = await client.post(url, data={"other": "x"}, headers=agent)
    assert error_code(missing, 422) == "invalid_input"
    transcript = (await client.get(f"/api/agent/conversations/{chat['id']}", headers=agent)).json()
    assert transcript["conversation"]["last_index"] == 2


async def test_replies_and_files_repeated_with_their_idempotency_key_are_stored_once(
    embedded_client: httpx.AsyncClient,
) -> None:
    client = embedded_client
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    chat, agent = await _accepted_chat(client, services)
    base = f"/api/agent/conversations/{chat['id']}"
    keyed = {**agent, "Idempotency-Key": "reply-1"}
    copies = await asyncio.gather(
        *(client.post(f"{base}/messages", json={"text": "Hi"}, headers=keyed) for _ in range(3))
    )
    assert [r.status_code for r in copies] == [201] * 3
    assert {r.json()["message"]["index"] for r in copies} == {3}
    assert "reply-1" not in copies[0].text
    other = await client.post(f"{base}/messages", json={"text": "Bye"}, headers=keyed)
    assert error_code(other, 409) == "idempotency_conflict"
    for bad in ("x" * 65, "no spaces", "a/b"):
        response = await client.post(
            f"{base}/messages", json={"text": "Hi"}, headers={**agent, "Idempotency-Key": bad}
        )
        assert error_code(response, 422) == "invalid_input", bad
    shares = await asyncio.gather(
        *(
            client.post(
                f"{base}/files",
                files={"file": ("a.png", PNG, "image/png")},
                headers={**agent, "Idempotency-Key": "file-1"},
            )
            for _ in range(2)
        )
    )
    assert [r.json()["message"]["index"] for r in shares] == [4, 4]
    transcript = await client.get(base, headers=agent)
    messages = transcript.json()["messages"]
    assert [(m["index"], m["kind"]) for m in messages][-2:] == [(3, "text"), (4, "file")]
    assert transcript.json()["conversation"]["last_index"] == 4


async def test_agent_messages_and_files_are_rate_limited_per_member(
    settings: Settings,
) -> None:
    limited = settings.replace(messages_per_member=3, messages_window_seconds=1)
    async for client in _client_for(limited):
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        chat, agent = await _accepted_chat(client, services)
        base = f"/api/agent/conversations/{chat['id']}"
        for i in range(2):
            sent = await client.post(f"{base}/messages", json={"text": f"m{i}"}, headers=agent)
            assert sent.status_code == 201
        shared = await client.post(
            f"{base}/files", files={"file": ("a.txt", b"a", "text/plain")}, headers=agent
        )
        assert shared.status_code == 201
        refused = await client.post(f"{base}/messages", json={"text": "one more"}, headers=agent)
        assert error_code(refused, 429) == "rate_limited"
        assert refused.json()["error"]["details"]["retry_after"] == 1
        assert refused.headers["retry-after"] == "1"
        # The visitor is another member, with a count of their own.
        visitor_sent = await client.post(
            f"{BASE}/{chat['id']}/members/{chat['member']['id']}/messages",
            json={"body": "still fine"},
            headers=visitor_headers(chat),
        )
        assert visitor_sent.status_code == 200
        await asyncio.sleep(1.1)
        again = await client.post(f"{base}/messages", json={"text": "later"}, headers=agent)
        assert again.status_code == 201


async def test_the_desk_stream_handshakes_are_rate_limited_per_address(settings: Settings) -> None:
    limited = settings.replace(socket_connects_per_ip=2, socket_connects_window_seconds=30)
    async with live_server(limited) as server:
        sockets = [await connect(f"{server.ws}/api/agent/events") for _ in range(2)]
        with pytest.raises(InvalidStatus) as refused:
            await connect(f"{server.ws}/api/agent/events")
        response = refused.value.response
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) in range(1, 31)
        assert json.loads(response.body or b"")["error"]["code"] == "rate_limited"
        for ws in sockets:
            await ws.close()
