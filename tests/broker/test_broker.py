"""One suite for every broker: in-process and Redis (see the ``broker_url`` fixture)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from frontdesk.broker import Broker, BrokerMessage, Subscription, open_broker
from frontdesk.broker.memory import MemoryBroker
from frontdesk.broker.redis import RedisBroker
from frontdesk.errors import Unavailable
from frontdesk.settings import Settings

WAIT_SECONDS = 5.0


@pytest.fixture
async def broker(broker_url: str, tmp_path: Path) -> AsyncIterator[Broker]:
    broker = await open_broker(Settings(data_dir=tmp_path, redis_url=broker_url))
    yield broker
    await broker.close()


@pytest.fixture
def channel() -> str:
    """A channel no other test (or concurrent test run on the same Redis) uses."""
    return f"test-{uuid.uuid4().hex}"


async def receive(subscription: Subscription, count: int) -> list[BrokerMessage]:
    """The next ``count`` messages, failing the test if they take too long."""
    async with asyncio.timeout(WAIT_SECONDS):
        return [await anext(subscription) for _ in range(count)]


async def assert_nothing_more(subscription: Subscription) -> None:
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.2):
            await anext(subscription)


async def test_open_broker_picks_the_implementation(broker: Broker, broker_url: str) -> None:
    assert isinstance(broker, RedisBroker if broker_url else MemoryBroker)


async def test_a_subscriber_receives_what_is_published(broker: Broker, channel: str) -> None:
    async with broker.subscribe(channel) as subscription:
        await broker.publish(channel, {"type": "message", "index": 1, "text": "héllo ✓"})
        [message] = await receive(subscription, 1)
    assert message == BrokerMessage(channel, {"type": "message", "index": 1, "text": "héllo ✓"})


async def test_every_subscriber_receives_every_event(broker: Broker, channel: str) -> None:
    async with (
        broker.subscribe(channel) as first,
        broker.subscribe(channel) as second,
        broker.subscribe(channel) as third,
    ):
        await broker.publish(channel, {"n": 1})
        await broker.publish(channel, {"n": 2})
        for subscription in (first, second, third):
            received = await receive(subscription, 2)
            assert [m.event for m in received] == [{"n": 1}, {"n": 2}]


async def test_one_subscription_on_several_channels(broker: Broker, channel: str) -> None:
    chats, calls, other = f"{channel}.chats", f"{channel}.calls", f"{channel}.other"
    async with broker.subscribe(chats, calls) as subscription:
        await broker.publish(other, {"n": 0})
        await broker.publish(chats, {"n": 1})
        await broker.publish(calls, {"n": 2})
        received = await receive(subscription, 2)
        await assert_nothing_more(subscription)
    assert {(m.channel, m.event["n"]) for m in received} == {(chats, 1), (calls, 2)}


async def test_subscribers_only_get_their_channels(broker: Broker, channel: str) -> None:
    async with broker.subscribe(f"{channel}.a") as a, broker.subscribe(f"{channel}.b") as b:
        await broker.publish(f"{channel}.a", {"to": "a"})
        await broker.publish(f"{channel}.b", {"to": "b"})
        assert [m.event for m in await receive(a, 1)] == [{"to": "a"}]
        assert [m.event for m in await receive(b, 1)] == [{"to": "b"}]
        await assert_nothing_more(a)
        await assert_nothing_more(b)


async def test_events_keep_their_order_per_channel(broker: Broker, channel: str) -> None:
    async with broker.subscribe(channel) as subscription:
        for index in range(300):
            await broker.publish(channel, {"index": index})
        received = await receive(subscription, 300)
    assert [m.event["index"] for m in received] == list(range(300))


async def test_leaving_the_context_unsubscribes(broker: Broker, channel: str) -> None:
    async with broker.subscribe(channel) as gone:
        pass
    async with broker.subscribe(channel) as staying:
        await broker.publish(channel, {"n": 1})
        await receive(staying, 1)
    # The old subscription's iteration ended with nothing delivered after it left.
    async with asyncio.timeout(WAIT_SECONDS):
        assert [m async for m in gone] == []


async def test_a_channel_can_be_left_and_rejoined_quickly(broker: Broker, channel: str) -> None:
    """Churn of subscribers on one channel never leaves a new subscriber deaf."""

    async def churn() -> None:
        for _ in range(10):
            async with broker.subscribe(channel):
                await asyncio.sleep(0)

    await asyncio.gather(*(churn() for _ in range(5)))
    async with broker.subscribe(channel) as subscription:
        await broker.publish(channel, {"n": 1})
        assert [m.event for m in await receive(subscription, 1)] == [{"n": 1}]


async def test_events_arrive_as_json_would_carry_them(broker: Broker, channel: str) -> None:
    sent = {"ids": (1, 2), "nested": {"3": None}}
    async with broker.subscribe(channel) as subscription:
        await broker.publish(channel, sent)
        [message] = await receive(subscription, 1)
    assert message.event == {"ids": [1, 2], "nested": {"3": None}}
    assert message.event is not sent


@pytest.mark.parametrize(
    "event",
    [{"when": object()}, {"ratio": float("nan")}, {1j: "complex key"}, ["not", "a", "dict"]],
    ids=["object", "nan", "key", "list"],
)
async def test_an_event_json_cannot_carry_is_refused(
    broker: Broker, channel: str, event: object
) -> None:
    async with broker.subscribe(channel) as subscription:
        with pytest.raises(TypeError, match=channel):
            await broker.publish(channel, event)  # type: ignore[arg-type]
        await assert_nothing_more(subscription)


@pytest.mark.parametrize("bad", ["", None])
async def test_a_channel_needs_a_name(broker: Broker, bad: str) -> None:
    with pytest.raises(ValueError, match="channel"):
        await broker.publish(bad, {})
    with pytest.raises(ValueError, match="channel"):
        async with broker.subscribe(bad):
            pass
    with pytest.raises(ValueError, match="channel"):
        async with broker.subscribe():
            pass


async def test_ping_answers_while_open(broker: Broker) -> None:
    await broker.ping()


async def test_close_ends_subscriptions(broker: Broker, channel: str) -> None:
    async with broker.subscribe(channel) as subscription:
        await broker.publish(channel, {"n": 1})
        await receive(subscription, 1)
        listener = asyncio.create_task(_drain(subscription))
        await asyncio.sleep(0.05)
        await broker.close()
        async with asyncio.timeout(WAIT_SECONDS):
            assert await listener == []
    with pytest.raises(Unavailable):
        await broker.ping()
    with pytest.raises(RuntimeError, match="closed"):
        async with broker.subscribe(channel):
            pass
    # An event for a closed broker is dropped: the write it reports is already safe.
    await broker.publish(channel, {"n": 2})


async def _drain(subscription: Subscription) -> list[BrokerMessage]:
    return [message async for message in subscription]


@pytest.fixture
async def small_broker(broker_url: str) -> AsyncIterator[Broker]:
    """A broker whose subscribers hold at most four events."""
    broker: Broker
    if broker_url:
        broker = await RedisBroker.connect(broker_url, capacity=4)
    else:
        broker = MemoryBroker(capacity=4)
    yield broker
    await broker.close()


async def test_a_slow_subscriber_never_blocks_the_publisher(
    small_broker: Broker, channel: str
) -> None:
    async with small_broker.subscribe(channel) as slow, small_broker.subscribe(channel) as fast:
        started = time.monotonic()
        for index in range(48):
            await small_broker.publish(channel, {"index": index})
            if index % 4 == 3:
                # The fast subscriber keeps up; the slow one never reads until the end.
                assert [m.event["index"] for m in await receive(fast, 4)] == list(
                    range(index - 3, index + 1)
                )
        assert time.monotonic() - started < WAIT_SECONDS
        await assert_nothing_more(fast)
        # The slow one lost the oldest events, counted them, and kept the newest.
        assert slow.dropped == 44
        assert [m.event["index"] for m in await receive(slow, 4)] == [44, 45, 46, 47]
        assert fast.dropped == 0
