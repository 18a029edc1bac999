"""WebChat at the server's edges: a restart mid-chat; a visitor's token on another's chat."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.browser.chat_agent import ChatAgent
from tests.browser.conftest import LiveServer, start_server, stop_server
from tests.browser.test_webchat import transport  # noqa: F401  (the shared transport fixture)
from tests.browser.webchat_pages import (
    conversation_id,
    log_texts,
    open_shop,
    say,
    start_chat,
    wait_for_text,
)

BASE = "/api/v2/webchat/guest/conversations"


def test_server_restart_mid_chat_loses_and_doubles_nothing(
    page: Any,
    tmp_path: Path,
    transport: str,  # noqa: F811
) -> None:
    data_dir = tmp_path / "restart"
    # An explicit database URL: the demo keeps its database (and the chat) across the restart.
    database = ("--database-url", f"sqlite:///{data_dir / 'demo.db'}")
    process, server = start_server(data_dir, *database)
    try:
        agent = ChatAgent(server)
        open_shop(page, server, transport)
        cid = start_chat(page)
        agent.accept(cid)
        say(page, "before the restart")
        agent.say(cid, "agent before")
        wait_for_text(page, "agent before", party="Agent")

        stop_server(process)
        process, server = start_server(data_dir, *database, port=server.port)
        agent.say(cid, "agent after 1")
        agent.say(cid, "agent after 2")
        wait_for_text(page, "agent after 2", party="Agent", timeout=30)
        say(page, "visitor after")
        agent.wait_for_text(cid, "visitor after")
        page.wait_for_timeout(500)
        expected = [
            "before the restart",
            "agent before",
            "agent after 1",
            "agent after 2",
            "visitor after",
        ]
        assert log_texts(page) == expected
        assert agent.texts(cid) == expected
        page.reload()
        wait_for_text(page, "visitor after", party="Client")
        assert log_texts(page) == expected
        assert conversation_id(page) == cid
        agent.close()
        assert page.page_errors == []
    finally:
        stop_server(process)


# Another visitor's conversation, tried with one visitor's token


@pytest.fixture
def visitors(
    demo_server: LiveServer,
) -> Iterator[tuple[httpx.Client, dict[str, Any], dict[str, Any]]]:
    origin = demo_server.url("", host="shop.example.test").rstrip("/")
    with httpx.Client(base_url=demo_server.url(""), headers={"Origin": origin}, timeout=10) as http:
        made = []
        for name in ("Mallory", "Alice"):
            reply = http.post(
                BASE,
                json={
                    "deploymentId": "demo-shop",
                    "organizationId": "demo",
                    "routingTarget": {"targetType": "QUEUE"},
                    "memberInfo": {"displayName": name, "role": "CUSTOMER", "customFields": {}},
                },
            )
            assert reply.status_code == 200, reply.text
            made.append(reply.json())
        yield http, made[0], made[1]
        for conversation in made:
            http.delete(
                f"{BASE}/{conversation['id']}/members/{conversation['member']['id']}",
                headers={"Authorization": f"Bearer {conversation['jwt']}"},
            )


def test_a_visitor_token_reaches_no_other_conversation(
    visitors: tuple[httpx.Client, dict[str, Any], dict[str, Any]],
) -> None:
    http, mallory, alice = visitors
    auth = {"Authorization": f"Bearer {mallory['jwt']}"}
    other, other_member = alice["id"], alice["member"]["id"]
    routes = [
        (
            "POST",
            f"{BASE}/{other}/members/{other_member}/messages",
            {"body": "hi", "bodyType": "standard"},
        ),
        (
            "POST",
            f"{BASE}/{other}/members/{mallory['member']['id']}/messages",
            {"body": "hi", "bodyType": "standard"},
        ),
        ("POST", f"{BASE}/{other}/members/{other_member}/typing", None),
        ("GET", f"{BASE}/{other}/members", None),
        ("GET", f"{BASE}/{other}/members/{other_member}", None),
        ("GET", f"{BASE}/{other}/messages", None),
        ("GET", f"{BASE}/{other}/messages?after=0", None),
        ("DELETE", f"{BASE}/{other}/members/{other_member}", None),
        ("GET", f"{BASE}/no-such-conversation/members", None),
    ]
    bodies = set()
    for method, path, body in routes:
        reply = http.request(method, path, json=body, headers=auth)
        assert reply.status_code == 404, (method, path, reply.status_code, reply.text)
        assert reply.json()["error"]["code"] == "not_found"
        bodies.add(reply.text)
    assert len(bodies) == 1, "existing and missing conversations must look the same"
    # Acting as Alice inside Mallory's own conversation is forbidden.
    own = mallory["id"]
    for method, path, body in [
        (
            "POST",
            f"{BASE}/{own}/members/{other_member}/messages",
            {"body": "hi", "bodyType": "standard"},
        ),
        ("POST", f"{BASE}/{own}/members/{other_member}/typing", None),
        ("DELETE", f"{BASE}/{own}/members/{other_member}", None),
    ]:
        reply = http.request(method, path, json=body, headers=auth)
        assert reply.status_code in (403, 404), (method, path, reply.status_code, reply.text)
    # Nothing reached Alice.
    alice_auth = {"Authorization": f"Bearer {alice['jwt']}"}
    messages = http.get(f"{BASE}/{other}/messages", headers=alice_auth).json()["entities"]
    assert [m for m in messages if m.get("bodyType") == "standard"] == []
    me = http.get(f"{BASE}/{other}/members/{other_member}", headers=alice_auth).json()
    assert me["state"] == "CONNECTED"


def test_a_visitor_token_opens_no_other_event_stream(
    demo_server: LiveServer, visitors: tuple[httpx.Client, dict[str, Any], dict[str, Any]]
) -> None:
    _, mallory, alice = visitors
    origin = demo_server.url("", host="shop.example.test").rstrip("/")
    path = f"{BASE}/{alice['id']}/events"
    url = f"ws://127.0.0.1:{demo_server.port}{path}"

    def attempt(token: str, after: str | None = None) -> tuple[int | None, list[Any]]:
        frames: list[Any] = []
        with connect(url, origin=origin, open_timeout=5) as socket:  # type: ignore[arg-type]
            frame: dict[str, Any] = {"type": "auth", "token": token}
            if after is not None:
                frame["after"] = after
            socket.send(json.dumps(frame))
            try:
                while True:
                    frames.append(json.loads(socket.recv(timeout=5)))
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None, frames

    for after in (None, "0", f"{alice['id']}:0"):
        code, frames = attempt(mallory["jwt"], after)
        assert code == 4404, (code, frames)
        assert all(frame.get("metadata", {}).get("type") == "error" for frame in frames), frames
    code, _ = attempt("not-a-token")
    assert code == 4401
