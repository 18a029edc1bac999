"""Run the app under uvicorn with the settings the architecture asks for."""

from __future__ import annotations

import uvicorn

from frontdesk.app import create_app
from frontdesk.settings import Settings


def uvicorn_config(settings: Settings) -> uvicorn.Config:
    """Uvicorn settings: sans-I/O websockets with per-message deflate off (cheaper per client)."""
    return uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        log_level=settings.log_level,
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


def run(settings: Settings) -> int:
    """Serve until interrupted; returns the process exit code."""
    server = uvicorn.Server(uvicorn_config(settings))
    server.run()
    return 0 if server.started else 1
