from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import func, select

from frontdesk.actions.agents import create_agent
from frontdesk.actions.chat import Visitor, create_conversation, end_conversation, send_message
from frontdesk.actions.chat_views import (
    conversation_channel,
    get_conversation,
    list_members,
    list_messages,
)
from frontdesk.actions.files import attach_file
from frontdesk.actions.routing import accept
from frontdesk.app import Services
from frontdesk.broker.memory import MemoryBroker
from frontdesk.errors import IdempotencyConflict, InvalidInput
from frontdesk.store.models import File

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _start(services: Services) -> tuple[str, str]:
    conversation, member = await create_conversation(
        services.database,
        services.broker,
        origin="http://shop.example.test",
        transport="test",
        visitor=Visitor(first_name="Vic"),
    )
    return conversation.id, member.id


async def _texts(services: Services, cid: str) -> list[tuple[int, str]]:
    return [(m.index, m.text) for m in await list_messages(services.database, cid) if m.text]


async def test_a_repeated_send_is_stored_once_and_published_again(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    async with broker.subscribe(conversation_channel(cid)) as events:
        first = await send_message(db, broker, cid, visitor, "Hello", idempotency_key="k-1")
        again = await send_message(db, broker, cid, visitor, "Hello", idempotency_key="k-1")
        after = await send_message(db, broker, cid, visitor, "Next")
        published = [(await anext(events)).event["index"] for _ in range(3)]
    assert again == first
    assert (first.index, after.index) == (2, 3)
    # The repeat publishes the stored message again (its first copy's process may have died
    # before publishing); streams drop the index they already hold.
    assert published == [2, 2, 3]
    assert await _texts(services, cid) == [(2, "Hello"), (3, "Next")]


async def test_a_repeat_delivers_a_send_whose_publish_never_happened(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    async with broker.subscribe(conversation_channel(cid)) as events:
        # The first copy commits, but its publish reaches nobody: as if its process died
        # between the two. The retry must bring it to the conversation's followers.
        await send_message(db, MemoryBroker(), cid, visitor, "Lost", idempotency_key="k-9")
        await send_message(db, broker, cid, visitor, "Lost", idempotency_key="k-9")
        async with asyncio.timeout(10):  # without the repeat's publish, nothing ever comes
            delivered = await anext(events)
    assert (delivered.event["index"], delivered.event["message"]["text"]) == (2, "Lost")


async def test_concurrent_copies_of_one_send_store_one_message(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    copies = await asyncio.gather(
        *(
            send_message(db, broker, cid, visitor, "Double click", idempotency_key="dbl")
            for _ in range(8)
        )
    )
    assert {(m.index, m.text) for m in copies} == {(2, "Double click")}
    assert await _texts(services, cid) == [(2, "Double click")]
    # The copies that lost rolled their index back: the sequence goes on without a gap.
    assert (await get_conversation(db, cid)).last_index == 2
    assert (await send_message(db, broker, cid, visitor, "Next")).index == 3


async def test_other_senders_and_conversations_may_use_the_same_key(services: Services) -> None:
    db, broker = services.database, services.broker
    agent = await create_agent(
        db, email="ada@example.test", display_name="Ada", password="correct horse battery"
    )
    cid, visitor = await _start(services)
    other_cid, other_visitor = await _start(services)
    await accept(db, broker, agent, cid)
    agent_member = next(m for m in await list_members(db, cid) if m.role == "AGENT").id
    sent = await asyncio.gather(
        send_message(db, broker, cid, visitor, "from the visitor", idempotency_key="same"),
        send_message(db, broker, cid, agent_member, "from the agent", idempotency_key="same"),
        send_message(db, broker, other_cid, other_visitor, "elsewhere", idempotency_key="same"),
    )
    assert len({(m.conversation_id, m.index) for m in sent}) == 3
    assert {text for _, text in await _texts(services, cid)} == {
        "from the visitor",
        "from the agent",
    }
    assert await _texts(services, other_cid) == [(2, "elsewhere")]


async def test_the_same_key_with_other_text_is_a_conflict(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    await send_message(db, broker, cid, visitor, "Yes", idempotency_key="answer")
    with pytest.raises(IdempotencyConflict) as raised:
        await send_message(db, broker, cid, visitor, "No", idempotency_key="answer")
    assert raised.value.code == "idempotency_conflict"
    assert raised.value.status == 409
    assert await _texts(services, cid) == [(2, "Yes")]


async def test_malformed_keys_are_refused_and_nothing_is_stored(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    for key in ("", "x" * 65, "has space", "slash/", "ünïcode", "semi;colon"):
        with pytest.raises(InvalidInput) as raised:
            await send_message(db, broker, cid, visitor, "Hello", idempotency_key=key)
        assert raised.value.details["fields"][0]["field"] == "idempotency_key"
    assert (await get_conversation(db, cid)).last_index == 1
    longest = "aZ09_.:-" * 8
    assert (await send_message(db, broker, cid, visitor, "ok", idempotency_key=longest)).index == 2


async def test_a_repeat_after_the_chat_ended_answers_the_stored_message(
    services: Services,
) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    first = await send_message(db, broker, cid, visitor, "Bye", idempotency_key="last")
    await end_conversation(db, broker, cid, reason="visitor", member_id=visitor)
    again = await send_message(db, broker, cid, visitor, "Bye", idempotency_key="last")
    assert (again.index, again.text, again.created_at) == (first.index, "Bye", first.created_at)


async def test_a_repeated_upload_stores_one_file(services: Services) -> None:
    db, broker, settings = services.database, services.broker, services.settings
    cid, visitor = await _start(services)

    async def upload(data: bytes) -> int:
        message = await attach_file(
            db,
            broker,
            cid,
            visitor,
            filename="photo.png",
            content_type="image/png",
            data=data,
            settings=settings,
            idempotency_key="upload-1",
        )
        return message.index

    assert await asyncio.gather(*(upload(PNG) for _ in range(4))) == [2, 2, 2, 2]
    with pytest.raises(IdempotencyConflict):
        await upload(PNG + b"other bytes")
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(File)) == 1
    assert [m.kind for m in await list_messages(db, cid)] == ["member-join", "file"]
