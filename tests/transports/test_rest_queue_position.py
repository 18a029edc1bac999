"""The queue position on the two REST transports: an extension field Genesys clients ignore."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from frontdesk.app import Services
from tests.transports.chat_helpers import bearer, make_agent
from tests.transports.test_rest_polling import ok, start_chat
from tests.transports.test_v3_rest import poll, start, summary

DOCS = Path(__file__).parents[2] / "docs" / "api"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def accept(client: httpx.AsyncClient, token: str, cid: str) -> None:
    response = await client.post(f"/api/agent/conversations/{cid}/accept", headers=bearer(token))
    assert response.status_code == 200, response.text


# --- REST polling --------------------------------------------------------------------------


async def test_rest_polling_tells_a_waiting_visitor_their_place_until_an_agent_joins(
    client: httpx.AsyncClient, services: Services
) -> None:
    first = await start_chat(client)
    second = await start_chat(client)
    # No chat was accepted yet: the estimate falls back to a minute per place.
    assert first["queuePosition"] == {"position": 1, "estimatedWaitSeconds": 60}
    assert second["queuePosition"] == {"position": 2, "estimatedWaitSeconds": 120}
    polled = await ok(client, second, "refresh", transcriptPosition="2")
    assert (polled["messages"], polled["queuePosition"]) == (
        [],
        {"position": 2, "estimatedWaitSeconds": 120},
    )
    # Only request chat and refresh tell it: the other calls stay as cheap as they were.
    sent = await ok(client, second, "send", message="hello?", transcriptPosition="2")
    assert set(sent) == {"statusCode", "messages", "chatEnded"}

    _, token = await make_agent(services, "ada")
    await accept(client, token, first["chatId"])
    moved = await ok(client, second, "refresh", transcriptPosition="3")
    assert moved["queuePosition"]["position"] == 1
    await accept(client, token, second["chatId"])
    taken = await ok(client, second, "refresh", transcriptPosition="3")
    assert [(e["type"], e["from"]["type"]) for e in taken["messages"]] == [
        ("ParticipantJoined", "Agent")
    ]
    assert "queuePosition" not in taken
    await ok(client, second, "disconnect")
    ended = await ok(client, second, "refresh", transcriptPosition="9")
    assert ended["chatEnded"] is True
    assert "queuePosition" not in ended


# --- pureengage-v3-rest --------------------------------------------------------------------


async def test_v3_answers_tell_a_waiting_visitor_their_place_until_an_agent_joins(
    client: httpx.AsyncClient, services: Services
) -> None:
    first, second = await start(client), await start(client)
    place = {"position": 2, "estimatedWaitSeconds": 120}
    # The restore's history page and the end of a bounded wait both tell it.
    history = await poll(client, second, 0, count=10_000)
    assert (summary(history), history["queuePosition"]) == (
        [(1, "ParticipantJoined", "", "Customer")],
        place,
    )
    assert (await poll(client, second, 1, timeout=0.2))["queuePosition"] == place

    _, token = await make_agent(services, "ada")
    await accept(client, token, first["sessionId"])
    assert (await poll(client, second, 1, timeout=0))["queuePosition"]["position"] == 1
    # The agent's join wakes a waiting poll; that answer tells no place any more.
    waiting = asyncio.create_task(poll(client, second, 1))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await accept(client, token, second["sessionId"])
    woken = await asyncio.wait_for(waiting, 5)
    assert [m["type"] for m in woken["messages"]] == ["ParticipantJoined"]
    assert "queuePosition" not in woken
    assert "queuePosition" not in await poll(client, second, 0, count=10)


async def test_a_waiting_v3_poll_reads_nothing_from_the_database(
    client: httpx.AsyncClient, services: Services
) -> None:
    session = await start(client)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = services.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        waiting = asyncio.create_task(poll(client, session, 1, timeout=1.5))
        # Reading on arrival is done well before this; then the poll only waits.
        await asyncio.sleep(0.5)
        before = len(statements)
        assert before > 0
        await asyncio.sleep(0.8)
        assert len(statements) == before, statements[before:]
        answer = await asyncio.wait_for(waiting, 5)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # The place is read once, when the wait is over.
    assert answer["queuePosition"]["position"] == 1
    assert len(statements) > before


# --- the documentation ---------------------------------------------------------------------


def _documented(page: str) -> dict[str, Any]:
    """The JSON example of a page's "Queue position" section."""
    text = (DOCS / page).read_text(encoding="utf-8")
    section = text.split("## Queue position", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```json\n(.*?)\n```", section, re.S)
    example: dict[str, Any] = json.loads(block)
    return example


async def test_the_documented_examples_have_the_real_shapes(client: httpx.AsyncClient) -> None:
    ahead = await start_chat(client)
    chat = await start_chat(client)
    refreshed = await ok(client, chat, "refresh", transcriptPosition="2")
    assert refreshed == _documented("visitor-rest-polling.md")
    for done in (ahead, chat):
        await ok(client, done, "disconnect")
    await start(client)
    session = await start(client)
    polled = await poll(client, session, 1, timeout=0.2)
    assert polled == _documented("visitor-v3-rest.md")
