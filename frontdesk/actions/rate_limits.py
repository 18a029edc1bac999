"""Rate limits that hold across server processes: fixed windows counted in Redis or in memory.

A limit allows ``count`` hits per subject (a client address, a member) in each window of
``window_seconds``; the window starts with the first hit. With ``settings.redis_url`` the
counters live in Redis, so every process behind the load balancer shares them; otherwise in
this process's memory. If Redis cannot be reached the request is let through (and logged):
limits protect the service, they must not take it down.
"""

from __future__ import annotations

import abc
import dataclasses
import logging
import math
import time
from collections.abc import Callable

import redis.asyncio
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from frontdesk.errors import RateLimited
from frontdesk.settings import Settings

log = logging.getLogger("frontdesk.rate_limits")

# Shared with the broker's Redis, so the keys carry Frontdesk's prefix.
KEY_PREFIX = "frontdesk:rate:"
COMMAND_TIMEOUT_SECONDS = 1.0
# The in-memory counters drop expired windows once they hold this many subjects.
MEMORY_SWEEP_SIZE = 10_000


@dataclasses.dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` hits per subject in ``window_seconds``."""

    name: str
    count: int
    window_seconds: int


class Counter(abc.ABC):
    """Counts hits per key in windows that start with the key's first hit."""

    @abc.abstractmethod
    async def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        """Count one hit; the hits in the key's window so far, and seconds until it ends."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release connections."""


class MemoryCounter(Counter):
    """Counters in this process: right for a single server process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[int, float]] = {}

    async def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        now = self._clock()
        if len(self._windows) >= MEMORY_SWEEP_SIZE:
            self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
        count, ends = self._windows.get(key, (0, 0.0))
        if ends <= now:
            count, ends = 0, now + window_seconds
        self._windows[key] = (count + 1, ends)
        return count + 1, ends - now

    async def close(self) -> None:
        self._windows.clear()


class RedisCounter(Counter):
    """Counters in Redis, shared by every process that uses the same Redis."""

    def __init__(self, url: str, *, prefix: str | None = None) -> None:
        self._prefix = KEY_PREFIX if prefix is None else prefix
        self._redis = redis.asyncio.Redis.from_url(
            url,
            socket_connect_timeout=COMMAND_TIMEOUT_SECONDS,
            socket_timeout=COMMAND_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )

    async def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        # One transaction: the key is created with its expiry, so no crash can leave a
        # counter that never expires; INCR keeps the expiry.
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._prefix + key, 0, ex=window_seconds, nx=True)
            pipe.incr(self._prefix + key)
            pipe.pttl(self._prefix + key)
            _, count, ttl_ms = await pipe.execute()
        return int(count), max(int(ttl_ms), 0) / 1000

    async def close(self) -> None:
        await self._redis.aclose()


class RateLimits:
    """The server's limits, checked against one counter."""

    def __init__(self, settings: Settings, counter: Counter) -> None:
        self.counter = counter
        self.conversation_starts = Limit(
            "conversation-starts",
            settings.conversation_starts_per_ip,
            settings.conversation_starts_window_seconds,
        )
        self.messages = Limit(
            "messages", settings.messages_per_member, settings.messages_window_seconds
        )
        # Widgets say "typing" every few seconds at most; a flood only floods the agents' desks.
        self.typing = Limit("typing", settings.typing_per_member, settings.typing_window_seconds)
        self.socket_connects = Limit(
            "socket-connects",
            settings.socket_connects_per_ip,
            settings.socket_connects_window_seconds,
        )
        self.call_requests = Limit(
            "call-requests", settings.call_requests_per_ip, settings.call_requests_window_seconds
        )
        # A visitor with a number reports every page they open: a few times more than requests.
        self.call_pages = Limit(
            "call-pages", settings.call_requests_per_ip * 6, settings.call_requests_window_seconds
        )
        self.knowledge_requests = Limit(
            "knowledge-requests",
            settings.knowledge_requests_per_ip,
            settings.knowledge_requests_window_seconds,
        )

    async def check(self, limit: Limit, subject: str) -> None:
        """Count a hit by ``subject``; ``RateLimited`` (with ``retry_after``) once over."""
        try:
            count, remaining = await self.counter.hit(
                f"{limit.name}:{subject}", limit.window_seconds
            )
        except (RedisError, OSError) as exc:
            log.warning("rate limit %s not checked, Redis failed: %s", limit.name, exc)
            return
        if count > limit.count:
            raise RateLimited(
                "Too many requests; try again later.",
                limit=limit.name,
                retry_after=max(1, math.ceil(remaining)),
            )

    async def close(self) -> None:
        """Release the counter's connections."""
        await self.counter.close()


def open_rate_limits(settings: Settings) -> RateLimits:
    """Limits counted in Redis when the server has one, else in memory."""
    counter: Counter = RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
    return RateLimits(settings, counter)
