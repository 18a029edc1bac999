"""Run the app under uvicorn with the settings the architecture asks for."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from fastapi import FastAPI

from frontdesk.app import Services, create_app
from frontdesk.http_protocol import deadline_protocol
from frontdesk.settings import Settings
from frontdesk.transports.event_stream import MAX_CLIENT_FRAME_CHARACTERS

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


def run(settings: Settings) -> int:
    """Serve until interrupted; returns the process exit code."""
    app = create_app(settings)
    server = DrainingServer(uvicorn_config(settings, app), app)
    server.run()
    return 0 if server.started else 1
