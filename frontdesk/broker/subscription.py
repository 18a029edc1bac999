"""A subscriber's inbox: a bounded queue that never makes the publisher wait."""

from __future__ import annotations

import asyncio
import collections
import logging

from frontdesk.broker.base import BrokerMessage

log = logging.getLogger("frontdesk.broker")

DEFAULT_CAPACITY = 512


class Subscription:
    """Messages for one subscriber, iterated with ``async for``; iteration ends when the broker
    closes.

    A slow subscriber must not hold up the publisher or other subscribers, so when the queue is
    full the oldest message is dropped and counted in ``dropped``. ``interruptions`` counts
    broker connection losses. When either grows, events may have been missed: re-read them
    from the store.
    """

    def __init__(self, channels: tuple[str, ...], capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("a subscription needs room for at least one message")
        self.channels = frozenset(channels)
        self.dropped = 0
        self.interruptions = 0
        self._capacity = capacity
        self._queue: collections.deque[BrokerMessage] = collections.deque()
        self._wakeup = asyncio.Event()
        self._ended = False

    def deliver(self, message: BrokerMessage) -> None:
        """Queue a message without waiting, dropping the oldest when full."""
        if self._ended:
            return
        if len(self._queue) >= self._capacity:
            self._queue.popleft()
            self.dropped += 1
            if self.dropped == 1:
                log.warning(
                    "subscriber to %s is too slow: dropping its oldest events",
                    ", ".join(sorted(self.channels)),
                )
        self._queue.append(message)
        self._wakeup.set()

    def interrupt(self) -> None:
        """Record that the broker lost events it may have had for this subscriber."""
        self.interruptions += 1

    def end(self) -> None:
        """Let the subscriber drain what is queued, then stop its iteration."""
        self._ended = True
        self._wakeup.set()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> BrokerMessage:
        while not self._queue:
            if self._ended:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._queue.popleft()
