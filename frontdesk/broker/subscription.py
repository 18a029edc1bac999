"""A subscriber's inbox: a bounded queue that never makes the publisher wait."""

from __future__ import annotations

import asyncio
import collections
import logging

from frontdesk.broker.base import BrokerMessage

log = logging.getLogger("frontdesk.broker")

DEFAULT_CAPACITY = 512


class Subscription:
    """Messages for one subscriber, iterated with ``async for`` or read with ``receive``;
    either ends when the broker closes.

    A slow subscriber must not hold up the publisher or other subscribers, so when the queue is
    full the oldest message is dropped and counted in ``dropped``. ``interruptions`` counts
    broker connection losses and ``resumptions`` the moments every channel was subscribed
    again after one. When any of them grows, events may have been missed: re-read them from
    the store. ``receive`` says so at once, even when no further event arrives.
    """

    def __init__(self, channels: tuple[str, ...], capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("a subscription needs room for at least one message")
        self.channels = frozenset(channels)
        self.dropped = 0
        self.interruptions = 0
        self.resumptions = 0
        self._capacity = capacity
        self._queue: collections.deque[BrokerMessage] = collections.deque()
        self._wakeup = asyncio.Event()
        self._ended = False
        # Channels not yet subscribed again since the last interruption.
        self._suspended: set[str] = set()
        self._noticed = 0
        self._woken = False

    @property
    def losses(self) -> int:
        """How many times events may have been lost: drops, interruptions and resumptions."""
        return self.dropped + self.interruptions + self.resumptions

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
        down = bool(self._suspended)
        self._suspended = set(self.channels)
        if down:
            # Not back since the last one: a failed reconnect loses nothing new to re-read.
            return
        self.interruptions += 1
        self._wakeup.set()

    def resume(self, channel: str) -> None:
        """Record that ``channel`` is subscribed again; once all are, events flow again and
        whatever was published meanwhile is only in the store."""
        if channel not in self._suspended:
            return
        self._suspended.discard(channel)
        if not self._suspended:
            self.resumptions += 1
            self._wakeup.set()

    def wake(self) -> None:
        """Make the pending (or next) ``receive`` return None, as after a loss."""
        self._woken = True
        self._wakeup.set()

    def end(self) -> None:
        """Let the subscriber drain what is queued, then stop its iteration."""
        self._ended = True
        self._wakeup.set()

    async def receive(self) -> BrokerMessage | None:
        """The next message; None first whenever events may have been lost since the last
        call (or ``wake`` was called). ``StopAsyncIteration`` once ended and drained."""
        while True:
            if self.losses != self._noticed or self._woken:
                self._noticed = self.losses
                self._woken = False
                return None
            if self._queue:
                return self._queue.popleft()
            if self._ended:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> BrokerMessage:
        """The next message, for subscribers that never re-read the store."""
        while (message := await self.receive()) is None:
            pass
        return message
