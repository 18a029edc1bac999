"""The broker interface: carries events from the process that wrote to every process.

Delivery is at-most-once (architecture decision 1): the database is the source of truth, so a
subscriber that may have missed events re-reads them from the store. A subscription tells it when
that may have happened: ``Subscription.receive`` answers None then (a drop, a lost connection,
and the moment it is back), and ``Subscription.losses`` counts those times.
"""

from __future__ import annotations

import abc
import dataclasses
import json
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontdesk.broker.subscription import Subscription


@dataclasses.dataclass(frozen=True, slots=True)
class BrokerMessage:
    """One event as a subscriber receives it; ``event`` is shared, so treat it as read-only."""

    channel: str
    event: dict[str, Any]


class Broker(abc.ABC):
    """Publish JSON events on named channels; subscribe to channels in this process."""

    @abc.abstractmethod
    async def publish(self, channel: str, event: dict[str, Any]) -> None:
        """Send ``event`` to every current subscriber of ``channel``, in any process.

        Raises ``TypeError`` for an event that is not a JSON object; delivery problems are
        logged, never raised, because the write the event reports has already been committed.
        """

    @abc.abstractmethod
    def subscribe(self, *channels: str) -> AbstractAsyncContextManager[Subscription]:
        """Listen on ``channels`` until the context exits; every event published after entry
        arrives, in publication order per channel (unless dropped)."""

    @abc.abstractmethod
    async def ping(self) -> None:
        """Raise ``frontdesk.errors.Unavailable`` when the broker cannot carry events."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Stop: end every subscription's iteration and release connections."""


def encode_event(channel: str, event: dict[str, Any]) -> bytes:
    """Serialise one event, refusing what a subscriber in another process could not receive."""
    check_channel(channel)
    if not isinstance(event, dict):
        raise TypeError(f"event for channel {channel!r} must be a dict, got {type(event).__name__}")
    try:
        text = json.dumps(event, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"event for channel {channel!r} is not JSON-serialisable: {exc}") from exc
    return text.encode("utf-8")


def decode_event(payload: bytes) -> dict[str, Any]:
    """The event ``encode_event`` produced; ``ValueError`` for anything else."""
    event = json.loads(payload)
    if not isinstance(event, dict):
        raise ValueError("event is not a JSON object")
    return event


def check_channel(channel: str) -> None:
    """Refuse channel names that cannot be used on every backend."""
    if not isinstance(channel, str) or not channel:
        raise ValueError(f"a channel name must be a non-empty string, got {channel!r}")


def check_channels(channels: tuple[str, ...]) -> None:
    """Refuse an empty or invalid channel list for a subscription."""
    if not channels:
        raise ValueError("a subscription needs at least one channel")
    for channel in channels:
        check_channel(channel)
