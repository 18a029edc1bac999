"""Run the app under uvicorn with the settings the architecture asks for."""

from __future__ import annotations

import asyncio
import logging
import socket

import uvicorn
from fastapi import FastAPI

from frontdesk.app import Services, create_app
from frontdesk.broker import open_broker
from frontdesk.http_protocol import deadline_protocol
from frontdesk.security.secret_key import load_secret_key
from frontdesk.settings import Settings
from frontdesk.store.database import Database
from frontdesk.store.migrate import upgrade
from frontdesk.transports.event_stream import MAX_CLIENT_FRAME_CHARACTERS

log = logging.getLogger("frontdesk")

# A client's frames are small JSON objects (``receive_frame`` refuses longer ones): a larger
# message is refused, with close code 1009, from its frame header, before it is read.
WS_MAX_MESSAGE_BYTES = 4 * MAX_CLIENT_FRAME_CHARACTERS


def uvicorn_config(settings: Settings, app: FastAPI | None = None) -> uvicorn.Config:
    """Uvicorn settings: sans-I/O websockets with per-message deflate off (cheaper per client),
    and deadlines for clients slow to send (``http_protocol``)."""
    return uvicorn.Config(
        app if app is not None else create_app(settings),
        host=settings.host,
        port=settings.port,
        http=deadline_protocol(settings.header_timeout_seconds, settings.body_timeout_seconds),
        timeout_keep_alive=settings.keep_alive_timeout_seconds,
        ws="websockets-sansio",
        ws_max_size=WS_MAX_MESSAGE_BYTES,
        ws_per_message_deflate=False,
        log_level=settings.log_level,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


class DrainingServer(uvicorn.Server):
    """A uvicorn server that tells the app when it begins to stop.

    Uvicorn waits for open requests before it stops (up to ``timeout_graceful_shutdown``), and a
    long-poll may wait 25 s: without this, a restart during a v3 chat would take that much longer.
    When uvicorn starts its shutdown (on SIGTERM or SIGINT, whose handler only sets
    ``should_exit``, which its main loop checks every 0.1 s), the app's ``Services.draining`` is
    set and waiting polls answer at once.
    """

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Not before uvicorn has stopped listening and told every connection to close after its
        # current answer (the synchronous start of ``shutdown``, before its first await): set
        # any earlier, a client that polls again at once would be answered at once on its
        # keep-alive connection, again and again. So this runs on the loop's next turn.
        asyncio.get_running_loop().call_soon(self._drain)
        await super().shutdown(sockets)

    def _drain(self) -> None:
        services: Services | None = getattr(self._app.state, "services", None)
        if services is not None:
            services.draining.set()


async def check_services(settings: Settings) -> None:
    """Before serving: the secret key, the database (migrated) and the broker, or a ConfigError.

    In the app's lifespan the same failures would reach the operator as uvicorn's traceback;
    here they become one line from the command.
    """
    load_secret_key(settings)
    database = await Database.open(settings)
    try:
        if settings.migrate:
            await upgrade(database)
    finally:
        await database.close()
    broker = await open_broker(settings)
    await broker.close()
    if not settings.allowed_origins:
        log.warning(
            "no site may embed the widgets: set FRONTDESK_ALLOWED_ORIGINS "
            "(or --allowed-origins) to the sites that do"
        )


def run(settings: Settings) -> int:
    """Check the services, then serve until interrupted; returns the process exit code."""
    asyncio.run(check_services(settings))
    # Migrated just now: the app need not do it again.
    app = create_app(settings.replace(migrate=False))
    server = DrainingServer(uvicorn_config(settings, app), app)
    server.run()
    return 0 if server.started else 1
