"""What only the Redis broker does: one shared listener connection, and surviving Redis outages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import redis.asyncio

from frontdesk.broker import Subscription
from frontdesk.broker.redis import CHANNEL_PREFIX, RedisBroker, redact
from frontdesk.errors import ConfigError, Unavailable
from tests.broker.tcp_proxy import TcpProxy
from tests.broker.test_broker import WAIT_SECONDS, receive


@pytest.fixture
async def admin(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """A plain Redis client to look at, and interfere with, what the broker does."""
    client = redis.asyncio.Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def broker(redis_url: str) -> AsyncIterator[RedisBroker]:
    broker = await RedisBroker.connect(redis_url, reconnect_min_seconds=0.05)
    yield broker
    await broker.close()


@pytest.fixture
def channel() -> str:
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
async def proxy(redis_url: str) -> AsyncIterator[TcpProxy]:
    """A proxy in front of the test Redis, to cut it off and bring it back."""
    target = urlsplit(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    await proxy.start()
    yield proxy
    await proxy.stop()


def proxied(redis_url: str, proxy: TcpProxy) -> str:
    return urlsplit(redis_url)._replace(netloc=f"127.0.0.1:{proxy.port}").geturl()


async def subscriber_count(admin: redis.asyncio.Redis, channel: str) -> int:
    [(_, count)] = await admin.pubsub_numsub(CHANNEL_PREFIX + channel)
    return int(count)


async def publish_until_received(
    admin: redis.asyncio.Redis, channel: str, subscription: Subscription
) -> None:
    """Publish from another client until one event gets through; some are lost meanwhile."""
    async with asyncio.timeout(WAIT_SECONDS):
        while True:
            await admin.publish(CHANNEL_PREFIX + channel, b'{"probe":true}')
            try:
                async with asyncio.timeout(0.1):
                    await anext(subscription)
                return
            except TimeoutError:
                continue


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_redis_is_a_config_error_without_the_password() -> None:
    url = f"redis://:hunter2-password@127.0.0.1:{free_port()}/0"
    with pytest.raises(ConfigError) as caught:
        await RedisBroker.connect(url)
    assert caught.value.setting == "redis_url"
    assert "not reachable" in caught.value.problem
    assert "hunter2" not in str(caught.value)


def test_redact_hides_only_the_password() -> None:
    assert redact("redis://user:secret@cache:6380/2") == "redis://user:***@cache:6380/2"
    assert redact("redis://cache:6379/0") == "redis://cache:6379/0"


async def test_channels_are_namespaced_and_unsubscribed_on_exit(
    broker: RedisBroker, admin: redis.asyncio.Redis, channel: str
) -> None:
    async with broker.subscribe(channel):
        assert await subscriber_count(admin, channel) == 1
    # The UNSUBSCRIBE goes out as the writer catches up; Redis cannot notify us of it.
    async with asyncio.timeout(WAIT_SECONDS):
        while await subscriber_count(admin, channel):  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_all_local_subscribers_share_one_connection(
    broker: RedisBroker, admin: redis.asyncio.Redis, channel: str
) -> None:
    channels = [f"{channel}.{n}" for n in range(50)]
    async with contextlib.AsyncExitStack() as stack:
        entered = [await stack.enter_async_context(broker.subscribe(name)) for name in channels]
        second = await stack.enter_async_context(broker.subscribe(channels[0]))
        clients = await admin.client_list()
        assert sum(1 for c in clients if c["name"] == broker.listener_name) == 1
        assert await subscriber_count(admin, channels[0]) == 1
        await broker.publish(channels[0], {"n": 0})
        await broker.publish(channels[49], {"n": 49})
        assert (await receive(entered[0], 1))[0].event == {"n": 0}
        assert (await receive(second, 1))[0].event == {"n": 0}
        assert (await receive(entered[49], 1))[0].event == {"n": 49}


async def test_a_foreign_message_on_a_channel_is_ignored(
    broker: RedisBroker, admin: redis.asyncio.Redis, channel: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with broker.subscribe(channel) as subscription:
        await admin.publish(CHANNEL_PREFIX + channel, b"\xffnot json")
        await admin.publish(CHANNEL_PREFIX + channel, b"[1, 2]")
        await broker.publish(channel, {"n": 1})
        assert [m.event for m in await receive(subscription, 1)] == [{"n": 1}]
    assert "malformed event" in caplog.text


async def test_the_listener_reconnects_after_its_connection_is_killed(
    broker: RedisBroker, admin: redis.asyncio.Redis, channel: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="frontdesk.broker")
    async with broker.subscribe(channel) as subscription:
        [listener] = [c for c in await admin.client_list() if c["name"] == broker.listener_name]
        await admin.client_kill_filter(_id=listener["id"])
        await publish_until_received(admin, channel, subscription)
        assert subscription.interruptions == 1
        await broker.publish(channel, {"after": "reconnect"})
        async with asyncio.timeout(WAIT_SECONDS):
            while (await anext(subscription)).event != {"after": "reconnect"}:
                pass
    assert "connection lost" in caplog.text
    assert "reconnected" in caplog.text


async def test_an_outage_is_survived(
    redis_url: str,
    proxy: TcpProxy,
    admin: redis.asyncio.Redis,
    channel: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = await RedisBroker.connect(
        proxied(redis_url, proxy), reconnect_min_seconds=0.05, subscribe_timeout_seconds=0.5
    )
    try:
        async with broker.subscribe(channel) as subscription:
            await proxy.stop()
            with pytest.raises(Unavailable):
                await broker.ping()
            # The write an event reports is already committed: publishing must not fail it.
            await broker.publish(channel, {"lost": True})
            assert "could not publish" in caplog.text
            with pytest.raises(Unavailable):
                async with broker.subscribe(f"{channel}.new"):
                    pass
            await proxy.start()
            await publish_until_received(admin, channel, subscription)
            assert subscription.interruptions >= 1
            await broker.ping()
    finally:
        await broker.close()


async def test_a_subscriber_is_woken_when_the_connection_drops_and_when_it_is_back(
    redis_url: str, proxy: TcpProxy, channel: str
) -> None:
    """No event need arrive: the reader learns at once that it must re-read the store."""
    broker = await RedisBroker.connect(proxied(redis_url, proxy), reconnect_min_seconds=0.05)
    try:
        async with broker.subscribe(channel) as subscription:
            await proxy.stop()
            async with asyncio.timeout(WAIT_SECONDS):
                assert await subscription.receive() is None
            assert subscription.interruptions >= 1
            await proxy.start()
            async with asyncio.timeout(WAIT_SECONDS):
                while subscription.resumptions == 0:
                    assert await subscription.receive() is None
            # Told once it is subscribed again: what is published now arrives.
            await broker.publish(channel, {"n": 1})
            assert [m.event for m in await receive(subscription, 1)] == [{"n": 1}]
    finally:
        await broker.close()


async def test_a_silent_connection_is_detected_by_the_heartbeat(
    redis_url: str, proxy: TcpProxy, admin: redis.asyncio.Redis, channel: str
) -> None:
    broker = await RedisBroker.connect(
        proxied(redis_url, proxy), heartbeat_seconds=0.1, reconnect_min_seconds=0.05
    )
    try:
        async with broker.subscribe(channel) as subscription:
            proxy.freeze()
            await publish_until_received(admin, channel, subscription)
            assert subscription.interruptions == 1
    finally:
        await broker.close()


async def test_closing_releases_every_connection(
    redis_url: str, admin: redis.asyncio.Redis, channel: str
) -> None:
    broker = await RedisBroker.connect(redis_url)
    async with broker.subscribe(channel) as subscription:
        await broker.close()
        assert [message async for message in subscription] == []
    clients = await admin.client_list()
    assert not [c for c in clients if c["name"] == broker.listener_name]
