"""The conversation feed on every broker (in-process and Redis, see ``broker_url``): order,
no repeats, and refills from the store on a gap, a lost-events signal and a reconnect."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from frontdesk.actions.agents import AgentInfo, create_agent
from frontdesk.actions.chat import Visitor, create_conversation, end_conversation, send_message
from frontdesk.actions.chat_views import (
    DESK_CHANNEL,
    agent_channel,
    conversation_channel,
    followed_conversations,
)
from frontdesk.actions.routing import accept
from frontdesk.broker import Broker, Subscription
from frontdesk.broker.memory import MemoryBroker
from frontdesk.broker.redis import RedisBroker
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from frontdesk.transports.conversation_feed import RESYNC, ConversationFeed
from tests.broker.tcp_proxy import TcpProxy

WAIT_SECONDS = 10.0
# Small enough that a burst overflows a subscriber that is not reading.
CAPACITY = 3


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.connect(
        Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'feed.db'}")
    )
    await upgrade(database)
    yield database
    await database.close()


async def _open(url: str, **options: Any) -> Broker:
    if url:
        return await RedisBroker.connect(url, reconnect_min_seconds=0.05, **options)
    return MemoryBroker(**options)


@pytest.fixture
async def broker(broker_url: str) -> AsyncIterator[Broker]:
    """The broker the feed listens on; a small capacity, so a burst is a lost-events signal."""
    broker = await _open(broker_url, capacity=CAPACITY)
    yield broker
    await broker.close()


@pytest.fixture
async def publisher(broker_url: str, broker: Broker) -> AsyncIterator[Broker]:
    """What writers publish through: another process's broker on Redis."""
    if not broker_url:
        yield broker
        return
    other = await _open(broker_url)
    yield other
    await other.close()


async def _chat(database: Database, broker: Broker) -> tuple[str, str]:
    conversation, member = await create_conversation(
        database,
        broker,
        origin="http://shop.example.test",
        transport="test",
        visitor=Visitor(first_name=f"Vic {uuid.uuid4().hex[:6]}"),
    )
    return conversation.id, member.id


async def _agent(database: Database, role: str = "agent") -> AgentInfo:
    name = uuid.uuid4().hex[:8]
    return await create_agent(
        database,
        email=f"{name}@example.test",
        display_name=name,
        password="correct horse battery",
        role=role,
    )


async def _messages(feed: ConversationFeed, count: int) -> list[tuple[str, int, str]]:
    """The next ``count`` message events as (conversation, index, text); others are skipped."""
    got: list[tuple[str, int, str]] = []
    async with asyncio.timeout(WAIT_SECONDS):
        while len(got) < count:
            for event in await feed.next():
                if event["type"] == "message":
                    got.append((event["conversation_id"], event["index"], event["message"]["text"]))
    return got


async def _events(feed: ConversationFeed, until: int) -> list[dict[str, Any]]:
    """Events until ``until`` message events have come, in the order the feed gave them."""
    got: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT_SECONDS):
        while sum(event["type"] == "message" for event in got) < until:
            got += await feed.next()
    return got


async def _nothing_more(feed: ConversationFeed) -> None:
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await feed.next()


async def _until(check: Callable[[], bool]) -> None:
    """Wait for a count the broker keeps: nothing else announces it."""
    async with asyncio.timeout(WAIT_SECONDS):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def _single(
    database: Database, subscription: Subscription, cid: str, after: int
) -> ConversationFeed:
    return ConversationFeed(database, subscription, {cid: after})


async def test_live_messages_come_once_each_in_index_order(
    database: Database, broker: Broker, publisher: Broker
) -> None:
    cid, mid = await _chat(database, publisher)
    async with broker.subscribe(conversation_channel(cid)) as subscription:
        feed = await _single(database, subscription, cid, 1)
        sent = [await send_message(database, publisher, cid, mid, f"m{n}") for n in range(2)]
        # At least once: the same event again changes nothing.
        await publisher.publish(conversation_channel(cid), sent[0].event())
        await send_message(database, publisher, cid, mid, "m2")
        assert await _messages(feed, 3) == [(cid, 2, "m0"), (cid, 3, "m1"), (cid, 4, "m2")]
        await _nothing_more(feed)


async def test_a_gap_is_filled_from_the_store(
    database: Database, broker: Broker, publisher: Broker
) -> None:
    cid, mid = await _chat(database, publisher)
    async with broker.subscribe(conversation_channel(cid)) as subscription:
        feed = await _single(database, subscription, cid, 1)
        # Published where nobody listens: as if the broker lost them in transit.
        for text in ("lost 1", "lost 2"):
            await send_message(database, MemoryBroker(), cid, mid, text)
        await send_message(database, publisher, cid, mid, "arrives")
        assert await _messages(feed, 3) == [
            (cid, 2, "lost 1"),
            (cid, 3, "lost 2"),
            (cid, 4, "arrives"),
        ]
        await _nothing_more(feed)


async def test_a_lost_events_signal_refills_without_another_message(
    database: Database, broker: Broker, publisher: Broker
) -> None:
    cid, mid = await _chat(database, publisher)
    typing = {"type": "typing", "conversation_id": cid, "member": {"id": mid}, "typing": True}
    async with broker.subscribe(conversation_channel(cid)) as subscription:
        feed = await _single(database, subscription, cid, 1)
        for n in range(2):
            await send_message(database, publisher, cid, mid, f"m{n}")
        # Pushes both message events out of the full queue: only typing is left to show.
        for _ in range(CAPACITY):
            await publisher.publish(conversation_channel(cid), typing)
        await _until(lambda: subscription.dropped >= 2)
        assert await _messages(feed, 2) == [(cid, 2, "m0"), (cid, 3, "m1")]


async def test_a_replay_hands_out_stored_messages_again(
    database: Database, broker: Broker, publisher: Broker
) -> None:
    cid, mid = await _chat(database, publisher)
    for n in range(3):
        await send_message(database, publisher, cid, mid, f"m{n}")
    async with broker.subscribe(conversation_channel(cid)) as subscription:
        feed = await _single(database, subscription, cid, 4)
        waiting = asyncio.ensure_future(feed.next())
        await asyncio.sleep(0)
        feed.replay(cid, 2)
        async with asyncio.timeout(WAIT_SECONDS):
            replayed = await waiting
        assert [event["index"] for event in replayed] == [3, 4]
        await send_message(database, publisher, cid, mid, "m3")
        assert await _messages(feed, 1) == [(cid, 5, "m3")]


async def test_an_end_whose_leave_notices_were_lost_brings_them_first(
    database: Database, broker: Broker, publisher: Broker
) -> None:
    cid, _ = await _chat(database, publisher)
    async with broker.subscribe(conversation_channel(cid)) as subscription:
        feed = await _single(database, subscription, cid, 1)
        ended = await end_conversation(database, MemoryBroker(), cid, reason="visitor")
        await publisher.publish(conversation_channel(cid), ended.event("conversation"))
        events = await _events(feed, 1)
        assert [(e["type"], e.get("index")) for e in events] == [
            ("message", 2),
            ("conversation", None),
        ]


async def test_the_agent_feed_refills_what_it_follows_after_a_loss(
    database: Database, broker: Broker, publisher: Broker
) -> None:
    ada, bob = await _agent(database), await _agent(database)
    mine, visitor = await _chat(database, publisher)
    theirs, their_visitor = await _chat(database, publisher)
    await accept(database, publisher, ada, mine)

    async def follows(known: Any) -> Any:
        return await followed_conversations(database, ada.id, supervising=False, known=known)

    async with broker.subscribe(DESK_CHANNEL, agent_channel(ada.id)) as subscription:
        feed = await ConversationFeed.following(database, subscription, follows)
        start = feed.position(mine)
        # Queued when the feed started, then another agent's: no longer ada's to follow.
        await accept(database, publisher, bob, theirs)
        # More than the subscriber holds, so its oldest events are dropped: a loss.
        for n in range(CAPACITY + 2):
            await send_message(database, publisher, mine, visitor, f"m{n}")
        # Where nobody hears: a conversation queued during the loss, and one of another agent.
        new, new_visitor = await _chat(database, MemoryBroker())
        await send_message(database, MemoryBroker(), new, new_visitor, "hello?")
        await send_message(database, MemoryBroker(), theirs, their_visitor, "not for ada")
        await _until(lambda: subscription.dropped > 0)
        events = await _events(feed, CAPACITY + 2 + 2)
        assert events[0] == RESYNC
        got = [(e["conversation_id"], e["index"]) for e in events if e["type"] == "message"]
        assert sorted(got) == sorted(
            [(mine, start + n + 1) for n in range(CAPACITY + 2)] + [(new, 1), (new, 2)]
        )
        assert [index for cid, index in got if cid == mine] == sorted(
            index for cid, index in got if cid == mine
        )
        await _nothing_more(feed)


# --- Redis: a lost connection, and the moment it is back --------------------------------------


@pytest.fixture
async def proxy(redis_url: str) -> AsyncIterator[TcpProxy]:
    target = urlsplit(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    await proxy.start()
    yield proxy
    await proxy.stop()


async def test_the_feed_wakes_when_the_broker_is_back(
    database: Database, redis_url: str, proxy: TcpProxy
) -> None:
    """Events published while the connection was down arrive without any later event."""
    proxied = urlsplit(redis_url)._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()
    listening = await RedisBroker.connect(proxied, reconnect_min_seconds=0.05)
    publishing = await RedisBroker.connect(redis_url)
    try:
        cid, mid = await _chat(database, publishing)
        async with listening.subscribe(conversation_channel(cid)) as subscription:
            feed = await _single(database, subscription, cid, 1)
            await send_message(database, publishing, cid, mid, "before")
            assert await _messages(feed, 1) == [(cid, 2, "before")]
            await proxy.stop()
            await _until(lambda: subscription.interruptions > 0)
            # The feed takes the interruption now (reading nothing new), then waits.
            await _nothing_more(feed)
            # Published to a Redis this process no longer hears: lost in transit.
            for text in ("during 1", "during 2"):
                await send_message(database, publishing, cid, mid, text)
            await proxy.start()
            assert await _messages(feed, 2) == [(cid, 3, "during 1"), (cid, 4, "during 2")]
            assert subscription.resumptions == 1
            await send_message(database, publishing, cid, mid, "after")
            assert await _messages(feed, 1) == [(cid, 5, "after")]
    finally:
        await listening.close()
        await publishing.close()
