from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.actions.chat_views import conversation_channel, get_conversation, list_messages
from frontdesk.app import Services
from frontdesk.security.keyring import Keyring
from frontdesk.security.secret_key import load_secret_key
from frontdesk.settings import Settings
from frontdesk.store.models import Conversation
from frontdesk.transports.rest_polling import KEYS_PURPOSE
from tests.broker.tcp_proxy import TcpProxy
from tests.conftest import TEST_ORIGINS, TEST_SECRET_KEY, _client_for
from tests.transports.chat_helpers import SITE, SITE_HEADERS, bearer, make_agent

SERVICE = "/genesys/2/chat/customer-support"
START_FORM = {
    "nickname": "Vic Tor",
    "firstName": "Vic",
    "lastName": "Tor",
    "emailAddress": "vic@example.test",
    "subject": "Shoes",
    "text": "",
    "userData[_genesys_url]": "http://shop.example.test/cart",
    "userData[_genesys_pageTitle]": "Cart",
    "userData[GCTI_LanguageCode]": "en-GB",
    "userData[cartValue]": "42",
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def start_chat(client: httpx.AsyncClient, **fields: str) -> dict[str, Any]:
    """Request a chat from the allowed demo site, as the widget does (trailing slash)."""
    response = await client.post(f"{SERVICE}/", data={**START_FORM, **fields}, headers=SITE_HEADERS)
    assert response.status_code == 200, response.text
    started: dict[str, Any] = response.json()
    return started


def keys(chat: dict[str, Any]) -> dict[str, str]:
    return {"alias": chat["alias"], "userId": chat["userId"], "secureKey": chat["secureKey"]}


async def call(
    client: httpx.AsyncClient, chat: dict[str, Any], operation: str, **fields: Any
) -> httpx.Response:
    return await client.post(
        f"{SERVICE}/{chat['chatId']}/{operation}", data={**keys(chat), **fields}
    )


async def ok(client: httpx.AsyncClient, chat: dict[str, Any], operation: str, **fields: Any) -> Any:
    response = await call(client, chat, operation, **fields)
    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["statusCode"] == 0
    return reply


def refused(response: httpx.Response, status: int, *, chat_ended: bool = False) -> str:
    """The envelope's code, after checking that the GMS fields agree with it."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "statusCode", "errors", "messages", "chatEnded"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["statusCode"] == (1 if status == 503 else 2)
    assert body["errors"] == [{"code": status, "advice": body["error"]["message"]}]
    assert (body["messages"], body["chatEnded"]) == ([], chat_ended)
    code: str = body["error"]["code"]
    return code


def entries(reply: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The transcript entries of a reply (typing entries, which have no index, left out)."""
    return [
        (e["index"], e["type"], e["text"], e["from"]["type"])
        for e in reply["messages"]
        if "index" in e
    ]


async def count_conversations(services: Services) -> int:
    async with services.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Conversation)) or 0)


# --- starting -----------------------------------------------------------------------------


async def test_request_chat_answers_sealed_keys_and_keeps_the_visitor_context(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    assert set(chat) == {"statusCode", "chatId", "alias", "userId", "secureKey", "messages"} | {
        "chatEnded",
        "queuePosition",
    }
    assert (chat["statusCode"], chat["chatEnded"]) == (0, False)
    assert chat["queuePosition"] == {"position": 1, "estimatedWaitSeconds": 60}
    cid, mid = chat["chatId"], chat["userId"]
    [joined] = chat["messages"]
    assert joined["from"] == {"nickname": "Vic Tor", "participantId": mid, "type": "Client"}
    assert (joined["index"], joined["type"]) == (1, "ParticipantJoined")
    assert abs(joined["utcTime"] / 1000 - time.time()) < 60
    # The key is opaque: neither id can be read from it, even base64-decoded.
    sealed = chat["secureKey"]
    raw = base64.urlsafe_b64decode(sealed[3:] + "=" * (-len(sealed[3:]) % 4))
    for secret in (cid, mid):
        assert secret not in sealed
        assert secret.encode() not in raw
    assert Keyring(load_secret_key(services.settings)).unseal(sealed, purpose=KEYS_PURPOSE) == {
        "c": cid,
        "m": mid,
    }
    conversation = await get_conversation(services.database, cid)
    assert (conversation.origin, conversation.transport, conversation.state) == (
        SITE,
        "rest-polling",
        "queued",
    )
    assert (conversation.first_name, conversation.email, conversation.subject) == (
        "Vic",
        "vic@example.test",
        "Shoes",
    )
    assert (conversation.page_url, conversation.page_title, conversation.language) == (
        "http://shop.example.test/cart",
        "Cart",
        "en-GB",
    )
    assert conversation.user_data == {"cartValue": "42"}


async def test_request_chat_works_without_the_trailing_slash_and_with_a_first_message(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        SERVICE, data={"nickname": "Ann", "text": "Is this in stock?"}, headers=SITE_HEADERS
    )
    assert response.status_code == 200, response.text
    assert entries(response.json()) == [
        (1, "ParticipantJoined", "", "Client"),
        (2, "Message", "Is this in stock?", "Client"),
    ]


@pytest.mark.parametrize("origin", [None, "https://evil.example", "null"])
async def test_request_chat_refuses_sites_not_allowed(
    client: httpx.AsyncClient, services: Services, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    response = await client.post(SERVICE, data=START_FORM, headers=headers)
    assert refused(response, 403) == "origin_not_allowed"
    assert await count_conversations(services) == 0


# --- a whole chat -------------------------------------------------------------------------


async def test_a_chat_with_an_agent_from_start_to_end(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    cid, mid = chat["chatId"], chat["userId"]
    _, token = await make_agent(services, "ada")
    agent = bearer(token)
    queue = (await client.get("/api/agent/queue", headers=agent)).json()["conversations"]
    assert [(c["id"], c["transport"]) for c in queue] == [(cid, "rest-polling")]
    accepted = await client.post(f"/api/agent/conversations/{cid}/accept", headers=agent)
    assert accepted.status_code == 200, accepted.text

    sent = await ok(client, chat, "send", message="Hello, I need shoes", transcriptPosition="3")
    assert entries(sent) == [(3, "Message", "Hello, I need shoes", "Client")]
    assert await ok(client, chat, "send", message="size 42") == {
        "statusCode": 0,
        "messages": [],
        "chatEnded": False,
    }
    reply = await client.post(
        f"/api/agent/conversations/{cid}/messages", json={"text": "Which colour?"}, headers=agent
    )
    assert reply.status_code == 201
    polled = await ok(client, chat, "refresh", transcriptPosition="2")
    assert entries(polled) == [
        (2, "ParticipantJoined", "", "Agent"),
        (3, "Message", "Hello, I need shoes", "Client"),
        (4, "Message", "size 42", "Client"),
        (5, "Message", "Which colour?", "Agent"),
    ]
    agent_party = polled["messages"][0]["from"]
    assert agent_party["nickname"] == "Ada"

    # The visitor's typing reaches the agent's channel; the agent's shows in the next poll.
    async with services.broker.subscribe(conversation_channel(cid)) as events:
        await ok(client, chat, "startTyping", message="Bl")
        async with asyncio.timeout(5):
            event = (await anext(events)).event
    assert (event["type"], event["member"]["id"], event["typing"]) == ("typing", mid, True)
    typing = await client.post(
        f"/api/agent/conversations/{cid}/typing", json={"typing": True}, headers=agent
    )
    assert typing.status_code == 204
    polled = await _poll_until(client, chat, "TypingStarted")
    assert polled["messages"][-1]["from"] == agent_party
    assert "index" not in polled["messages"][-1]
    await client.post(
        f"/api/agent/conversations/{cid}/typing", json={"typing": False}, headers=agent
    )
    await _poll_until(client, chat, "TypingStopped")
    assert await ok(client, chat, "stopTyping") == {
        "statusCode": 0,
        "messages": [],
        "chatEnded": False,
    }

    notice = await ok(
        client, chat, "customNotice", eventAttributes='{"purpose": "cancel-idle-timer"}'
    )
    assert notice["messages"] == []
    await ok(client, chat, "updateData", **{"userData[orderId]": "A-17"})
    conversation = await get_conversation(services.database, cid)
    assert conversation.user_data == {"cartValue": "42", "orderId": "A-17"}
    polled = await ok(client, chat, "refresh", transcriptPosition="6")
    # The user-data update (7) stays on the desk.
    assert entries(polled) == [(6, "CustomNotice", "", "Client")]
    assert polled["messages"][0]["eventAttributes"] == {"purpose": "cancel-idle-timer"}

    ended = await ok(client, chat, "disconnect", transcriptPosition="8")
    assert ended["chatEnded"] is True
    assert [e[1:] for e in entries(ended)] == [
        ("ParticipantLeft", "", "Client"),
        ("ParticipantLeft", "", "Agent"),
    ]
    again = await ok(client, chat, "disconnect")
    assert again["chatEnded"] is True
    after = await ok(client, chat, "refresh", transcriptPosition="10")
    assert (after["messages"], after["chatEnded"]) == ([], True)
    assert refused(await call(client, chat, "send", message="hello?"), 409, chat_ended=True) == (
        "conflict"
    )
    transcript = (await client.get(f"/api/agent/conversations/{cid}", headers=agent)).json()
    assert transcript["conversation"]["state"] == "ended"
    assert [m["kind"] for m in transcript["messages"]] == [
        "member-join",
        "member-join",
        "text",
        "text",
        "text",
        "custom-notice",
        "user-data-updated",
        "member-leave",
        "member-leave",
    ]


async def _poll_until(client: httpx.AsyncClient, chat: dict[str, Any], kind: str) -> Any:
    """Refresh until an entry of ``kind`` shows (the typing board follows the broker)."""
    async with asyncio.timeout(5):
        while True:
            polled = await ok(client, chat, "refresh", transcriptPosition="99")
            if any(e["type"] == kind for e in polled["messages"]):
                return polled
            await asyncio.sleep(0.05)


async def test_refresh_answers_the_transcript_from_the_position(client: httpx.AsyncClient) -> None:
    chat = await start_chat(client)
    for i in range(4):
        await ok(client, chat, "send", message=f"m{i}")
    whole = await ok(client, chat, "refresh")
    assert [e["index"] for e in whole["messages"]] == [1, 2, 3, 4, 5]
    assert [
        e["index"] for e in (await ok(client, chat, "refresh", transcriptPosition="4"))["messages"]
    ] == [4, 5]
    assert (await ok(client, chat, "refresh", transcriptPosition="6"))["messages"] == []
    zero = await ok(client, chat, "refresh", transcriptPosition="0")
    assert len(zero["messages"]) == 5


# --- who may do what ----------------------------------------------------------------------


async def test_keys_reach_only_their_own_chat(
    client: httpx.AsyncClient, services: Services
) -> None:
    mine, theirs = await start_chat(client), await start_chat(client)
    await ok(client, theirs, "send", message="private")
    answers = []
    for chat_id in (theirs["chatId"], "00000000-0000-4000-8000-000000000000"):
        for operation, fields in (
            ("send", {"message": "hi"}),
            ("refresh", {"transcriptPosition": "1"}),
            ("startTyping", {}),
            ("stopTyping", {}),
            ("customNotice", {"message": "hi"}),
            ("updateData", {"userData[x]": "1"}),
            ("file/limits", {}),
            ("file/some-file/download", {}),
            ("disconnect", {}),
        ):
            response = await client.post(
                f"{SERVICE}/{chat_id}/{operation}", data={**keys(mine), **fields}
            )
            assert refused(response, 404) == "not_found", operation
            answers.append(response.json())
        upload = await client.post(
            f"{SERVICE}/{chat_id}/file", data=keys(mine), files={"file": ("a.png", PNG)}
        )
        assert refused(upload, 404) == "not_found"
        answers.append(upload.json())
    # Another chat and no chat at all get the same answer.
    assert all(answer == answers[0] for answer in answers)
    # Mixing one chat's secureKey with another's userId, or a wrong alias, is refused.
    for mixed in ({"userId": theirs["userId"]}, {"alias": "117"}):
        response = await client.post(
            f"{SERVICE}/{mine['chatId']}/refresh", data={**keys(mine), **mixed}
        )
        assert refused(response, 403) == "forbidden"
    theirs_now = await ok(client, theirs, "refresh")
    assert entries(theirs_now) == [
        (1, "ParticipantJoined", "", "Client"),
        (2, "Message", "private", "Client"),
    ]
    assert (await get_conversation(services.database, theirs["chatId"])).state == "queued"


async def test_missing_tampered_foreign_and_expired_keys_are_refused_and_the_chat_stays(
    client: httpx.AsyncClient, settings: Settings, services: Services
) -> None:
    chat = await start_chat(client)
    await ok(client, chat, "send", message="kept")
    url = f"{SERVICE}/{chat['chatId']}/send"
    sealed = chat["secureKey"]
    for missing in ("alias", "userId", "secureKey"):
        fields = {k: v for k, v in keys(chat).items() if k != missing}
        response = await client.post(url, data={**fields, "message": "x"})
        assert refused(response, 401) == "unauthorized", missing
    flipped = sealed[:-4] + ("AAAA" if sealed[-4:] != "AAAA" else "BBBB")
    reasons = {}
    keyring = Keyring(load_secret_key(settings))
    claims = {"c": chat["chatId"], "m": chat["userId"]}
    past = Keyring(load_secret_key(settings), clock=lambda: time.time() - 100_000)
    for name, key in (
        ("flipped", flipped),
        ("truncated", sealed[:-10]),
        ("garbage", "not-a-key"),
        ("other purpose", keyring.seal(claims, purpose="knowledge-keys")),
        ("other server", Keyring(b"k" * 32).seal(claims, purpose=KEYS_PURPOSE)),
        ("expired", past.seal(claims, purpose=KEYS_PURPOSE, ttl_seconds=60)),
        ("a v3 token", keyring.sign(claims, audience="v3-client", ttl_seconds=60)),
    ):
        response = await client.post(url, data={**keys(chat), "secureKey": key, "message": "x"})
        assert refused(response, 401) == "invalid_token", name
        reasons[name] = response.json()["error"]["details"]["reason"]
    # A cut-off key may still decode (then its seal fails) or not, by its length.
    assert reasons.pop("truncated") in {"malformed", "tampered"}
    assert reasons == {
        "flipped": "tampered",
        "garbage": "malformed",
        "other purpose": "wrong_purpose",
        "other server": "tampered",
        "expired": "expired",
        "a v3 token": "malformed",
    }
    # Sealed without the ids is no key either.
    nameless = keyring.seal({"c": chat["chatId"]}, purpose=KEYS_PURPOSE)
    response = await client.post(url, data={**keys(chat), "secureKey": nameless, "message": "x"})
    assert refused(response, 401) == "unauthorized"
    intact = await ok(client, chat, "refresh")
    assert entries(intact) == [
        (1, "ParticipantJoined", "", "Client"),
        (2, "Message", "kept", "Client"),
    ]
    assert intact["chatEnded"] is False
    assert (await get_conversation(services.database, chat["chatId"])).state == "queued"


async def test_bad_input_gets_both_error_shapes_and_loses_nothing(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat = await start_chat(client)
    await ok(client, chat, "send", message="kept")
    for operation, fields, status, code in (
        ("send", {}, 422, "invalid_input"),
        ("send", {"message": "   "}, 422, "invalid_input"),
        ("send", {"message": "x" * 10_001}, 422, "invalid_input"),
        ("send", {"message": "x", "transcriptPosition": "x"}, 422, "invalid_input"),
        ("refresh", {"transcriptPosition": "-1"}, 422, "invalid_input"),
        ("customNotice", {}, 422, "invalid_input"),
        ("customNotice", {"eventAttributes": "{nope"}, 422, "invalid_input"),
        ("customNotice", {"eventAttributes": "[1]"}, 422, "invalid_input"),
        ("updateData", {}, 422, "invalid_input"),
        ("updateData", {"userData": "[1, 2]"}, 422, "invalid_input"),
        ("updateData", {"userData": "{nope"}, 422, "invalid_input"),
        ("updateData", {"userData": '{"a": "' + "x" * 20_000 + '"}'}, 422, "invalid_input"),
    ):
        response = await call(client, chat, operation, **fields)
        assert refused(response, status) == code, (operation, fields)
    as_json = await client.post(
        f"{SERVICE}/{chat['chatId']}/send", json={**keys(chat), "message": "x"}
    )
    assert refused(as_json, 415) == "unsupported_media_type"
    for data in (
        {"nickname": "x" * 101},
        {"emailAddress": "x" * 255},
        {f"userData[k{i}]": "v" for i in range(101)},
    ):
        response = await client.post(SERVICE, data=data, headers=SITE_HEADERS)
        assert refused(response, 422) == "invalid_input"
    bad_service = await client.post(
        "/genesys/2/chat/no%20spaces", data=START_FORM, headers=SITE_HEADERS
    )
    assert refused(bad_service, 422) == "invalid_input"
    # Refused by the size limit before any route runs: the envelope alone.
    huge = await call(client, chat, "send", message="x" * 2_000_000)
    assert huge.status_code == 413
    assert huge.json()["error"]["code"] == "payload_too_large"
    stored = await list_messages(services.database, chat["chatId"])
    assert [(m.index, m.text) for m in stored] == [(1, ""), (2, "kept")]
    assert await count_conversations(services) == 1


# --- files --------------------------------------------------------------------------------


async def test_files_are_uploaded_listed_and_downloaded_by_the_chat_only(
    client: httpx.AsyncClient, services: Services
) -> None:
    chat, other = await start_chat(client), await start_chat(client)
    limits = await ok(client, chat, "file/limits")
    [entry] = limits["messages"]
    assert entry["userData"] == {
        "upload-max-file-size": str(services.settings.upload_max_bytes),
        "upload-file-types": "png:jpg:jpeg:gif:pdf:txt",
        "upload-need-agent": "false",
    }
    uploaded = await client.post(
        f"{SERVICE}/{chat['chatId']}/file",
        data=keys(chat),
        files={"file": ("../../<img src=x onerror=alert(1)>.png", PNG, "image/png")},
    )
    assert uploaded.status_code == 200, uploaded.text
    details = uploaded.json()["userData"]
    assert details["file-name"] == "<img src=x onerror=alert(1)>.png"
    assert (details["file-size"], details["file-type"]) == (str(len(PNG)), "image/png")
    polled = await ok(client, chat, "refresh", transcriptPosition="2")
    assert entries(polled) == [(2, "FileUploaded", "<img src=x onerror=alert(1)>.png", "Client")]
    assert polled["messages"][0]["userData"] == details
    download = await call(client, chat, f"file/{details['file-id']}/download")
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    elsewhere = await call(client, other, f"file/{details['file-id']}/download")
    assert refused(elsewhere, 404) == "not_found"
    exe = await client.post(
        f"{SERVICE}/{chat['chatId']}/file",
        data=keys(chat),
        files={"file": ("cart.png", b"MZ\x90\x00\x03" + bytes(64), "image/png")},
    )
    assert refused(exe, 415) == "unsupported_media_type"
    assert [m.kind for m in await list_messages(services.database, chat["chatId"])] == [
        "member-join",
        "file",
    ]


async def test_sends_and_uploads_repeated_with_their_idempotency_key_are_stored_once(
    embedded_client: httpx.AsyncClient,
) -> None:
    client = embedded_client
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    chat = await start_chat(client)
    sends = [call(client, chat, "send", message="Hello", idempotencyKey="m-1") for _ in range(3)]
    copies = await asyncio.gather(*sends)
    assert [r.status_code for r in copies] == [200] * 3
    other = await call(client, chat, "send", message="Bye", idempotencyKey="m-1")
    assert refused(other, 409) == "idempotency_conflict"
    for bad in ("x" * 65, "no spaces", "ä"):
        response = await call(client, chat, "send", message="Hello", idempotencyKey=bad)
        assert refused(response, 422) == "invalid_input", bad
    # The original client sends no key; an empty field counts as none.
    await ok(client, chat, "send", message="no key")
    await ok(client, chat, "send", message="empty key", idempotencyKey="")

    async def upload() -> httpx.Response:
        return await client.post(
            f"{SERVICE}/{chat['chatId']}/file",
            data={**keys(chat), "idempotencyKey": "f-1"},
            files={"file": ("photo.png", PNG, "image/png")},
        )

    uploads = await asyncio.gather(upload(), upload())
    assert [r.status_code for r in uploads] == [200, 200]
    assert uploads[0].json()["userData"] == uploads[1].json()["userData"]
    polled = await ok(client, chat, "refresh", transcriptPosition="2")
    assert entries(polled) == [
        (2, "Message", "Hello", "Client"),
        (3, "Message", "no key", "Client"),
        (4, "Message", "empty key", "Client"),
        (5, "FileUploaded", "photo.png", "Client"),
    ]
    assert (await get_conversation(services.database, chat["chatId"])).last_index == 5


async def test_uploads_over_the_limit_are_refused(settings: Settings) -> None:
    async for client in _client_for(settings.replace(upload_max_bytes=100)):
        chat = await start_chat(client)
        response = await client.post(
            f"{SERVICE}/{chat['chatId']}/file",
            data=keys(chat),
            files={"file": ("big.png", PNG + bytes(100), "image/png")},
        )
        assert refused(response, 413) == "payload_too_large"


# --- limits and outages -------------------------------------------------------------------


async def test_chat_starts_and_messages_are_rate_limited(settings: Settings) -> None:
    limited = settings.replace(
        conversation_starts_per_ip=2,
        conversation_starts_window_seconds=60,
        messages_per_member=2,
        messages_window_seconds=60,
    )
    async for client in _client_for(limited):
        chat, other = await start_chat(client), await start_chat(client)
        response = await client.post(SERVICE, data=START_FORM, headers=SITE_HEADERS)
        assert refused(response, 429) == "rate_limited"
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert response.headers["access-control-allow-origin"] == SITE
        for text in ("one", "two"):
            await ok(client, chat, "send", message=text)
        response = await call(client, chat, "send", message="three")
        assert refused(response, 429) == "rate_limited"
        assert response.json()["error"]["details"]["limit"] == "messages"
        await ok(client, other, "send", message="someone else")
        # Polling is not a message.
        await ok(client, chat, "refresh")


async def test_a_database_outage_is_status_code_1_and_loses_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    settings = Settings(
        data_dir=tmp_path,
        database_url=url.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        ),
        secret_key=TEST_SECRET_KEY,
        allowed_origins=TEST_ORIGINS,
    )
    async for client in _client_for(settings):
        chat = await start_chat(client)
        await ok(client, chat, "send", message="before")
        await proxy.stop()
        response = await call(client, chat, "refresh", transcriptPosition="1")
        assert refused(response, 503) == "unavailable"
        await proxy.start()
        polled = await ok(client, chat, "refresh", transcriptPosition="1")
        assert entries(polled) == [
            (1, "ParticipantJoined", "", "Client"),
            (2, "Message", "before", "Client"),
        ]
    await proxy.stop()


async def test_cross_site_calls_get_cors_answers_for_allowed_sites_only(
    client: httpx.AsyncClient,
) -> None:
    chat = await start_chat(client)
    preflight = await client.options(
        f"{SERVICE}/{chat['chatId']}/refresh",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "apikey",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SITE
    polled = await client.post(
        f"{SERVICE}/{chat['chatId']}/refresh", data=keys(chat), headers={"Origin": SITE}
    )
    assert polled.headers["access-control-allow-origin"] == SITE
    elsewhere = await client.post(
        f"{SERVICE}/{chat['chatId']}/refresh",
        data=keys(chat),
        headers={"Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in elsewhere.headers


# --- across server processes --------------------------------------------------------------


async def test_typing_and_messages_reach_a_poller_on_another_instance(
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
            chat = await start_chat(one)
            cid = chat["chatId"]
            services: Services = one.app.state.services  # type: ignore[attr-defined]
            _, token = await make_agent(services, "ada")
            await one.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(token))
            await one.post(
                f"/api/agent/conversations/{cid}/typing",
                json={"typing": True},
                headers=bearer(token),
            )
            polled = await _poll_until(two, chat, "TypingStarted")
            assert polled["messages"][-1]["from"]["type"] == "Agent"
            await one.post(
                f"/api/agent/conversations/{cid}/messages",
                json={"text": "from one"},
                headers=bearer(token),
            )
            polled = await ok(two, chat, "refresh", transcriptPosition="3")
            assert entries(polled)[0] == (3, "Message", "from one", "Agent")


async def test_the_routes_are_in_the_openapi_document(embedded_client: httpx.AsyncClient) -> None:
    paths = (await embedded_client.get("/openapi.json")).json()["paths"]
    base = "/genesys/2/chat/{service_name}"
    operations = {
        path.removeprefix(base) for path in paths if path.startswith(base) and "post" in paths[path]
    }
    assert operations == {
        "",
        "/{chat_id}/send",
        "/{chat_id}/refresh",
        "/{chat_id}/startTyping",
        "/{chat_id}/stopTyping",
        "/{chat_id}/customNotice",
        "/{chat_id}/updateData",
        "/{chat_id}/disconnect",
        "/{chat_id}/file",
        "/{chat_id}/file/limits",
        "/{chat_id}/file/{file_id}/download",
    }
    send = paths[f"{base}/{{chat_id}}/send"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in send
