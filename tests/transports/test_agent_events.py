"""The agents' event stream after a broker outage: ``resync``, then the messages it missed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from websockets.asyncio.client import connect

from frontdesk.actions.chat import send_message
from frontdesk.broker.memory import MemoryBroker
from frontdesk.settings import Settings
from tests.broker.tcp_proxy import TcpProxy
from tests.conftest import TEST_ORIGINS, TEST_SECRET_KEY
from tests.transports.chat_helpers import bearer, make_agent, next_frame, start_chat
from tests.transports.live_server import LiveServer, live_server


@pytest.fixture
async def proxy(redis_url: str) -> AsyncIterator[TcpProxy]:
    """A proxy in front of the test Redis, to cut the server off it and bring it back."""
    target = urlsplit(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    await proxy.start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def live(tmp_path: Path, redis_url: str, proxy: TcpProxy) -> AsyncIterator[LiveServer]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'frontdesk.db'}",
        redis_url=urlsplit(redis_url)._replace(netloc=f"127.0.0.1:{proxy.port}").geturl(),
        secret_key=TEST_SECRET_KEY,
        allowed_origins=TEST_ORIGINS,
    )
    async with live_server(settings) as server:
        yield server


async def test_after_an_outage_the_socket_sends_resync_and_the_missed_messages(
    live: LiveServer, proxy: TcpProxy
) -> None:
    _, token = await make_agent(live.services, "ada")
    async with httpx.AsyncClient(base_url=live.http) as http:
        chat = await start_chat(http)
        cid = chat["id"]
        accepted = await http.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(token))
        assert accepted.status_code == 200, accepted.text
    async with connect(f"{live.ws}/api/agent/events") as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        assert (await next_frame(ws))["type"] == "ready"
        await proxy.stop()
        # Stored while the server's Redis connection is down: no event will ever carry them.
        for text in ("lost 1", "lost 2"):
            await send_message(
                live.services.database, MemoryBroker(), cid, chat["member"]["id"], text
            )
        await proxy.start()
        frames: list[dict[str, Any]] = []
        while len([f for f in frames if f["type"] == "message"]) < 2:
            frames.append(await next_frame(ws))
    assert frames[0] == {"type": "resync"}
    messages = [f for f in frames if f["type"] == "message"]
    assert [(m["index"], m["message"]["text"]) for m in messages] == [(3, "lost 1"), (4, "lost 2")]
