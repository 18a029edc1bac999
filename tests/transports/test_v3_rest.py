from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.actions.chat import send_message
from frontdesk.actions.chat_views import conversation_channel, get_conversation, list_messages
from frontdesk.app import Services
from frontdesk.broker.memory import MemoryBroker
from frontdesk.security.keyring import Keyring
from frontdesk.security.secret_key import load_secret_key
from frontdesk.settings import Settings
from frontdesk.store.models import Conversation
from frontdesk.transports import v3_rest
from frontdesk.transports.v3_rest import AUDIENCE
from tests.conftest import TEST_ORIGINS, TEST_SECRET_KEY, _client_for
from tests.transports.chat_helpers import SITE, SITE_HEADERS, bearer, make_agent
from tests.transports.live_server import live_server

BASE = "/nexus/v3/chat/sessions"
START_BODY: dict[str, Any] = {
    "operationId": "op-start",
    "data": {
        "firstName": "Vic",
        "lastName": "Tor",
        "nickname": "Vic Tor",
        "email": "vic@example.test",
        "subject": "Shoes",
        "endpoint": "sales",
        "stream": "live",
        "clientType": "widgets",
        "orderNumber": "A-17",
        "userData": {
            "_genesys_url": "http://shop.example.test/cart",
            "_genesys_pageTitle": "Cart",
            "PhoneNumber": "+49 30 1234",
            "cartValue": 42,
        },
    },
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def start(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post(BASE, json=START_BODY, headers=SITE_HEADERS)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def key(session: dict[str, Any]) -> dict[str, str]:
    return {"x-nexus-client-key": session["clientToken"]}


async def poll(
    client: httpx.AsyncClient, session: dict[str, Any], index: int, **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"{BASE}/{session['sessionId']}/messages",
        params={"operationId": f"poll-{index}", "index": index, **params},
        headers=key(session),
    )
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()
    assert reply["operationId"] == f"poll-{index}"
    return reply["data"]


async def say(client: httpx.AsyncClient, session: dict[str, Any], text: str) -> dict[str, Any]:
    response = await client.post(
        f"{BASE}/{session['sessionId']}/messages",
        json={"operationId": "op-send", "data": {"type": "Text", "text": text}},
        headers=key(session),
    )
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()["data"]["message"]
    return message


def refused(response: httpx.Response, status: int, status_code: str) -> str:
    """The envelope's code, after checking the v3 ``status`` beside it."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"operationId", "status", "error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["status"] == {"code": status_code, "message": body["error"]["message"]}
    code: str = body["error"]["code"]
    return code


def summary(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(m.get("index"), m["type"], m["text"], m["from"]["type"]) for m in data["messages"]]


async def until(condition: Callable[[], bool]) -> None:
    """Wait, at most 5 seconds, until ``condition()`` holds."""
    async with asyncio.timeout(5):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


async def count_conversations(services: Services) -> int:
    async with services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Conversation)) or 0)


# --- starting -----------------------------------------------------------------------------


async def test_start_answers_a_signed_token_and_keeps_the_visitor_context(
    client: httpx.AsyncClient, services: Services
) -> None:
    response = await client.post(BASE, json=START_BODY, headers=SITE_HEADERS)
    assert response.status_code == 200, response.text
    assert response.json()["operationId"] == "op-start"
    session = response.json()["data"]
    assert set(session) == {"sessionId", "participantId", "clientToken", "index"}
    claims = Keyring(load_secret_key(services.settings)).verify(
        session["clientToken"], audience=AUDIENCE
    )
    assert (claims["sessionId"], claims["participantId"]) == (
        session["sessionId"],
        session["participantId"],
    )
    conversation = await get_conversation(services.database, session["sessionId"])
    assert (conversation.origin, conversation.transport, conversation.state) == (
        SITE,
        "pureengage-v3-rest",
        "queued",
    )
    assert (conversation.first_name, conversation.email, conversation.page_title) == (
        "Vic",
        "vic@example.test",
        "Cart",
    )
    assert conversation.user_data == {
        "orderNumber": "A-17",
        "PhoneNumber": "+49 30 1234",
        "cartValue": 42,
    }
    first = await poll(client, session, 0)
    assert summary(first) == [(1, "ParticipantJoined", "", "Customer")]
    assert first["messages"][0]["from"]["participantId"] == session["participantId"]
    assert (first["index"], first["chatEnded"]) == (1, False)


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null"])
async def test_start_refuses_sites_not_allowed(
    client: httpx.AsyncClient, services: Services, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    response = await client.post(BASE, json=START_BODY, headers=headers)
    assert refused(response, 403, "ORIGIN_NOT_ALLOWED") == "origin_not_allowed"
    assert response.json()["operationId"] == "op-start"
    assert await count_conversations(services) == 0


# --- a whole chat -------------------------------------------------------------------------


async def test_a_chat_with_an_agent_from_start_to_end(
    client: httpx.AsyncClient, services: Services
) -> None:
    session = await start(client)
    sid, pid = session["sessionId"], session["participantId"]
    _, token = await make_agent(services, "ada")
    agent = bearer(token)

    # A waiting poll is answered by the agent joining.
    waiting = asyncio.create_task(poll(client, session, 1))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await client.post(f"/api/agent/conversations/{sid}/accept", headers=agent)
    joined = await asyncio.wait_for(waiting, 5)
    assert summary(joined) == [(2, "ParticipantJoined", "", "Agent")]
    assert joined["messages"][0]["from"]["nickname"] == "Ada"

    sent = await say(client, session, "Hello, I need shoes")
    assert (sent["index"], sent["type"], sent["from"]["participantId"]) == (3, "Text", pid)

    # Typing wakes a poll too: an entry without an index, the index unchanged.
    waiting = asyncio.create_task(poll(client, session, 3))
    await asyncio.sleep(0.2)
    await client.post(
        f"/api/agent/conversations/{sid}/typing", json={"typing": True}, headers=agent
    )
    typing = await asyncio.wait_for(waiting, 5)
    assert summary(typing) == [(None, "TypingStarted", "", "Agent")]
    assert typing["index"] == 3

    waiting = asyncio.create_task(poll(client, session, 3))
    await asyncio.sleep(0.2)
    reply = await client.post(
        f"/api/agent/conversations/{sid}/messages", json={"text": "Which size?"}, headers=agent
    )
    assert reply.status_code == 201
    answered = await asyncio.wait_for(waiting, 5)
    assert summary(answered) == [(4, "Text", "Which size?", "Agent")]

    # The visitor's typing reaches the agent's channel, not their own polls.
    async with services.broker.subscribe(conversation_channel(sid)) as events:
        response = await client.post(
            f"{BASE}/{sid}/messages",
            json={"operationId": "op-typing", "data": {"type": "TypingStarted"}},
            headers=key(session),
        )
        assert response.json() == {"operationId": "op-typing", "data": {}}
        async with asyncio.timeout(5):
            event = (await anext(events)).event
    assert (event["type"], event["member"]["id"], event["typing"]) == ("typing", pid, True)

    updated = await client.put(
        f"{BASE}/{sid}/userdata",
        json={"operationId": "op-data", "data": {"size": 42}},
        headers=key(session),
    )
    assert updated.json() == {"operationId": "op-data", "data": {}}
    assert (await get_conversation(services.database, sid)).user_data["size"] == 42
    # The update (5) is not shown; a poll waits past it and says where to continue.
    started = time.monotonic()
    quiet = await poll(client, session, 4, timeout=0.3)
    assert time.monotonic() - started >= 0.3
    assert (quiet["messages"], quiet["index"], quiet["chatEnded"]) == ([], 5, False)

    ended = await client.request(
        "DELETE",
        f"{BASE}/{sid}/participants/{pid}",
        json={"operationId": "op-end"},
        headers=key(session),
    )
    assert ended.json() == {"operationId": "op-end", "data": {}}
    last = await poll(client, session, 5)
    assert last["chatEnded"] is True
    assert [m[1:] for m in summary(last)] == [
        ("ParticipantLeft", "", "Customer"),
        ("ParticipantLeft", "", "Agent"),
    ]
    # An ended session answers at once, never waits.
    assert (await poll(client, session, 7))["chatEnded"] is True
    again = await client.post(
        f"{BASE}/{sid}/messages",
        json={"operationId": "op-late", "data": {"type": "Text", "text": "hello?"}},
        headers=key(session),
    )
    assert refused(again, 409, "INVALID_SESSION") == "conflict"
    transcript = (await client.get(f"/api/agent/conversations/{sid}", headers=agent)).json()
    assert transcript["conversation"]["transport"] == "pureengage-v3-rest"
    assert [m["kind"] for m in transcript["messages"]] == [
        "member-join",
        "member-join",
        "text",
        "text",
        "user-data-updated",
        "member-leave",
        "member-leave",
    ]


async def test_a_poll_ends_after_its_timeout_and_many_polls_wake_together(
    client: httpx.AsyncClient, services: Services
) -> None:
    session = await start(client)
    started = time.monotonic()
    # The end of the wait still tells a waiting visitor their place (a Frontdesk extension).
    assert await poll(client, session, 1, timeout=0.5) == {
        "messages": [],
        "index": 1,
        "chatEnded": False,
        "queuePosition": {"position": 1, "estimatedWaitSeconds": 60},
    }
    assert 0.5 <= time.monotonic() - started < 3
    polls = [asyncio.create_task(poll(client, session, 1)) for _ in range(20)]
    await asyncio.sleep(0.3)
    assert not any(p.done() for p in polls)
    await send_message(
        services.database, services.broker, session["sessionId"], session["participantId"], "x"
    )
    answers = await asyncio.wait_for(asyncio.gather(*polls), 5)
    assert all(summary(a) == [(2, "Text", "x", "Customer")] for a in answers)


async def test_messages_the_broker_lost_are_read_from_the_store(
    client: httpx.AsyncClient, services: Services
) -> None:
    session = await start(client)
    sid, pid = session["sessionId"], session["participantId"]
    waiting = asyncio.create_task(poll(client, session, 1))
    await asyncio.sleep(0.2)
    # Written through a broker nobody listens to: as if the events were lost in transit.
    nowhere = MemoryBroker()
    for text in ("lost 1", "lost 2"):
        await send_message(services.database, nowhere, sid, pid, text)
    await send_message(services.database, services.broker, sid, pid, "arrives")
    answer = await asyncio.wait_for(waiting, 5)
    assert [(m["index"], m["text"]) for m in answer["messages"]] == [
        (2, "lost 1"),
        (3, "lost 2"),
        (4, "arrives"),
    ]
    assert answer["index"] == 4


async def test_history_pages_after_an_index(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(v3_rest, "MAX_PAGE", 3)
    session = await start(client)
    for i in range(7):
        await say(client, session, f"m{i}")
    everything = await poll(client, session, 0, count=10_000)
    assert [m["index"] for m in everything["messages"]] == list(range(1, 9))
    assert (everything["index"], everything["chatEnded"]) == (8, False)
    page = await poll(client, session, 2, count=4)
    assert [m["text"] for m in page["messages"]] == ["m1", "m2", "m3", "m4"]
    assert page["index"] == 6
    assert (await poll(client, session, 8, count=5))["messages"] == []


# --- who may do what ----------------------------------------------------------------------


async def test_a_token_reaches_only_its_own_session(
    client: httpx.AsyncClient, services: Services
) -> None:
    mine, theirs = await start(client), await start(client)
    await say(client, theirs, "private")
    answers = []
    for sid, pid in (
        (theirs["sessionId"], theirs["participantId"]),
        ("00000000-0000-4000-8000-000000000000", mine["participantId"]),
    ):
        for method, path, body in (
            ("GET", f"{sid}/messages", None),
            ("GET", f"{sid}/messages?count=10", None),
            ("POST", f"{sid}/messages", {"data": {"type": "Text", "text": "hi"}}),
            ("POST", f"{sid}/messages", {"data": {"type": "TypingStarted"}}),
            ("PUT", f"{sid}/userdata", {"data": {"a": 1}}),
            ("DELETE", f"{sid}/participants/{pid}", None),
            ("GET", f"{sid}/images/some-file", None),
        ):
            response = await client.request(method, f"{BASE}/{path}", json=body, headers=key(mine))
            assert refused(response, 404, "INVALID_SESSION") == "not_found", (method, path)
            answers.append(response.json())
        upload = await client.post(
            f"{BASE}/{sid}/images", files={"file": ("a.png", PNG)}, headers=key(mine)
        )
        assert refused(upload, 404, "INVALID_SESSION") == "not_found"
        answers.append(upload.json())
    # Another session and no session at all get the same answer.
    assert all(answer == answers[0] for answer in answers)
    other_participant = await client.request(
        "DELETE",
        f"{BASE}/{mine['sessionId']}/participants/{theirs['participantId']}",
        headers=key(mine),
    )
    assert refused(other_participant, 403, "FORBIDDEN") == "forbidden"
    theirs_now = await poll(client, theirs, 0)
    assert [m["text"] for m in theirs_now["messages"]] == ["", "private"]
    assert (await get_conversation(services.database, mine["sessionId"])).state == "queued"


async def test_missing_tampered_foreign_and_expired_tokens_are_refused_and_the_chat_stays(
    client: httpx.AsyncClient, settings: Settings, services: Services
) -> None:
    session = await start(client)
    await say(client, session, "kept")
    url = f"{BASE}/{session['sessionId']}/messages"
    response = await client.get(url)
    assert refused(response, 401, "UNAUTHORIZED") == "unauthorized"
    head, payload, signature = session["clientToken"].split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    claims = {"sessionId": session["sessionId"], "participantId": session["participantId"]}
    keyring = Keyring(load_secret_key(settings))
    past = Keyring(load_secret_key(settings), clock=lambda: time.time() - 100_000)
    reasons = {}
    for name, token in (
        ("flipped", f"{head}.{payload}.{flipped}"),
        ("garbage", "not-a-token"),
        ("v2 token", keyring.sign(claims, audience="v2-guest", ttl_seconds=60)),
        ("other server", Keyring(b"k" * 32).sign(claims, audience=AUDIENCE, ttl_seconds=60)),
        ("expired", past.sign(claims, audience=AUDIENCE, ttl_seconds=60)),
        ("sealed keys", keyring.seal(claims, purpose="rest-polling-keys")),
    ):
        response = await client.get(url, headers={"x-nexus-client-key": token})
        assert refused(response, 401, "INVALID_TOKEN") == "invalid_token", name
        reasons[name] = response.json()["error"]["details"]["reason"]
    assert reasons == {
        "flipped": "tampered",
        "garbage": "malformed",
        "v2 token": "wrong_audience",
        "other server": "tampered",
        "expired": "expired",
        "sealed keys": "malformed",
    }
    nameless = keyring.sign({"sessionId": session["sessionId"]}, audience=AUDIENCE, ttl_seconds=60)
    response = await client.get(url, headers={"x-nexus-client-key": nameless})
    assert refused(response, 401, "UNAUTHORIZED") == "unauthorized"
    intact = await poll(client, session, 0)
    assert [m["text"] for m in intact["messages"]] == ["", "kept"]
    assert (await get_conversation(services.database, session["sessionId"])).state == "queued"


async def test_bad_input_gets_both_error_shapes_and_loses_nothing(
    client: httpx.AsyncClient, services: Services
) -> None:
    session = await start(client)
    await say(client, session, "kept")
    sid = session["sessionId"]
    for method, path, body, status, code in (
        ("POST", "messages", {"data": {"type": "Text", "text": ""}}, 422, "invalid_input"),
        (
            "POST",
            "messages",
            {"data": {"type": "Text", "text": "x" * 10_001}},
            422,
            "invalid_input",
        ),
        ("POST", "messages", {"data": {"type": "Shout", "text": "x"}}, 422, "invalid_input"),
        ("POST", "messages", {"data": {"text": "x", "from": "agent"}}, 422, "invalid_input"),
        ("POST", "messages", {}, 422, "invalid_input"),
        ("PUT", "userdata", {"data": {}}, 422, "invalid_input"),
        ("PUT", "userdata", {"data": {"a": "x" * 20_000}}, 422, "invalid_input"),
        ("GET", "messages?timeout=60", None, 422, "invalid_input"),
        ("GET", "messages?index=-1", None, 422, "invalid_input"),
        ("GET", "messages?count=0", None, 422, "invalid_input"),
    ):
        response = await client.request(
            method, f"{BASE}/{sid}/{path}", json=body, headers=key(session)
        )
        assert refused(response, status, code.upper()) == code, (method, path, body)
    malformed = await client.post(
        f"{BASE}/{sid}/messages",
        content=b"{nope",
        headers={**key(session), "Content-Type": "application/json"},
    )
    assert refused(malformed, 400, "MALFORMED_JSON") == "malformed_json"
    for data in (
        {"nickname": "x" * 101},
        {"userData": {"deep": {"a": 1}}},
        {f"k{i}": "v" for i in range(101)},
    ):
        response = await client.post(BASE, json={"data": data}, headers=SITE_HEADERS)
        assert refused(response, 422, "INVALID_INPUT") == "invalid_input", data
    stored = await list_messages(services.database, sid)
    assert [(m.index, m.text) for m in stored] == [(1, ""), (2, "kept")]
    assert await count_conversations(services) == 1


# --- files --------------------------------------------------------------------------------


async def test_images_are_uploaded_shown_and_fetched_by_the_session_only(
    client: httpx.AsyncClient, services: Services
) -> None:
    session, other = await start(client), await start(client)
    sid = session["sessionId"]
    uploaded = await client.post(
        f"{BASE}/{sid}/images",
        data={"operationId": "op-image"},
        files={"file": ("cart.png", PNG, "image/png")},
        headers=key(session),
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["operationId"] == "op-image"
    message = uploaded.json()["data"]["message"]
    content = message["content"]
    assert (message["index"], message["type"], message["text"]) == (
        2,
        "Text",
        "Shared a file: cart.png",
    )
    assert (content["type"], content["name"], content["size"]) == (
        "image/png",
        "cart.png",
        len(PNG),
    )
    assert content["url"].startswith(f"/sessions/{sid}/images/")
    # Relative to the dataURL without /sessions, as v3 clients resolve it.
    image = await client.get("/nexus/v3/chat" + content["url"], headers=key(session))
    assert image.content == PNG
    assert image.headers["content-disposition"].startswith("attachment;")
    file_id = content["url"].rsplit("/", 1)[1]
    elsewhere = await client.get(
        f"{BASE}/{other['sessionId']}/images/{file_id}", headers=key(other)
    )
    # A file that is not there is no lost session.
    assert refused(elsewhere, 404, "NOT_FOUND") == "not_found"
    exe = await client.post(
        f"{BASE}/{sid}/images",
        files={"file": ("cart.png", b"MZ\x90\x00\x03" + bytes(64), "image/png")},
        headers=key(session),
    )
    assert refused(exe, 415, "UNSUPPORTED_MEDIA_TYPE") == "unsupported_media_type"
    assert [m.kind for m in await list_messages(services.database, sid)] == ["member-join", "file"]


async def test_sends_and_images_repeated_with_their_idempotency_key_are_stored_once(
    embedded_client: httpx.AsyncClient,
) -> None:
    client = embedded_client
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    session = await start(client)
    sid = session["sessionId"]
    url = f"{BASE}/{sid}/messages"
    body = {"operationId": "op-send", "idempotencyKey": "m-1", "data": {"type": "Text"}}
    hello = {**body, "data": {"type": "Text", "text": "Hello"}}
    copies = await asyncio.gather(
        *(client.post(url, json=hello, headers=key(session)) for _ in range(3))
    )
    assert [r.status_code for r in copies] == [200] * 3
    assert {r.json()["data"]["message"]["index"] for r in copies} == {2}
    other = {**body, "data": {"type": "Text", "text": "Bye"}}
    conflict = await client.post(url, json=other, headers=key(session))
    # Not INVALID_SESSION: the client must not take its chat for lost.
    assert refused(conflict, 409, "IDEMPOTENCY_CONFLICT") == "idempotency_conflict"
    for bad in ("", "x" * 65, "no spaces"):
        response = await client.post(
            url, json={**hello, "idempotencyKey": bad}, headers=key(session)
        )
        assert refused(response, 422, "INVALID_INPUT") == "invalid_input", bad
    assert (await say(client, session, "no key"))["index"] == 3

    async def image() -> httpx.Response:
        return await client.post(
            f"{BASE}/{sid}/images",
            data={"operationId": "op-image", "idempotencyKey": "f-1"},
            files={"file": ("cart.png", PNG, "image/png")},
            headers=key(session),
        )

    images = await asyncio.gather(image(), image())
    assert [r.json()["data"]["message"]["index"] for r in images] == [4, 4]
    stored = await list_messages(services.database, sid)
    assert [(m.index, m.kind, m.text) for m in stored] == [
        (1, "member-join", ""),
        (2, "text", "Hello"),
        (3, "text", "no key"),
        (4, "file", "cart.png"),
    ]


# --- limits, processes and connections ----------------------------------------------------


async def test_starts_and_messages_are_rate_limited(settings: Settings) -> None:
    limited = settings.replace(
        conversation_starts_per_ip=1,
        conversation_starts_window_seconds=60,
        messages_per_member=2,
        messages_window_seconds=60,
    )
    async for client in _client_for(limited):
        session = await start(client)
        response = await client.post(BASE, json=START_BODY, headers=SITE_HEADERS)
        assert refused(response, 429, "RATE_LIMITED") == "rate_limited"
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert response.headers["access-control-allow-origin"] == SITE
        for text in ("one", "two"):
            await say(client, session, text)
        response = await client.post(
            f"{BASE}/{session['sessionId']}/messages",
            json={"operationId": "op", "data": {"type": "Text", "text": "three"}},
            headers=key(session),
        )
        assert refused(response, 429, "RATE_LIMITED") == "rate_limited"
        # Polling is not a message.
        await poll(client, session, 0)


async def test_a_poll_is_woken_by_an_agent_on_another_instance(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=postgres_url,
        redis_url=redis_url,
        secret_key=TEST_SECRET_KEY,
        allowed_origins=TEST_ORIGINS,
    )
    async for one in _client_for(settings):
        async for two in _client_for(settings):
            session = await start(one)
            sid = session["sessionId"]
            services: Services = one.app.state.services  # type: ignore[attr-defined]
            _, token = await make_agent(services, "ada")
            await one.post(f"/api/agent/conversations/{sid}/accept", headers=bearer(token))
            waiting = asyncio.create_task(poll(two, session, 2))
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await one.post(
                f"/api/agent/conversations/{sid}/messages",
                json={"text": "from one"},
                headers=bearer(token),
            )
            answer = await asyncio.wait_for(waiting, 5)
            assert summary(answer) == [(3, "Text", "from one", "Agent")]


async def test_a_client_that_leaves_frees_its_waiting_poll(embedded_settings: Settings) -> None:
    async with (
        live_server(embedded_settings) as server,
        httpx.AsyncClient(base_url=server.http) as http,
    ):
        session = await start(http)
        broker = server.services.broker
        assert isinstance(broker, MemoryBroker)
        channel = conversation_channel(session["sessionId"])
        waiting = asyncio.create_task(poll(http, session, 1))
        await until(lambda: channel in broker._subscribers)
        waiting.cancel()
        # The server notices the closed connection long before the 25 s wait is over.
        await until(lambda: channel not in broker._subscribers)


async def test_cross_site_calls_get_cors_answers_for_allowed_sites_only(
    embedded_client: httpx.AsyncClient,
) -> None:
    session = await start(embedded_client)
    url = f"{BASE}/{session['sessionId']}/messages"
    for origin, allowed in ((SITE, True), ("https://evil.example", False)):
        preflight = await embedded_client.options(
            url,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "x-nexus-client-key, x-api-key",
            },
        )
        assert (preflight.status_code == 200) is allowed
        assert (preflight.headers.get("access-control-allow-origin") == origin) is allowed


async def test_the_routes_are_in_the_openapi_document(embedded_client: httpx.AsyncClient) -> None:
    paths = (await embedded_client.get("/openapi.json")).json()["paths"]
    assert set(paths[BASE]) == {"post"}
    assert set(paths[f"{BASE}/{{session_id}}/messages"]) == {"get", "post"}
    assert set(paths[f"{BASE}/{{session_id}}/userdata"]) == {"put"}
    assert set(paths[f"{BASE}/{{session_id}}/participants/{{participant_id}}"]) == {"delete"}
    assert set(paths[f"{BASE}/{{session_id}}/images"]) == {"post"}
    assert set(paths[f"{BASE}/{{session_id}}/images/{{file_id}}"]) == {"get"}
    poll = paths[f"{BASE}/{{session_id}}/messages"]["get"]
    assert {p["name"] for p in poll["parameters"]} >= {"index", "count", "timeout", "operationId"}
