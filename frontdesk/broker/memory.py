"""The in-process broker: the embedded default, for a single server process."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from frontdesk.broker.base import Broker, BrokerMessage, check_channels, decode_event, encode_event
from frontdesk.broker.subscription import DEFAULT_CAPACITY, Subscription
from frontdesk.errors import Unavailable

log = logging.getLogger("frontdesk.broker")


class MemoryBroker(Broker):
    """Fan-out to subscribers in this process; nothing crosses a process boundary."""

    def __init__(self, *, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._subscribers: dict[str, set[Subscription]] = {}
        self._closed = False

    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Deliver to this process's subscribers without waiting for any of them."""
        payload = encode_event(channel, event)
        if self._closed:
            log.warning("broker closed: dropped an event for %s", channel)
            return
        # A JSON round trip gives subscribers exactly what the Redis broker would: no shared
        # mutable state with the publisher, tuples as lists, keys as strings.
        message = BrokerMessage(channel, decode_event(payload))
        for subscription in self._subscribers.get(channel, ()):
            subscription.deliver(message)

    @contextlib.asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[Subscription]:
        """Listen on ``channels`` while the context is open."""
        check_channels(channels)
        if self._closed:
            raise RuntimeError("the broker is closed")
        subscription = Subscription(channels, self._capacity)
        for channel in subscription.channels:
            self._subscribers.setdefault(channel, set()).add(subscription)
        try:
            yield subscription
        finally:
            subscription.end()
            for channel in subscription.channels:
                remaining = self._subscribers.get(channel)
                if remaining is not None:
                    remaining.discard(subscription)
                    if not remaining:
                        del self._subscribers[channel]

    async def ping(self) -> None:
        """Always reachable while open."""
        if self._closed:
            raise Unavailable("The event broker is closed.")

    async def close(self) -> None:
        """End every subscription."""
        self._closed = True
        for subscriptions in self._subscribers.values():
            for subscription in subscriptions:
                subscription.end()
        self._subscribers.clear()
