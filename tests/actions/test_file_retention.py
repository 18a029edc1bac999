from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from frontdesk.actions import file_retention
from frontdesk.actions.file_retention import delete_expired_files
from frontdesk.actions.files import get_file
from frontdesk.app import Services
from frontdesk.errors import Gone
from frontdesk.settings import Settings
from frontdesk.store.models import Conversation, File, utcnow
from tests.conftest import _client_for
from tests.transports.chat_helpers import (
    BASE,
    bearer,
    error_code,
    make_agent,
    start_chat,
    visitor_headers,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _chat_with_file(
    client: httpx.AsyncClient, token: str, *, end: bool
) -> tuple[dict[str, Any], str]:
    """A conversation the agent accepted, with one shared file; ended if asked."""
    chat = await start_chat(client)
    base = f"/api/agent/conversations/{chat['id']}"
    assert (await client.post(f"{base}/accept", headers=bearer(token))).status_code == 200
    uploaded = await client.post(
        f"{base}/files", files={"file": ("cart.png", PNG, "image/png")}, headers=bearer(token)
    )
    assert uploaded.status_code == 201, uploaded.text
    if end:
        assert (await client.post(f"{base}/end", headers=bearer(token))).status_code == 200
    return chat, str(uploaded.json()["message"]["data"]["file_id"])


async def _ended_at(services: Services, conversation_id: str) -> dt.datetime:
    async with services.database.session() as session:
        ended = await session.scalar(
            select(Conversation.ended_at).where(Conversation.id == conversation_id)
        )
    assert ended is not None
    return ended


async def test_files_of_chats_ended_before_the_retention_are_deleted_and_answer_410(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, token = await make_agent(services, "ada", role="supervisor")
    old_chat, old_file = await _chat_with_file(client, token, end=True)
    _, open_file = await _chat_with_file(client, token, end=False)
    kept = services.settings.replace(file_retention_days=30)
    ended = await _ended_at(services, old_chat["id"])

    # At exactly 30 days nothing goes yet; the open chat's file never goes.
    exactly = ended + dt.timedelta(days=30)
    assert await delete_expired_files(services.database, kept, now=exactly) == 0
    later = ended + dt.timedelta(days=30, seconds=1)
    assert await delete_expired_files(services.database, kept, now=later) == 1
    assert await delete_expired_files(services.database, kept, now=later) == 0

    with pytest.raises(Gone):
        await get_file(services.database, old_file)
    async with services.database.session() as session:
        row = await session.get(File, old_file)
    assert row is not None
    assert (row.data, row.deleted_at, row.name, row.size) == (b"", later, "cart.png", len(PNG))

    for response in (
        await client.get(f"/api/agent/files/{old_file}", headers=bearer(token)),
        await client.get(
            f"{BASE}/{old_chat['id']}/files/{old_file}", headers=visitor_headers(old_chat)
        ),
    ):
        assert error_code(response, 410) == "gone"
        assert response.json()["error"]["details"]["file_id"] == old_file
    # The transcript still names the file: only its bytes are gone.
    transcript = await client.get(
        f"/api/agent/conversations/{old_chat['id']}", headers=bearer(token)
    )
    assert [m["text"] for m in transcript.json()["messages"] if m["kind"] == "file"] == ["cart.png"]
    still = await client.get(f"/api/agent/files/{open_file}", headers=bearer(token))
    assert (still.status_code, still.content) == (200, PNG)
    # Another agent learns nothing about a deleted file of a chat they may not see.
    _, bob = await make_agent(services, "bob")
    hidden = await client.get(f"/api/agent/files/{old_file}", headers=bearer(bob))
    assert error_code(hidden, 404) == "not_found"


async def test_a_retention_of_zero_keeps_every_file(
    client: httpx.AsyncClient, services: Services
) -> None:
    _, token = await make_agent(services, "ada")
    _, file_id = await _chat_with_file(client, token, end=True)
    far = utcnow() + dt.timedelta(days=10_000)
    assert services.settings.file_retention_days == 0
    assert await delete_expired_files(services.database, services.settings, now=far) == 0
    assert (await get_file(services.database, file_id)).data == PNG


async def test_the_server_deletes_expired_files_on_its_own(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_retention, "SWEEP_INTERVAL_SECONDS", 0.05)
    async for client in _client_for(settings.replace(file_retention_days=1)):
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        _, token = await make_agent(services, "ada")
        old_chat, old_file = await _chat_with_file(client, token, end=True)
        _, recent_file = await _chat_with_file(client, token, end=True)
        async with services.database.session() as session, session.begin():
            await session.execute(
                update(Conversation)
                .where(Conversation.id == old_chat["id"])
                .values(ended_at=utcnow() - dt.timedelta(days=2))
            )
        async with asyncio.timeout(10):
            while True:
                response = await client.get(f"/api/agent/files/{old_file}", headers=bearer(token))
                if response.status_code == 410:
                    break
                await asyncio.sleep(0.05)
        recent = await client.get(f"/api/agent/files/{recent_file}", headers=bearer(token))
        assert recent.status_code == 200
