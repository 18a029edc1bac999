"""Scale-out proof: two server instances sharing PostgreSQL and Redis see each other's events."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path

from fastapi import FastAPI

from frontdesk.app import create_app
from frontdesk.broker import Broker, BrokerMessage
from frontdesk.settings import Settings
from tests.conftest import TEST_SECRET_KEY


def broker_of(app: FastAPI) -> Broker:
    broker: Broker = app.state.services.broker
    return broker


async def test_an_event_published_in_one_instance_reaches_the_other(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    apps = [
        create_app(
            Settings(
                data_dir=tmp_path / name,
                database_url=postgres_url,
                redis_url=redis_url,
                secret_key=TEST_SECRET_KEY,
            )
        )
        for name in ("node-a", "node-b")
    ]
    channel = f"conversation-{uuid.uuid4().hex}"
    async with contextlib.AsyncExitStack() as stack:
        for app in apps:
            await stack.enter_async_context(app.router.lifespan_context(app))
        node_a, node_b = (broker_of(app) for app in apps)
        assert node_a is not node_b
        async with node_a.subscribe(channel) as on_a, node_b.subscribe(channel) as on_b:
            await node_a.publish(channel, {"type": "message", "index": 1})
            await node_b.publish(channel, {"type": "message", "index": 2})
            async with asyncio.timeout(5):
                for subscription in (on_a, on_b):
                    assert [await anext(subscription) for _ in range(2)] == [
                        BrokerMessage(channel, {"type": "message", "index": 1}),
                        BrokerMessage(channel, {"type": "message", "index": 2}),
                    ]
