"""Event fan-out between server processes: in-process by default, Redis pub/sub to scale out."""

from __future__ import annotations

from frontdesk.broker.base import Broker, BrokerMessage
from frontdesk.broker.memory import MemoryBroker
from frontdesk.broker.redis import RedisBroker
from frontdesk.broker.subscription import Subscription
from frontdesk.settings import Settings

__all__ = ["Broker", "BrokerMessage", "Subscription", "open_broker"]


async def open_broker(settings: Settings) -> Broker:
    """The broker ``settings`` ask for, connected; ``ConfigError`` if Redis is unreachable."""
    if not settings.redis_url:
        return MemoryBroker()
    return await RedisBroker.connect(settings.redis_url)
