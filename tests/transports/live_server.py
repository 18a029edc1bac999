"""A real uvicorn server on a free loopback port, on the test's event loop, for WebSocket tests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI

from frontdesk.app import Services, create_app
from frontdesk.settings import Settings


class LiveServer:
    """A running server: its base URLs and its services."""

    def __init__(self, port: int, app: FastAPI) -> None:
        self.http = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}"
        self.app = app

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """Serve ``create_app(settings)`` until the context exits."""
    port = _free_port()
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(port, app)
    finally:
        server.should_exit = True
        await task
