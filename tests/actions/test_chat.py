from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update

from frontdesk.actions import routing
from frontdesk.actions.agents import AgentInfo, create_agent
from frontdesk.actions.chat import (
    MAX_TEXT_LENGTH,
    Visitor,
    create_conversation,
    end_conversation,
    expire_idle_conversations,
    send_message,
    send_notice,
    set_typing,
    update_user_data,
)
from frontdesk.actions.chat_views import (
    DESK_CHANNEL,
    conversation_channel,
    get_conversation,
    list_members,
    list_messages,
)
from frontdesk.actions.routing import (
    accept,
    auto_assign,
    get_presence,
    list_agent_conversations,
    list_ended,
    queue_position,
    set_status,
)
from frontdesk.app import Services, create_app
from frontdesk.errors import ConfigError, Conflict, Forbidden, InvalidInput, NotFound
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.models import Conversation

PASSWORD = "correct horse battery"


@pytest.fixture
def services(client: httpx.AsyncClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


async def _agent(services: Services, name: str) -> AgentInfo:
    return await create_agent(
        services.database,
        email=f"{name}@example.test",
        display_name=name.title(),
        password=PASSWORD,
    )


async def _start(services: Services, **fields: str) -> tuple[str, str]:
    conversation, member = await create_conversation(
        services.database,
        services.broker,
        origin="http://shop.example.test",
        transport="test",
        visitor=Visitor(first_name="Vic", last_name="Tor", **fields),
    )
    return conversation.id, member.id


async def test_a_chat_from_start_to_end(services: Services) -> None:
    db, broker = services.database, services.broker
    agent = await _agent(services, "ada")
    async with broker.subscribe(DESK_CHANNEL) as desk:
        cid, visitor = await _start(services, subject="Shoes")
        queued = await anext(desk)
    assert queued.event == {
        "type": "queue",
        "conversation_id": cid,
        "state": "queued",
        "agent_id": None,
        "last_index": 1,
    }
    async with broker.subscribe(conversation_channel(cid)) as events:
        accepted = await accept(db, broker, agent, cid)
        assert accepted.state == "active"
        assert accepted.agent_id == agent.id
        members = await list_members(db, cid)
        agent_member = next(m for m in members if m.role == "AGENT")
        await send_message(db, broker, cid, visitor, "Hello")
        await send_message(db, broker, cid, agent_member.id, "Hi, how can I help?")
        await set_typing(db, broker, cid, visitor, True)
        ended = await end_conversation(db, broker, cid, reason="visitor", member_id=visitor)
        received = [await anext(events) for _ in range(9)]
    assert ended.state == "ended"
    types = [m.event["type"] for m in received]
    assert types == [
        "message",  # agent joined
        "member",
        "conversation",
        "message",
        "message",
        "typing",
        "message",  # visitor left
        "message",  # agent left
        "member",
    ]
    messages = await list_messages(db, cid)
    assert [m.index for m in messages] == [1, 2, 3, 4, 5, 6]
    assert [m.kind for m in messages] == [
        "member-join",
        "member-join",
        "text",
        "text",
        "member-leave",
        "member-leave",
    ]
    assert messages[4].member is not None
    assert messages[4].member.id == visitor
    assert {m.state for m in await list_members(db, cid)} == {"DISCONNECTED"}
    with pytest.raises(Conflict):
        await send_message(db, broker, cid, visitor, "still there?")
    assert (await end_conversation(db, broker, cid, reason="again")).ended_reason == "visitor"
    assert [c.id for c in await list_ended(db, agent.id, 10)] == [cid]


async def test_concurrent_sends_get_gapless_indexes(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    await accept(db, broker, await _agent(services, "ada"), cid)
    agent_member = next(m for m in await list_members(db, cid) if m.role == "AGENT").id
    sends = [
        send_message(db, broker, cid, visitor if i % 2 else agent_member, f"message {i}")
        for i in range(40)
    ]
    sent = await asyncio.gather(*sends)
    assert sorted(m.index for m in sent) == list(range(3, 43))
    stored = await list_messages(db, cid)
    assert [m.index for m in stored] == list(range(1, 43))
    assert {m.text for m in stored if m.kind == "text"} == {f"message {i}" for i in range(40)}
    assert (await get_conversation(db, cid)).last_index == 42


async def test_bad_text_is_refused_and_nothing_is_stored(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services)
    for text in ("", "   ", "x" * (MAX_TEXT_LENGTH + 1)):
        with pytest.raises(InvalidInput):
            await send_message(db, broker, cid, visitor, text)
    assert (await get_conversation(db, cid)).last_index == 1
    longest = await send_message(db, broker, cid, visitor, "x" * MAX_TEXT_LENGTH)
    assert longest.index == 2


async def test_members_of_other_conversations_cannot_write(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, _ = await _start(services)
    _, other_visitor = await _start(services)
    with pytest.raises(Forbidden):
        await send_message(db, broker, cid, other_visitor, "hi")
    with pytest.raises(NotFound):
        await send_message(db, broker, "no-such-conversation", other_visitor, "hi")


async def test_visitor_context_and_user_data(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, visitor = await _start(services, email="vic@example.test")
    with pytest.raises(InvalidInput):
        await create_conversation(
            db,
            broker,
            origin="o",
            transport="t",
            visitor=Visitor(user_data={"big": "x" * 20_000}),
        )
    message = await update_user_data(db, broker, cid, visitor, {"cart": 3})
    assert message.kind == "user-data-updated"
    assert message.data == {"cart": 3}
    conversation = await get_conversation(db, cid)
    assert conversation.user_data == {"cart": 3}
    assert conversation.email == "vic@example.test"
    notice = await send_notice(db, broker, cid, "An agent will be with you shortly.")
    assert (notice.kind, notice.member, notice.index) == ("notice", None, 3)


async def test_idle_conversations_end_after_the_timeout(services: Services) -> None:
    db, broker, settings = services.database, services.broker, services.settings
    cid, _visitor = await _start(services)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.chat_inactivity_seconds - 5)
    assert await expire_idle_conversations(db, broker, settings, now=soon) == []
    later = soon + dt.timedelta(seconds=10)
    assert await expire_idle_conversations(db, broker, settings, now=later) == [cid]
    conversation = await get_conversation(db, cid)
    assert (conversation.state, conversation.ended_reason) == ("ended", "inactivity")
    assert (await list_messages(db, cid))[-1].kind == "member-leave"


async def test_auto_assign_respects_status_capacity_and_order(services: Services) -> None:
    db, broker = services.database, services.broker
    ada = await _agent(services, "ada")
    first = [(await _start(services))[0] for _ in range(4)]
    position = await queue_position(db, first[2])
    assert position is not None
    assert position.position == 3
    assert position.estimated_wait_seconds > 0
    assert await auto_assign(db, broker) == []
    presence = await set_status(db, broker, ada.id, "available")
    assert (presence.status, presence.capacity, presence.active) == ("available", 3, 3)
    assert [c.state for c in [await get_conversation(db, cid) for cid in first]] == [
        "active",
        "active",
        "active",
        "queued",
    ]
    assert await queue_position(db, first[0]) is None
    waiting = await queue_position(db, first[3])
    assert waiting is not None
    assert waiting.position == 1
    await end_conversation(db, broker, first[0], reason="agent")
    assert await auto_assign(db, broker) == [(first[3], ada.id)]
    ids = [c.id for c in await list_agent_conversations(db, ada.id)]
    assert sorted(ids) == sorted(first[1:])
    await set_status(db, broker, ada.id, "away")
    assert (await get_presence(db, ada.id)).status == "away"
    newcomer, _ = await _start(services)
    assert await auto_assign(db, broker) == []
    with pytest.raises(Conflict):
        await accept(db, broker, ada, newcomer)


async def test_a_conversation_is_accepted_once(services: Services) -> None:
    db, broker = services.database, services.broker
    agents = [await _agent(services, name) for name in ("ada", "bob", "cy")]
    cid, _ = await _start(services)
    results = await asyncio.gather(
        *(accept(db, broker, agent, cid) for agent in agents), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, BaseException))
    assert len([m for m in await list_members(db, cid) if m.role == "AGENT"]) == 1


def test_the_inactivity_timeout_is_validated(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Settings(data_dir=tmp_path, chat_inactivity_seconds=5)
    assert Settings(data_dir=tmp_path).chat_inactivity_seconds == 1800


async def test_the_server_ends_idle_conversations_by_itself(
    embedded_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routing, "SWEEP_INTERVAL_SECONDS", 0.05)
    app = create_app(embedded_settings)
    async with app.router.lifespan_context(app):
        services: Services = app.state.services
        cid, _ = await _start(services)
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        async with services.broker.subscribe(conversation_channel(cid)) as events:
            async with services.database.session() as session, session.begin():
                await session.execute(
                    update(Conversation)
                    .where(Conversation.id == cid)
                    .values(last_activity_at=long_ago)
                )
            async with asyncio.timeout(5):
                async for item in events:
                    if item.event["type"] == "conversation":
                        break
        conversation = await get_conversation(services.database, cid)
        assert (conversation.state, conversation.ended_reason) == ("ended", "inactivity")


async def test_two_processes_sending_at_once_share_one_sequence(services: Services) -> None:
    # A second engine stands for a second server process on the same database.
    other = await Database.connect(services.settings)
    try:
        cid, visitor = await _start(services)
        sends = [
            send_message(db, services.broker, cid, visitor, f"m{i}")
            for i in range(30)
            for db in (services.database, other)
        ]
        sent = await asyncio.gather(*sends)
    finally:
        await other.close()
    assert sorted(m.index for m in sent) == list(range(2, 62))
    assert [m.index for m in await list_messages(services.database, cid)] == list(range(1, 62))


async def test_a_conversation_active_again_is_not_ended_as_idle(services: Services) -> None:
    db, broker = services.database, services.broker
    cid, _ = await _start(services)
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    view = await end_conversation(
        db, broker, cid, reason="inactivity", unless_active_since=an_hour_ago
    )
    assert view.state == "queued"
