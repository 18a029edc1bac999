"""The Redis broker: pub/sub between server processes and machines.

Each process keeps one listener connection that carries the Redis subscriptions of all its local
subscribers (many WebSocket clients share it), and a small pool for publishing. When the listener
connection drops, it reconnects with backoff and subscribes again; events published meanwhile are
lost, which Redis pub/sub allows and the store makes harmless (architecture decision 1): every
subscription is told at once when the connection drops (``Subscription.interrupt``) and again once
its channels are subscribed again (``Subscription.resume``), so its reader re-reads the store
then, without waiting for another event.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import random
import secrets
from collections.abc import AsyncIterator, Coroutine
from typing import Any, NoReturn
from urllib.parse import urlsplit

import redis.asyncio
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import RedisError

from frontdesk.broker.base import Broker, BrokerMessage, check_channels, decode_event, encode_event
from frontdesk.broker.subscription import DEFAULT_CAPACITY, Subscription
from frontdesk.errors import ConfigError, Unavailable

log = logging.getLogger("frontdesk.broker")

# Several applications, or several Frontdesk components, may share one Redis.
CHANNEL_PREFIX = "frontdesk:"
CONNECT_TIMEOUT_SECONDS = 5.0
COMMAND_TIMEOUT_SECONDS = 2.0


@dataclasses.dataclass
class _Link:
    """The state of one listener connection; a reconnect starts a fresh one."""

    pubsub: PubSub
    last_heard: float
    # Channels SUBSCRIBEd on this connection, and SUBSCRIBEs per channel not yet confirmed.
    remote: set[str] = dataclasses.field(default_factory=set)
    unconfirmed: dict[str, int] = dataclasses.field(default_factory=dict)

    def is_subscribed(self, channel: str) -> bool:
        return channel in self.remote and channel not in self.unconfirmed


class RedisBroker(Broker):
    """Fan-out through Redis pub/sub, so every process sees every event."""

    def __init__(
        self,
        url: str,
        *,
        capacity: int = DEFAULT_CAPACITY,
        heartbeat_seconds: float = 5.0,
        subscribe_timeout_seconds: float = 5.0,
        reconnect_min_seconds: float = 0.2,
        reconnect_max_seconds: float = 10.0,
    ) -> None:
        self._capacity = capacity
        self._heartbeat = heartbeat_seconds
        self._subscribe_timeout = subscribe_timeout_seconds
        self._reconnect_min = reconnect_min_seconds
        self._reconnect_max = reconnect_max_seconds
        # Publishing runs inside the action that wrote: retry a blip once, never stall for long.
        self._commands = redis.asyncio.Redis.from_url(
            url,
            socket_connect_timeout=COMMAND_TIMEOUT_SECONDS,
            socket_timeout=COMMAND_TIMEOUT_SECONDS,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
        )
        # The listener must not reconnect behind our back: we re-subscribe and count the loss.
        self.listener_name = f"frontdesk-{os.getpid()}-{secrets.token_hex(4)}"
        self._listener = redis.asyncio.Redis.from_url(
            url,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
            client_name=self.listener_name,
        )
        self._local: dict[str, set[Subscription]] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self._changed = asyncio.Event()
        self._link: _Link | None = None
        # Every task that talks to Redis for the listener, so close() can stop them all.
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    @classmethod
    async def connect(cls, url: str, **options: Any) -> RedisBroker:
        """Open a broker, failing at once with ``ConfigError`` if Redis is unreachable."""
        broker = cls(url, **options)
        try:
            await broker._commands.ping()
        except (RedisError, OSError) as exc:
            await broker.close()
            raise ConfigError(
                "redis_url", f"Redis at {redact(url)} is not reachable: {exc}"
            ) from exc
        broker._spawn(broker._listen(), "listener")
        return broker

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Publish through Redis; a failure is logged, as the broker may drop events."""
        payload = encode_event(channel, event)
        if self._closed:
            log.warning("broker closed: dropped an event for %s", channel)
            return
        try:
            await self._commands.publish(CHANNEL_PREFIX + channel, payload)
        except (RedisError, OSError) as exc:
            log.warning("could not publish an event for %s to Redis: %s", channel, exc)

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[Subscription]:
        """Listen on ``channels``; entry waits until Redis confirms the subscription."""
        check_channels(channels)
        if self._closed:
            raise RuntimeError("the broker is closed")
        subscription = Subscription(channels, self._capacity)
        for channel in subscription.channels:
            self._add_local(channel, subscription)
        try:
            try:
                async with asyncio.timeout(self._subscribe_timeout):
                    for channel in subscription.channels:
                        await self._confirmed[channel].wait()
            except TimeoutError:
                raise Unavailable(
                    "The Redis event broker did not confirm a subscription in time.",
                    reason="subscribe_timeout",
                ) from None
            yield subscription
        finally:
            subscription.end()
            for channel in subscription.channels:
                self._remove_local(channel, subscription)

    async def ping(self) -> None:
        """Round-trip a PING to Redis."""
        if self._closed:
            raise Unavailable("The event broker is closed.")
        try:
            await self._commands.ping()
        except (RedisError, OSError) as exc:
            raise Unavailable("The Redis event broker is not reachable.", reason=str(exc)) from exc

    async def close(self) -> None:
        """Stop listening, end every subscription and close both connections."""
        self._closed = True
        # A listener that slipped a cancellation may spawn a reader and writer: stop those too.
        while self._tasks:
            await _cancel_and_wait(set(self._tasks))
        for subscriptions in self._local.values():
            for subscription in subscriptions:
                subscription.end()
        # Wake anyone still waiting to subscribe: they get an already-ended subscription.
        for confirmed in self._confirmed.values():
            confirmed.set()
        self._local.clear()
        self._confirmed.clear()
        await self._listener.aclose()
        await self._commands.aclose()

    def _add_local(self, channel: str, subscription: Subscription) -> None:
        subscribers = self._local.get(channel)
        if subscribers is None:
            subscribers = self._local[channel] = set()
            confirmed = self._confirmed[channel] = asyncio.Event()
            # The channel may still be subscribed on the connection if its last subscriber
            # left so recently that the writer has not unsubscribed it yet.
            if self._link is not None and self._link.is_subscribed(channel):
                confirmed.set()
            self._changed.set()
        subscribers.add(subscription)

    def _remove_local(self, channel: str, subscription: Subscription) -> None:
        subscribers = self._local.get(channel)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self._local[channel]
            del self._confirmed[channel]
            self._changed.set()

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=f"frontdesk-broker-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _listen(self) -> None:
        """Keep a listener connection up for as long as the broker is open."""
        loop = asyncio.get_running_loop()
        delay = self._reconnect_min
        failures = 0
        while True:
            started = loop.time()
            try:
                await self._run_link(failures)
            except Exception as exc:
                # Anything, not only Redis errors: a dead listener would silently stop realtime.
                problem = exc
            if self._closed:
                return
            if loop.time() - started >= self._reconnect_max:
                delay = self._reconnect_min
            failures += 1
            self._link = None
            for confirmed in self._confirmed.values():
                confirmed.clear()
            for subscriptions in self._local.values():
                for subscription in subscriptions:
                    subscription.interrupt()
            log.warning(
                "Redis pub/sub connection lost (%s: %s); reconnecting in %.1f s",
                type(problem).__name__,
                problem,
                delay,
                exc_info=not isinstance(problem, (RedisError, OSError)),
            )
            await asyncio.sleep(random.uniform(delay / 2, delay))
            delay = min(delay * 2, self._reconnect_max)

    async def _run_link(self, failures: int) -> NoReturn:
        """Connect, then read and write on one connection until either side fails."""
        pubsub = self._listener.pubsub()
        try:
            # redis-py leaves these two untyped.
            await pubsub.connect()  # type: ignore[no-untyped-call]
            link = _Link(pubsub, last_heard=asyncio.get_running_loop().time())
            self._link = link
            if failures:
                log.info(
                    "Redis pub/sub reconnected; subscribing to %d channel(s) again",
                    len(self._local),
                )
            self._changed.set()
            reader = self._spawn(self._read(link), "reader")
            writer = self._spawn(self._write(link), "writer")
            try:
                done, _ = await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                await _cancel_and_wait({reader, writer})
            # Reader and writer loop until they fail, so whichever finished carries the error.
            failure = next(task.exception() for task in done)
            raise failure or ConnectionError("the Redis listener stopped")
        finally:
            await pubsub.aclose()

    async def _read(self, link: _Link) -> None:
        """Dispatch messages and note confirmations, until the connection fails."""
        loop = asyncio.get_running_loop()
        while True:
            message = await link.pubsub.get_message(timeout=None)
            link.last_heard = loop.time()
            if message is None:
                continue
            kind = message["type"]
            if kind == "message":
                self._dispatch(message["channel"], message["data"])
            elif kind == "subscribe":
                self._note_confirmed(link, _local_name(message["channel"]))

    async def _write(self, link: _Link) -> None:
        """Bring Redis's subscriptions in line with local ones; check the connection is alive."""
        loop = asyncio.get_running_loop()
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._heartbeat):
                    await self._changed.wait()
            self._changed.clear()
            silence = loop.time() - link.last_heard
            if silence > 3 * self._heartbeat:
                raise ConnectionError(f"no reply from Redis for {silence:.1f} s")
            if silence > self._heartbeat:
                await link.pubsub.ping()
            wanted = set(self._local)
            new, gone = wanted - link.remote, link.remote - wanted
            # Update the books before sending, so no confirmation arrives before it is expected.
            link.remote = wanted
            for channel in new:
                link.unconfirmed[channel] = link.unconfirmed.get(channel, 0) + 1
            if new:
                await link.pubsub.subscribe(*(CHANNEL_PREFIX + channel for channel in new))
            if gone:
                await link.pubsub.unsubscribe(*(CHANNEL_PREFIX + channel for channel in gone))

    def _note_confirmed(self, link: _Link, channel: str) -> None:
        remaining = link.unconfirmed.get(channel, 0) - 1
        if remaining > 0:
            link.unconfirmed[channel] = remaining
            return
        link.unconfirmed.pop(channel, None)
        confirmed = self._confirmed.get(channel)
        if confirmed is not None and channel in link.remote:
            confirmed.set()
            # After a reconnect this is when a subscriber's re-read of the store misses nothing.
            for subscription in self._local.get(channel, ()):
                subscription.resume(channel)

    def _dispatch(self, raw_channel: bytes, payload: bytes) -> None:
        channel = _local_name(raw_channel)
        subscriptions = self._local.get(channel)
        if not subscriptions:
            return
        try:
            event = decode_event(payload)
        except ValueError:
            log.warning("ignored a malformed event on Redis channel %s", CHANNEL_PREFIX + channel)
            return
        message = BrokerMessage(channel, event)
        for subscription in subscriptions:
            subscription.deliver(message)


async def _cancel_and_wait(tasks: set[asyncio.Task[None]]) -> None:
    """Cancel tasks until they have ended.

    Once is not always enough: Python 3.11's ``asyncio.wait_for``, which redis-py uses, swallows
    a cancellation that arrives as the operation it waits for completes.
    """
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=0.1)


def _local_name(raw_channel: bytes) -> str:
    return raw_channel.decode("utf-8", "replace").removeprefix(CHANNEL_PREFIX)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
